// Offline and self-contained (README, "Offline, sub-folders and a strict CSP"): every
// page loads and runs with every request to another host refused; from a sub-folder;
// opened as a file it says why it cannot run; with the network cut after a first
// load (the service worker, static/sw.js); and under the strict Content-Security-Policy
// a university site might impose.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { launchBrowser, number, repoRoot, screenshot, until } from "./harness.mjs";
import { serveDirectory, STRICT_CSP } from "../../scripts/serve.mjs";

const dist = process.env.BIOPROP_DIST ?? join(repoRoot, "dist");
const VIEWPORT = { width: 1280, height: 720 };

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Serves the build (under `base`, with `headers`); returns its address and a closer. */
async function serve(options = {}) {
  const server = await serveDirectory(dist, 0, "127.0.0.1", options);
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: origin + (options.base ?? "/"),
    close: () => new Promise((done) => server.close(done)),
  };
}

/** The readout `testid` once it has changed from `from` (a page that runs moves it on). */
const moved = (page, testid, from, frame = page) =>
  until(() => frame.locator(`[data-testid="${testid}"]`).first().innerText().catch(() => from), (t) => t !== from, 60_000);

/**
 * Every page, and what shows that it runs: its worker answers a step (the pages that
 * train or simulate), the exercise judges an answer, the tour's demonstration runs.
 */
const PAGES = [
  {
    name: "rules",
    query: "?compare=bp,fa",
    async runs(page) {
      await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor({ timeout: 30_000 });
      await page.getByTestId("step").click();
      assert.equal(await until(() => number(page, "metric-step", "fa"), (s) => s === 1), 1, "rules: one step");
    },
  },
  {
    name: "digits",
    query: "?task=digits&compare=bp,fa",
    async runs(page) {
      const train = await until(
        () => page.getByTestId("digits-loaded").getAttribute("data-train").catch(() => null),
        (t) => Number(t) > 0,
        120_000,
      );
      assert.ok(Number(train) > 0, "digits: digits.bin loaded");
      await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
      await page.getByTestId("step").click();
      assert.equal(await until(() => number(page, "metric-step", "fa"), (s) => s === 1, 60_000), 1, "digits: one step");
    },
  },
  {
    name: "microcircuit",
    query: "?page=microcircuit&mode=steady&speed=1000",
    async runs(page) {
      await page.getByTestId("metric-step").waitFor({ timeout: 30_000 });
      await page.getByTestId("step").click();
      assert.ok((await until(() => number(page, "metric-step"), (n) => n > 0, 30_000)) > 0, "microcircuit: stepped");
    },
  },
  {
    name: "cerebellum",
    query: "?page=cerebellum&speed=500",
    async runs(page) {
      await page.getByTestId("metric-time").waitFor({ timeout: 30_000 });
      await page.getByTestId("step").click();
      assert.equal(await moved(page, "metric-time", "0.0"), "0.5", "cerebellum: stepped");
    },
  },
  {
    name: "exercise",
    query: "?page=exercise&seed=3",
    async runs(page) {
      await page.getByTestId("exercise-diagram").waitFor({ timeout: 30_000 });
      await page.getByTestId("exercise-answer").fill("abc");
      await page.getByTestId("exercise-check").click();
      const verdict = await until(() => page.getByTestId("exercise-verdict").innerText().catch(() => ""), (t) => /not a number/.test(t));
      assert.match(verdict, /not a number/, "exercise: an answer judged");
    },
  },
  {
    name: "tour",
    query: "?page=tour&step=weight-transport",
    async runs(page) {
      await page.getByTestId("tour-frame").waitFor({ timeout: 30_000 });
      if ((await page.getByTestId("predict-choice").count()) > 0) await page.getByTestId("predict-choice").first().click();
      const frame = page.frameLocator('[data-testid="tour-frame"]');
      await frame.getByTestId("app").waitFor({ timeout: 30_000 });
      const clock = async () => {
        for (const id of ["metric-time", "metric-step"]) {
          const readout = frame.locator(`[data-testid="${id}"]`).first();
          if ((await readout.count()) > 0) return parseFloat(await readout.innerText());
        }
        return NaN;
      };
      const start = await until(clock, (c) => !Number.isNaN(c), 30_000);
      const later = await until(clock, (c) => c > start, 60_000);
      assert.ok(later > start, `tour: the demonstration runs (${start} → ${later})`);
    },
  },
  {
    name: "embed",
    query: "?embed=1&autoplay=1&compare=bp,fa",
    async runs(page) {
      await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor({ timeout: 30_000 });
      assert.ok((await until(() => number(page, "metric-step", "fa"), (s) => s > 0, 30_000)) > 0, "embed: autoplays");
    },
  },
];

