// The live visualizer as a lecturer and a student use it: press play and
// watch feedback alignment align; every task and rule; shareable URLs; embed
// mode; notices for bad input; a divergence that pauses and explains.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, drawnPixels, metric, number, paintedFrames, pause, screenshot, until, urlHolds } from "./harness.mjs";

const app = appSession();

const TASKS = ["linear-teacher", "nonlinear-teacher", "xor", "circles", "spirals", "gaussians", "moons", "sine"];
const RULES = ["bp", "fa", "dfa", "usf", "frsf", "kp", "shallow"];

test("default page: backprop vs feedback alignment; play makes FA align and the loss fall", async () => {
  const { page, problems } = await app.open();
  // Compare mode, two runs, both on the linear teacher.
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  assert.equal(await page.locator('[data-testid="metric-step"][data-rule="bp"]').count(), 1);
  assert.equal(await metric(page, "metric-step", "fa"), "0");
  const lossBefore = await until(() => number(page, "metric-loss", "fa"), Number.isFinite);
  await page.getByTestId("play").click();
  const steps = await until(() => number(page, "metric-step", "fa"), (s) => s >= 3000, 60_000);
  assert.ok(steps >= 3000, `trained only ${steps} steps`);
  const angle = await until(() => number(page, "metric-update-angle", "fa"), (a) => a < 60, 60_000);
  assert.ok(angle < 60, `FA's update angle is ${angle}°, not well below 90°`);
  const bpWeightAngle = await number(page, "metric-weight-angle", "bp");
  assert.ok(bpWeightAngle > 80 && bpWeightAngle < 100, `BP's unused B stays near 90°, got ${bpWeightAngle}`);
  const lossAfter = await number(page, "metric-loss", "fa");
  assert.ok(lossAfter < lossBefore / 4, `FA's loss fell only from ${lossBefore} to ${lossAfter}`);
  await screenshot(page, "default-compare");
  // The worker answers a pause with a frame that says it is paused; frames
  // already on their way arrive before it.
  await pause(page);
  const paused = await number(page, "metric-step", "fa");
  // While playing, the step count changes from one painted frame to the next.
  await paintedFrames(page, 24);
  assert.equal(await number(page, "metric-step", "fa"), paused, "pause stops training");
  assert.deepEqual(problems, []);
  await page.close();
});

test("every task opens, trains a step and draws", async () => {
  for (const task of TASKS) {
    const { page, problems } = await app.open(`?task=${task}&rule=fa`);
    await page.locator('[data-testid="metric-step"]').first().waitFor();
    await page.getByTestId("step").click();
    const step = await until(() => number(page, "metric-step"), (s) => s === 1, 10_000);
    assert.equal(step, 1, `${task}: one step`);
    const canvases = await page.locator("canvas.chart").count();
    assert.ok(canvases >= 2, `${task}: charts present`);
    assert.ok((await drawnPixels(page, "canvas.chart")) > 100, `${task}: a chart draws`);
    assert.equal(await page.locator("[data-testid=notice] li").count(), 0, `${task}: no notices`);
    if (task === "spirals") {
      // Two hidden layers: a readout per layer.
      assert.equal(await page.locator('[data-testid="metric-weight-angle-2"]').count(), 1);
    }
    if (["xor", "spirals", "moons"].includes(task)) await screenshot(page, `task-${task}`);
    if (task === "sine") await screenshot(page, "task-sine");
    assert.deepEqual(problems, [], task);
    await page.close();
  }
});

test("every rule opens and trains", async () => {
  for (const rule of RULES) {
    const { page, problems } = await app.open(`?task=xor&rule=${rule}`);
    await page.locator(`[data-testid="metric-step"][data-rule="${rule}"]`).waitFor();
    for (let i = 0; i < 3; i++) await page.getByTestId("step").click();
    const step = await until(() => number(page, "metric-step", rule), (s) => s === 3, 10_000);
    assert.equal(step, 3, rule);
    assert.deepEqual(problems, [], rule);
    await page.close();
  }
});

