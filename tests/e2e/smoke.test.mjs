// The page loads cleanly, the app mounts, and its canvases draw.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, drawnPixels, paintedFrames, screenshot, until } from "./harness.mjs";

const app = appSession();

test("the page loads with no console errors and the app mounts", async () => {
  const { page, problems } = await app.open();
  assert.equal(await page.locator("#boot").count(), 0, "the loading notice is removed");
  assert.match(await page.title(), /bioprop/);
  assert.equal(await page.locator('[data-testid="crash"]').count(), 0);
  // Let the first frames render before reading the console: a chart draws,
  // then a few more frames paint.
  await until(() => drawnPixels(page, "canvas.chart").catch(() => 0), (p) => p > 0, 10_000);
  await paintedFrames(page, 10);
  assert.deepEqual(problems, []);
  await screenshot(page, "smoke");
  await page.close();
});

test("a chart canvas draws something (not a blank canvas)", async () => {
  const { page } = await app.open();
  const canvas = page.locator("canvas.chart").first();
  await canvas.waitFor();
  const size = await canvas.evaluate((c) => c.width * c.height);
  const drawn = await drawnPixels(page, "canvas.chart");
  assert.ok(drawn > size * 0.01, `only ${drawn} of ${size} pixels drawn`);
  await page.close();
});

test("the footer shows the version and a working source link", async () => {
  const { page } = await app.open();
  assert.match(await page.getByTestId("version").innerText(), /^bioprop \d+\.\d+\.\d+/);
  const href = await page.getByTestId("source-link").getAttribute("href");
  assert.ok(!href.startsWith("/") && !href.includes("://"), `relative link, got ${href}`);
  const response = await page.request.get(new URL(href, page.url()).href);
  assert.equal(response.status(), 200);
  assert.ok((await response.body()).length > 1000, "the source archive is not empty");
  await page.close();
});
