// Embeds (`embed=1`): a compact bar (play/pause, step, reset, open in full) on
// every page, and at 960×600 the bar, the readouts and any single view chosen
// with `views` fit the frame without scrolling; every diagram's text is 14 px or
// more there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, measureText, screenshot, until } from "./harness.mjs";

const app = appSession();
const FRAME = { width: 960, height: 600 };
// web/src/pages/rules/settings.rs: View::ALL.
const VIEWS = ["network", "feedback", "alignment", "curves", "task"];

/** The elements matching `selector` whose boxes leave the frame (or that are missing). */
async function outside(page, name, selector) {
  const boxes = await page.locator(selector).evaluateAll((elements) =>
    elements.map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, right: r.right, bottom: r.bottom, w: r.width, h: r.height };
    }),
  );
  if (boxes.length === 0) return [`${name}: none found`];
  return boxes
    .filter((b) => b.w <= 0 || b.h <= 0 || b.x < 0 || b.y < 0 || b.right > FRAME.width || b.bottom > FRAME.height)
    .map((b) => `${name}: ${JSON.stringify(b)}`);
}

async function barAndReadouts(page) {
  const out = [];
  for (const id of ["play", "step", "reset", "open-full"]) out.push(...(await outside(page, id, `[data-testid="${id}"]`)));
  return out;
}

for (const view of VIEWS) {
  test(`embed with views=${view} fits 960×600 with its controls and readouts`, async () => {
    const { page, problems } = await app.open(`?embed=1&views=${view}`, FRAME);
    await page.getByTestId("embed-bar").waitFor();
    await page.locator(`[data-view="${view}"]`).first().waitFor();
    const parts = async () => [
      ...(await barAndReadouts(page)),
      ...(await outside(page, "readouts", '[data-testid="metric-step"]')),
      ...(await outside(page, view, `[data-view="${view}"]`)),
    ];
    const left = await until(parts, (o) => o.length === 0, 10_000);
    assert.deepEqual(left, [], `views=${view}: outside the frame`);
    const scroll = await page.evaluate(() => [document.documentElement.scrollHeight, document.documentElement.scrollWidth]);
    assert.ok(scroll[0] <= FRAME.height && scroll[1] <= FRAME.width, `views=${view}: the frame scrolls (${scroll})`);
    await screenshot(page, `embed-960x600-${view}`);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test("the embed bar plays, pauses, steps and resets, and links to the full app", async () => {
  const { page, problems } = await app.open("?embed=1&views=alignment&task=xor", FRAME);
  const step = () => page.locator('[data-testid="metric-step"]').first().innerText().then(Number);
  await page.getByTestId("embed-bar").waitFor();
  assert.match((await page.getByTestId("play").innerText()).trim(), /^(▶ )?Play$/);
  await page.getByTestId("step").click();
  assert.ok((await until(step, (s) => s >= 1, 10_000)) >= 1, "step did not step");
  await page.getByTestId("play").click();
  assert.ok((await until(step, (s) => s >= 100, 30_000)) >= 100, "play did not run");
  await page.getByTestId("play").click();
  assert.match(await until(() => page.getByTestId("play").innerText(), (t) => /Play/.test(t), 10_000), /Play/, "pause did not pause");
  await page.getByTestId("reset").click();
  assert.equal(await until(step, (s) => s === 0, 10_000), 0, "reset did not start again");
  const link = page.getByTestId("open-full");
  assert.equal(await link.getAttribute("target"), "_blank");
  const href = await link.getAttribute("href");
  assert.doesNotMatch(href, /embed/);
  assert.match(href, /views=alignment/);
  assert.match(href, /task=xor/);
  assert.deepEqual(problems, []);
  await page.close();
});

for (const [page_name, readout] of [
  ["cerebellum", "metric-time"],
  ["microcircuit", "metric-time"],
]) {
  test(`the ${page_name} embed has the same bar and it plays`, async () => {
    const { page, problems } = await app.open(`?page=${page_name}&embed=1`, FRAME);
    await page.getByTestId("embed-bar").waitFor();
    assert.deepEqual(await barAndReadouts(page), [], `${page_name}: bar outside the frame`);
    const before = await page.getByTestId(readout).first().innerText();
    await page.getByTestId("play").click();
    const after = await until(() => page.getByTestId(readout).first().innerText(), (t) => t !== before, 15_000);
    assert.notEqual(after, before, `${page_name}: play did not run`);
    await page.getByTestId("play").click();
    assert.match(await until(() => page.getByTestId("play").innerText(), (t) => /Play/.test(t), 10_000), /Play/, `${page_name}: pause did not pause`);
    assert.doesNotMatch(await page.getByTestId("open-full").getAttribute("href"), /embed/);
    await screenshot(page, `embed-960x600-${page_name}`);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

// The same legibility check as the full page's (presentation.test.mjs), in a 960×600 frame.
for (const query of [
  "?embed=1",
  "?embed=1&views=network",
  "?embed=1&views=network&compare=bp,fa,dfa,kp",
  "?embed=1&task=xor&layers=2-16-16-16-2",
  "?page=cerebellum&embed=1",
  "?page=microcircuit&embed=1",
]) {
  test(`embed ${query}: diagram text is 14 px or more at 960×600, contrast 4.5:1 or more`, async () => {
    const { page, problems } = await app.open(query, FRAME);
    await page.getByTestId("embed-bar").waitFor();
    await page.locator("svg text").first().waitFor();
    const texts = await until(() => measureText(page), (t) => t.length >= 5, 10_000);
    assert.ok(texts.length >= 5, `${query}: only ${texts.length} texts`);
    assert.deepEqual(texts.filter((t) => t.px < 14), [], `${query}: text under 14 px`);
    assert.deepEqual(texts.filter((t) => t.ratio < 4.5), [], `${query}: contrast under 4.5:1`);
    if (query.startsWith("?page=")) await screenshot(page, `embed-legible-${query.slice(6, query.indexOf("&"))}-960x600`);
    assert.deepEqual(problems, []);
    await page.close();
  });
}