/** Listens on `page` for what a test must not see: console errors, uncaught errors, failed loads. */
function watch(page) {
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    if (request.failure()?.errorText === "net::ERR_ABORTED") return;
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

/** Opens `spec`'s page at `url` in `context`, checks that it runs and shows no problem. */
async function openAndRun(context, url, spec, problems = null) {
  const page = await context.newPage();
  const seen = problems ?? watch(page);
  if (problems) page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.goto(url + spec.query);
  await page.waitForSelector('[data-testid="app"]', { timeout: 30_000 });
  await spec.runs(page);
  assert.equal(await page.locator(".panic, .crash").count(), 0, `${spec.name}: a crash box`);
  return { page, problems: seen };
}

test("no page asks any other host: every page loads and runs with the outside refused", async () => {
  const server = await serve();
  const context = await browser.newContext({ viewport: VIEWPORT });
  const outside = [];
  // Every request the browser makes for the pages, their frames and workers (and the
  // service worker's): the test server's own go on, any other is refused and recorded.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(server.origin + "/")) return route.continue();
    outside.push(url);
    return route.abort("blockedbyclient");
  });
  context.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(server.origin + "/") && !/^(data|blob):/.test(url)) outside.push(url);
  });
  try {
    for (const spec of PAGES) {
      const { page, problems } = await openAndRun(context, server.url, spec);
      await page.waitForLoadState("networkidle");
      assert.deepEqual(problems, [], spec.name);
      await page.close();
    }
    assert.deepEqual([...new Set(outside)], [], "requests to other hosts");
  } finally {
    await context.close();
    await server.close();
  }
});

test("from a sub-folder every page loads and runs; the folder without its slash is sent to it", async () => {
  const server = await serve({ base: "/some/sub/" });
  const context = await browser.newContext({ viewport: VIEWPORT });
  const requested = [];
  context.on("request", (request) => requested.push(new URL(request.url()).pathname));
  try {
    for (const spec of PAGES) {
      const { page, problems } = await openAndRun(context, server.url, spec);
      assert.deepEqual(problems, [], spec.name);
      await page.close();
    }
    // Nothing was asked for outside the folder (it would be a 404 above, too).
    assert.deepEqual(requested.filter((path) => !path.startsWith("/some/sub/")), []);
    const page = await context.newPage();
    await page.goto(server.origin + "/some/sub");
    assert.equal(new URL(page.url()).pathname, "/some/sub/");
    await page.waitForSelector('[data-testid="app"]', { timeout: 30_000 });
    await page.close();
  } finally {
    await context.close();
    await server.close();
  }
});

