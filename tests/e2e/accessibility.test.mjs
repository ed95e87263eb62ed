// A course site must be usable with a screen reader and without motion: an
// automated axe-core pass (pinned in package.json) over every page and mode
// finds no serious or critical violation; the controls the issue named carry
// real names; each chart's text alternative gives its current values; and with
// reduced motion asked for, no δ marker travels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { appSession, screenshot, setValue, until } from "./harness.mjs";

const app = appSession();
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

// No axe rule is disabled: every page must pass all of them.
// `iframes: false` checks the page without the pages it frames (the tour's
// demonstrations are pages of their own, checked above).
async function seriousViolations(page, { iframes = true } = {}) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async (iframes) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"], iframes });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
    }));
  }, iframes);
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

const PAGES = [
  ["rules page", "?task=xor", "a11y-rules"],
  ["presentation mode", "?task=xor&present=1", "a11y-present"],
  ["cerebellum", "?page=cerebellum", "a11y-cerebellum"],
  ["cerebellum, distal teacher", "?page=cerebellum&task=distal-teacher", "a11y-cerebellum-teacher"],
  ["microcircuit", "?page=microcircuit", "a11y-microcircuit"],
  ["embed", "?task=xor&embed=1", "a11y-embed"],
  // The delta rule's own view (issue 10, item 12), on the page and presented.
  ["delta rule", "?rule=delta", "a11y-delta"],
  ["delta rule, xor, presented", "?task=xor&rule=delta&present=1", "a11y-delta-present"],
  // The gradient exercise (issue 14), both questions, and embedded.
  ["gradient exercise", "?page=exercise&seed=3", "a11y-exercise"],
  ["gradient exercise, FA question", "?page=exercise&seed=11&q=fa", "a11y-exercise-fa"],
  ["gradient exercise, embedded", "?page=exercise&seed=3&embed=1", "a11y-exercise-embed"],
];

