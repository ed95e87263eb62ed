// The delta rule as a first-class choice (issue 10, item 12): reached from the
// default page by one click; one layer and nothing of a hidden layer (no angle
// charts, no feedback band or matrices, no hidden activation); the chosen
// synapse's update written out with numbers that satisfy Δw = −η (v − y) u and
// that move w by Δw at each step; another synapse by select or by clicking its
// edge; the link reproduces it; everything on one 1280×720 screen, with text of
// 14 px or more.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, measureText, screenshot, until, urlHolds } from "./harness.mjs";

const app = appSession();
const LECTURE = { width: 1280, height: 720 };

/** A number as the view shows it ("−2.194e-5" reads as -2.194e-5). */
const value = (text) => Number(text.trim().replace(/−/g, "-"));
/** Half a unit in the last decimal shown. */
const halfUnit = (text) => 0.5 * 10 ** -((text.trim().split(".")[1] ?? "").replace(/e.*$/, "").length);
const read = async (page, testid) => (await page.getByTestId(testid).first().innerText()).trim();

/** The terms of a single-sample readout. */
async function terms(page) {
  const out = {};
  for (const key of ["step", "eta", "v", "y", "error", "u", "dw", "w-before", "w-after"]) {
    out[key] = await read(page, `delta-${key}`);
  }
  return out;
}

/** Waits until the readout is of step `step` and returns its terms. */
async function termsAt(page, step) {
  await until(() => page.getByTestId("delta-step").count().then(async (n) => (n ? read(page, "delta-step") : "")), (t) => Number(t) === step, 10_000);
  const t = await terms(page);
  assert.equal(Number(t.step), step, `the readout reached step ${step}`);
  return t;
}

/** Δw = −η (v − y) u from the shown terms, to the precision they are shown with. */
function assertDeltaRule(t, where) {
  const [eta, v, y, u, error, dw] = ["eta", "v", "y", "u", "error", "dw"].map((k) => value(t[k]));
  assert.ok(Math.abs(error - (v - y)) <= halfUnit(t.error) + halfUnit(t.v) + halfUnit(t.y), `${where}: v − y = ${t.error}`);
  const lms = -eta * error * u;
  // Each factor has 4 significant digits: the product is good to about 0.15 %.
  assert.ok(Math.abs(dw - lms) <= 2e-3 * Math.abs(lms) + 1e-12, `${where}: Δw ${t.dw} vs −η (v − y) u = ${lms}`);
}

