// A course site must be usable with a screen reader and without motion: an
// automated axe-core pass (pinned in package.json) over every page and mode
// finds no serious or critical violation; the controls the issue named carry
// real names; each chart's text alternative gives its current values; and with
// reduced motion asked for, no δ marker travels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { appSession, screenshot, until } from "./harness.mjs";

const app = appSession();
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

// No axe rule is disabled: every page must pass all of them.
async function seriousViolations(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
    }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

const PAGES = [
  ["rules page", "?task=xor", "a11y-rules"],
  ["presentation mode", "?task=xor&present=1", "a11y-present"],
  ["cerebellum", "?page=cerebellum", "a11y-cerebellum"],
  ["microcircuit", "?page=microcircuit", "a11y-microcircuit"],
  ["embed", "?task=xor&embed=1", "a11y-embed"],
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