for (const [name, query, shot] of PAGES) {
  test(`axe finds no serious or critical violation: ${name}`, async () => {
    const { page, problems } = await app.open(query, { width: 1280, height: 720 });
    await page.waitForSelector("canvas, svg");
    const violations = await seriousViolations(page);
    await screenshot(page, shot);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test("the digits after a step, with a digit drawn and labelled: axe passes every digit view", async () => {
  const { page, problems } = await app.open("?task=digits", { width: 1280, height: 720 });
  await page.getByTestId("digits-loaded").waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  await page.getByTestId("step").click();
  await page.locator('[data-testid="receptive-fields"][data-rule="fa"] canvas').waitFor();
  await page.getByTestId("digit-pad").scrollIntoViewIfNeeded();
  const box = await page.getByTestId("digit-pad").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.8, { steps: 5 });
  await page.mouse.up();
  await page.getByTestId("digit-label-1").click();
  await page.locator('[data-testid="digit-errors"][data-rule="fa"]').waitFor();
  const violations = await seriousViolations(page);
  await screenshot(page, "a11y-digits");
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  // The pad's controls are reachable by name.
  assert.equal(await page.getByRole("button", { name: "Clear", exact: true }).count(), 1);
  assert.equal(await page.getByRole("group", { name: "The drawing's true label" }).count(), 1);
  assert.deepEqual(problems, []);
  await page.close();
});

// The lecture tour (issue 14): a step with its demonstration and a prediction made, the
// locality inspector, the concept check answered, and the embed.
for (const [name, query, shot] of [
  ["lecture tour, a demonstration", "?page=tour&step=weight-transport", "a11y-tour"],
  ["lecture tour, locality inspector", "?page=tour&step=locality", "a11y-tour-locality"],
  ["lecture tour, concept check", "?page=tour&step=concept-check", "a11y-tour-quiz"],
  ["lecture tour, embedded", "?page=tour&step=derivative&embed=1", "a11y-tour-embed"],
]) {
  test(`axe finds no serious or critical violation: ${name}`, async () => {
    const { page, problems } = await app.open(query, { width: 1280, height: 720 });
    await page.getByTestId("tour").waitFor();
    if ((await page.getByTestId("predict-choice").count()) > 0) {
      assert.equal((await seriousViolations(page, { iframes: false })).length, 0, `${name}, before the prediction`);
      await page.getByTestId("predict-choice").first().click();
      await page.getByTestId("predict-verdict").waitFor();
    }
    if ((await page.getByTestId("quiz-choice").count()) > 0) {
      await page.getByTestId("quiz-choice").first().click();
      await page.getByTestId("quiz-feedback").waitFor();
    }
    const violations = await seriousViolations(page, { iframes: false });
    await screenshot(page, shot);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
    assert.deepEqual(problems, []);
    await page.close();
  });
}

// The locality inspector open on the rules page (compare mode, a hidden synapse) and on
// the microcircuit page.
for (const [name, query, shot] of [
  ["rules page, locality inspector", "?task=xor&inspect=2-1-3", "a11y-inspector"],
  ["microcircuit, locality inspector", "?page=microcircuit&inspect=1", "a11y-inspector-microcircuit"],
]) {
  test(`axe finds no serious or critical violation: ${name}`, async () => {
    const { page, problems } = await app.open(query, { width: 1280, height: 720 });
    await page.getByTestId("locality-inspector").waitFor();
    await page.locator("tbody tr").first().waitFor();
    const violations = await seriousViolations(page);
    await screenshot(page, shot);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
    assert.equal(await page.getByRole("button", { name: "Close the locality inspector (Escape)" }).count(), 1);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test("the delta rule's view after a step: axe passes its readout and its controls have names", async () => {
  for (const query of ["?rule=delta", "?task=xor&rule=delta"]) {
    const { page, problems } = await app.open(query, { width: 1280, height: 720 });
    await page.getByTestId("delta-diagram").waitFor();
    await page.getByTestId("step").click();
    await page.getByTestId("delta-dw").waitFor();
    const violations = await seriousViolations(page);
    assert.deepEqual(violations, [], `${query}: ${JSON.stringify(violations, null, 2)}`);
    assert.equal(await page.getByRole("button", { name: "Delta rule (one layer)", exact: true }).count(), 1);
    for (const name of ["output i", "input j"]) {
      assert.equal(await page.getByRole("combobox", { name, exact: true }).count(), 1, name);
    }
    assert.equal(await page.getByRole("img", { name: /^One layer of weights/ }).count(), 1);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test("controls carry real names: rule checkboxes their titles, the cerebellum's number boxes their labels, one Play", async () => {
  const { page, problems } = await app.open("?task=xor", { width: 1280, height: 720 });
  // core/src/rule/facts.rs: the titles of bp and fa.
  for (const name of ["backprop (bp)", "feedback alignment (fa)"]) {
    assert.equal(await page.getByRole("checkbox", { name, exact: true }).count(), 1, name);
  }
  assert.equal(await page.getByRole("button", { name: "Play", exact: true }).count(), 1);
  await page.close();

  for (const query of ["?page=cerebellum", "?page=microcircuit"]) {
    const { page: other, problems: more } = await app.open(query, { width: 1280, height: 720 });
    assert.equal(await other.getByRole("button", { name: "Play", exact: true }).count(), 1, query);
    assert.equal(await other.getByTestId("play").innerText(), "▶ Play", query);
    if (query === "?page=cerebellum") {
      const boxes = other.locator('.slider input[type="number"]');
      // Six sliders on the VOR task (the forward model trades spectacles for its own).
      assert.ok((await boxes.count()) >= 6, `${await boxes.count()} number boxes`);
      for (const box of await boxes.all()) {
        const label = await box.evaluate((input) => input.closest("label").firstChild.textContent.trim());
        assert.ok(label.length > 0);
        assert.equal(await other.getByRole("spinbutton", { name: label, exact: true }).count(), 1, label);
      }
    }
    problems.push(...more);
    await other.close();
  }
  assert.deepEqual(problems, []);
});

test("headings never skip a level", async () => {
  for (const query of ["?task=xor", "?task=xor&present=1", "?page=cerebellum", "?page=microcircuit", "?page=exercise"]) {
    const { page, problems } = await app.open(query, { width: 1280, height: 720 });
    await page.locator('[data-testid="heatmap-1-wt"], canvas, [data-testid="exercise-diagram"]').first().waitFor();
    const levels = await page.$$eval("h1, h2, h3, h4, h5, h6", (hs) => hs.map((h) => Number(h.tagName[1])));
    const jumps = levels.filter((level, i) => i > 0 && level > levels[i - 1] + 1);
    assert.deepEqual(jumps, [], `${query}: heading levels ${levels.join(" ")}`);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test("the exercise with a verdict, both hints and the solution open: axe passes, the answer field has a name", async () => {
  const { page, problems } = await app.open("?page=exercise&seed=11&q=fa", { width: 1280, height: 720 });
  await page.getByTestId("exercise-diagram").waitFor();
  assert.equal(await page.getByRole("textbox", { name: /^ΔW¹.* =$/ }).count(), 1, "the answer field is named by what is asked");
  assert.equal(await page.getByRole("img", { name: /^A \d-2-\d network/ }).count(), 1, "the diagram says its numbers");
  await page.getByTestId("exercise-answer").fill("0.1");
  await page.getByTestId("exercise-check").click();
  await until(() => page.getByTestId("exercise-verdict").innerText(), (t) => t.length > 0);
  await page.getByTestId("exercise-hint").click();
  await page.getByTestId("exercise-hint").click();
  for (let n = 0; n < 4; n++) await page.getByTestId("exercise-step").click();
  await page.getByTestId("exercise-callout").waitFor();
  const violations = await seriousViolations(page);
  await screenshot(page, "a11y-exercise-open");
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  assert.deepEqual(problems, []);
  await page.close();
});

test("the rule builder open, with a composition named and one refused: axe passes", async () => {
  const { page, problems } = await app.open("?task=xor", { width: 1280, height: 720 });
  await page.waitForSelector("canvas, svg");
  await page.getByTestId("rule-builder").locator("summary").click();
  await page.getByTestId("builder-carrier-d").check();
  await page.getByTestId("builder-learn").check();
  await page.getByTestId("builder-verdict").filter({ hasText: "cannot run" }).waitFor();
  const violations = await seriousViolations(page);
  await screenshot(page, "a11y-rule-builder");
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  assert.deepEqual(problems, []);
  await page.close();
});

test("a chart's text alternative reads its current values", async () => {
  const { page, problems } = await app.open("?task=xor", { width: 1280, height: 720 });
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  await page.getByTestId("play").click();
  await until(() => page.getByTestId("metric-step").first().innerText(), (t) => Number(t) >= 200);
  await page.getByTestId("play").click();
  await until(() => page.getByTestId("play").innerText(), (t) => /Play/.test(t), 10_000);
  // Reference: the readout of fa's weight angle, which the chart's last point must match.
  const readout = async () => {
    const angle = parseFloat((await page.locator('[data-testid="metric-weight-angle"][data-rule="fa"]').innerText()).replace("°", ""));
    const label = await page.getByTestId("chart-weight-angle").getAttribute("aria-label");
    const said = label.match(/; fa · layer 1 (-?[\d.]+) at \d+/);
    return { angle, label, said: said ? parseFloat(said[1]) : NaN };
  };
  const seen = await until(readout, (r) => Math.abs(r.said - r.angle) <= 0.1, 10_000);
  assert.ok(Math.abs(seen.said - seen.angle) <= 0.1, JSON.stringify(seen));
  assert.match(seen.label, /^Weight angle.*latest: bp · layer 1 .*[\d.]+ at \d+; /);
  assert.deepEqual(problems, []);
  await page.close();
});

test("with reduced motion asked for, no δ marker travels", async () => {
  // Reference: without the request, markers run while training.
  const moving = async (reduce) => {
    const { page, problems } = await app.open("?task=xor", { width: 1280, height: 720 });
    // Asked before training starts, as a system setting would be.
    if (reduce) await page.emulateMedia({ reducedMotion: "reduce" });
    await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
    await page.getByTestId("play").click();
    await until(() => page.getByTestId("metric-step").first().innerText(), (t) => Number(t) >= 300);
    const seen = await page.evaluate(() => ({
      dots: document.querySelectorAll(".nv-dot").length,
      running: document.getAnimations().filter((a) => a.playState === "running").length,
    }));
    await page.close();
    assert.deepEqual(problems, []);
    return seen;
  };
  const normal = await moving(false);
  assert.ok(normal.dots > 0 && normal.running > 0, `markers travel by default: ${JSON.stringify(normal)}`);
  assert.deepEqual(await moving(true), { dots: 0, running: 0 });
});

test("notices are announced: a polite live region present before any notice arrives", async () => {
  for (const query of ["?task=xor", "?page=cerebellum", "?page=microcircuit"]) {
    const { page, problems } = await app.open(query, { width: 1280, height: 720 });
    const region = page.getByTestId("notice");
    // A region must exist, empty, before its text arrives, or screen readers stay silent.
    assert.equal(await region.getAttribute("aria-live"), "polite", query);
    assert.equal(await region.getAttribute("role"), "status", query);
    assert.equal((await region.innerText()).trim(), "", `${query}: no notice yet`);
    if (query === "?task=xor") {
      await setValue(page, "layers", "2-x-2");
      const text = await until(() => region.innerText(), (t) => t.includes("layers"), 5_000);
      assert.match(text, /layers/, "a notice from a bad value lands in the live region");
    }
    assert.deepEqual(problems, []);
    await page.close();
  }
});