test("compare mode takes a third rule; the feedback view and B can be changed", async () => {
  const { page, problems } = await app.open("?task=xor");
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  await page.getByTestId("rule-kp").check();
  await page.locator('[data-testid="metric-step"][data-rule="kp"]').waitFor();
  assert.equal(await page.locator('[data-testid="metric-step"]').count(), 3);
  assert.match(page.url(), /compare=bp%2Cfa%2Ckp|compare=bp,fa,kp/);
  assert.equal(await page.locator('.run-figure[data-rule="kp"] .network-view').count(), 1);
  // Resampling B redraws fa's B heatmap, though training is paused.
  const heatmap = page.locator('.run-figure[data-rule="fa"] [data-testid="heatmap-1-b"] canvas').first();
  const pixels = (canvas) => canvas.evaluate((c) => c.toDataURL());
  const bBefore = await pixels(heatmap);
  await page.getByTestId("resample").click();
  assert.notEqual(await until(() => pixels(heatmap), (p) => p !== bBefore, 10_000), bBefore);
  assert.equal(await number(page, "metric-step", "fa"), 0, "no training happened");
  await page.getByTestId("fb").selectOption("diff");
  await urlHolds(page, "fb=diff");
  assert.match(page.url(), /fb=diff/);
  await screenshot(page, "compare-three");
  assert.deepEqual(problems, []);
  await page.close();
});

