// The embedding API across two origins (README, "Embedding API"): the example host page
// docs/embed-host.html, served on one loopback port, embeds the app served on another
// and drives it with its own buttons; the app's state (its readouts, the frame's
// address) follows, and the host hears bioprop:ready, metrics with a rising step,
// notices, errors for bad messages (which change nothing), the tour's steps and the
// exercise's answers. A frame restricted to other origins ignores the host.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { appSession, paintedFrames, repoRoot, screenshot, until } from "./harness.mjs";
import { serveDirectory } from "../../scripts/serve.mjs";

const app = appSession();
const dist = process.env.BIOPROP_DIST ?? join(repoRoot, "dist");
let hostServer;
let hostBase;

before(async () => {
  // The build's copy of the host page, on a second port: another origin.
  hostServer = await serveDirectory(dist, 0);
  hostBase = `http://127.0.0.1:${hostServer.address().port}/`;
});
after(async () => {
  await new Promise((done) => hostServer.close(done));
});

/** Opens the host page with the app at `query` in its frame; collects every error. */
async function openHost(query, viewport = { width: 1280, height: 720 }) {
  const page = await app.browser.newPage({ viewport });
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  const appUrl = app.base + query;
  await page.goto(`${hostBase}embed-host.html?app=${encodeURIComponent(appUrl)}`);
  const frame = () => page.frames().find((f) => f.url().startsWith(app.base));
  const inside = page.frameLocator("#app");
  const received = () => page.evaluate(() => window.received);
  const ofType = async (type) => (await received()).filter((m) => m.type === type);
  /** Waits for the `count`-th message of `type` and returns them all. */
  const heard = (type, count = 1, timeout = 30_000) =>
    until(() => ofType(type), (list) => list.length >= count, timeout);
  return { page, problems, frame, inside, received, ofType, heard };
}

const stepOf = async (inside, rule = "bp") =>
  Number(await inside.locator(`[data-testid="metric-step"][data-rule="${rule}"]`).innerText());

test("the dist folder carries the example host page as docs/ has it", () => {
  assert.equal(readFileSync(join(dist, "embed-host.html"), "utf8"), readFileSync(join(repoRoot, "docs/embed-host.html"), "utf8"));
});

