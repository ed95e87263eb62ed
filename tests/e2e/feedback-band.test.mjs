// What each network's feedback band carries, as the default comparison shows it:
// backprop's error goes back through Wᵀ, so its band draws and names Wᵀ whatever the
// feedback toggle says; feedback alignment's goes through B. Backprop's unused B
// appears only as the labelled control beside the other matrices.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, screenshot, until } from "./harness.mjs";

const app = appSession();

const figure = (page, rule) => page.locator(`[data-view="network"] .run-figure[data-rule="${rule}"]`);

async function band(page, rule) {
  const f = figure(page, rule);
  const labels = await f.locator(".nv-labels text").allTextContents();
  return {
    title: labels.find((t) => t.startsWith("feedback pathway")),
    legend: await f.locator(".nv-legend").innerText(),
    notes: await f.locator(".nv-notes li").allTextContents(),
  };
}

for (const fb of ["b", "wt", "diff"]) {
  test(`fb=${fb}: backprop's band draws Wᵀ; feedback alignment's what the toggle asks`, async () => {
    const { page, problems } = await app.open(fb === "b" ? "" : `?fb=${fb}`);
    await until(() => figure(page, "bp").locator(".nv-labels text").count(), (n) => n > 0);
    const bp = await band(page, "bp");
    assert.equal(bp.title, "feedback pathway: error δ sent back through Wᵀ");
    assert.match(bp.legend, /feedback: Wᵀ/);
    assert.doesNotMatch(bp.legend, /feedback: B/);
    assert.deepEqual(bp.notes.filter((n) => /no error travels/.test(n)), [], "the edges drawn are the ones the error takes");
    const fa = await band(page, "fa");
    const expected = { b: "B", wt: "Wᵀ", diff: "B − Wᵀ" }[fb];
    assert.match(fa.legend, new RegExp(`feedback: ${expected}`));
    if (fb === "b") assert.equal(fa.title, "feedback pathway: error δ sent back through B");
    if (fb === "b") {
      // The unused B stays where the comparison needs it, labelled as a control.
      const bpB = page.locator('[data-view="feedback"] .run-figure[data-rule="bp"] [data-testid="heatmap-1-b"] .heatmap-title');
      assert.match(await bpB.first().innerText(), /unused: control/);
      const faB = page.locator('[data-view="feedback"] .run-figure[data-rule="fa"] [data-testid="heatmap-1-b"] .heatmap-title');
      assert.doesNotMatch(await faB.first().innerText(), /unused/);
      const title = await page.locator('[data-testid="metric-weight-angle"][data-rule="bp"]').locator("..").getAttribute("title");
      assert.match(title, /control/);
      await screenshot(page, "feedback-band-bp-wt");
    }
    // Wᵀ is written one way everywhere on the page.
    assert.doesNotMatch(await page.locator("body").innerText(), /W\^T|W\^⊤|Wᵗ/);
    assert.deepEqual(problems, []);
    await page.close();
  });
}
