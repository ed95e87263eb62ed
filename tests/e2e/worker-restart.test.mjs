// A worker that panics or stops answering is replaced (web/src/shell/watchdog.rs): the
// page says so, starts a new worker with the settings on screen and goes on playing,
// and the address bar keeps every setting.
//
// The failures are asked of the worker with the strings `bioprop:fault:panic` and
// `bioprop:fault:hang` posted to it (web/src/shell/sim_worker.rs, `Fault`; only the
// page's own scripts can reach its worker): its loop then panics, or spins for ever,
// where a bug in a model would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, keepWorkers, metric, number, setValue, until, urlHolds } from "./harness.mjs";

const app = appSession();

/** Opens `query` with every worker the page starts recorded in `window.__workers`. */
async function open(query) {
  const page = await app.browser.newPage({ viewport: { width: 1280, height: 720 } });
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await keepWorkers(page);
  await page.goto(app.base + query);
  return { page, problems };
}

const notices = (page) => page.locator("[data-testid=notice] li").allInnerTexts();

/** The newest worker panics. */
const panicWorker = (page) => page.evaluate(() => window.__workers.at(-1).postMessage("bioprop:fault:panic"));

/** The newest worker loops for ever. */
const hangWorker = (page) => page.evaluate(() => window.__workers.at(-1).postMessage("bioprop:fault:hang"));

/**
 * Fails the worker with `fail`, then waits for the restart notice `n`, for the
 * readout `testid` to start again from below where the failed worker left it and to
 * go on growing (a new worker, playing), and checks the address is unchanged.
 */
async function restarts(page, fail, n, testid) {
  const url = page.url();
  const running = await until(() => number(page, testid), (v) => v > 0, 20_000);
  assert.ok(running > 0, `${testid} was ${running} before the failure`);
  const workers = await page.evaluate(() => window.__workers.length);
  // Watches the readout in the page, at every change: a new worker starts from the
  // beginning, so the readout falls once. (Read from here, the fall could be missed:
  // the new worker may be past the old one's last value by the first look.)
  await page.evaluate((testid) => {
    const read = () => parseFloat(document.querySelector(`[data-testid="${testid}"]`)?.innerText ?? "");
    let last = read();
    window.__fell = false;
    window.__watch?.disconnect();
    window.__watch = new MutationObserver(() => {
      const value = read();
      if (value < last) window.__fell = true;
      if (!Number.isNaN(value)) last = value;
    });
    window.__watch.observe(document.body, { subtree: true, childList: true, characterData: true });
  }, testid);
  await fail(page);
  // Read together: the readout when the notice came, for the messages below.
  const read = async () => ({ list: await notices(page), value: await number(page, testid) });
  const { list: said, value: stopped } = await until(
    read,
    ({ list }) => list.some((t) => t.includes(`restart ${n} of 3`)),
    30_000,
  );
  assert.ok(
    said.some((t) => /worker stopped answering .* restarted with the settings on screen/.test(t)),
    `notices: ${JSON.stringify(said)}`,
  );
  assert.equal(said.filter((t) => t.includes("restart ")).length, 1, "one restart notice at a time");
  assert.equal(await page.evaluate(() => window.__workers.length), workers + 1, "a new worker");
  // The new worker starts from the beginning and plays on.
  const fell = await until(() => page.evaluate(() => window.__fell), (f) => f, 20_000);
  assert.ok(fell, `${testid} never fell back after the failure (it read ${stopped} at the notice)`);
  const fresh = await number(page, testid);
  const later = await until(() => number(page, testid), (v) => v > fresh, 20_000);
  assert.ok(later > fresh, `${testid} goes on: ${fresh} → ${later}`);
  assert.equal(page.url(), url, "the address keeps every setting");
  assert.equal(await page.getByTestId("crash").count(), 0, "no crash box");
}

/** Console errors other than the worker's report of the panic asked of it. */
const unexpected = (problems) => problems.filter((p) => !/the page's scripts asked for|unreachable/.test(p));

test("rules page: a panicked, then a hung training worker is restarted with the same settings", async () => {
  const query = "?task=xor&compare=bp,fa&lr=0.2&seed=7&autoplay=1";
  const { page, problems } = await open(query);
  await page.getByTestId("metric-step").first().waitFor({ timeout: 30_000 });
  await restarts(page, panicWorker, 1, "metric-step");
  await restarts(page, hangWorker, 2, "metric-step");
  // The controls show the link's settings, and both runs train again.
  assert.equal(await page.getByTestId("lr").first().inputValue(), "0.2");
  assert.equal(await page.locator('[data-testid="metric-step"][data-rule]').count(), 2);
  assert.ok(page.url().includes("task=xor") && page.url().includes("seed=7"), page.url());
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});

test("microcircuit: a hung, then a panicked simulation worker is restarted with the same settings", async () => {
  const { page, problems } = await open("?page=microcircuit&mode=steady&speed=200&neuron=7&autoplay=1");
  await page.getByTestId("metric-step").waitFor({ timeout: 30_000 });
  // A setting changed on the page, not in the link it was opened with: the target off.
  await page.keyboard.press("t");
  await urlHolds(page, "target=0");
  await restarts(page, hangWorker, 1, "metric-step");
  await restarts(page, panicWorker, 2, "metric-step");
  // The traced cell is still the link's (the new worker's snapshot follows it), and
  // the new worker's circuit has its target off, as the page had it.
  await page.locator('[data-testid="cell-7"].traced').waitFor({ timeout: 10_000 });
  assert.equal(await metric(page, "metric-target"), "off (pre-training)");
  assert.ok(page.url().includes("target=0"), page.url());
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});

test("cerebellum: a panicked, then a hung simulation worker is restarted with the settings on screen", async () => {
  const { page, problems } = await open("?page=cerebellum&speed=200&autoplay=1");
  await page.getByTestId("metric-time").waitFor({ timeout: 30_000 });
  // New spectacles, moved on the page after it opened.
  await setValue(page, "spectacles", "0.5");
  await urlHolds(page, "spectacles=0.5");
  assert.equal(await until(() => metric(page, "metric-target"), (m) => m === "0.5"), "0.5");
  await restarts(page, panicWorker, 1, "metric-time");
  await restarts(page, hangWorker, 2, "metric-time");
  // The new worker simulates the spectacles on screen, not the link's default of 2.
  assert.equal(await metric(page, "metric-target"), "0.5");
  assert.equal(await page.getByTestId("spectacles").inputValue(), "0.5");
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});