test("a host on another origin plays, pauses, steps, sets and resets the rules page and hears it", async () => {
  const host = await openHost("?task=xor&compare=bp,fa&lr=0.2&embed=1&bogus=1");
  const { page, inside, heard, ofType } = host;
  const [ready] = await heard("bioprop:ready");
  assert.equal(ready.page, "rules");
  assert.equal(ready.api, 1);
  assert.equal(ready.settings.task, "xor");
  assert.equal(ready.settings.lr, "0.2");
  assert.equal(ready.settings.compare, undefined, "the keys at their defaults are left out");
  assert.match(ready.version, /^\d+\.\d+\.\d+/);
  // The frame's URL notice reaches the host as it appears.
  const [notice] = await heard("bioprop:notice");
  assert.match(notice.text, /^bogus: unknown parameter 'bogus'/);
  await inside.locator('[data-testid="metric-step"][data-rule="bp"]').waitFor();

  // Play: the readouts move and the metrics' step rises.
  await page.getByTestId("host-play").click();
  const moving = await until(() => stepOf(inside), (s) => s > 50);
  assert.ok(moving > 50, `step ${moving}`);
  const playing = await until(
    () => ofType("bioprop:metrics"),
    (list) => list.filter((m) => m.playing && m.step > 0).length >= 3,
  );
  const steps = playing.filter((m) => m.playing).map((m) => m.step);
  assert.ok(steps.at(-1) > steps[0], `rising: ${steps}`);
  const last = playing.at(-1);
  assert.deepEqual(last.runs.map((r) => r.rule), ["bp", "fa"]);
  assert.equal(typeof last.runs[1].metrics.train.loss, "number");
  assert.equal(typeof last.runs[1].metrics.layers[0].update_angle_deg, "number");
  // Play again while playing changes nothing (it does not pause).
  await page.getByTestId("host-play").click();
  await paintedFrames(page, 10);
  assert.ok((await stepOf(inside)) > moving);

  // Pause: the step holds still; the last metrics say paused.
  await page.getByTestId("host-pause").click();
  await until(() => inside.getByTestId("play").innerText(), (t) => /Play/.test(t), 10_000);
  const paused = await until(
    () => ofType("bioprop:metrics"),
    (list) => list.at(-1).playing === false,
    5_000,
  );
  assert.equal(paused.at(-1).playing, false);
  const held = await stepOf(inside);
  await paintedFrames(page, 20);
  assert.equal(await stepOf(inside), held);

  // Step: one more step each.
  await page.getByTestId("host-step").click();
  assert.equal(await until(() => stepOf(inside), (s) => s === held + 1, 10_000), held + 1);

  // Set: the learning rate changes, in the readouts and the frame's address.
  await page.getByTestId("host-lr").selectOption("0.05");
  await until(() => host.frame().url(), (u) => u.includes("lr=0.05"), 10_000);
  assert.match(host.frame().url(), /lr=0\.05/);
  // The runs take the new rate live; the next frame (one more step) shows it.
  await page.getByTestId("host-step").click();
  assert.equal(await until(() => stepOf(inside), (s) => s === held + 2, 10_000), held + 2);
  assert.equal(await until(() => inside.locator('[data-testid="metric-lr"][data-rule="fa"]').innerText(), (t) => t === "0.05", 10_000), "0.05");

  // A bad value: one error naming it, and nothing changes.
  await page.getByTestId("host-lr").selectOption("abc");
  const [refused] = await heard("bioprop:error");
  assert.equal(refused.about, "bioprop:set");
  assert.match(refused.message, /^lr: 'abc'/);
  // An unknown type gets one error; a message without the prefix none.
  await page.evaluate(() => window.send({ type: "bioprop:jump" }));
  await page.evaluate(() => window.send({ type: "someone-else", data: 1 }));
  await page.evaluate(() => window.send({ type: "bioprop:set", settings: { lr: [1] } }));
  const errors = await heard("bioprop:error", 3, 10_000);
  await paintedFrames(page, 10);
  assert.deepEqual(
    (await ofType("bioprop:error")).map((e) => [e.about, e.message.split(" (")[0]]),
    [
      ["bioprop:set", errors[0].message.split(" (")[0]],
      ["bioprop:jump", "unknown message type 'bioprop:jump'"],
      ["bioprop:set", "lr: a list"],
    ],
  );
  assert.match(host.frame().url(), /lr=0\.05/);
  assert.doesNotMatch(host.frame().url(), /abc/);
  assert.equal(await stepOf(inside), held + 2, "the bad messages changed nothing");

  // Set the rules compared; then reset starts again at step 0.
  await page.getByTestId("host-rule").selectOption("bp,fa,dfa");
  await inside.locator('[data-testid="metric-step"][data-rule="dfa"]').waitFor({ timeout: 10_000 });
  assert.match(host.frame().url(), /compare=bp(%2C|,)fa(%2C|,)dfa/);
  await page.getByTestId("host-step").click();
  await until(() => stepOf(inside, "dfa"), (s) => s >= 1, 10_000);
  await page.getByTestId("host-reset").click();
  assert.equal(await until(() => stepOf(inside, "dfa"), (s) => s === 0, 10_000), 0);
  await screenshot(page, "embed-host-rules-1280x720");
  assert.deepEqual(host.problems, []);
  await page.close();
});

test("a frame restricted to other origins ignores the host; one that lists it obeys", async () => {
  const hostOrigin = new URL(hostBase).origin;
  const appOrigin = new URL(app.base).origin;
  // Restricted to the app's own origin: the host (another origin) is not listed.
  const shut = await openHost(`?task=xor&embed=1&origins=${encodeURIComponent(appOrigin)}`);
  await shut.inside.locator('[data-testid="metric-step"][data-rule="bp"]').waitFor();
  await shut.page.getByTestId("host-play").click();
  await shut.page.evaluate(() => window.send({ type: "bioprop:jump" }));
  // The frame keeps its restriction in its address while it runs.
  await shut.inside.getByTestId("step").click();
  await until(() => stepOf(shut.inside), (s) => s === 1, 10_000);
  assert.match(shut.frame().url(), /origins=/);
  await paintedFrames(shut.page, 30);
  assert.equal(await stepOf(shut.inside), 1, "the host's play was ignored");
  assert.match(await shut.inside.getByTestId("play").innerText(), /Play/);
  assert.deepEqual(await shut.received(), [], "and nothing was posted to the host's origin");
  assert.deepEqual(shut.problems, []);
  await shut.page.close();

  // Listing the host's origin (and a malformed one, with a notice): obeyed.
  const open = await openHost(`?task=xor&embed=1&origins=${encodeURIComponent(`${hostOrigin},course.example`)}`);
  await open.heard("bioprop:ready");
  const [notice] = await open.heard("bioprop:notice");
  assert.match(notice.text, /^origins: 'course\.example' not an origin.*allowing http:\/\/127\.0\.0\.1:\d+$/);
  await open.page.getByTestId("host-play").click();
  assert.ok((await until(() => stepOf(open.inside), (s) => s > 10)) > 10);
  assert.deepEqual(open.problems, []);
  await open.page.close();
});

