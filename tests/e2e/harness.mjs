// Shared set-up for the end-to-end tests: serve the built app on a free
// loopback port and drive Debian's Chromium through playwright-core.
//
// BIOPROP_DIST names the build to test (scripts/test.sh builds it);
// CHROMIUM overrides the browser binary (default /usr/bin/chromium).
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
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
  // Playwright gives every launch a fresh, empty profile of its own.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
  });
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

/**
 * Opens `query` (e.g. "?rule=fa") in a fresh page and collects everything the
 * page reports as an error: console errors, uncaught exceptions, failed loads.
 */
export async function openPage(session, query = "", viewport = { width: 1280, height: 800 }) {
  const page = await session.browser.newPage({ viewport });
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
