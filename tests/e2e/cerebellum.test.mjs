// The cerebellum page as a student uses it: open it from the nav, press play and
// watch the VOR gain reach M; move the spectacles slider and it follows; a late
// error breaks learning at 5 Hz and an eligibility delay repairs it; the forward
// model's error falls; embed mode shows only the views.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  appSession,
  drawnPixels,
  number,
  paintedFrames,
  pause,
  screenshot,
  setValue,
  until,
  urlHolds,
} from "./harness.mjs";

const app = appSession();

const near = (target, tolerance) => (g) => Number.isFinite(g) && Math.abs(g - target) <= tolerance * Math.abs(target);

test("the nav opens the cerebellum page; play brings the VOR gain to M", async () => {
  const { page, problems } = await app.open();
  await page.getByTestId("nav-cerebellum").click();
  await page.getByTestId("metric-gain").waitFor();
  assert.match(page.url(), /page=cerebellum/);
  assert.equal(await page.getByTestId("nav-cerebellum").getAttribute("aria-current"), "page");
  assert.equal(await page.getByTestId("nav-rules").getAttribute("aria-current"), null);
  assert.equal(await page.locator("[data-testid=notice] li").count(), 0);
  assert.equal(await number(page, "metric-time"), 0);
  // Faster than the default so the test is quick: 0.2 simulated s per frame.
  await setValue(page, "speed", "200");
  await urlHolds(page, "speed=200");
  await page.getByTestId("play").click();
  const gain = await until(() => number(page, "metric-gain"), near(2, 0.02), 30_000);
  assert.ok(near(2, 0.02)(gain), `gain ${gain} did not reach M = 2`);
  assert.ok((await number(page, "metric-time")) > 1);
  // The slip falls from its naive 0.71 (RMS of -(M - B) H).
  const slip = await until(() => number(page, "metric-error-rms"), (r) => r < 0.05, 20_000);
  assert.ok(slip < 0.05, `slip RMS still ${slip}`);
  assert.ok((await drawnPixels(page, '[data-testid="chart-gain"]')) > 100, "gain chart draws");
  await screenshot(page, "cerebellum-vor");
  // Live retuning: new spectacles, same weights; the gain heads to the new M.
  await setValue(page, "spectacles", "0.5");
  await urlHolds(page, "spectacles=0.5");
  // The target readout is the worker's: it follows with the next frame.
  assert.equal(await until(() => number(page, "metric-target"), (t) => t === 0.5, 5_000), 0.5);
  const retuned = await until(() => number(page, "metric-gain"), near(0.5, 0.04), 30_000);
  assert.ok(near(0.5, 0.04)(retuned), `gain ${retuned} did not follow M = 0.5`);
  // A value being typed stays while the page redraws; one out of range springs back
  // to the setting, in the box and on the slider, and changes nothing.
  const box = page.getByTestId("spectacles");
  await box.fill("0.7");
  const typedAt = await number(page, "metric-time");
  await until(() => number(page, "metric-time"), (t) => t > typedAt + 1, 10_000);
  assert.equal(await box.inputValue(), "0.7", "the draft survives the redraws");
  await box.fill("99");
  await box.dispatchEvent("change");
  assert.equal(await until(() => box.inputValue(), (v) => v === "0.5", 5_000), "0.5");
  assert.equal(await page.getByTestId("spectacles-range").inputValue(), "0.5");
  assert.match(page.url(), /spectacles=0\.5/);
  assert.equal(await number(page, "metric-target"), 0.5);
  await pause(page);
  const paused = await number(page, "metric-time");
  // The loop advances the time on every 16 ms tick: twenty frames would show it.
  await paintedFrames(page, 20);
  assert.equal(await number(page, "metric-time"), paused, "pause stops the simulation");
  await page.keyboard.press("s");
  assert.ok((await until(() => number(page, "metric-time"), (t) => t > paused, 5_000)) > paused, "s steps");
  await page.keyboard.press("r");
  assert.equal(await until(() => number(page, "metric-time"), (t) => t === 0, 5_000), 0, "r resets");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a late error breaks learning at 5 Hz; the eligibility delay repairs it", async () => {
  const { page, problems } = await app.open("?page=cerebellum&freq=5&edelay=0.1&speed=400&autoplay=1");
  await page.getByTestId("metric-gain").waitFor();
  const notices = page.locator("[data-testid=notice] li");
  // Either it diverges (a notice names the limit) or the gain runs away from M.
  await until(
    async () => (await notices.count()) > 0 || (await number(page, "metric-time")) > 25,
    (done) => done,
    40_000,
  );
  const failed = (await notices.count()) > 0 || !near(2, 0.05)(await number(page, "metric-gain"));
  assert.ok(failed, "learning should fail with a 100 ms error delay at 5 Hz");
  if ((await notices.count()) > 0) {
    const text = await notices.first().innerText();
    assert.match(text, /diverged/);
    assert.match(text, /1\/\(4·/);
    assert.match(text, /eligibility/);
    assert.equal(await page.getByTestId("play").innerText(), "▶ Play", "a divergence pauses");
  }
  await screenshot(page, "cerebellum-delay-fails");
  // The controls still work: add the matching eligibility delay and start again.
  await setValue(page, "eldelay", "0.1");
  await urlHolds(page, "eldelay=0.1");
  await page.getByTestId("reset").click();
  if ((await page.getByTestId("play").innerText()).includes("Play")) await page.getByTestId("play").click();
  const gain = await until(() => number(page, "metric-gain"), near(2, 0.02), 30_000);
  assert.ok(near(2, 0.02)(gain), `with the eligibility delay the gain is ${gain}, not 2`);
  assert.equal(await notices.count(), 0, "the divergence notice goes once the repaired run replaces it");
  await screenshot(page, "cerebellum-delay-repaired");
  assert.deepEqual(problems, []);
  await page.close();
});

test("the forward model's prediction error falls", async () => {
  // beta=0 first: the naive error over a full 5 s window, then learning from there.
  const { page, problems } = await app.open("?page=cerebellum&task=forward-model&speed=500&beta=0");
  await page.getByTestId("metric-gain").waitFor();
  assert.equal(await page.getByTestId("task").inputValue(), "forward-model");
  for (let i = 0; i < 12; i++) await page.getByTestId("step").click();
  assert.ok((await until(() => number(page, "metric-time"), (t) => t >= 6, 5_000)) >= 6);
  const before = await number(page, "metric-error-rms");
  await setValue(page, "beta", "20");
  await urlHolds(page, "beta=20");
  await page.getByTestId("play").click();
  await until(() => number(page, "metric-time"), (t) => t > 70, 40_000);
  const afterRms = await number(page, "metric-error-rms");
  assert.ok(afterRms < before / 4, `error RMS fell only from ${before} to ${afterRms}`);
  await screenshot(page, "cerebellum-forward-model");
  assert.deepEqual(problems, []);
  await page.close();
});

test("bad parameters give notices; embed mode shows only the views", async () => {
  const { page, problems } = await app.open("?page=cerebellum&spectacles=99&colour=red&embed=1");
  await page.getByTestId("metric-gain").waitFor();
  const text = await page.getByTestId("notice").innerText();
  assert.match(text, /spectacles/);
  assert.match(text, /\[-10, 10\]/);
  assert.match(text, /colour/);
  assert.equal(await page.locator("header.header").count(), 0);
  assert.equal(await page.locator(".controls").count(), 0);
  assert.equal(await page.locator("footer").count(), 0);
  assert.equal(await page.getByTestId("explanation").count(), 0);
  assert.equal(await page.getByTestId("circuit").count(), 1);
  await screenshot(page, "cerebellum-embed");
  assert.deepEqual(problems, []);
  await page.close();
  // An unknown page falls back to the rules page with a notice.
  const other = await app.open("?page=cortex");
  await other.page.locator('[data-testid="metric-step"]').first().waitFor();
  assert.match(await other.page.getByTestId("notice").innerText(), /unknown page 'cortex'/);
  assert.equal(await other.page.getByTestId("nav-rules").getAttribute("aria-current"), "page");
  assert.deepEqual(other.problems, []);
  await other.page.close();
});
