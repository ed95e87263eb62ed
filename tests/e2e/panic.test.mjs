// A panic in the shipped build (release profile: wasm32's panics abort, and the build
// strips the function names) still reaches the panic hook: the page shows the crash
// box with the panic's message and its place in the source, and the console has it.
//
// The panic is a real one: the page's worker bridge is handed a message that is not
// the worker protocol's encoding, and decoding it panics in the page's wasm
// (gloo-worker's codec expects its own bytes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, keepWorkers, screenshot, until } from "./harness.mjs";

const app = appSession();

test("a panic in the page's wasm shows the crash box with its message and place", async () => {
  const page = await app.browser.newPage({ viewport: { width: 1280, height: 720 } });
  const consoleErrors = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  // Keep every worker the page starts, to speak to its bridge.
  await keepWorkers(page);
  await page.goto(app.base);
  // The worker has answered: its first frame is on the page.
  await page.locator('[data-testid="metric-step"]').first().waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('[data-testid="crash"]').count(), 0, "no crash box before the panic");

  const workers = await page.evaluate(() => {
    // An enum variant no message has (bincode reads the first four bytes as its index).
    const garbage = new Uint8Array([255, 255, 255, 255, 255, 255, 255, 255]);
    for (const worker of window.__workers) worker.dispatchEvent(new MessageEvent("message", { data: garbage }));
    return window.__workers.length;
  });
  assert.equal(workers, 1, "the page runs one worker");

  const crash = page.getByTestId("crash");
  await crash.waitFor({ timeout: 10_000 });
  assert.equal(await crash.getAttribute("role"), "alert");
  const text = await crash.innerText();
  assert.match(text, /bioprop stopped because of an internal error/);
  assert.match(text, /Reload the page/);
  // The detail: the panic's message and its file and line, names stripped or not.
  const detail = await crash.locator("pre").innerText();
  assert.match(detail, /panicked at .+\.rs:\d+:\d+/);
  assert.match(detail, /deserialize/);
  const logged = await until(
    () => consoleErrors.filter((line) => /panicked at/.test(line)),
    (lines) => lines.length > 0,
    5_000,
  );
  assert.ok(logged.length > 0, `the console has the panic; it had ${JSON.stringify(consoleErrors)}`);
  assert.ok(await page.getByRole("button", { name: "Reload" }).isVisible());
  await screenshot(page, "panic");
  await page.close();
});
