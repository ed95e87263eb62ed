// The gradient exercise (?page=exercise) as a class uses it: the test reads the
// network's numbers off the diagram, works out the answer itself — ∂E/∂w by central
// finite differences of E, FA's update from B, the error and the slopes — and types
// it in: a wrong answer gets a hint, the right one is correct and scores; the
// solution walks the chain rule factor by factor with each factor ringed on the
// diagram; the seed and question round-trip through the URL; keys act only when
// the answer field does not have the focus; the phone and the embed fit.
import { readFileSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, measureText, screenshot, setValue, until, urlHolds } from "./harness.mjs";

const app = appSession();

/** A number as the page writes it ("−0.250", "W¹₂₁ = 0.3"). */
const num = (text) => Number(text.split("=").pop().trim().replace(/−/g, "-"));

const ACTIVATIONS = {
  sigmoid: { f: (z) => 1 / (1 + Math.exp(-z)), d: (z) => { const s = 1 / (1 + Math.exp(-z)); return s * (1 - s); } },
  tanh: { f: Math.tanh, d: (z) => 1 - Math.tanh(z) ** 2 },
  linear: { f: (z) => z, d: () => 1 },
};

/** Everything the diagram shows that the answer depends on, read from its text. */
async function readNetwork(page) {
  const text = async (id) => (await page.getByTestId(id).textContent()).trim();
  const count = (prefix) => page.locator(`[data-testid^="${prefix}"]`).count();
  const nU = await count("ex-u-");
  const nH = await count("ex-h-");
  const nV = await count("ex-target-");
  const head = await text("ex-activations");
  const [, f, g] = head.match(/hidden f = (\w+).*output g = (\w+)/);
  const u = [];
  for (let k = 1; k <= nU; k++) u.push(num(await text(`ex-u-${k}`)));
  const target = [];
  for (let i = 1; i <= nV; i++) target.push(num(await text(`ex-target-${i}`)));
  const w1 = [], w2 = [], b = [];
  for (let j = 1; j <= nH; j++) {
    w1.push([]);
    for (let k = 1; k <= nU; k++) w1[j - 1].push(num(await text(`ex-w1-${j}-${k}`)));
  }
  for (let i = 1; i <= nV; i++) {
    w2.push([]);
    for (let j = 1; j <= nH; j++) w2[i - 1].push(num(await text(`ex-w2-${i}-${j}`)));
  }
  const fa = (await count("ex-b-")) > 0;
  if (fa) {
    for (let j = 1; j <= nH; j++) {
      b.push([]);
      for (let i = 1; i <= nV; i++) b[j - 1].push(num(await text(`ex-b-${j}-${i}`)));
    }
  }
  const rate = fa ? num(await text("ex-rate")) : null;
  const asked = await page.locator("g.ex-edge.asked[data-place]").getAttribute("data-place");
  const [layer, a, c] = asked.split("-");
  const weight = { layer, a: Number(a) - 1, c: Number(c) - 1, place: asked };
  return { nU, nH, nV, f: ACTIVATIONS[f], g: ACTIVATIONS[g], u, target, w1, w2, b, rate, weight, fa };
}

function forward(net, w1 = net.w1, w2 = net.w2) {
  const z1 = w1.map((row) => row.reduce((s, w, k) => s + w * net.u[k], 0));
  const h = z1.map(net.f.f);
  const z2 = w2.map((row) => row.reduce((s, w, j) => s + w * h[j], 0));
  const v = z2.map(net.g.f);
  const loss = 0.5 * v.reduce((s, vi, i) => s + (vi - net.target[i]) ** 2, 0);
  return { z1, h, z2, v, loss };
}

/** ∂E/∂w by central finite differences of E with the asked weight nudged. */
function finiteDifference(net, step = 1e-5) {
  const nudged = (delta) => {
    const w1 = net.w1.map((r) => [...r]);
    const w2 = net.w2.map((r) => [...r]);
    if (net.weight.layer === "w1") w1[net.weight.a][net.weight.c] += delta;
    else w2[net.weight.a][net.weight.c] += delta;
    return forward(net, w1, w2).loss;
  };
  return (nudged(step) - nudged(-step)) / (2 * step);
}