test("pointing at a synapse or a unit of the diagram reads out its value", async () => {
  const { page, problems } = await app.open("?task=xor&rule=fa&layers=2-6-6-2");
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  await page.getByTestId("step").click();
  await until(() => number(page, "metric-step", "fa"), (s) => s === 1, 10_000);
  const figure = page.locator('.run-figure[data-rule="fa"] .network-view');
  const readout = figure.locator(".nv-readout");
  const read = () => until(() => readout.innerText(), (text) => text.length > 0, 5_000);
  // Edges of one shade are one path: the pointer goes halfway between two units, on
  // the edge that joins them.
  const pointBetween = async (units, a, b) => {
    const { x, y } = await figure.locator("svg.nv-svg").evaluate(
      (svg, [units, a, b]) => {
        const circles = svg.querySelectorAll(units);
        const at = (c) => new DOMPoint(+c.getAttribute("cx"), +c.getAttribute("cy")).matrixTransform(svg.getScreenCTM());
        const [p, q] = [at(circles[a]), at(circles[b])];
        return { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
      },
      [units, a, b],
    );
    await page.mouse.move(x, y);
    return read();
  };
  const value = String.raw`-?\d+\.\d{4}|-?\d\.\d{3}e-?\d+`;
  // x unit 0 (the first of 2) to h₁ unit 0 (the third unit drawn): W₁[0, 0].
  assert.match(await pointBetween(".nv-nodes > circle", 0, 2), new RegExp(String.raw`^W₁\[0, 0\] = (${value})$`));
  // δ₂ unit 0 (the seventh error unit drawn) back to δ₁ unit 0: B₂[0, 0].
  assert.match(await pointBetween(".nv-deltas > circle", 0, 6), new RegExp(String.raw`^B₂\[0, 0\] = (${value})$`));
  await page.mouse.move(1, 1);
  await until(() => readout.innerText(), (text) => text === "", 5_000);
  await figure.locator(".nv-nodes > circle").first().hover();
  assert.match(await read(), /unit \d+: a = /);
  // Leaving the diagram clears it.
  await page.mouse.move(1, 1);
  await until(() => readout.innerText(), (text) => text === "", 5_000);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the URL holds the settings and round-trips", async () => {
  const query = "?task=xor&rule=kp&lr=0.05&seed=7&layers=2-6-2&act=relu&batch=4";
  const { page, problems } = await app.open(query);
  await page.locator('[data-testid="metric-step"][data-rule="kp"]').waitFor();
  assert.equal(await page.getByTestId("lr").inputValue(), "0.05");
  assert.equal(await page.getByTestId("layers").inputValue(), "2-6-2");
  assert.equal(await page.getByTestId("act").inputValue(), "relu");
  assert.equal(await page.getByTestId("seed").inputValue(), "7");
  // A change in the page shows in the address bar...
  await page.getByTestId("lr").fill("0.02");
  await page.getByTestId("lr").press("Enter");
  await urlHolds(page, "lr=0.02");
  assert.match(page.url(), /lr=0\.02/);
  await page.getByTestId("rule-fa").check();
  await urlHolds(page, "rule=fa");
  const url = page.url();
  // ...and opening that address restores it.
  const again = await app.browser.newPage();
  await again.goto(url);
  await again.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  assert.equal(await again.getByTestId("lr").inputValue(), "0.02");
  assert.equal(await again.getByTestId("layers").inputValue(), "2-6-2");
  assert.equal(again.url(), url);
  assert.deepEqual(problems, []);
  await again.close();
  await page.close();
});

test("embed mode shows only the chosen views and fits a small iframe", async () => {
  const { page, problems } = await app.open("?embed=1&views=alignment,curves&autoplay=1", { width: 480, height: 320 });
  await page.locator('[data-testid="metric-step"]').first().waitFor();
  assert.equal(await page.locator("header.header").count(), 0);
  assert.equal(await page.locator("footer.footer").count(), 0);
  assert.equal(await page.locator("aside.controls").count(), 0);
  assert.equal(await page.locator('[data-view="network"]').count(), 0);
  assert.equal(await page.locator('[data-view="feedback"]').count(), 0);
  assert.ok((await page.locator('[data-view="alignment"]').count()) > 0);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);
  // autoplay=1 trains without a press on play (there is no play button here).
  assert.ok((await until(() => number(page, "metric-step", "fa"), (s) => s > 50, 20_000)) > 50);
  await screenshot(page, "embed");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a bad URL parameter gives a notice naming it, and the default is used", async () => {
  const { page, problems } = await app.open("?rule=telepathy&lr=abc&layers=5-x");
  const notice = await page.getByTestId("notice").innerText();
  assert.match(notice, /rule/);
  assert.match(notice, /telepathy/);
  assert.match(notice, /lr/);
  assert.match(notice, /layers/);
  // Defaults: the compare page still runs.
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  await page.getByTestId("step").click();
  assert.equal(await until(() => number(page, "metric-step", "fa"), (s) => s === 1, 10_000), 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a divergence pauses training, explains it, and the controls keep working", async () => {
  const { page, problems } = await app.open("?rule=bp&lr=1000");
  await page.locator('[data-testid="metric-step"][data-rule="bp"]').waitFor();
  await page.getByTestId("play").click();
  const notice = await until(() => page.getByTestId("notice").innerText(), (t) => /learning rate/i.test(t), 30_000);
  assert.match(notice, /learning rate/i);
  await until(() => page.getByTestId("play").innerText(), (t) => /Play/.test(t), 10_000);
  assert.match(await page.getByTestId("play").innerText(), /Play/, "paused");
  await screenshot(page, "divergence");
  // Lower the rate and reset: training works again.
  await page.getByTestId("lr").fill("0.1");
  await page.getByTestId("lr").press("Enter");
  await page.getByTestId("reset").click();
  await until(() => number(page, "metric-step", "bp"), (s) => s === 0, 10_000);
  await page.getByTestId("step").click();
  assert.equal(await until(() => number(page, "metric-step", "bp"), (s) => s === 1, 10_000), 1);
  assert.ok(Number.isFinite(await number(page, "metric-loss", "bp")));
  assert.deepEqual(problems, []);
  await page.close();
});

test("keyboard: space plays and pauses, s steps, r resets", async () => {
  const { page, problems } = await app.open("?task=xor&rule=fa");
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  await page.keyboard.press("s");
  assert.equal(await until(() => number(page, "metric-step", "fa"), (s) => s === 1, 10_000), 1);
  await page.keyboard.press(" ");
  assert.ok((await until(() => number(page, "metric-step", "fa"), (s) => s > 20, 20_000)) > 20);
  await page.keyboard.press(" ");
  await page.keyboard.press("r");
  assert.equal(await until(() => number(page, "metric-step", "fa"), (s) => s === 0, 10_000), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the layout reflows on a projector and on a phone", async () => {
  for (const [name, viewport] of [["projector", { width: 1280, height: 720 }], ["phone", { width: 390, height: 844 }]]) {
    const { page, problems } = await app.open("", viewport);
    await page.locator('[data-testid="metric-step"]').first().waitFor();
    await page.getByTestId("step").click();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: no sideways scrolling (overflow ${overflow}px)`);
    await screenshot(page, `layout-${name}`);
    assert.deepEqual(problems, [], name);
    await page.close();
  }
});
