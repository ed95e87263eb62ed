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
import { launchBrowser, number, repoRoot, screenshot, until, watchProblems } from "./harness.mjs";
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

/** Opens `spec`'s page at `url` in `context`, checks that it runs and shows no problem. */
async function openAndRun(context, url, spec, problems = null) {
  const page = await context.newPage();
  const seen = problems ?? watchProblems(page);
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
  const problems = watchProblems(page);
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
 * What the strict-policy test opens beyond PAGES: the views whose colours, widths and
 * shades are set as styles (README, "Offline, sub-folders and a strict CSP").
 */
const STYLED = [
  ...PAGES.map((spec) =>
    spec.name !== "digits"
      ? spec
      : {
          ...spec,
          // A drawn digit with its label: the probability bars and the error cells.
          async runs(page) {
            await spec.runs(page);
            const pad = page.getByTestId("digit-pad");
            await pad.scrollIntoViewIfNeeded();
            const box = await pad.boundingBox();
            await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.15);
            await page.mouse.down();
            await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.85, { steps: 6 });
            await page.mouse.up();
            await page.getByTestId("digit-label-7").click();
            await page.locator('[data-testid="digit-errors"][data-rule="fa"]').waitFor({ timeout: 30_000 });
            await page.locator('ol[data-testid="digit-probabilities"][data-rule="fa"]').waitFor({ timeout: 30_000 });
          },
        },
  ),
  {
    name: "distal teacher",
    query: "?page=cerebellum&task=distal-teacher&speed=500",
    async runs(page) {
      await page.getByTestId("metric-time").first().waitFor({ timeout: 30_000 });
      await page.getByTestId("step").click();
      await moved(page, "metric-time", "0.0");
    },
  },
];

/**
 * Every element's styles as the page wrote them (data-css, static/loader.js) and as
 * they apply: `declared` minus those whose property the element's style lacks.
 */
function unapplied(frame) {
  return frame.evaluate(() =>
    [...document.querySelectorAll("[data-css]")].flatMap((element) =>
      element.dataset.css
        .split(";")
        .map((declaration) => declaration.split(":")[0].trim())
        .filter((property) => property && element.style.getPropertyValue(property) === "")
        .map((property) => `${element.tagName.toLowerCase()}.${element.className?.baseVal ?? element.className} ${property}`),
    ),
  );
}

/**
 * Opens every page under `policy` and returns, per page, the policy's violations its
 * documents reported (frames included), its other problems, the styles it wrote but
 * the browser did not apply, and how many elements wrote any.
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
    for (const spec of STYLED) {
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
      const frames = page.frames();
      const missing = (await Promise.all(frames.map(unapplied))).flat();
      const styled = (await Promise.all(frames.map((f) => f.locator("[data-css]").count()))).reduce((a, b) => a + b, 0);
      const readouts =
        spec.name === "rules"
          ? await page.$$eval(".readout[data-rule]", (all) =>
              Object.fromEntries(all.map((r) => [r.dataset.rule, [getComputedStyle(r).borderLeftColor, r.dataset.css]])),
            )
          : null;
      results.push({ name: spec.name, violations: [...violations], problems, missing, styled, readouts });
      if (policy === STRICT_CSP) {
        await screenshot(page, `csp-strict-${spec.name.replace(/ /g, "-")}-1280x720`);
      }
      await page.close();
    }
  } finally {
    await context.close();
    await server.close();
  }
  return results;
}

test("under exactly the strict policy every page runs, looks right and reports no violation", async () => {
  const results = await underPolicy(STRICT_CSP);
  for (const { name, violations, problems, missing, styled } of results) {
    assert.deepEqual(violations, [], `${name}: violations`);
    assert.deepEqual(problems, [], `${name}: errors`);
    assert.deepEqual(missing, [], `${name}: styles written but not applied`);
    if (name !== "exercise") assert.ok(styled > 0, `${name}: no element sets a style, so none was checked`);
  }
  // A readout's rule colour is drawn under the policy: each run's border is the colour
  // it wrote (rgb(r, g, b)), and the two runs' colours differ.
  const { readouts } = results.find((r) => r.name === "rules");
  for (const rule of ["bp", "fa"]) {
    const [computed, written] = readouts[rule];
    assert.equal(computed, written.match(/rgb\([^)]*\)/)[0], `${rule}: the readout's colour`);
  }
  assert.notEqual(readouts.bp[0], readouts.fa[0], "bp and fa have their own colours");
});
