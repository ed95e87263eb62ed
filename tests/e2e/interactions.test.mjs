// What a lecturer does live, and what a shared link must carry: edit a field
// while training runs, drive the page from the keyboard without the shortcuts
// fighting the focused control, share a resampled B, and open links that carry
// tracking keys or mistakes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, number, screenshot, until, urlHolds } from "./harness.mjs";

const app = appSession();
const PROJECTOR = { width: 1280, height: 720 };

/** Waits until `rule`'s step count has moved on by `more` steps (frames are streaming). */
async function framesStream(page, rule, more = 30) {
  const from = await number(page, "metric-step", rule);
  const to = await until(() => number(page, "metric-step", rule), (s) => s >= from + more, 20_000);
  assert.ok(to >= from + more, `training ran on (step ${from} → ${to})`);
}

/** Clicks `testid`'s text field, replaces its text by typing `text`, as a person does. */
async function typeInto(page, testid, text) {
  const field = page.getByTestId(testid);
  await field.click();
  await field.press("ControlOrMeta+a");
  await page.keyboard.type(text);
}

test("text fields can be edited while training runs", async () => {
  const { page, problems } = await app.open("?task=xor", PROJECTOR);
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  await page.getByTestId("play").click();
  await framesStream(page, "fa");
  // Live settings first (they do not restart the runs), then those that do.
  const playText = () => page.getByTestId("play").innerText();
  for (const [testid, text, key, restarts] of [
    ["lr", "0.7", "lr=0.7", false],
    ["batch", "2", "batch=2", true],
    ["noise", "0.15", "noise=0.15", true],
    ["fbscale", "2", "fbscale=2", true],
    ["seed", "5", "seed=5", true],
    ["layers", "2-6-2", "layers=2-6-2", true],
  ]) {
    await typeInto(page, testid, text);
    // Frames keep arriving while the draft sits in the field.
    await framesStream(page, "fa");
    assert.equal(await page.getByTestId(testid).inputValue(), text, `${testid} keeps what was typed`);
    if (testid === "lr") await screenshot(page, "edit-lr-while-training");
    await page.getByTestId(testid).press("Enter");
    const url = await urlHolds(page, key);
    assert.ok(url.includes(key), `${testid}: Enter commits (${url})`);
    assert.equal(await page.getByTestId(testid).inputValue(), text, `${testid} shows the committed value`);
    if (restarts) {
      // New runs start paused; play them again.
      await until(playText, (t) => /Play/.test(t), 10_000);
      await page.getByTestId("play").click();
    }
  }
  await page.getByTestId("layers").blur();
  assert.equal(await page.locator("[data-testid=notice] li").count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the microcircuit's traced neuron can be edited while it runs", async () => {
  const { page, problems } = await app.open("?page=microcircuit", PROJECTOR);
  await page.getByTestId("neuron").waitFor();
  await page.getByTestId("play").click();
  await until(() => page.getByTestId("play").innerText(), (t) => /Pause/.test(t), 10_000);
  const time = () => page.getByTestId("metric-time").innerText();
  await typeInto(page, "neuron", "3");
  // Let the simulation redraw several times with the draft in the field.
  for (let i = 0; i < 10; i++) {
    const seen = await time();
    await until(time, (t) => t !== seen, 10_000);
  }
  assert.equal(await page.getByTestId("neuron").inputValue(), "3", "the neuron field keeps what was typed");
  await page.getByTestId("neuron").press("Enter");
  const url = await urlHolds(page, "neuron=3");
  assert.ok(url.includes("neuron=3"), url);
  assert.deepEqual(problems, []);
  await page.close();
});

test("space: a control reached by keyboard keeps it; after a pointer click space plays", async () => {
  const { page, problems } = await app.open("?task=xor", PROJECTOR);
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  const playText = () => page.getByTestId("play").innerText();

  // Tab to Reset and press space: the runs start again; play is not toggled.
  for (let i = 0; i < 3; i++) await page.keyboard.press("s");
  await until(() => number(page, "metric-step", "fa"), (s) => s === 3, 10_000);
  await page.getByTestId("step").focus();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "reset");
  await page.keyboard.press(" ");
  assert.equal(await until(() => number(page, "metric-step", "fa"), (s) => s === 0, 10_000), 0, "Reset acted");
  assert.match(await playText(), /Play/, "space on Reset did not start training");

  // A checkbox reached by Tab: space ticks it, and training stays paused.
  await page.getByTestId("rule-kp").focus();
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "rule-kp");
  await page.keyboard.press(" ");
  await page.locator('[data-testid="metric-step"][data-rule="kp"]').waitFor();
  assert.ok(await page.getByTestId("rule-kp").isChecked(), "space ticked the focused checkbox");
  assert.match(await playText(), /Play/, "space on a checkbox did not start training");
  await page.getByTestId("rule-kp").press(" ");
  await until(() => page.locator('[data-testid="metric-step"][data-rule="kp"]').count(), (n) => n === 0, 10_000);

  // Copy link reached by Tab: space copies, training stays paused.
  await page.getByTestId("logloss").focus();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "copy-link");
  await page.keyboard.press(" ");
  assert.match(await until(() => page.getByTestId("copy-link").innerText(), (t) => /copied/.test(t), 5_000), /copied/);
  assert.match(await playText(), /Play/, "space on Copy link did not start training");

  // The lecturer adds a rule with the mouse, then presses space: it plays, kp stays.
  await page.getByTestId("rule-kp").click();
  await page.locator('[data-testid="metric-step"][data-rule="kp"]').waitFor();
  await page.keyboard.press(" ");
  assert.match(await until(playText, (t) => /Pause/.test(t), 10_000), /Pause/, "space plays after a click");
  assert.ok(await page.getByTestId("rule-kp").isChecked(), "the clicked checkbox stays ticked");
  assert.ok((await until(() => number(page, "metric-step", "kp"), (s) => s > 10, 20_000)) > 10);
  await page.keyboard.press(" ");
  assert.match(await until(playText, (t) => /Play/.test(t), 10_000), /Play/, "space pauses");

  // A task chosen from the list with the mouse: space still plays.
  const task = page.getByTestId("task");
  const box = await task.boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await task.selectOption("circles");
  await urlHolds(page, "task=circles");
  await page.keyboard.press("Escape");
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  await page.keyboard.press(" ");
  assert.match(await until(playText, (t) => /Pause/.test(t), 10_000), /Pause/, "space plays after a choice");
  assert.match(page.url(), /task=circles/, "the choice stands");

  // A presentation clicker's PageDown still scrolls the page.
  await page.mouse.click(5, 700);
  const scrolled = await page.evaluate(() => window.scrollY);
  await page.keyboard.press("PageDown");
  assert.ok((await until(() => page.evaluate(() => window.scrollY), (y) => y > scrolled, 5_000)) > scrolled, "PageDown scrolls");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a resampled B is in the link: Reset keeps it and the link reproduces it", async () => {
  const { page, problems } = await app.open("?task=xor", PROJECTOR);
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  const heatmap = (p) => p.locator('.run-figure[data-rule="fa"] [data-testid="heatmap-1-b"] canvas').first();
  const pixels = (p) => heatmap(p).evaluate((c) => c.toDataURL());
  const original = await pixels(page);
  await page.getByTestId("resample").click();
  const url = await urlHolds(page, "draw=1");
  assert.match(url, /draw=1/);
  const resampled = await until(() => pixels(page), (p) => p !== original, 10_000);
  assert.notEqual(resampled, original);
  const angle = await number(page, "metric-weight-angle", "fa");

  // Reset keeps the current draw.
  await page.keyboard.press("s");
  await until(() => number(page, "metric-step", "fa"), (s) => s === 1, 10_000);
  await page.getByTestId("reset").click();
  await until(() => number(page, "metric-step", "fa"), (s) => s === 0, 10_000);
  assert.equal(await pixels(page), resampled, "Reset keeps the resampled B");
  await screenshot(page, "resampled-b-after-reset");
  assert.equal(await number(page, "metric-weight-angle", "fa"), angle);

  // The shared link opens with the same B.
  const again = await app.browser.newPage({ viewport: PROJECTOR });
  await again.goto(url);
  await again.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  assert.equal(await until(() => pixels(again), (p) => p === resampled, 10_000), resampled, "the link reproduces B");
  assert.equal(await number(again, "metric-weight-angle", "fa"), angle);
  assert.equal(await again.locator("[data-testid=notice] li").count(), 0);
  await again.close();
  assert.deepEqual(problems, []);
  await page.close();
});

