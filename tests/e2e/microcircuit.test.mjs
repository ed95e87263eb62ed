// The dendritic microcircuit page as a student uses it: open it from the nav and
// press play — the full model runs and the meter and traces move; from a random start
// without a target the apical energy ‖v_A‖² falls (the interneurons learn to predict
// the top-down input), and switching the target on makes it jump and brings an update
// angle to backprop below 90°; embed mode shows
// only the views.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, drawnPixels, number, paintedFrames, pause, screenshot, until, urlHolds } from "./harness.mjs";

const app = appSession();

test("the nav opens the microcircuit page; the full model runs and the meter and traces move", async () => {
  const { page, problems } = await app.open();
  await page.getByTestId("nav-microcircuit").click();
  await page.getByTestId("metric-apical-energy").waitFor();
  assert.match(page.url(), /page=microcircuit/);
  assert.equal(await page.getByTestId("nav-microcircuit").getAttribute("aria-current"), "page");
  assert.equal(await page.locator("[data-testid=notice] li").count(), 0);
  assert.equal(await number(page, "metric-step"), 0);
  const first = await number(page, "metric-apical-energy");
  assert.ok(Number.isFinite(first));
  await page.getByTestId("play").click();
  // A few patterns of 100 ms at 50 simulated ms per frame (or fewer, by the budget).
  const patterns = await until(() => number(page, "metric-step"), (n) => n >= 3, 40_000);
  assert.ok(patterns >= 3, `only ${patterns} patterns`);
  const energy = await until(() => number(page, "metric-apical-energy"), (e) => e !== first, 10_000);
  assert.notEqual(energy, first, "the meter moves");
  assert.ok(Number.isFinite(await number(page, "metric-loss")), "a loss is shown");
  for (const chart of ["chart-traces", "chart-interneuron", "chart-apical-energy", "chart-loss"]) {
    const pixels = await until(() => drawnPixels(page, `[data-testid="${chart}"]`), (p) => p > 100, 5_000);
    assert.ok(pixels > 100, `${chart} draws (${pixels} pixels)`);
  }
  // The diagram's compartments are coloured by their potentials.
  const fills = await page.locator('[data-testid="circuit-diagram"] .mc-soma').evaluateAll((els) =>
    els.map((e) => e.getAttribute("fill")),
  );
  assert.ok(new Set(fills).size > 1, `soma fills ${fills}`);
  await screenshot(page, "microcircuit-full");
  // Pause stops it; s steps; r resets.
  await pause(page);
  const paused = await number(page, "metric-step");
  const pausedTime = await number(page, "metric-time");
  // The loop advances the time on every 16 ms tick: twenty frames would show it.
  await paintedFrames(page, 20);
  assert.equal(await number(page, "metric-time"), pausedTime, "pause stops the simulation");
  await page.keyboard.press("s");
  assert.ok((await until(() => number(page, "metric-time"), (t) => t > pausedTime, 5_000)) > pausedTime, "s steps");
  await page.getByTestId("reset").click();
  assert.equal(await until(() => number(page, "metric-step"), (n) => n === 0, 5_000), 0, "reset");
  assert.ok(paused >= 3);
  assert.deepEqual(problems, []);
  await page.close();
});

test("pre-training from a random start makes ‖v_A‖² fall; the target makes it jump", async () => {
  const { page, problems } = await app.open(
    "?page=microcircuit&mode=steady&init=random&target=0&speed=2000",
  );
  await page.getByTestId("metric-apical-energy").waitFor();
  assert.equal(await page.getByTestId("target-toggle").getAttribute("aria-pressed"), "false");
  // One frame first, so the start is a pattern the circuit has integrated.
  await page.getByTestId("step").click();
  await until(() => number(page, "metric-step"), (n) => n > 0, 5_000);
  const start = await number(page, "metric-apical-energy");
  assert.ok(start > 0.05, `random interneurons leave an apical potential (${start})`);
  await page.getByTestId("play").click();
  // README: from 1.13 to 0.0039 over 20 000 patterns; a tenth is plenty here.
  const pretrained = await until(
    () => number(page, "metric-apical-energy"),
    (e) => e < 0.1 * start,
    60_000,
  );
  assert.ok(pretrained < 0.1 * start, `‖v_A‖² ${start} → ${pretrained}`);
  // With no target there is no error to answer, so no update angle to backprop.
  assert.equal(await page.getByTestId("metric-update-angle").textContent(), "—");
  await screenshot(page, "microcircuit-pretrained");
  await page.getByTestId("target-toggle").click();
  await until(() => page.url(), (u) => !u.includes("target=0"), 5_000);
  const taughtFrom = await number(page, "metric-step");
  assert.equal(await page.getByTestId("target-toggle").getAttribute("aria-pressed"), "true");
  const jumped = await until(
    () => number(page, "metric-apical-energy"),
    (e) => e > 5 * pretrained,
    10_000,
  );
  assert.ok(jumped > 5 * pretrained, `the target makes ‖v_A‖² jump (${pretrained} → ${jumped})`);
  // Learning: the loss curves fill in, all four (the comparisons log a test loss
  // every few taught patterns; 250 give each curve several points).
  const taught = await until(() => number(page, "metric-step"), (n) => n >= taughtFrom + 250, 30_000);
  assert.ok(taught >= taughtFrom + 250, `only ${taught - taughtFrom} patterns taught`);
  // The circuit's hidden update against backprop's: its top-down weights are fixed
  // and random, as FA's B, so well below 90° once taught but not 0.
  const angle = await until(() => number(page, "metric-update-angle"), Number.isFinite, 10_000);
  assert.ok(angle > 1 && angle < 90, `update angle ${angle}°`);
  await pause(page);
  assert.ok((await drawnPixels(page, '[data-testid="chart-loss"]')) > 100);
  await screenshot(page, "microcircuit-learning");
  assert.deepEqual(problems, []);
  await page.close();
});

test("embed mode shows only the views and autoplay runs", async () => {
  const { page, problems } = await app.open(
    "?page=microcircuit&mode=steady&embed=1&autoplay=1&speed=1000",
    { width: 900, height: 600 },
  );
  await page.getByTestId("metric-step").waitFor();
  assert.equal(await page.getByTestId("nav-microcircuit").count(), 0);
  // No control panel: the only play button is the embed bar's (issue 10, item 14).
  assert.equal(await page.locator(".controls").count(), 0);
  assert.equal(await page.locator('[data-testid="embed-bar"] [data-testid="play"]').count(), 1);
  assert.equal(await page.getByTestId("play").count(), 1);
  assert.equal(await page.getByTestId("explanation").count(), 0);
  assert.ok((await until(() => number(page, "metric-step"), (n) => n > 20, 20_000)) > 20);
  await screenshot(page, "microcircuit-embed");
  assert.deepEqual(problems, []);
  await page.close();
});
