// The rules page's speed `max`: chosen from the speed menu it goes into the link, and
// the runs train as fast as the worker's frames allow, with the learning curves still
// drawn and their note saying what a point is.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, drawnPixels, metric, number, pause, until, urlHolds } from "./harness.mjs";

const app = appSession();

test("speed max from the menu trains many steps a frame and is kept in the link", async () => {
  const { page, problems } = await app.open("?task=xor");
  await page.locator('[data-testid="metric-step"]').first().waitFor();
  await page.getByTestId("speed").selectOption("max");
  await urlHolds(page, "speed=max");
  assert.match(await metric(page, "loss-note"), /about one point a frame/);
  await page.getByTestId("play").click();
  // At max each frame trains for its time budget (hundreds of steps a frame on xor).
  const steps = await until(() => number(page, "metric-step", "fa"), (s) => s >= 5_000, 30_000);
  assert.ok(steps >= 5_000, `${steps} steps`);
  await pause(page);
  const pixels = await until(() => drawnPixels(page, '[data-testid="chart-loss"]'), (p) => p > 100, 5_000);
  assert.ok(pixels > 100, "the loss curves are drawn");
  // The boundary is drawn although frames at max carry one only now and then.
  assert.ok((await drawnPixels(page, '[data-view="task"] canvas')) > 100, "the decision boundary is drawn");
  // Reset keeps max: the runs start again and still train fast.
  await page.getByTestId("reset").click();
  assert.equal(await until(() => number(page, "metric-step", "fa"), (s) => s === 0, 10_000), 0);
  assert.equal(await page.getByTestId("speed").inputValue(), "max");
  await page.getByTestId("play").click();
  const again = await until(() => number(page, "metric-step", "fa"), (s) => s >= 5_000, 30_000);
  assert.ok(again >= 5_000, `${again} steps after the reset`);
  await pause(page);
  assert.deepEqual(problems, []);
  await page.close();
});
