// The cerebellum and the microcircuit simulate in the worker: stepping, the target
// toggle, the traced neuron, a mode switch and reset act on the worker's simulation
// and come back as frames. (These were browser tests while the simulations ran on
// the page's thread; the browser-test harness cannot serve a worker.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, metric, number, setValue, until, urlHolds } from "./harness.mjs";

const app = appSession();
const notices = (page) => page.locator("[data-testid=notice] li").allInnerTexts();

test("microcircuit: step, the target toggle and reset act on the worker's circuit", async () => {
  const { page, problems } = await app.open("?page=microcircuit&mode=steady&speed=1000");
  await page.getByTestId("metric-step").waitFor();
  assert.equal(await number(page, "metric-step"), 0);
  await page.getByTestId("step").click();
  // 1000 simulated ms of 100 ms patterns (fewer if the frame's budget ran out).
  const steps = await until(() => number(page, "metric-step"), (n) => n > 0, 10_000);
  assert.ok(steps >= 1 && steps <= 10, `${steps} patterns`);
  assert.ok(Number.isFinite(await number(page, "metric-apical-energy")));
  await page.getByTestId("target-toggle").click();
  await urlHolds(page, "target=0");
  // The readout is the worker's circuit's own flag, sent back with the change.
  assert.equal(await until(() => metric(page, "metric-target"), (t) => t === "off (pre-training)", 10_000), "off (pre-training)");
  assert.equal(await page.getByTestId("target-toggle").getAttribute("aria-pressed"), "false");
  await page.getByTestId("reset").click();
  assert.equal(await until(() => number(page, "metric-step"), (n) => n === 0, 10_000), 0, "reset");
  assert.equal(await page.locator('[data-testid="circuit-diagram"] .mc-apical').count() > 0, true);
  assert.deepEqual(problems, []);
  await page.close();
});

test("microcircuit: the neuron picker follows another cell and refuses one past the layer", async () => {
  const { page, problems } = await app.open("?page=microcircuit&mode=steady&speed=1000");
  await page.getByTestId("metric-step").waitFor();
  await setValue(page, "neuron", "7");
  await urlHolds(page, "neuron=7");
  await page.getByText("Pyramidal cell #7").waitFor();
  // The traced cell is outlined in the diagram (the worker's snapshot follows it).
  await page.locator('[data-testid="cell-7"].traced').waitFor({ timeout: 10_000 });
  await setValue(page, "neuron", "50");
  const list = await until(() => notices(page), (l) => l.length > 0, 10_000);
  assert.ok(list.some((n) => n.startsWith("neuron:") && n.includes("0 to 49")), `${list}`);
  assert.ok(page.url().includes("neuron=7"), page.url());
  assert.deepEqual(problems, []);
  await page.close();
});

test("microcircuit: switching the model keeps the running circuit", async () => {
  const { page, problems } = await app.open("?page=microcircuit&speed=200");
  await page.getByTestId("metric-time").waitFor();
  await page.getByTestId("step").click();
  const time = await until(() => metric(page, "metric-time"), (t) => t !== "0.00", 10_000);
  assert.notEqual(time, "0.00");
  await page.getByTestId("mode").selectOption("steady");
  await urlHolds(page, "mode=steady");
  // Same circuit, same clock: a mode switch is not a reset. Step once more and the
  // clock goes on from where it was.
  assert.equal(await metric(page, "metric-time"), time);
  await page.getByTestId("step").click();
  const later = await until(() => metric(page, "metric-time"), (t) => t !== time, 10_000);
  assert.ok(parseFloat(later) > parseFloat(time), `${time} → ${later}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test("cerebellum: step advances one frame's worth in the worker; reset returns to zero", async () => {
  const { page, problems } = await app.open("?page=cerebellum&speed=500&beta=0&spectacles=1.5");
  await page.getByTestId("metric-time").waitFor();
  assert.equal(await metric(page, "metric-time"), "0.0");
  assert.equal(await until(() => metric(page, "metric-target"), (t) => t === "1.5", 10_000), "1.5");
  await page.getByTestId("step").click();
  assert.equal(await until(() => metric(page, "metric-time"), (t) => t !== "0.0", 10_000), "0.5");
  // With beta = 0 the eye follows the brainstem alone: E = -B H, gain exactly B = 1.
  assert.equal(await number(page, "metric-gain"), 1);
  await page.getByTestId("reset").click();
  assert.equal(await until(() => metric(page, "metric-time"), (t) => t === "0.0", 10_000), "0.0");
  // The diagram has one synapse per basis signal (raw plus six leaky).
  assert.equal(await page.locator(".cb-synapse").count(), 7);
  assert.deepEqual(problems, []);
  await page.close();
});
