// The paper's regression task on the microcircuit page (issue 13): `task=sacramento-2018`
// is in the task list and the link, the page says which phase the circuit is in, the
// circuit pre-trains from random weights with no target while ‖v_A‖² (averaged over
// each metrics row) falls, then the target comes on by itself, the meter marks it and
// the comparisons start learning; a live change of the model does not end the
// pre-training. The circuit in the worker is the CLI's preset bit for bit
// (web/tests/sim_protocol.rs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, drawnPixels, metric, number, pause, screenshot, until, urlHolds } from "./harness.mjs";

const app = appSession();

const phase = (page) => page.getByTestId("metric-phase").getAttribute("data-phase");

test("sacramento-2018: pre-training from random weights lowers ‖v_A‖², then the target comes on", async () => {
  const { page, problems } = await app.open("?page=microcircuit&task=sacramento-2018");
  await page.getByTestId("metric-phase").waitFor();
  assert.equal(await page.getByTestId("task").inputValue(), "sacramento-2018");
  assert.equal(await page.locator("[data-testid=notice] li").count(), 0);
  assert.match(await page.getByTestId("task-note").innerText(), /soft-rectifier rates/);
  assert.equal(await page.getByTestId("init").isDisabled(), true, "the preset starts random");
  assert.equal(await page.getByTestId("init").inputValue(), "random");
  assert.equal(await phase(page), "pre-training");
  assert.match(await metric(page, "metric-phase"), /^pre-training \(no target\): 0 of 10000 patterns$/);
  // The full model, the preset's own: a few patterns in, still pre-training.
  await page.getByTestId("play").click();
  await until(() => number(page, "metric-step"), (n) => n >= 2, 40_000);
  assert.match(await metric(page, "metric-phase"), /^pre-training \(no target\): \d+ of 10000 patterns$/);
  await screenshot(page, "microcircuit-paper-full");
  // The steady state, a live change (the same circuit), to see the whole pre-training.
  await page.getByTestId("mode").selectOption("steady");
  await page.getByTestId("speed").selectOption("10000");
  await urlHolds(page, "mode=steady");
  // Each row's mean ‖v_A‖² while the phase is pre-training (from the fifth pattern on,
  // so that a row averages several), and the phase it ends in.
  const rows = new Map();
  let seen = await until(
    async () => {
      const [p, e, n] = [await phase(page), await number(page, "metric-apical-energy-mean"), await number(page, "metric-step")];
      if (p === "pre-training" && Number.isFinite(e) && n >= 5) rows.set(e, n);
      return p;
    },
    (p) => p === "learning",
    120_000,
  );
  assert.equal(seen, "learning", "the target comes on after the pre-training");
  const energies = [...rows.keys()];
  assert.ok(energies.length >= 6, `rows seen during pre-training: ${[...rows]}`);
  // Seed 1, steady state: 0.44 at the start, about 0.15 after 10 000 patterns
  // (docs/science.md §4.4). The first three rows against the last three.
  const mean = (list) => list.reduce((a, b) => a + b, 0) / list.length;
  const [first, last] = [mean(energies.slice(0, 3)), mean(energies.slice(-3))];
  assert.ok(last < 0.6 * first, `mean ‖v_A‖² during pre-training ${first} → ${last}: ${[...rows]}`);
  assert.ok((await number(page, "metric-step")) >= 10_000);
  assert.equal(await metric(page, "metric-target"), "on");
  assert.match(await metric(page, "metric-phase"), /^learning/);
  // The meter marks where the schedule switched the target on.
  assert.match(await page.getByTestId("switches").innerText(), /^target on at \d+(\.\d)? s$/);
  // Learning: the update angle to backprop appears, the curves fill in.
  const angle = await until(() => number(page, "metric-update-angle"), Number.isFinite, 20_000);
  assert.ok(angle > 0 && angle < 180, `update angle ${angle}`);
  await pause(page);
  assert.ok((await drawnPixels(page, '[data-testid="chart-loss"]')) > 100);
  assert.ok((await drawnPixels(page, '[data-testid="chart-apical-energy"]')) > 100);
  await screenshot(page, "microcircuit-paper-learning");
  // The link brings the same task back.
  const link = page.url();
  assert.match(link, /task=sacramento-2018/);
  const again = await app.open(link.slice(link.indexOf("?")), { width: 390, height: 844 });
  await again.page.getByTestId("metric-phase").waitFor();
  assert.equal(await again.page.getByTestId("task").inputValue(), "sacramento-2018");
  assert.equal(await phase(again.page), "pre-training");
  await screenshot(again.page, "microcircuit-paper-phone");
  assert.deepEqual(again.problems, []);
  await again.page.close();
  assert.deepEqual(problems, []);
  await page.close();
});

test("choosing sacramento-2018 from the task list restarts on the paper's task", async () => {
  const { page, problems } = await app.open("?page=microcircuit&mode=steady");
  await page.getByTestId("metric-phase").waitFor();
  assert.equal(await phase(page), "learning");
  await page.getByTestId("task").selectOption("sacramento-2018");
  await urlHolds(page, "task=sacramento-2018");
  assert.equal(await until(() => phase(page), (p) => p === "pre-training", 10_000), "pre-training");
  assert.equal(await until(() => number(page, "metric-step"), (n) => n === 0, 10_000), 0);
  assert.deepEqual(problems, []);
  await page.close();
});
