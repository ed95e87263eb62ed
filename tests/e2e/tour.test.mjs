// The lecture tour (`?page=tour`, web/src/pages/tour/): every step is reachable with
// PageDown from the first, and each demonstration loads in its frame and runs — after
// the prediction, where the step asks one, whose explanation unfolds under "Why?"; the
// digits step draws both runs' receptive fields inside its frame; each step's URL opens
// that step again; the concept check's answers reach a page that embeds the tour; the
// phone has no sideways scroll; the embed has no header. One browser session, the steps
// visited in one page.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, paintedFrames, screenshot, until } from "./harness.mjs";

const app = appSession();
const PROJECTOR = { width: 1280, height: 720 };

const position = (page) => page.getByTestId("tour-step").innerText();
const stepId = (page) => page.getByTestId("tour").getAttribute("data-step");

/** The demonstration's clock: its page's time readout, else its step (or pattern) count. */
async function demoClock(page) {
  const frame = page.frameLocator('[data-testid="tour-frame"]');
  for (const id of ["metric-time", "metric-step"]) {
    const readout = frame.locator(`[data-testid="${id}"]`).first();
    if ((await readout.count()) > 0) return parseFloat(await readout.innerText());
  }
  return NaN;
}

test("every step is reachable with PageDown from the first, its demonstration runs, and its URL opens it again", async () => {
  const { page, problems } = await app.open("?page=tour", PROJECTOR);
  const total = Number((await position(page)).split("/")[1]);
  assert.ok(total >= 15, `${total} steps`);
  // The header's link, and headings h1 → h2 (the step) → h3.
  assert.equal(await page.getByTestId("nav-tour").getAttribute("aria-current"), "page");
  const urls = [];
  const seen = new Set();
  for (let index = 0; index < total; index++) {
    assert.equal(await position(page), `${index + 1} / ${total}`);
    const id = await stepId(page);
    seen.add(id);
    const url = await until(() => page.url(), (u) => index === 0 || u.includes(`step=${id}`), 5_000);
    if (index > 0) assert.match(url, new RegExp(`[?&]step=${id}(&|$)`));
    urls.push([id, url]);
    const levels = await page.$$eval("h1, h2, h3, h4", (hs) => hs.map((h) => Number(h.tagName[1])));
    assert.deepEqual(levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1), [], `${id}: ${levels}`);

    if ((await page.getByTestId("tour-frame").count()) > 0) {
      const look = await page.getByTestId("tour-look").innerText();
      assert.match(look, /^Look at: \S/, id);
      if ((await page.getByTestId("predict-choice").count()) > 0) {
        // Loaded but paused until the prediction is made.
        assert.doesNotMatch(await page.getByTestId("tour-frame").getAttribute("src"), /autoplay/, id);
        const frame = page.frameLocator('[data-testid="tour-frame"]');
        await frame.getByTestId("play").waitFor({ timeout: 30_000 });
        const before = await until(() => demoClock(page), (c) => !Number.isNaN(c), 30_000);
        await paintedFrames(page, 30);
        assert.match(await frame.getByTestId("play").innerText(), /Play/, `${id}: paused`);
        assert.equal(await demoClock(page), before, `${id}: the demonstration ran before the prediction`);
        assert.equal(await page.getByTestId("predict-verdict").count(), 0);
        await page.getByTestId("predict-choice").first().click();
        const verdict = page.getByTestId("predict-verdict");
        await verdict.waitFor();
        assert.match(await verdict.innerText(), /^(You predicted “.+”|What happens: “.+”)/, id);
        // Observe, then ask why: the explanation a click away, folded to keep the frame's room.
        const why = page.getByTestId("predict-why");
        assert.equal(await why.getAttribute("open"), null, `${id}: folded`);
        await why.locator("summary").click();
        await page.locator('[data-testid="predict-why"][open] .tour-explanation').waitFor();
        assert.ok((await why.innerText()).length > 40, `${id}: the explanation is revealed`);
        await why.locator("summary").click();
        await until(() => why.getAttribute("open"), (o) => o === null, 5_000);
      }
      assert.match(await page.getByTestId("tour-frame").getAttribute("src"), /embed=1&autoplay=1$/, id);
      const start = await until(() => demoClock(page), (c) => !Number.isNaN(c), 30_000);
      const later = await until(() => demoClock(page), (c) => c > start, 30_000);
      assert.ok(later > start, `${id}: the demonstration did not run (${start} → ${later})`);
      if (id === "weight-transport") await screenshot(page, "tour-weight-transport-1280x720");
      if (id === "digits") await checkDigits(page);
    } else if (id === "locality") {
      await checkInspector(page);
      await screenshot(page, "tour-locality-1280x720");
    } else if (id === "concept-check") {
      assert.equal(await page.getByTestId("quiz-question").count(), 5);
    }

    await page.keyboard.press("PageDown");
    if (index + 1 < total) {
      await until(() => position(page), (p) => p === `${index + 2} / ${total}`, 5_000);
    }
  }
  assert.equal(seen.size, total, "every step visited once");
  // The last step stays the last.
  await paintedFrames(page, 5);
  assert.equal(await position(page), `${total} / ${total}`);
  assert.ok(await page.getByTestId("tour-next").isDisabled());
  assert.deepEqual(problems, []);

  // Each step's address opens that step.
  for (const [id, url] of urls) {
    await page.goto(url);
    await until(() => stepId(page).catch(() => null), (s) => s === id, 10_000);
    assert.equal(await stepId(page), id, url);
    assert.equal((await page.getByTestId("notice").innerText()).trim(), "", `${url}: a notice`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

/**
 * The digits step: both runs' receptive fields are drawn and start inside the frame at
 * 1280×720; the digits file is the
 * built one (scripts/build-web.sh packs it into the dist).
 */
async function checkDigits(page) {
  const frame = page.frameLocator('[data-testid="tour-frame"]');
  // Loaded; the data panel then gives its room to the fields (the readouts keep the accuracy).
  const loaded = frame.getByTestId("digits-loaded");
  await loaded.waitFor({ state: "attached", timeout: 60_000 });
  assert.equal(await loaded.getAttribute("data-test"), "10000");
  const box = await page.getByTestId("tour-frame").boundingBox();
  for (const rule of ["bp", "fa"]) {
    const fields = frame.locator(`[data-testid="receptive-fields"][data-rule="${rule}"]`);
    await until(() => fields.getAttribute("data-count"), (c) => Number(c) >= 16, 30_000);
    const grid = await fields.boundingBox();
    assert.ok(grid.y + 60 < box.y + box.height && grid.x + grid.width <= box.x + box.width + 1,
      `${rule}'s receptive fields are outside the frame: ${JSON.stringify({ grid, box })}`);
  }
  await screenshot(page, "tour-digits-1280x720");
}

/** The locality inspector lists core's declared reads (core/src/rule/facts.rs, core/src/microcircuit/facts.rs). */
async function checkInspector(page) {
  const inspector = page.getByTestId("locality-inspector");
  const [networks, circuit] = await inspector.locator("table").all();
  // Backprop's hidden synapse reads W_{k+1}: from other synapses' weights, not local.
  const transport = networks.locator('tr[data-locality="from the weights of other synapses"]');
  assert.equal(await transport.getAttribute("class"), "non-local");
  assert.match(await transport.locator('td[data-rule="bp"]').innerText(), /W_\{k\+1\}\[:, i\]/);
  assert.equal((await transport.locator('td[data-rule="fa"]').innerText()).trim(), "", "FA reads no forward weight");
  assert.match(await transport.locator('td[data-rule="usf"]').innerText(), /sign\(W_\{k\+1\}/);
  const feedback = networks.locator('tr[data-locality="through a dedicated feedback pathway"]');
  assert.match(await feedback.locator('td[data-rule="fa"]').innerText(), /B_\{k\+1\}/);
  assert.match(await feedback.locator('td[data-rule="dfa"]').innerText(), /D_k/);
  for (const rule of ["bp", "fa", "dfa", "usf"]) {
    assert.match(await networks.locator(`th[data-rule="${rule}"]`).innerText(), /not local/, rule);
  }
  // The microcircuit's four rules read only what is at the synapse or in its cell.
  const heads = await circuit.locator("thead th[data-rule]").allInnerTexts();
  assert.equal(heads.length, 4);
  for (const head of heads) assert.match(head, /all local/);
  const classes = await circuit.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.className));
  assert.ok(classes.length >= 3 && classes.every((c) => c === "local"), classes.join(" "));
}

test("clicker and arrow keys move the tour; a focused control keeps its keys; keys in the demonstration stay there", async () => {
  const { page, problems } = await app.open("?page=tour&step=backprop", PROJECTOR);
  const total = Number((await position(page)).split("/")[1]);
  await page.keyboard.press("ArrowRight");
  await until(() => stepId(page), (s) => s === "dendritic-spikes", 5_000);
  await page.keyboard.press(" ");
  await until(() => stepId(page), (s) => s === "weight-transport", 5_000);
  await page.keyboard.press("PageUp");
  await until(() => stepId(page), (s) => s === "dendritic-spikes", 5_000);
  await page.keyboard.press("ArrowLeft");
  assert.equal(await until(() => stepId(page), (s) => s === "backprop", 5_000), "backprop");

  // A step button reached from the keyboard: space presses it (step 9), and it does
  // not also go on; an arrow still moves the tour.
  await page.locator('[data-testid="tour-go"][data-step="locality"]').focus();
  await page.keyboard.press(" ");
  assert.equal(await until(() => stepId(page), (s) => s === "locality", 5_000), "locality");
  await paintedFrames(page, 5);
  assert.equal(await stepId(page), "locality");
  await page.keyboard.press("ArrowRight");
  assert.equal(await until(() => stepId(page), (s) => s === "target", 5_000), "target");

  // Focus inside the demonstration's frame: PageDown is the demonstration's.
  const frame = page.frameLocator('[data-testid="tour-frame"]');
  await frame.getByTestId("open-full").waitFor({ timeout: 30_000 });
  await frame.getByTestId("open-full").focus();
  await page.keyboard.press("PageDown");
  await paintedFrames(page, 10);
  assert.equal(await stepId(page), "target", "a key pressed in the frame moved the tour");
  // Back in the tour page, the clicker works again.
  await page.getByTestId("tour-title").click();
  await page.keyboard.press("PageDown");
  assert.equal(await until(() => stepId(page), (s) => s === "autoencoder", 5_000), "autoencoder");
  // The buttons, and their ends.
  await page.getByTestId("tour-prev").click();
  assert.equal(await until(() => stepId(page), (s) => s === "target", 5_000), "target");
  await page.getByTestId("tour-next").click();
  assert.equal(await until(() => position(page), (p) => p.startsWith("11 /"), 5_000), `11 / ${total}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a bad step opens the first with a notice; the embed has no header and keeps embed=1", async () => {
  const { page, problems } = await app.open("?page=tour&step=weight-transprt", PROJECTOR);
  const notice = await until(() => page.getByTestId("notice").innerText(), (t) => t.includes("step"), 5_000);
  assert.match(notice, /step: unknown step 'weight-transprt' \(allowed: delta-rule, .*weight-transport.*\); opening the first step, delta-rule/);
  assert.equal(await stepId(page), "delta-rule");
  await page.close();

  const embedded = await app.open("?page=tour&step=locality&embed=1", PROJECTOR);
  const tour = embedded.page;
  await tour.getByTestId("tour").waitFor();
  assert.equal(await tour.getByTestId("nav-tour").count(), 0, "no header");
  assert.equal(await tour.getByTestId("embed-bar").count(), 0, "no play bar: the tour has its own");
  await tour.getByTestId("tour-next").click();
  const url = await until(() => tour.url(), (u) => u.includes("step=target"), 5_000);
  assert.match(url, /embed=1/);
  await screenshot(tour, "tour-embed-1280x720");
  assert.deepEqual([...problems, ...embedded.problems], []);
  await tour.close();
});

test("the concept check scores each first answer and posts it to the page embedding the tour", async () => {
  const session = await app.open("?page=tour&step=concept-check", PROJECTOR);
  const base = new URL(session.page.url()).origin + "/";
  // Not embedded: nothing is posted.
  await session.page.evaluate(() => {
    window.posted = [];
    window.addEventListener("message", (e) => window.posted.push(e.data));
  });
  await session.page.getByTestId("quiz-choice").first().click();
  await session.page.getByTestId("quiz-feedback").waitFor();
  await paintedFrames(session.page, 5);
  assert.deepEqual(await session.page.evaluate(() => window.posted), []);
  await session.page.close();

  // A course page served from another origin (another port of this machine), embedding
  // the tour's concept check and recording what it is told.
  const html = `<!doctype html><html lang="en"><title>Course</title><script>
      window.got = [];
      window.addEventListener("message", (e) => window.got.push({ origin: e.origin, data: e.data }));
    </script><iframe id="tour" title="Lecture" style="width:1000px;height:700px"
      src="${base}?page=tour&step=concept-check&embed=1"></iframe></html>`;
  const server = createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(html);
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const course = `http://127.0.0.1:${server.address().port}/lecture.html`;
  const page = await app.browser.newPage({ viewport: { width: 1100, height: 800 } });
  await page.goto(course);
  const tour = page.frameLocator("#tour");
  await tour.getByTestId("tour-quiz").waitFor({ timeout: 30_000 });
  const question = (q) => tour.locator(`[data-testid="quiz-question"][data-index="${q}"]`);
  // core's and the lecture's answer (web/src/pages/tour/steps.rs): W moves, B is fixed.
  await question(0).getByRole("button", { name: "W comes to match the fixed B" }).click();
  await question(1).getByRole("button", { name: "Its presynaptic activity" }).click();
  const answers = () => page.evaluate(() => window.got.filter((m) => m.data?.type === "bioprop:quiz-answer"));
  const got = await until(() => page.evaluate(() => window.got), (g) => g.filter((m) => m.data?.type === "bioprop:quiz-answer").length >= 2, 10_000);
  assert.deepEqual(
    got.map((m) => m.data).filter((d) => d.type === "bioprop:quiz-answer"),
    [
      { type: "bioprop:quiz-answer", step: "concept-check", question: 0, choice: 1, answer: "W comes to match the fixed B", correct: true },
      { type: "bioprop:quiz-answer", step: "concept-check", question: 1, choice: 0, answer: "Its presynaptic activity", correct: false },
    ],
  );
  assert.ok(got.every((m) => m.origin === new URL(base).origin));
  assert.equal(got[0].data.type, "bioprop:ready", "the embedded tour announces itself first");
  assert.match(await question(0).getByTestId("quiz-feedback").innerText(), /^Right\./);
  assert.match(await question(1).getByTestId("quiz-feedback").innerText(), /^Not quite: “The forward weights of other synapses”/);
  assert.equal(await tour.getByTestId("quiz-score").innerText(), "Score: 1 of 2 right (2 of 5 answered)");
  // An answered question cannot be answered again, and sends nothing more.
  assert.ok(await question(0).getByTestId("quiz-choice").first().isDisabled());
  await paintedFrames(page, 5);
  assert.equal((await answers()).length, 2);
  await page.close();
  await new Promise((done) => server.close(done));
});

test("projector and phone: no sideways scroll on the phone, screenshots of several steps", async () => {
  const { page, problems } = await app.open("?page=tour", { width: 390, height: 844 });
  for (const id of ["weight-transport", "locality", "concept-check", "summary"]) {
    await page.goto(page.url().replace(/\?.*$/, `?page=tour&step=${id}`));
    await page.getByTestId("tour").waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `${id}: the page is ${width} px wide at 390`);
    // The text and the demonstration (or inspector, or quiz) are stacked, each the screen's width.
    const boxes = await page.locator(".tour-stage > *").evaluateAll((parts) =>
      parts.map((p) => p.getBoundingClientRect()).map((r) => ({ top: r.top, bottom: r.bottom, width: r.width })),
    );
    for (let i = 1; i < boxes.length; i++) {
      assert.ok(boxes[i].top >= boxes[i - 1].bottom - 1, `${id}: not stacked ${JSON.stringify(boxes)}`);
    }
    assert.ok(boxes.every((b) => b.width >= 300), `${id}: ${JSON.stringify(boxes)}`);
    if (id !== "summary") await screenshot(page, `tour-${id}-390x844`);
  }
  await page.close();
  const wide = await app.open("?page=tour&step=derivative", { width: 1920, height: 1080 });
  await wide.page.getByTestId("predict-choice").last().click();
  await wide.page.getByTestId("predict-verdict").waitFor();
  const size = await wide.page.evaluate(() => parseFloat(getComputedStyle(document.querySelector(".tour-text p")).fontSize));
  assert.ok(size >= 20, `body text ${size} px`);
  await screenshot(wide.page, "tour-derivative-1920x1080");
  assert.deepEqual([...problems, ...wide.problems], []);
  await wide.page.close();
  // At 1280×720 the body text is 20 px or more and the equation larger; nothing scrolls the page.
  const projector = await app.open("?page=tour&step=backprop", PROJECTOR);
  const sizes = await projector.page.evaluate(() => ({
    body: parseFloat(getComputedStyle(document.querySelector(".tour-text p")).fontSize),
    equation: parseFloat(getComputedStyle(document.querySelector(".tour-equation")).fontSize),
    scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
  }));
  assert.ok(sizes.body >= 20 && sizes.equation > sizes.body, JSON.stringify(sizes));
  assert.deepEqual(sizes.scroll, [1280, 720]);
  await screenshot(projector.page, "tour-backprop-1280x720");
  await projector.page.close();
});

test("a demonstration opens in full from its frame, with the frame's settings and the page's Export panel", async () => {
  // The frame's own "Open in full" (the embed bar's): the tour adds no second link.
  const { page, problems } = await app.open("?page=tour&step=weight-transport", PROJECTOR);
  await page.getByTestId("predict-choice").first().click();
  const frame = page.frameLocator('[data-testid="tour-frame"]');
  const open = frame.getByTestId("open-full");
  await open.waitFor({ timeout: 30_000 });
  assert.match(await open.getAttribute("title"), /Export panel/);
  assert.equal(await open.getAttribute("target"), "_blank", "the lecture stays where it is");
  const [demo] = await Promise.all([page.context().waitForEvent("page"), open.click()]);
  const demoProblems = [];
  demo.on("pageerror", (error) => demoProblems.push(error.message));
  await demo.getByTestId("export-panel").waitFor({ timeout: 30_000 });
  // The frame's settings, in full: no embedding; playing, as the frame was.
  // (bp beside fa is the page's default, which its address leaves out.)
  const url = demo.url();
  assert.ok(url.includes("views=alignment") && url.includes("autoplay=1") && !url.includes("embed"), url);
  await demo.getByTestId("export-panel").locator("summary").click();
  const [file] = await Promise.all([demo.waitForEvent("download"), demo.getByTestId("export-config").click()]);
  const saved = JSON.parse(readFileSync(await file.path(), "utf8"));
  assert.deepEqual(saved.rules, ["bp", "fa"], "the demonstration's runs, ready for `bioprop run --config`");
  assert.match(await demo.getByTestId("cli-command").innerText(), /^bioprop run --config bioprop-config.json --steps \d+$/);
  await screenshot(demo, "tour-demo-opened-in-full-1280x720");
  assert.deepEqual([...problems, ...demoProblems], []);
  await demo.close();
  await page.close();
});