/** FA's update of W¹_jk: −η Σ_i B_ji (v_i − t_i) g′(z²_i) · f′(z¹_j) u_k (Lillicrap et al. 2016). */
function faUpdate(net) {
  const { z1, z2, v } = forward(net);
  const [j, k] = [net.weight.a, net.weight.c];
  let signal = 0;
  for (let i = 0; i < net.nV; i++) signal += net.b[j][i] * (v[i] - net.target[i]) * net.g.d(z2[i]);
  return -net.rate * signal * net.f.d(z1[j]) * net.u[k];
}

const tolerance = (x) => Math.max(0.02 * Math.abs(x), 1e-3);
/** As a student would type it: four significant digits, the typographic minus. */
const typed = (x) => x.toPrecision(4).replace("-", "−");

async function answer(page, text) {
  await page.getByTestId("exercise-answer").fill(text);
  await page.getByTestId("exercise-check").click();
}
const verdict = (page) => page.getByTestId("exercise-verdict");
const score = (page) => page.getByTestId("exercise-score").innerText();

test("a gradient problem: a wrong answer gets a hint, the finite-difference answer is correct and scores 1/1", async () => {
  const seen = new Set();
  for (const seed of [2, 3, 4, 5, 6, 7]) {
    const { page, problems } = await app.open(`?page=exercise&seed=${seed}`, { width: 1280, height: 720 });
    await page.getByTestId("exercise-diagram").waitFor();
    const net = await readNetwork(page);
    seen.add(net.weight.layer);
    assert.equal(net.fa, false, "no B on a gradient question");
    const expected = finiteDifference(net);
    const question = await page.getByTestId("exercise-question").innerText();
    assert.match(question, /∂E\/∂W[¹²]/);
    // Twice the tolerance away, on the side away from zero: wrong whatever the slip.
    const wrong = expected + Math.sign(expected || 1) * 3 * tolerance(expected);
    await answer(page, typed(wrong));
    await until(() => verdict(page).getAttribute("data-verdict"), (v) => v === "wrong");
    const hint = await verdict(page).innerText();
    assert.match(hint, /Not yet/);
    assert.match(hint, /Try again/);
    assert.ok(hint.length > 60, `a hint: ${hint}`);
    assert.equal(await score(page), "0/1");
    if (Math.abs(expected) > 0.01) {
      await answer(page, typed(-expected));
      await until(() => verdict(page).innerText(), (t) => /sign/.test(t));
      assert.match(await verdict(page).innerText(), /sign is flipped/);
    }
    await answer(page, typed(expected));
    await until(() => verdict(page).getAttribute("data-verdict"), (v) => v === "correct");
    const said = await verdict(page).innerText();
    assert.match(said, /^Correct/);
    assert.match(said, /within ±/, "the verdict states the tolerance");
    const exactShown = num(said.match(/= (\S+) \(/)[0].replace("(", ""));
    assert.ok(Math.abs(exactShown - expected) <= 1e-3 * Math.max(1, Math.abs(expected)), `${exactShown} vs ${expected}`);
    assert.equal(await score(page), "1/1", "solved on the second problem checked counts once");
    assert.match(await page.locator(".ex-score").innerText(), /0 at the first try/);
    if (seed === 2) await screenshot(page, "exercise-1280x720-correct");
    assert.deepEqual(problems, []);
    await page.close();
    if (seen.size === 2) break;
  }
  assert.deepEqual([...seen].sort(), ["w1", "w2"], "both an output and a hidden weight were asked");
});

test("the solution reveals the chain rule factor by factor, each ringed on the diagram with its number", async () => {
  // A hidden weight of a 3-2-2 network has two paths of five factors.
  let page, problems, net, seed;
  for (seed = 1; seed < 60; seed++) {
    ({ page, problems } = await app.open(`?page=exercise&seed=${seed}`, { width: 1280, height: 720 }));
    await page.getByTestId("exercise-diagram").waitFor();
    net = await readNetwork(page);
    if (net.weight.layer === "w1" && net.nV === 2) break;
    await page.close();
  }
  assert.equal(net.nV, 2, "a 3-2-2 problem with a hidden weight among the first seeds");
  const { z1, z2, v } = forward(net);
  const [j, k] = [net.weight.a, net.weight.c];
  // Reference: the chain-rule path of W¹_jk, output by output.
  const expected = [];
  for (let i = 0; i < 2; i++) {
    expected.push(
      [`output-${i + 1}`, v[i] - net.target[i]],
      [`output-${i + 1}`, net.g.d(z2[i])],
      [`w2-${i + 1}-${j + 1}`, net.w2[i][j]],
      [`hidden-${j + 1}`, net.f.d(z1[j])],
      [`input-${k + 1}`, net.u[k]],
    );
  }
  // Hints first: the factors named, then their values.
  await page.getByTestId("exercise-hint").click();
  const named = await page.getByTestId("exercise-hint-1").innerText();
  for (const symbol of ["g′(z²₁)", "f′(z¹", "W²", "u"]) assert.ok(named.includes(symbol), `${symbol} in ${named}`);
  assert.equal(await page.getByTestId("exercise-hint-2").count(), 0);
  // The keyboard's h gives the second level (the button has the focus from the click).
  await page.keyboard.press("h");
  await page.getByTestId("exercise-hint-2").waitFor();
  assert.equal(await page.getByTestId("exercise-callout").count(), 0, "nothing ringed before the solution");

  for (let step = 1; step <= expected.length; step++) {
    // Alternate the button, the s key and the clicker's PageDown.
    if (step % 3 === 1) await page.getByTestId("exercise-step").click();
    else await page.keyboard.press(step % 3 === 2 ? "s" : "PageDown");
    await until(() => page.getByTestId("exercise-factor").count(), (n) => n === step);
    const [place, value] = expected[step - 1];
    const highlighted = await page.getByTestId("exercise-diagram").getAttribute("data-highlight");
    assert.equal(highlighted, place, `step ${step}`);
    const factor = page.getByTestId("exercise-factor").last();
    assert.equal(await factor.getAttribute("data-place"), place);
    const callout = await page.getByTestId("exercise-callout").textContent();
    assert.ok(Math.abs(num(callout) - value) <= 1e-3 * Math.max(1, Math.abs(value)), `step ${step}: ${callout} vs ${value}`);
    if (step === 4) await screenshot(page, "exercise-1280x720-solution");
  }
  await page.keyboard.press("PageDown");
  await page.getByTestId("exercise-sum").waitFor();
  const sum = await page.getByTestId("exercise-sum").innerText();
  const reference = finiteDifference(net);
  assert.ok(Math.abs(num(sum.split(" (")[0]) - reference) <= tolerance(reference) / 4, `${sum} vs ${reference}`);
  assert.equal(await page.getByTestId("exercise-callout").count(), 0, "the sum rings nothing");
  // PageUp goes back a factor; the complete solution's next is a new problem.
  await page.keyboard.press("PageUp");
  await until(() => page.getByTestId("exercise-sum").count(), (n) => n === 0);
  await page.keyboard.press("PageDown");
  await page.getByTestId("exercise-sum").waitFor();
  await page.keyboard.press("PageDown");
  await urlHolds(page, `seed=${seed + 1}`);
  assert.equal(await page.getByTestId("exercise-factor").count(), 0, "a new problem starts without its solution");
  assert.equal(await score(page), "0/1", "the shown solution counted as an attempt, not a solve");
  assert.deepEqual(problems, []);
  await page.close();
});

test("the FA question: B drawn dashed with its values; −η forgotten gets a hint; the update is correct", async () => {
  const { page, problems } = await app.open("?page=exercise&seed=11&q=fa", { width: 1280, height: 720 });
  await page.getByTestId("exercise-diagram").waitFor();
  const net = await readNetwork(page);
  assert.ok(net.fa);
  assert.equal(await page.locator(".ex-feedback path").count(), net.nH * net.nV, "one dashed edge per B_ji");
  assert.equal(await page.locator(".ex-feedback path").first().evaluate((p) => getComputedStyle(p).strokeDasharray !== "none"), true);
  assert.equal(net.weight.layer, "w1", "FA's question is about a hidden weight");
  assert.match(await page.getByTestId("exercise-question").innerText(), /feedback alignment.*η = 0\.5.*ΔW¹/s);
  const expected = faUpdate(net);
  assert.ok(Math.abs(expected) > 0.005, `seed 11's update ${expected} is big enough to tell slips apart`);
  // The error signal times the input without the step.
  await answer(page, typed(expected / -net.rate));
  await until(() => verdict(page).innerText(), (t) => /−η/.test(t));
  assert.equal(await verdict(page).getAttribute("data-verdict"), "wrong");
  await answer(page, typed(expected));
  await until(() => verdict(page).getAttribute("data-verdict"), (v) => v === "correct");
  assert.equal(await score(page), "1/1");
  // The solution's FA path: −η first, B in place of W².
  await page.getByTestId("exercise-step").click();
  assert.equal(await page.getByTestId("exercise-diagram").getAttribute("data-highlight"), "rate");
  for (let n = 0; n < 3; n++) await page.getByTestId("exercise-step").click();
  assert.match(await page.getByTestId("exercise-diagram").getAttribute("data-highlight"), /^b-/);
  await screenshot(page, "exercise-1280x720-fa");
  assert.deepEqual(problems, []);
  await page.close();
});

test("seed and question round-trip through the URL; bad values give notices and defaults; the score stays", async () => {
  const { page, problems } = await app.open("?page=exercise&seed=17&q=fa", { width: 1280, height: 720 });
  await page.getByTestId("exercise-diagram").waitFor();
  await urlHolds(page, "seed=17&q=fa");
  const question = await page.getByTestId("exercise-question").innerText();
  const numbers = await page.getByTestId("exercise-diagram").getAttribute("aria-label");
  // Solve it, then move on: the score is kept, and is not in the URL.
  const expected = faUpdate(await readNetwork(page));
  await answer(page, typed(expected));
  await until(() => score(page), (s) => s === "1/1");
  await page.getByTestId("exercise-new").click();
  await urlHolds(page, "seed=18&q=fa");
  assert.notEqual(await page.getByTestId("exercise-diagram").getAttribute("aria-label"), numbers);
  assert.equal(await page.getByTestId("exercise-answer").inputValue(), "", "a new problem empties the field");
  assert.equal(await verdict(page).innerText(), "");
  await page.getByTestId("exercise-kind").selectOption("gradient");
  await until(() => page.url(), (u) => /seed=18/.test(u) && !/q=/.test(u));
  await setValue(page, "exercise-seed", "17");
  await until(() => page.url(), (u) => /seed=17/.test(u));
  await page.getByTestId("exercise-kind").selectOption("fa");
  await urlHolds(page, "seed=17&q=fa");
  assert.equal(await page.getByTestId("exercise-question").innerText(), question, "back to the same problem");
  assert.equal(await page.getByTestId("exercise-diagram").getAttribute("aria-label"), numbers);
  assert.equal(await score(page), "1/1", "the score stayed while moving between problems");
  assert.ok(!/score|solved/.test(page.url()));
  // A bad seed typed into the field is refused with a notice; the problem stays.
  await setValue(page, "exercise-seed", "x");
  await until(() => page.locator("[data-testid=notice] li").count(), (n) => n === 1);
  assert.match(await page.locator("[data-testid=notice] li").innerText(), /^seed: .*kept 17/);
  assert.match(page.url(), /seed=17/);
  // The same link opened afresh gives the same problem (a class gets one problem).
  const again = await app.open(page.url().replace(/^.*\//, ""), { width: 1280, height: 720 });
  await again.page.getByTestId("exercise-diagram").waitFor();
  assert.equal(await again.page.getByTestId("exercise-diagram").getAttribute("aria-label"), numbers);
  assert.equal(await again.page.getByTestId("exercise-score").innerText(), "0/0", "a fresh session");
  await again.page.close();
  assert.deepEqual([...problems, ...again.problems], []);
  await page.close();

  const bad = await app.open("?page=exercise&seed=abc&q=hebb", { width: 1280, height: 720 });
  await bad.page.getByTestId("exercise-diagram").waitFor();
  const notices = await bad.page.locator("[data-testid=notice] li").allInnerTexts();
  assert.equal(notices.length, 2, notices.join(" | "));
  assert.match(notices[0], /^seed: 'abc'.*using 1/);
  assert.match(notices[1], /^q: unknown question 'hebb'.*gradient or fa/);
  await urlHolds(bad.page, "seed=1&v=2");
  assert.match(await bad.page.getByTestId("exercise-question").innerText(), /∂E\/∂W/);
  assert.deepEqual(bad.problems, []);
  await bad.page.close();
});

test("the header's navigation opens the exercise at problem 1, its seed in the address", async () => {
  const { page, problems } = await app.open("?task=xor", { width: 1280, height: 720 });
  await page.getByTestId("nav-exercise").click();
  await page.getByTestId("exercise-diagram").waitFor();
  await urlHolds(page, "page=exercise&seed=1");
  assert.equal(await page.getByTestId("nav-exercise").getAttribute("aria-current"), "page");
  assert.equal(await page.locator("[data-testid=notice] li").count(), 0);
  assert.match(await page.getByTestId("exercise-question").innerText(), /^What is ∂E\/∂W/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("keys act on the page, never while typing in the answer field; Enter checks", async () => {
  const { page, problems } = await app.open("?page=exercise&seed=30", { width: 1280, height: 720 });
  await page.getByTestId("exercise-diagram").waitFor();
  await page.getByTestId("exercise-answer").click();
  await page.keyboard.type("nhs");
  await page.keyboard.press("PageDown");
  assert.equal(await page.getByTestId("exercise-answer").inputValue(), "nhs");
  assert.match(page.url(), /seed=30/);
  assert.equal(await page.getByTestId("exercise-hint-1").count(), 0);
  assert.equal(await page.getByTestId("exercise-factor").count(), 0);
  await page.keyboard.press("Enter");
  await until(() => verdict(page).innerText(), (t) => /not a number/.test(t));
  assert.equal(await score(page), "0/0", "an unreadable answer is not an attempt");
  await page.getByTestId("exercise-answer").fill("0,5");
  await page.keyboard.press("Enter");
  await until(() => verdict(page).getAttribute("data-verdict"), (v) => v === "wrong" || v === "correct");
  assert.ok(!/not a number/.test(await verdict(page).innerText()), "a decimal comma is read");
  // Off the field, the letters reach the page.
  await page.locator("h2").first().click();
  await page.keyboard.press("h");
  await page.getByTestId("exercise-hint-1").waitFor();
  await page.keyboard.press("n");
  await urlHolds(page, "seed=31");
  assert.equal(await page.getByTestId("exercise-hint-1").count(), 0, "a new problem hides the hints");
  assert.deepEqual(problems, []);
  await page.close();
});

test("legible at 1280×720 and 1920×1080; fits a phone at 390×844 without sideways scrolling", async () => {
  for (const [width, height, query] of [
    [1280, 720, "?page=exercise&seed=11&q=fa"],
    [1920, 1080, "?page=exercise&seed=11&q=fa"],
    [390, 844, "?page=exercise&seed=11&q=fa"],
  ]) {
    const { page, problems } = await app.open(query, { width, height });
    await page.getByTestId("exercise-diagram").waitFor();
    await page.getByTestId("exercise-step").click();
    await page.getByTestId("exercise-step").click();
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scroll <= width, `${width}×${height}: page ${scroll} px wide`);
    if (width >= 1280) {
      const texts = await measureText(page, { within: '[data-testid="exercise-diagram"]' });
      assert.ok(texts.length > 20, `${texts.length} texts`);
      const small = texts.filter((t) => t.px < 14);
      assert.deepEqual(small, [], `${width}×${height}: text under 14 px`);
      // The diagram and the answer field are both on the first screen.
      const box = await page.getByTestId("exercise-answer").boundingBox();
      assert.ok(box.y + box.height <= height, `${width}×${height}: answer field at ${box.y}`);
      const diagram = await page.getByTestId("exercise-diagram").boundingBox();
      assert.ok(diagram.y + diagram.height <= height + 1, `${width}×${height}: diagram to ${diagram.y + diagram.height}`);
    } else {
      const diagram = await page.getByTestId("exercise-diagram").boundingBox();
      assert.ok(diagram.x >= 0 && diagram.x + diagram.width <= width, `diagram ${JSON.stringify(diagram)}`);
    }
    await screenshot(page, `exercise-${width}x${height}`);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test("embedded: only the exercise, a New problem button and a link to the full app", async () => {
  const { page, problems } = await app.open("?page=exercise&seed=5&embed=1", { width: 960, height: 600 });
  await page.getByTestId("exercise-diagram").waitFor();
  assert.equal(await page.locator("header.header, aside.controls, footer.footer").count(), 0);
  assert.equal(await page.getByTestId("play").count(), 0, "no play button on a page that does not play");
  assert.equal(await page.getByTestId("open-full").getAttribute("href"), "?page=exercise&seed=5&v=2");
  const net = await readNetwork(page);
  await answer(page, typed(finiteDifference(net)));
  await until(() => verdict(page).getAttribute("data-verdict"), (v) => v === "correct");
  await page.getByTestId("exercise-new").click();
  await urlHolds(page, "seed=6&embed=1");
  assert.equal(await score(page), "1/1");
  assert.equal(await page.getByTestId("open-full").getAttribute("href"), "?page=exercise&seed=6&v=2", "the link follows the problem");
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= 960, `embed ${scroll} px wide`);
  // In a 960×600 frame the diagram sits beside the question, its text 14 px or more,
  // and the answer field is in view without scrolling.
  const small = (await measureText(page, { within: '[data-testid="exercise-diagram"]' })).filter((t) => t.px < 14);
  assert.deepEqual(small, [], "embed: diagram text under 14 px");
  const field = await page.getByTestId("exercise-answer").boundingBox();
  assert.ok(field.y + field.height <= 600 && field.x + field.width <= 960, `answer field at ${JSON.stringify(field)}`);
  await screenshot(page, "exercise-embed-960x600");
  assert.deepEqual(problems, []);
  await page.close();
});

/** Clicks `testid` and reads the file its download saves. */
async function downloaded(page, testid) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testid).click()]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), "utf8") };
}

test("the export panel saves the problem with every number on the diagram, the diagram as SVG, and the session's answers", async () => {
  for (const viewport of [{ width: 1280, height: 720 }, { width: 390, height: 844 }]) {
    const { page, problems } = await app.open("?page=exercise&seed=7&q=fa", viewport);
    await page.getByTestId("exercise-diagram").waitFor();
    const net = await readNetwork(page);
    const panel = page.getByTestId("export-panel");
    await panel.locator("summary").click();
    assert.equal(await page.getByTestId("export-png").count(), 0, "no charts on this page");
    assert.ok(await page.getByTestId("export-answers").isDisabled(), "no answers yet");
    const before = await downloaded(page, "export-problem");
    assert.equal(before.name, "bioprop-exercise-7-fa.json");
    const file = JSON.parse(before.text);
    assert.equal(file.seed, 7);
    assert.equal(file.question, "fa");
    assert.match(file.link, /^\?page=exercise&seed=7&q=fa/);
    // The numbers the diagram shows, exactly.
    assert.deepEqual(
      [file.network.u, file.network.target, file.network.w1, file.network.w2, file.network.b, file.network.lr],
      [net.u, net.target, net.w1, net.w2, net.b, net.rate],
    );
    assert.equal(file.answer, undefined, "the answer is not given away");
    const svg = await downloaded(page, "export-svg");
    assert.match(svg.text, /^<\?xml[^>]*>\n<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(svg.text.includes("W¹"), "the diagram's labels");

    // A wrong number, then the right one: two rows.
    const expected = faUpdate(net);
    await answer(page, typed(expected + Math.sign(expected || 1) * 3 * tolerance(expected)));
    await until(() => verdict(page).getAttribute("data-verdict"), (v) => v === "wrong");
    await answer(page, typed(expected));
    await until(() => verdict(page).getAttribute("data-verdict"), (v) => v === "correct");
    const csv = (await downloaded(page, "export-answers")).text.trim().split("\n");
    assert.equal(csv[0], "seed,question,asked,typed,value,exact,correct,hints,solution_shown");
    assert.equal(csv.length, 3, csv.join("\n"));
    assert.deepEqual(csv.map((row) => row.split(",").slice(0, 2).join()).slice(1), ["7,fa", "7,fa"]);
    assert.deepEqual(csv.slice(1).map((row) => row.split(",")[6]), ["0", "1"]);
    const exact = Number(csv[2].split(",")[5]);
    assert.ok(Math.abs(exact - expected) <= tolerance(expected), `${exact} vs ${expected}`);
    // Solved: now the problem file has the answer the page shows.
    const after = JSON.parse((await downloaded(page, "export-problem")).text);
    assert.equal(after.answer.exact, exact);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= viewport.width, `${width} px wide at ${viewport.width}`);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, `exercise-export-${viewport.width}x${viewport.height}`);
    assert.deepEqual(problems, []);
    await page.close();
  }
});