test("the tour tells the host its steps and answers, and goes where the host says", async () => {
  const host = await openHost("?page=tour&step=sign-symmetry&embed=1");
  const { page, inside, heard } = host;
  const [ready] = await heard("bioprop:ready");
  assert.equal(ready.page, "tour");
  const at = ready.steps.indexOf("sign-symmetry");
  assert.ok(at > 0 && ready.index === at, JSON.stringify(ready));
  await page.getByTestId("host-next-step").click();
  const [moved] = await heard("bioprop:tour-step");
  assert.deepEqual(moved, { type: "bioprop:tour-step", step: ready.steps[at + 1], index: at + 1, count: ready.steps.length });
  assert.equal(await inside.getByTestId("tour").getAttribute("data-step"), ready.steps[at + 1]);
  assert.match(host.frame().url(), new RegExp(`step=${ready.steps[at + 1]}`));
  // The tour's own "next" is heard too.
  await inside.getByTestId("tour-next").click();
  const both = await heard("bioprop:tour-step", 2);
  assert.equal(both[1].index, at + 2);
  // The host sends it to the concept check by id; a bad id and play are refused.
  await page.evaluate(() => window.send({ type: "bioprop:tour-step", step: "concept-check" }));
  await inside.getByTestId("tour-quiz").waitFor({ timeout: 10_000 });
  await page.evaluate(() => window.send({ type: "bioprop:tour-step", step: "nowhere" }));
  await page.evaluate(() => window.send({ type: "bioprop:play" }));
  const errors = await heard("bioprop:error", 2, 10_000);
  assert.match(errors[0].message, /^step: .*nowhere/);
  assert.equal(errors[1].message, "the tour page has nothing to play");
  assert.equal(await inside.getByTestId("tour").getAttribute("data-step"), "concept-check");
  // A concept-check answer.
  await inside
    .locator('[data-testid="quiz-question"][data-index="0"]')
    .getByRole("button", { name: "W comes to match the fixed B" })
    .click();
  const [answer] = await heard("bioprop:quiz-answer");
  assert.deepEqual(answer, {
    type: "bioprop:quiz-answer",
    step: "concept-check",
    question: 0,
    choice: 1,
    answer: "W comes to match the fixed B",
    correct: true,
  });
  assert.deepEqual(host.problems, []);
  await page.close();
});

test("the exercise's answers reach the host with the exact value and the verdict", async () => {
  const host = await openHost("?page=exercise&seed=3&embed=1");
  const { page, inside, heard } = host;
  await heard("bioprop:ready");
  await inside.getByTestId("exercise-answer").fill("12345");
  await inside.getByTestId("exercise-check").click();
  const [wrong] = await heard("bioprop:exercise-answer");
  assert.equal(wrong.seed, 3);
  assert.equal(wrong.question, "gradient");
  assert.equal(wrong.answer, "12345");
  assert.equal(wrong.value, 12345);
  assert.equal(wrong.correct, false);
  assert.ok(Number.isFinite(wrong.exact) && Math.abs(wrong.exact) < 100, JSON.stringify(wrong));
  // The exact value it reported is right, as the page says too.
  await inside.getByTestId("exercise-answer").fill(String(wrong.exact));
  await inside.getByTestId("exercise-check").click();
  const both = await heard("bioprop:exercise-answer", 2);
  assert.equal(both[1].correct, true);
  assert.match(await inside.getByTestId("exercise-verdict").innerText(), /right|correct/i);
  // Settings: a new seed, as the URL would open it; nothing to play.
  await page.evaluate(() => window.send({ type: "bioprop:set", settings: { seed: 4 } }));
  await until(() => host.frame().url(), (u) => u.includes("seed=4"), 10_000);
  await page.evaluate(() => window.send({ type: "bioprop:step" }));
  const [error] = await heard("bioprop:error");
  assert.equal(error.message, "the exercise page has nothing to play");
  assert.deepEqual(host.problems, []);
  await page.close();
});

for (const [name, extra] of [
  ["cerebellum", ["gain", "error_rms", "weights"]],
  ["microcircuit", ["loss", "apical_energy", "curves"]],
]) {
  test(`the ${name} page sends its own readouts, and plays and pauses for the host`, async () => {
    const host = await openHost(`?page=${name}&embed=1`);
    const { page, ofType, heard } = host;
    const [ready] = await heard("bioprop:ready");
    assert.equal(ready.page, name);
    await page.getByTestId("host-play").click();
    const list = await until(
      () => ofType("bioprop:metrics"),
      (l) => l.filter((m) => m.playing).length >= 3,
    );
    const steps = list.filter((m) => m.playing).map((m) => m.step);
    assert.ok(steps.at(-1) > steps[0], `rising: ${steps}`);
    for (const key of extra) assert.ok(key in list.at(-1), `${key} in ${JSON.stringify(list.at(-1))}`);
    await page.getByTestId("host-pause").click();
    const paused = await until(() => ofType("bioprop:metrics"), (l) => l.at(-1).playing === false, 10_000);
    assert.equal(paused.at(-1).playing, false);
    assert.deepEqual(host.problems, []);
    await page.close();
  });
}