test("one click on the default page opens the delta rule's view, with nothing of a hidden layer", async () => {
  const { page, problems } = await app.open("", LECTURE);
  await page.locator('[data-view="feedback"]').first().waitFor();
  await page.getByTestId("delta-mode").click();
  assert.match(await urlHolds(page, "rule=delta"), /rule=delta/);
  await page.getByTestId("delta-diagram").waitFor();
  assert.equal(await page.getByTestId("delta-mode").getAttribute("aria-pressed"), "true");
  // The layer is the task's input and output: 30-10 on the linear teacher.
  assert.equal(await page.getByTestId("layers").inputValue(), "30-10");
  const label = () => page.getByTestId("delta-diagram").getAttribute("aria-label");
  assert.match(await until(label, (l) => /30 inputs/.test(l), 10_000), /30 inputs u to 10 outputs v/);
  for (const [what, selector] of [
    ["update-angle chart", '[data-testid="chart-update-angle"]'],
    ["weight-angle chart", '[data-testid="chart-weight-angle"]'],
    ["alignment panel", '[data-view="alignment"]'],
    ["feedback matrices", '[data-view="feedback"]'],
    ["feedback band of the network view", ".nv-svg"],
    ["angle readouts", '[data-testid="metric-update-angle"], [data-testid="metric-weight-angle"]'],
    ["hidden activation select", '[data-testid="act"]'],
    ["without-f′ checkbox", '[data-testid="noderiv"]'],
    ["B scale", '[data-testid="fbscale"]'],
    ["feedback edge select", '[data-testid="fb"]'],
    ["Resample B", '[data-testid="resample"]'],
  ]) {
    assert.equal(await page.locator(selector).count(), 0, `${what} is absent`);
  }
  // The explanation has the delta rule's entry, from core's facts, and leads with it.
  assert.equal(await page.locator('.explanation li[data-rule="delta"]').count(), 1);
  assert.match(await page.getByTestId("delta-explanation").innerText(), /Widrow & Hoff 1960/);
  // What the demonstration needs is on the first screen.
  await page.keyboard.press("s");
  await termsAt(page, 1);
  const parts = ["play", "step", "reset", "delta-mode", "delta-diagram", "synapse-output", "synapse-input",
    "delta-law", "delta-dw", "delta-w-after", "delta-task-xor", "add-hidden-layer", "metric-loss"];
  const below = [];
  for (const testid of parts) {
    const box = await page.getByTestId(testid).first().boundingBox();
    if (!box || box.y < 0 || box.y + box.height > LECTURE.height || box.x + box.width > LECTURE.width) {
      below.push(`${testid}: ${JSON.stringify(box)}`);
    }
  }
  assert.deepEqual(below, [], "outside the 1280×720 screen");
  await screenshot(page, "delta-1280x720");
  // The button again goes back to the comparison.
  await page.getByTestId("delta-mode").click();
  await page.locator('[data-view="feedback"]').first().waitFor();
  assert.doesNotMatch(await until(() => page.url(), (u) => !u.includes("rule=delta")), /rule=delta/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the readout's numbers satisfy Δw = −η (v − y) u, and s moves w by Δw", async () => {
  const { page, problems } = await app.open("?rule=delta&synapse=3-7", LECTURE);
  await page.getByTestId("delta-waiting").waitFor();
  assert.match(await read(page, "delta-law"), /^Δw3,7 = −η \(v3 − y3\) u7$/);
  let previous = null;
  for (let step = 1; step <= 4; step++) {
    await page.keyboard.press("s");
    const t = await termsAt(page, step);
    assertDeltaRule(t, `step ${step}`);
    assert.equal(value(t.eta), 0.005, "η is the linear teacher's rate");
    const change = value(t["w-after"]) - value(t["w-before"]);
    const precision = halfUnit(t["w-after"]) + halfUnit(t["w-before"]);
    assert.ok(Math.abs(change - value(t.dw)) <= precision + 1e-4 * Math.abs(value(t.dw)), `step ${step}: w changed by ${change}, Δw ${t.dw}`);
    if (previous) {
      // This step starts from the weight the previous one ended with.
      const gap = Math.abs(value(t["w-before"]) - value(previous["w-after"]));
      assert.ok(gap <= halfUnit(t["w-before"]) + halfUnit(previous["w-after"]), `step ${step}: ${t["w-before"]} after ${previous["w-after"]}`);
    }
    previous = t;
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("on xor a minibatch's Δw is −η times the mean of its rows", async () => {
  const { page, problems } = await app.open("?task=xor&rule=delta&synapse=2-1", LECTURE);
  await page.getByTestId("delta-waiting").waitFor();
  await page.getByTestId("step").click();
  await until(() => page.getByTestId("delta-sample").count(), (n) => n === 10, 10_000);
  const rows = await page.getByTestId("delta-sample").evaluateAll((trs) =>
    trs.map((tr) => ["dv-u", "dv-v", "dv-y", "dv-e", "dv-p"].map((c) => tr.querySelector(`.${c}`).textContent)),
  );
  assert.equal(rows.length, 10);
  const products = rows.map(([u, , , e]) => value(e) * value(u));
  for (const [i, [u, v, y, e, p]] of rows.entries()) {
    assert.ok(Math.abs(value(e) - (value(v) - value(y))) <= halfUnit(e) + halfUnit(v) + halfUnit(y), `row ${i + 1}: ${e}`);
    assert.ok(Math.abs(value(p) - products[i]) <= 2e-3 * Math.abs(products[i]) + 1e-9, `row ${i + 1}: ${p}`);
    assert.ok(value(v) >= 0 && value(v) <= 1, "a softmax output");
  }
  const mean = products.reduce((a, b) => a + b, 0) / 10;
  const scale = products.reduce((a, b) => a + Math.abs(b), 0) / 10;
  const shownMean = value(await read(page, "delta-mean"));
  assert.ok(Math.abs(shownMean - mean) <= 2e-3 * scale, `mean ${shownMean} vs ${mean}`);
  const dw = value(await read(page, "delta-dw"));
  const eta = value(await read(page, "delta-eta"));
  assert.equal(eta, 0.1);
  assert.ok(Math.abs(dw + eta * shownMean) <= 1e-3 * Math.abs(eta * shownMean), `Δw ${dw} vs −η·mean ${-eta * shownMean}`);
  assert.match(await read(page, "delta-lesson"), /no straight line separates xor/);
  await screenshot(page, "delta-xor-1280x720");
  assert.deepEqual(problems, []);
  await page.close();
});

test("another synapse, by select or by clicking its edge, changes the readout, and the link reproduces it", async () => {
  const { page, problems } = await app.open("?rule=delta", LECTURE);
  await page.getByTestId("delta-waiting").waitFor();
  await page.keyboard.press("s");
  const first = await termsAt(page, 1);
  assert.match(await read(page, "delta-law"), /^Δw1,1 /);
  await page.getByTestId("synapse-output").selectOption("4");
  await urlHolds(page, "synapse=4-1");
  await page.getByTestId("synapse-input").selectOption("12");
  assert.match(await urlHolds(page, "synapse=4-12"), /synapse=4-12/);
  await until(() => read(page, "delta-law"), (t) => t.startsWith("Δw4,12 "), 10_000);
  const other = await termsAt(page, 1);
  assert.notEqual(other.dw, first.dw, "another synapse, another update");
  assert.notEqual(other.v, first.v, "another output unit");
  assertDeltaRule(other, "w4,12");
  // A click on an edge of the diagram: whichever edge is on top where the pointer lands.
  const target = await page.locator('[data-synapse="9-25"]').evaluate((line) => {
    const [x1, y1, x2, y2] = ["x1", "y1", "x2", "y2"].map((a) => line[a].baseVal.value);
    const point = line.ownerSVGElement.createSVGPoint();
    [point.x, point.y] = [x1 + 0.2 * (x2 - x1), y1 + 0.2 * (y2 - y1)];
    const screen = point.matrixTransform(line.getScreenCTM());
    const hit = document.elementFromPoint(screen.x, screen.y);
    return { x: screen.x, y: screen.y, synapse: hit?.getAttribute("data-synapse") };
  });
  assert.ok(target.synapse, `an edge under the pointer: ${JSON.stringify(target)}`);
  await page.mouse.click(target.x, target.y);
  const url = await urlHolds(page, `synapse=${target.synapse}`);
  assert.match(url, new RegExp(`synapse=${target.synapse}`));
  const [i, j] = target.synapse.split("-");
  await until(() => read(page, "delta-law"), (t) => t.startsWith(`Δw${i},${j} `), 10_000);
  assert.equal(await page.getByTestId("synapse-output").inputValue(), i);
  assert.equal(await page.getByTestId("synapse-input").inputValue(), j);
  await page.keyboard.press("s");
  const clicked = await termsAt(page, 2);
  assertDeltaRule(clicked, `w${i},${j}`);
  await page.close();

  // The link opens the same view on the same synapse, and the same numbers.
  const again = await app.open(url.slice(url.indexOf("?")), LECTURE);
  await again.page.getByTestId("delta-waiting").waitFor();
  assert.match(await read(again.page, "delta-law"), new RegExp(`^Δw${i},${j} `));
  assert.equal(await again.page.getByTestId("synapse-input").inputValue(), j);
  await again.page.keyboard.press("s");
  await again.page.keyboard.press("s");
  assert.deepEqual(await termsAt(again.page, 2), clicked, "the same run, the same update");
  assert.deepEqual([...problems, ...again.problems], []);
  await again.page.close();
});

test("space, s, r and p work on the delta rule's view", async () => {
  const { page, problems } = await app.open("?rule=delta", LECTURE);
  await page.getByTestId("delta-waiting").waitFor();
  await page.keyboard.press(" ");
  await until(() => read(page, "metric-step"), (t) => Number(t) >= 50, 20_000);
  await page.keyboard.press(" ");
  await until(() => page.getByTestId("play").innerText(), (t) => /Play/.test(t), 10_000);
  const stopped = Number(await read(page, "delta-step"));
  assert.ok(stopped >= 50, `trained to step ${stopped}`);
  await page.keyboard.press("s");
  await termsAt(page, stopped + 1);
  await page.keyboard.press("r");
  await page.getByTestId("delta-waiting").waitFor();
  assert.equal(await read(page, "metric-step"), "0");
  await page.keyboard.press("p");
  await page.getByTestId("presentation").waitFor();
  assert.match(await urlHolds(page, "present=1"), /rule=delta.*present=1/);
  await page.getByTestId("delta-diagram").waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test("presentation mode shows the delta rule's view, the loss and the task on one screen", async () => {
  for (const [query, size] of [
    ["?rule=delta&present=1", LECTURE],
    ["?task=xor&rule=delta&present=1", LECTURE],
    ["?rule=delta&present=1", { width: 1920, height: 1080 }],
  ]) {
    const { page, problems } = await app.open(query, size);
    await page.getByTestId("delta-diagram").waitFor();
    await page.keyboard.press("s");
    await page.getByTestId("delta-dw").waitFor();
    const outside = [];
    for (const testid of ["play", "step", "reset", "delta-diagram", "delta-law", "delta-dw", "add-hidden-layer", "chart-loss", "metric-loss"]) {
      const box = await page.getByTestId(testid).first().boundingBox();
      if (!box || box.y < 0 || box.y + box.height > size.height) outside.push(`${testid}: ${JSON.stringify(box)}`);
    }
    assert.deepEqual(outside, [], `${query} at ${size.width}×${size.height}`);
    for (const absent of ["chart-update-angle", "chart-weight-angle"]) {
      assert.equal(await page.getByTestId(absent).count(), 0, absent);
    }
    const scroll = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(scroll <= size.height, `${query}: the page scrolls (${scroll})`);
    await screenshot(page, `delta-present-${query.includes("xor") ? "xor-" : ""}${size.width}x${size.height}`);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test("text in the delta rule's view is 14 px or more at 1280×720, with contrast of 4.5:1 or more", async () => {
  for (const query of ["?rule=delta", "?task=xor&rule=delta", "?rule=delta&present=1"]) {
    const { page, problems } = await app.open(query, LECTURE);
    await page.getByTestId("delta-diagram").waitFor();
    await page.getByTestId("step").click();
    await page.getByTestId("delta-dw").waitFor();
    const texts = await measureText(page, { within: '[data-view="delta"]', html: true });
    assert.ok(texts.filter((t) => t.text.startsWith("u:") || t.text.startsWith("v:")).length === 2, "the column titles were measured");
    assert.ok(texts.length >= 20, `${query}: only ${texts.length} texts`);
    assert.deepEqual(texts.filter((t) => t.px < 14), [], `${query}: text under 14 px`);
    assert.deepEqual(texts.filter((t) => t.ratio < 4.5), [], `${query}: contrast under 4.5:1`);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test("the delta rule's view at projector and phone sizes", async () => {
  for (const size of [{ width: 1920, height: 1080 }, { width: 390, height: 844 }]) {
    const { page, problems } = await app.open("?rule=delta", size);
    await page.getByTestId("delta-diagram").waitFor();
    await page.getByTestId("step").click();
    await termsAt(page, 1);
    // Nothing is wider than the screen.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= size.width, `${size.width}×${size.height}: ${width} px wide`);
    await screenshot(page, `delta-${size.width}x${size.height}`);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test("adding a hidden layer goes to backprop against feedback alignment on the same task", async () => {
  const { page, problems } = await app.open("?task=xor&rule=delta", LECTURE);
  await page.getByTestId("add-hidden-layer").click();
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  assert.equal(await page.getByTestId("layers").inputValue(), "2-8-8-2");
  assert.match(await until(() => page.url(), (u) => !u.includes("rule=delta")), /\?task=xor&v=2$/);
  assert.equal(await page.getByTestId("delta-mode").getAttribute("aria-pressed"), "false");
  // And the task buttons of the view switch task without leaving the delta rule.
  await page.getByTestId("delta-mode").click();
  await page.getByTestId("delta-task-linear-teacher").click();
  assert.match(await urlHolds(page, "rule=delta"), /\?rule=delta&v=2$/);
  await until(() => page.getByTestId("layers").inputValue(), (v) => v === "30-10");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a course site's embed of the delta rule fits 960×600, its hidden-layer note kept to its button", async () => {
  const size = { width: 960, height: 600 };
  const { page, problems } = await app.open("?rule=delta&embed=1&views=network", size);
  await page.getByTestId("delta-diagram").waitFor();
  await page.getByTestId("step").click();
  await page.getByTestId("delta-dw").waitFor();
  const outside = [];
  for (const testid of ["play", "step", "reset", "delta-diagram", "delta-law", "delta-dw", "delta-w-after", "add-hidden-layer"]) {
    const box = await page.getByTestId(testid).first().boundingBox();
    if (!box || box.y < 0 || box.y + box.height > size.height || box.x + box.width > size.width) outside.push(`${testid}: ${JSON.stringify(box)}`);
  }
  assert.deepEqual(outside, [], "outside the 960×600 frame");
  assert.equal(await page.getByTestId("delta-hidden-layer").count(), 0, "the note's text is left to the full app");
  await screenshot(page, "delta-embed-960x600");
  assert.deepEqual(problems, []);
  await page.close();
});
