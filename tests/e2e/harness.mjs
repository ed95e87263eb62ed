// Shared set-up for the end-to-end tests: serve the built app on a free
// loopback port and drive Debian's Chromium through playwright-core, plus the
// helpers every test file reads the page with. Tests wait for conditions
// (`until`, `waitFor`, painted frames), never for a fixed time.
//
// BIOPROP_DIST names the build to test (scripts/test.sh builds it);
// CHROMIUM overrides the browser binary (default /usr/bin/chromium).
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { chromium } from "playwright-core";
import { serveDirectory } from "../../scripts/serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "../..");
export const screenshotDir = join(repoRoot, "target", "screenshots");

const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Starts the server and the browser; returns { base, browser, close }. */
export async function startSession() {
  const dist = process.env.BIOPROP_DIST ?? join(repoRoot, "dist");
  const server = await serveDirectory(dist, 0);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launchBrowser();
  mkdirSync(screenshotDir, { recursive: true });
  return {
    base,
    browser,
    async close() {
      await browser.close();
      await new Promise((done) => server.close(done));
    },
  };
}

/** Headless Chromium. Playwright gives every launch a fresh, empty profile of its own. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
  });
}

/**
 * For a test file: one server and browser shared by all its tests, started
 * before the first and closed after the last. `app.open(query, viewport)`
 * opens a page as `openPage` does; `app.browser` is the browser itself.
 */
export function appSession() {
  let session;
  before(async () => {
    session = await startSession();
  });
  after(async () => {
    await session?.close();
  });
  return {
    open: (query, viewport) => openPage(session, query, viewport),
    get browser() {
      return session.browser;
    },
    /** The served app's address, for a test that sets a page up before it loads. */
    get base() {
      return session.base;
    },
  };
}

/**
 * Collects, from now on, everything `page` reports as an error: console errors,
 * uncaught exceptions, failed loads, HTTP errors. Returns the list it fills.
 */
export function watchProblems(page) {
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    // A load cut short because the page navigated away is not a failure.
    if (request.failure()?.errorText === "net::ERR_ABORTED") return;
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

/**
 * Keeps every worker `page` starts in `window.__workers` (newest last), so a test can
 * speak to a worker's bridge; call before the page loads.
 */
export async function keepWorkers(page) {
  await page.addInitScript(() => {
    const Native = window.Worker;
    window.__workers = [];
    window.Worker = class extends Native {
      constructor(...args) {
        super(...args);
        window.__workers.push(this);
      }
    };
  });
}

/**
 * Opens `query` (e.g. "?rule=fa") in a fresh page and collects everything the
 * page reports as an error ([`watchProblems`]).
 */
export async function openPage(session, query = "", viewport = { width: 1280, height: 800 }) {
  const page = await session.browser.newPage({ viewport });
  const problems = watchProblems(page);
  await page.goto(session.base + query);
  await page.waitForSelector('[data-testid="app"]', { timeout: 30_000 });
  return { page, problems };
}

export async function screenshot(page, name) {
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * How many pixels of `selector`'s canvas differ from its top-left pixel (the
 * background): zero means nothing was drawn.
 */
export async function drawnPixels(page, selector) {
  return page.$eval(selector, (canvas) => {
    const context = canvas.getContext("2d");
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let drawn = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) drawn++;
    }
    return drawn;
  });
}

/**
 * The text of a readout: the first element with `data-testid=testid` (and
 * `data-rule=rule` when given, for a run in compare mode).
 */
export async function metric(page, testid, rule) {
  const selector = rule ? `[data-testid="${testid}"][data-rule="${rule}"]` : `[data-testid="${testid}"]`;
  return (await page.locator(selector).first().innerText()).trim();
}

/** A readout as a number ("12.5°" and "40%" read as 12.5 and 40). */
export async function number(page, testid, rule) {
  const text = await metric(page, testid, rule);
  return parseFloat(text.replace("°", "").replace("%", ""));
}

const POLL_MS = 100;

/**
 * Reads `read()` until `ok(value)` holds or `timeout` ms have passed, and
 * returns the last value read, for the test to assert on (so a timeout fails
 * with the value the page showed, not a bare "timed out").
 */
export async function until(read, ok, timeout = 30_000) {
  const end = Date.now() + timeout;
  let value = await read();
  while (!ok(value) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    value = await read();
  }
  return value;
}

/** Waits until the address bar holds `part` (settings are written to the URL); returns the URL. */
export function urlHolds(page, part, timeout = 5_000) {
  return until(() => page.url(), (u) => u.includes(part), timeout);
}

/** Types `value` into a control and commits it, as leaving the field does. */
export async function setValue(page, testid, value) {
  await page.getByTestId(testid).fill(value);
  await page.getByTestId(testid).dispatchEvent("change");
}

/**
 * Presses pause and waits until the button offers Play again: the page has
 * stopped its loop (or, on the rules page, the worker's paused frame arrived
 * after the frames already on their way). Returns the button's text.
 */
export async function pause(page, timeout = 10_000) {
  await page.getByTestId("play").click();
  return until(() => page.getByTestId("play").innerText(), (t) => /Play/.test(t), timeout);
}

/**
 * Waits until the page has painted `count` more animation frames. A running
 * page changes its readouts from one frame to the next, so a readout that
 * holds still over many painted frames is one that has stopped.
 */
export function paintedFrames(page, count = 20) {
  return page.evaluate(
    (count) =>
      new Promise((done) => {
        let left = count;
        const tick = () => (--left > 0 ? requestAnimationFrame(tick) : done());
        requestAnimationFrame(tick);
      }),
    count,
  );
}

/**
 * Every visible text inside `within` (a CSS selector; the whole page by default): its
 * rendered font size in px and its contrast against the background it sits on. SVG
 * text always (computed size in user units times the screen scale); HTML text too
 * when `html` is set.
 */
export function measureText(page, { within = "body", html = false } = {}) {
  return page.evaluate(({ within, html }) => {
    const rgb = (text) => (text.match(/[\d.]+/g) ?? []).slice(0, 4).map(Number);
    const luminance = ([r, g, b]) => {
      const c = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
    };
    const background = (element) => {
      for (let e = element; e; e = e.parentElement) {
        const colour = rgb(getComputedStyle(e).backgroundColor);
        if (colour.length === 3 || (colour.length === 4 && colour[3] > 0)) return colour.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const contrast = (a, b) => {
      const [la, lb] = [luminance(a), luminance(b)];
      return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    };
    const root = document.querySelector(within);
    const out = [];
    for (const t of root.querySelectorAll("svg text")) {
      if (!t.textContent.trim() || t.getClientRects().length === 0) continue;
      const style = getComputedStyle(t);
      const px = parseFloat(style.fontSize) * t.getScreenCTM().a;
      const ratio = contrast(rgb(style.fill), background(t.ownerSVGElement));
      out.push({ text: t.textContent.slice(0, 30), cls: t.getAttribute("class"), px: +px.toFixed(1), ratio: +ratio.toFixed(2) });
    }
    if (html) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!node.textContent.trim() || element.closest("svg") || element.getClientRects().length === 0) continue;
        const style = getComputedStyle(element);
        out.push({ text: node.textContent.trim().slice(0, 30), px: parseFloat(style.fontSize), ratio: +contrast(rgb(style.color), background(element)).toFixed(2) });
      }
    }
    return out;
  }, { within, html });
}
