// A diverged cerebellum as a class sees it: its numbers stay inside their boxes, the
// weight axis reads two different ends, and the divergence notice goes away once the
// repaired run (eligibility delay = error delay) replaces the diverged one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, number, screenshot, setValue, until, urlHolds } from "./harness.mjs";

const app = appSession();

/** Every value text of the diagram against the box it sits in, in SVG units. */
function overflowingValues(page) {
  return page.$eval('[data-testid="circuit"]', (svg) => {
    const boxes = [...svg.querySelectorAll("rect.cb-box")].map((r) => r.getBBox());
    const problems = [];
    for (const text of svg.querySelectorAll("text.cb-value")) {
      const t = text.getBBox();
      const box = boxes.find((b) => t.y >= b.y - 1 && t.y + t.height <= b.y + b.height + 1);
      if (!box || t.x < box.x || t.x + t.width > box.x + box.width) {
        problems.push(`${text.textContent} at x ${t.x.toFixed(1)}..${(t.x + t.width).toFixed(1)}`);
      }
    }
    // Labels anchored at their end must not run off the left edge either.
    for (const text of svg.querySelectorAll("text")) {
      if (text.getBBox().x < 0) problems.push(`${text.textContent} starts left of the diagram`);
    }
    return problems;
  });
}

test("a diverged run fits its boxes; its notice goes once a repaired run replaces it", async () => {
  // beta 5: diverges after about 4 simulated seconds (a weight passes ±1e6).
  const { page, problems } = await app.open("?page=cerebellum&freq=5&edelay=0.1&beta=5&speed=400&autoplay=1");
  await page.getByTestId("metric-gain").waitFor();
  const notices = page.locator("[data-testid=notice] li");
  await until(() => notices.count(), (n) => n > 0, 30_000);
  assert.match(await notices.first().innerText(), /diverged/);
  assert.equal(await page.getByTestId("play").innerText(), "▶ Play", "a divergence pauses");

  assert.deepEqual(await overflowingValues(page), [], "the diagram's numbers stay in their boxes");
  // The readouts are as compact as the diagram: "2.1e6", never "2131338.740".
  for (const id of ["metric-gain", "metric-error-rms"]) {
    const text = await page.getByTestId(id).innerText();
    assert.match(text, /^(-?\d+\.\d+|-?\d+(\.\d)?e\d+|NaN|-?∞)$/, `${id} reads ${text}`);
    assert.ok(text.length <= 8, `${id} reads ${text}`);
  }
  const rms = await page.getByTestId("metric-error-rms").innerText();
  assert.match(rms, /e\d+$/, `a diverged run's slip RMS is huge: ${rms}`);
  const weights = page.getByTestId("weights");
  const top = await weights.getByTestId("axis-top").textContent();
  const bottom = await weights.getByTestId("axis-bottom").textContent();
  assert.notEqual(top, bottom, "the weight axis has two different ends");
  assert.equal(bottom, `-${top}`);
  // The weights passed 1e6: the axis says so in few characters.
  assert.ok(Number(top) >= 1e6 && top.length <= 5, `axis end ${top}`);
  // No bar leaves the axis: every bar lies between the two end labels' lines.
  const outside = await weights.evaluate((svg) => {
    const axisTop = svg.querySelector('[data-testid="axis-top"]').getBBox();
    const axisBottom = svg.querySelector('[data-testid="axis-bottom"]').getBBox();
    const lo = axisTop.y;
    const hi = axisBottom.y + axisBottom.height;
    return [...svg.querySelectorAll("rect")]
      .map((r) => r.getBBox())
      .filter((b) => b.y < lo - 1 || b.y + b.height > hi + 1).length;
  });
  assert.equal(outside, 0, "bars stay on the axis");
  await screenshot(page, "cerebellum-diverged");

  // The repair: an eligibility delay matching the error delay, then reset and play.
  await setValue(page, "eldelay", "0.1");
  await urlHolds(page, "eldelay=0.1");
  await page.getByTestId("reset").click();
  assert.equal(await until(() => notices.count(), (n) => n === 0, 5_000), 0, "reset removes the stale notice");
  await page.getByTestId("play").click();
  const gain = await until(() => number(page, "metric-gain"), (g) => Math.abs(g - 2) <= 0.04, 60_000);
  assert.ok(Math.abs(gain - 2) <= 0.04, `the repaired gain is ${gain}, not 2`);
  assert.equal(await notices.count(), 0, "no divergence notice beside a converged run");
  assert.deepEqual(await overflowingValues(page), []);
  await screenshot(page, "cerebellum-repaired-no-notice");
  assert.deepEqual(problems, []);
  await page.close();
});

test("retuned, then play: the fresh run replaces the diverged one and its notice", async () => {
  const { page, problems } = await app.open("?page=cerebellum&freq=5&edelay=0.1&beta=5&speed=400&autoplay=1");
  const notices = page.locator("[data-testid=notice] li");
  await until(() => notices.count(), (n) => n > 0, 30_000);
  const diverged = await number(page, "metric-time");
  // A live retune leaves the diverged run (and its notice) in place until play.
  await setValue(page, "eldelay", "0.1");
  await urlHolds(page, "eldelay=0.1");
  assert.equal(await notices.count(), 1);
  await page.getByTestId("play").click();
  await until(() => number(page, "metric-time"), (t) => t > diverged + 2, 10_000);
  assert.equal(await notices.count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});
