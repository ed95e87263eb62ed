// What a user downloads to open each page, gzipped: the page's own module and the
// worker(s) it starts, read from the build (tests/e2e/bundles.mjs derives both from the
// loader's page list and the built files, not from a list kept by hand), against
// issue 11's budget of 600 KiB, a product requirement. Prints every page's figure, what
// a page that shows other pages in frames (the tour) downloads with the largest of
// them, and the whole build's sum. Sizes, not times: this reads the build that
// BIOPROP_DIST names. page-loads.test.mjs checks that the browser fetches exactly these.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { functionSizes, sections } from "../../scripts/wasm-size.mjs";
import { kib, loaderPages, pageBundles } from "./bundles.mjs";
import { repoRoot } from "./harness.mjs";

const BUDGET = 600 * 1024;
const dist = process.env.BIOPROP_DIST ?? join(repoRoot, "dist");
// cargo's output, which keeps the function names the shipped files leave out.
const cargoOut = join(process.env.CARGO_TARGET_DIR ?? join(repoRoot, "target"), "wasm32-unknown-unknown", "release");
const HOW_TO_SEE =
  "To see what grew: `node scripts/wasm-size.mjs target/wasm32-unknown-unknown/release/PAGE.wasm " +
  "target/wasm32-unknown-unknown/release/PAGE-worker.wasm` after `scripts/build-web.sh` lists the " +
  'code by crate and the largest functions (README, "Bundle size", says what the build already ' +
  "does to keep it small).";

const wasmFiles = () => readdirSync(dist).filter((name) => name.endsWith(".wasm"));

test("every page's wasm, its module and its workers, gzipped, stays within 600 KiB", (t) => {
  const { bundles, gzipped } = pageBundles(dist);
  const rows = bundles.map((b) => {
    const parts = [b.module, ...b.workers].map((name) => `${name} ${gzipped.get(name).toLocaleString("en-US")}`);
    const framed = b.embeds ? `; with the largest page it shows in a frame ${kib(b.withFrames)}` : "";
    return `${b.page.padEnd(12)} ${kib(b.own).padStart(22)} = ${parts.join(" + ")}${framed}`;
  });
  const total = [...gzipped.values()].reduce((sum, size) => sum + size, 0);
  t.diagnostic(`gzipped (Node's zlib, level 9), budget ${kib(BUDGET)} per page:`);
  for (const row of rows) t.diagnostic(row);
  t.diagnostic(`the whole build: ${gzipped.size} wasm files, ${kib(total)}`);
  // Every page but the rules page (the default) starts at most one worker; the rules
  // page starts its trainer. A page that started every worker would be a bundle test
  // that cannot tell pages apart.
  const rules = bundles.find((b) => b.page === "rules");
  assert.deepEqual(rules.workers, ["rules-worker_bg.wasm"], "the rules page starts its trainer only");
  for (const b of bundles) {
    assert.ok(b.workers.length <= 1, `${b.page} starts ${b.workers.join(", ")}`);
    assert.ok(
      b.own <= BUDGET,
      `${b.page}: ${kib(b.own)} gzipped, over issue 11's budget of ${kib(BUDGET)} by ${kib(b.own - BUDGET)}. ${HOW_TO_SEE}`,
    );
  }
});

test("the shipped wasm carries no function names (the build strips them)", () => {
  for (const name of wasmFiles()) {
    const custom = sections(readFileSync(join(dist, name)))
      .filter((s) => s.id === 0)
      .map((s) => s.name);
    assert.deepEqual(
      custom.filter((s) => s === 'custom "name"' || s === 'custom "producers"'),
      [],
      `${name} has ${custom.join(", ")}`,
    );
  }
});

// A page only parses and checks settings with the core; training happens in the
// worker. A training function in a page's module means something pulled the trainer
// in (see HOW_TO_SEE); the rules page's worker shows the check can see them.
test("no page's module holds the core's training code, the rules page's worker does", (t) => {
  const pages = loaderPages(dist).map((page) => join(cargoOut, `${page}.wasm`));
  const worker = join(cargoOut, "rules-worker.wasm");
  if (![...pages, worker].every(existsSync)) {
    t.skip(`no release build in ${cargoOut} (scripts/build-web.sh makes one)`);
    return;
  }
  const training = (file) =>
    functionSizes(readFileSync(file))
      .map((f) => f.name)
      .filter((name) => /^bioprop::(linalg::|network::Network::|experiment::step::)|as bioprop::rule::Rule>::/.test(name));
  const inWorker = training(worker);
  assert.ok(inWorker.length > 10, `the worker's training functions: ${inWorker}`);
  for (const page of pages) {
    const inPage = training(page);
    assert.deepEqual(inPage, [], `training code in ${page}: ${inPage.slice(0, 10).join(", ")}. ${HOW_TO_SEE}`);
  }
});