test("opened as a file, the page says why it cannot run and how to serve it", async () => {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const problems = watch(page);
  await page.goto("file://" + join(dist, "index.html") + "?page=cerebellum");
  const alert = page.getByRole("alert");
  await alert.waitFor();
  const text = await alert.innerText();
  assert.match(text, /file:\/\//);
  assert.match(text, /make serve/);
  assert.match(text, /http:\/\//);
  assert.ok(await alert.isVisible());
  assert.equal(await page.locator('[data-testid="app"]').count(), 0);
  assert.deepEqual(problems, []);
  await screenshot(page, "file-url-1280x720");
  await page.close();
});

test("after a first load the pages work with the network cut: reload, switch pages, the digits", async () => {
  const server = await serve();
  const context = await browser.newContext({ viewport: VIEWPORT });
  const byName = new Map(PAGES.map((spec) => [spec.name, spec]));
  try {
    // Online: the rules page, the digits and the cerebellum, once each.
    const { page, problems } = await openAndRun(context, server.url, byName.get("rules"));
    const controlled = await until(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), Boolean);
    assert.ok(controlled, "the service worker controls the page");
    for (const name of ["digits", "cerebellum"]) {
      await page.goto(server.url + byName.get(name).query);
      await byName.get(name).runs(page);
    }
    // The cache is this build's: its name carries the stamped version.
    const version = readFileSync(join(dist, "sw.js"), "utf8").match(/^const VERSION = "([0-9a-f]{16})";$/m)?.[1];
    assert.ok(version, "sw.js carries the build's version");
    const caches = await page.evaluate(() => caches.keys());
    assert.deepEqual(caches, [`bioprop ${server.url} ${version}`]);
    assert.deepEqual(problems, []);

    await context.setOffline(true);
    // Cut for real: a file never fetched is not there.
    const before = problems.length;
    const missing = await page.evaluate(() => fetch("never-fetched.txt").then(() => "answered", (e) => `refused: ${e}`));
    assert.match(missing, /^refused/);
    // The console's word on that refused fetch (expected) is not a problem.
    problems.splice(before);
    await page.reload();
    await page.waitForSelector('[data-testid="app"]', { timeout: 30_000 });
    await byName.get("cerebellum").runs(page);
    // Switching pages with the header's links, offline.
    await page.getByTestId("nav-rules").click();
    await page.waitForURL((url) => !url.search.includes("page=cerebellum"));
    // The header's link opens the default comparison: its first run steps.
    await page.getByTestId("metric-step").first().waitFor({ timeout: 30_000 });
    await page.getByTestId("step").click();
    assert.equal(await until(() => number(page, "metric-step"), (s) => s === 1), 1, "rules offline: one step");
    await page.goto(server.url + byName.get("digits").query);
    await byName.get("digits").runs(page);
    assert.equal(await page.locator(".panic, .crash").count(), 0);
    await screenshot(page, "offline-digits-1280x720");
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await server.close();
  }
});

test("the build stamps its service worker with a hash of its files", () => {
  const dir = mkdtempSync(join(tmpdir(), "bioprop-sw-"));
  try {
    writeFileSync(join(dir, "sw.js"), readFileSync(join(repoRoot, "static", "sw.js")));
    writeFileSync(join(dir, "a.js"), "one");
    const stamp = () => {
      execFileSync("node", [join(repoRoot, "scripts", "stamp-sw.mjs"), dir]);
      return readFileSync(join(dir, "sw.js"), "utf8").match(/^const VERSION = "(.*)";$/m)[1];
    };
    const first = stamp();
    assert.match(first, /^[0-9a-f]{16}$/);
    assert.equal(stamp(), first, "the same files, the same version (sw.js itself not counted)");
    writeFileSync(join(dir, "a.js"), "two");
    assert.notEqual(stamp(), first, "a changed file, a new version");
  } finally {
    rmSync(dir, { recursive: true });
  }
});

/**
 * Opens every page under `policy` and returns, per page, the policy's violations its
 * documents reported (frames included) and its other problems.
 */
async function underPolicy(policy) {
  const server = await serve({ headers: { "Content-Security-Policy": policy } });
  const context = await browser.newContext({ viewport: VIEWPORT });
  const violations = [];
  await context.exposeBinding("__bioprop_csp", (_, v) => violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      globalThis.__bioprop_csp({ directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile, sample: e.sample }),
    );
  });
  const results = [];
  try {
    for (const spec of PAGES) {
      violations.length = 0;
      const page = await context.newPage();
      const problems = [];
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      await page.goto(server.url + spec.query);
      await page.waitForSelector('[data-testid="app"]', { timeout: 30_000 });
      await spec.runs(page);
      // The response carried the policy.
      const header = await page.evaluate(() => fetch("index.html").then((r) => r.headers.get("content-security-policy")));
      assert.equal(header, policy);
      results.push({ name: spec.name, violations: [...violations], problems });
      if (spec.name === "rules") await screenshot(page, `csp-${policy.includes("style-src") ? "with-style-src" : "strict"}-1280x720`);
      await page.close();
    }
  } finally {
    await context.close();
    await server.close();
  }
  return results;
}

test("under the strict policy every page runs: no script, worker, wasm or fetch is refused", async () => {
  for (const { name, violations, problems } of await underPolicy(STRICT_CSP)) {
    // Only the inline style attributes (colour swatches, bar widths) are refused.
    const others = violations.filter((v) => v.directive !== "style-src-attr");
    assert.deepEqual(others, [], `${name}: violations other than inline style attributes`);
    const otherErrors = problems.filter((p) => !/^Applying inline style violates/.test(p));
    assert.deepEqual(otherErrors, [], `${name}: errors`);
  }
});

test("with style-src 'self' 'unsafe-inline' added no page reports any violation", async () => {
  for (const { name, violations, problems } of await underPolicy(`${STRICT_CSP}; style-src 'self' 'unsafe-inline'`)) {
    assert.deepEqual(violations, [], name);
    assert.deepEqual(problems, [], name);
  }
});
