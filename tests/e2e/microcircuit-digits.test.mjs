// The handwritten digits on the microcircuit page (issue 13): `task=digits` has the
// worker download digits.bin itself (progress while it comes), then the steady-state
// 784-100-10 circuit learns in minibatches; the test accuracy on the first 1,000
// held-out digits rises well above chance, and the receptive fields and the confusion
// matrix are drawn. The link keeps the task; values the task cannot take give notices.
// The worker's logic is tested natively against core (web/tests/microcircuit_digits.rs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, drawnPixels, metric, number, pause, screenshot, until } from "./harness.mjs";

const app = appSession();

// Measured (seed 1, 1,200 patterns a frame at most): above 60 % after about 9,000 to
// 14,000 patterns, a few seconds of playing; the curve is noisy (±10 points between
// passes), so the test waits for the first pass above it.
const SAFE_ACCURACY = 60;

const status = (page) => page.getByTestId("digits-status").getAttribute("data-status");

test("digits: the worker loads them, the circuit learns them above chance, fields and confusion drawn", async () => {
  const { page, problems } = await app.open("?page=microcircuit&task=digits", { width: 1280, height: 720 });
  await page.getByTestId("digits-status").waitFor();
  assert.equal(await page.getByTestId("task").inputValue(), "digits");
  assert.equal(await page.locator("[data-testid=notice] li").count(), 0);
  assert.equal(await page.getByTestId("mode").isDisabled(), true, "the digits run the steady state");
  assert.match(await page.getByTestId("task-note").innerText(), /784-100-10 circuit in the steady state/);
  assert.equal(await until(() => status(page), (s) => s === "loaded", 60_000), "loaded");
  // The untrained circuit's first test pass comes with the first frame that plays.
  assert.equal(await metric(page, "metric-step"), "0");
  const conditions = await page.getByTestId("digits-conditions").innerText();
  assert.match(conditions, /784-100-10/);
  assert.match(conditions, /1\.96 % test error/);
  assert.match(conditions, /12,000 training digits/);

  await page.getByTestId("play").click();
  const started = Date.now();
  const accuracy = await until(() => number(page, "metric-accuracy"), (a) => a > SAFE_ACCURACY, 180_000);
  const seconds = (Date.now() - started) / 1000;
  const patterns = await number(page, "metric-step");
  const rate = await until(() => number(page, "metric-rate"), Number.isFinite, 10_000);
  console.log(`# digits: test accuracy ${accuracy} % after ${patterns} patterns, ${seconds.toFixed(1)} s of playing; ${rate} patterns/s`);
  assert.ok(accuracy > SAFE_ACCURACY && accuracy <= 100, `test accuracy ${accuracy} % after ${patterns} patterns`);
  await pause(page);
  assert.ok((await drawnPixels(page, '[data-testid="chart-accuracy"]')) > 100);
  const fields = page.getByTestId("receptive-fields");
  assert.equal(await fields.getAttribute("data-count"), "24");
  assert.ok((await drawnPixels(page, '[data-testid="receptive-fields"] canvas')) > 1000);
  const confusion = page.locator('table[data-testid="confusion-matrix"]');
  assert.equal(await confusion.locator("td[data-true]").count(), 100);
  const counts = await confusion
    .locator("td[data-true]")
    .evaluateAll((cells) => cells.map((c) => [c.dataset.true, c.dataset.predicted, Number(c.innerText)]));
  const total = counts.reduce((sum, [, , n]) => sum + n, 0);
  const diagonal = counts.filter(([t, p]) => t === p).reduce((sum, [, , n]) => sum + n, 0);
  assert.equal(total, 1000, "a pass classifies the first 1,000 held-out digits");
  assert.ok(diagonal / 10 > SAFE_ACCURACY - 25, `the matrix's diagonal: ${diagonal} of 1000`);
  await screenshot(page, "microcircuit-digits");

  // The link keeps the task; values the digits cannot take are named and replaced.
  const link = page.url();
  assert.match(link, /task=digits/);
  const phone = await app.open("?page=microcircuit&task=digits&mode=full&target=0", { width: 390, height: 844 });
  const notices = await phone.page.locator("[data-testid=notice] li").allInnerTexts();
  assert.equal(notices.length, 2, notices.join("\n"));
  assert.match(notices[0], /mode.*full is not offered on the digits/s);
  assert.match(notices[1], /target.*learn with the target on/s);
  assert.equal(await until(() => status(phone.page), (s) => s === "loaded", 60_000), "loaded");
  await phone.page.getByTestId("play").click();
  const learned = await until(() => number(phone.page, "metric-accuracy"), (a) => a > 20, 120_000);
  assert.ok(learned > 20, `test accuracy ${learned} %`);
  await pause(phone.page);
  await screenshot(phone.page, "microcircuit-digits-phone");
  assert.deepEqual(phone.problems, []);
  await phone.page.close();
  assert.deepEqual(problems, []);
  await page.close();
});
