// A browser without WebAssembly SIMD (which the training code is built for) gets
// a readable message naming what it lacks and which browsers have it, instead of
// a blank page; the app's wasm is not even fetched. Chromium has SIMD, so the
// test takes it away: WebAssembly.validate answers "invalid" for every module.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startSession } from "./harness.mjs";

test("without WebAssembly SIMD the page says why the app cannot start", async () => {
  const session = await startSession();
  try {
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.addInitScript(() => {
      WebAssembly.validate = () => false;
    });
    const wasmRequests = [];
    page.on("request", (request) => {
      if (request.url().endsWith(".wasm")) wasmRequests.push(request.url());
    });
    await page.goto(session.base);
    const alert = page.getByRole("alert");
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /WebAssembly with SIMD/);
    assert.match(text, /Chrome and Edge 91/);
    assert.match(text, /Firefox 89/);
    assert.match(text, /Safari 16\.4/);
    assert.ok(await alert.isVisible());
    assert.equal(await page.locator('[data-testid="app"]').count(), 0);
    assert.deepEqual(wasmRequests, []);
    await page.close();
  } finally {
    await session.close();
  }
});

test("a browser with WebAssembly SIMD passes the page's check and starts the app", async () => {
  const session = await startSession();
  try {
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 720 } });
    // Record what the page's own check answered, as well as the app starting.
    await page.addInitScript(() => {
      const validate = WebAssembly.validate;
      window.validateAnswers = [];
      WebAssembly.validate = (bytes) => {
        const answer = validate(bytes);
        window.validateAnswers.push(answer);
        return answer;
      };
    });
    await page.goto(session.base);
    await page.waitForSelector('[data-testid="app"]', { timeout: 30_000 });
    assert.deepEqual(await page.evaluate(() => window.validateAnswers), [true]);
    assert.equal(await page.getByRole("alert").count(), 0);
    await page.close();
  } finally {
    await session.close();
  }
});
