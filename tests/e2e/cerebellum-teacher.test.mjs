// The cerebellum as a teacher (`task=distal-teacher`, docs/science.md §5.6): chosen from
// the task list it goes into the URL; stage 1's forward model learns the plant (its
// error falls), then stage 2's controller, taught only through that model, reaches
// the goal (the reach error falls); both charts are drawn; the link reopens it; it
// fits a projector, a wide screen and a phone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, drawnPixels, number, screenshot, setValue, until, urlHolds } from "./harness.mjs";

const app = appSession();

test("the distal teacher: the model's error falls in stage 1, the reach error in stage 2", async () => {
  const { page, problems } = await app.open("?page=cerebellum", { width: 1280, height: 720 });
  await page.getByTestId("metric-gain").waitFor();
  await page.getByTestId("task").selectOption("distal-teacher");
  await urlHolds(page, "task=distal-teacher");
  await page.getByTestId("metric-stage").waitFor();
  assert.equal(await page.getByTestId("explanation").count(), 0);
  assert.equal(await page.getByTestId("teacher-explanation").count(), 1);
  // Stage 1, a quarter of a second in: the model still predicts almost nothing.
  await setValue(page, "speed", "250");
  await urlHolds(page, "speed=250");
  await page.getByTestId("step").click();
  const naive = await until(() => number(page, "metric-prediction-error"), (e) => Number.isFinite(e), 5_000);
  assert.ok(naive > 50, `the naive model's error is ${naive} % of the outcome`);
  assert.equal(await number(page, "metric-stage"), 1);
  assert.ok(Number.isNaN(await number(page, "metric-tracking-error")), "no reach error before stage 2");

  await page.getByTestId("play").click();
  await until(() => number(page, "metric-stage"), (s) => s === 2, 60_000);
  const learned = await number(page, "metric-prediction-error");
  assert.ok(learned < naive / 2, `the model's error fell only from ${naive} % to ${learned} %`);
  // Stage 2: the reach error starts at the whole goal and falls below 1 %.
  const reachEarly = await until(() => number(page, "metric-tracking-error"), (e) => Number.isFinite(e), 10_000);
  await screenshot(page, "cerebellum-teacher-switch-1280x720");
  const reached = await until(() => number(page, "metric-tracking-error"), (e) => e < 1, 60_000);
  assert.ok(reachEarly > 10 * reached, `reach error ${reachEarly} % → ${reached} %`);
  for (const chart of ["chart-stage-1", "chart-stage-2", "chart-teacher-signals"]) {
    assert.ok((await drawnPixels(page, `[data-testid="${chart}"]`)) > 500, `${chart} is drawn`);
  }
  await page.getByTestId("play").click();
  await screenshot(page, "cerebellum-teacher-1280x720");

  // The link opens the same demonstration.
  const url = page.url();
  assert.match(url, /task=distal-teacher/);
  const again = await app.open(url.slice(url.indexOf("?")), { width: 1920, height: 1080 });
  await again.page.getByTestId("metric-stage").waitFor();
  assert.equal(await again.page.getByTestId("task").inputValue(), "distal-teacher");
  await again.page.getByTestId("play").click();
  await until(() => number(again.page, "metric-stage"), (s) => s === 2, 60_000);
  await again.page.getByTestId("play").click();
  await screenshot(again.page, "cerebellum-teacher-1920x1080");
  await again.page.close();

  const phone = await app.open("?page=cerebellum&task=distal-teacher&speed=500&autoplay=1", { width: 390, height: 844 });
  await until(() => number(phone.page, "metric-stage"), (s) => s === 2, 60_000);
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the phone scrolls sideways by ${overflow} px`);
  await screenshot(phone.page, "cerebellum-teacher-390x844");
  assert.deepEqual([...problems, ...again.problems, ...phone.problems], []);
  await phone.page.close();
  await page.close();
});
