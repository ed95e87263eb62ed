// The ‖v_A‖² meter keeps its whole story on a long run: long after the history has
// had to shrink, the points it draws still start where the run started, fall as low
// as pre-training took them, and reach the true height of the jump when the target
// came on, which the simulation tracks apart from what is drawn.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, drawnPixels, number, pause, screenshot, until } from "./harness.mjs";

const app = appSession();

async function story(page) {
  const p = page.getByTestId("meter-story");
  const read = async (name) => Number(await p.getAttribute(`data-${name}`));
  return {
    start: await read("start"),
    low: await read("low"),
    peak: await read("peak"),
    truePeak: await read("true-peak"),
    text: await p.innerText(),
  };
}

test("after many thousand patterns the meter still draws the fall and the jump", async () => {
  // 2000 simulated ms per animation frame: about 1200 patterns a second in the worker,
  // so the target comes on soon after ‖v_A‖² has fallen.
  const { page, problems } = await app.open("?page=microcircuit&mode=steady&init=random&target=0&speed=2000");
  await page.getByTestId("metric-apical-energy").waitFor();
  await page.getByTestId("step").click();
  await until(() => number(page, "metric-step"), (n) => n > 0, 5_000);
  const first = await story(page);
  await page.getByTestId("play").click();
  const pretrained = await until(
    () => number(page, "metric-apical-energy"),
    (e) => e < 0.1 * first.start,
    60_000,
  );
  await page.getByTestId("target-toggle").click();
  await until(() => page.url(), (u) => !u.includes("target=0"), 5_000);
  const taughtFrom = await number(page, "metric-step");
  // Run on until the history has shrunk many times over (1000 buckets, one sample per
  // pattern): 20 000 patterns after the switch.
  await until(() => number(page, "metric-step"), (n) => n >= taughtFrom + 20_000, 120_000);
  await pause(page);
  const late = await story(page);
  assert.equal(late.start, first.start, "the untaught start is still the first point");
  // The readout is rounded (0.057163 for 0.057163052), so the drawn low may be that
  // very sample, a rounding above what was read.
  assert.ok(late.low <= pretrained * (1 + 1e-4), `the pre-trained low (${late.low}) is still drawn (read ${pretrained})`);
  assert.ok(late.truePeak > 5 * pretrained, `the target made ‖v_A‖² jump (${late.truePeak})`);
  assert.equal(late.peak, late.truePeak, "the jump's peak is still drawn at its full height");
  assert.match(late.text, /peaked at/);
  assert.ok((await drawnPixels(page, '[data-testid="chart-apical-energy"]')) > 100);
  await screenshot(page, "microcircuit-meter-long-run");
  assert.deepEqual(problems, []);
  await page.close();
});