test("a refused layers edit names the value that is kept", async () => {
  const { page, problems } = await app.open("?task=xor&layers=2-1024-2", PROJECTOR);
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  await typeInto(page, "layers", "2-8-8");
  await page.getByTestId("layers").press("Enter");
  const notice = await until(() => page.getByTestId("notice").innerText(), (t) => /layers/.test(t), 5_000);
  await screenshot(page, "refused-layers-notice");
  assert.match(notice, /keeping 2-1024-2/);
  assert.doesNotMatch(notice, /2-8-8-2/);
  assert.match(page.url(), /layers=2-1024-2/);
  await page.getByTestId("layers").blur();
  assert.equal(await page.getByTestId("layers").inputValue(), "2-1024-2");
  assert.deepEqual(problems, []);
  await page.close();
});

test("tracking keys are ignored silently; unknown keys share one notice, on every page", async () => {
  const tracking = "utm_source=course&utm_medium=email&fbclid=abc&gclid=def&mc_cid=1&mc_eid=2&_ga=3";
  const many = Array.from({ length: 400 }, (_, i) => `junk${i}=${i}`).join("&");
  for (const page_ of ["rules", "cerebellum", "microcircuit"]) {
    const { page, problems } = await app.open(`?page=${page_}&${tracking}`, PROJECTOR);
    await page.getByTestId("play").waitFor();
    assert.equal(await page.locator("[data-testid=notice] li").count(), 0, `${page_}: tracking keys are silent`);
    await page.close();

    const noisy = await app.open(`?page=${page_}&${tracking}&foo=1&${many}`, PROJECTOR);
    await noisy.page.getByTestId("play").waitFor();
    const items = noisy.page.locator("[data-testid=notice] li");
    assert.equal(await items.count(), 1, `${page_}: one notice for all unknown keys`);
    const text = await items.first().innerText();
    assert.match(text, /foo/);
    assert.match(text, /junk0/);
    assert.match(text, /401/, `${page_}: says how many (${text})`);
    assert.doesNotMatch(text, /utm|fbclid/);
    assert.ok(text.length < 600, `${page_}: the notice is short (${text.length} characters)`);
    const height = await noisy.page.evaluate(() => document.documentElement.scrollHeight);
    if (page_ === "rules") await screenshot(noisy.page, "unknown-keys-notice");
    assert.ok(height < 3000, `${page_}: the page is not pushed down (${height}px)`);
    assert.deepEqual([...problems, ...noisy.problems], []);
    await noisy.page.close();
  }
  // On a phone the one notice stays a few lines.
  const phone = await app.open(`?task=xor&${tracking}&foo=1&${many}`, { width: 390, height: 844 });
  await phone.page.getByTestId("play").waitFor();
  assert.equal(await phone.page.locator("[data-testid=notice] li").count(), 1);
  const box = await phone.page.getByTestId("notice").boundingBox();
  assert.ok(box.height < 400, `the notice is ${box.height}px tall on a phone`);
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);
  await screenshot(phone.page, "unknown-keys-notice-phone");
  assert.deepEqual(phone.problems, []);
  await phone.page.close();
});
