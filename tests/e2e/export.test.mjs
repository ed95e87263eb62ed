// Keep and reproduce a run (rules page, "Export · reproduce"): the exported
// configuration, run by the native command line for the same number of steps, ends
// with the weights hash the page shows; the other files are what they say; an
// imported configuration replaces the settings, and a bad one is refused with a
// notice while the runs on screen go on untouched.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appSession, metric, number, repoRoot, screenshot, setValue, until, urlHolds } from "./harness.mjs";

const app = appSession();
const PROJECTOR = { width: 1280, height: 720 };
const cli = join(repoRoot, "target", "debug", "bioprop");
const downloads = mkdtempSync(join(tmpdir(), "bioprop-export-"));

before(() => {
  // The native command line (already built by `cargo test` under `make test`; a
  // no-op then).
  execFileSync("cargo", ["build", "-q", "-p", "bioprop", "--features", "cli"], {
    cwd: repoRoot,
    stdio: "inherit",
  });
});

/** Each run's `{ step, hash }` as the panel shows them, by rule. */
async function hashes(page) {
  return page.locator('[data-testid="run-hash"]').evaluateAll((items) =>
    Object.fromEntries(
      items.map((li) => [li.dataset.rule, { step: Number(li.dataset.step), hash: li.dataset.hash }]),
    ),
  );
}

/** Clicks `testid` and saves the download it starts; returns its path. */
async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testid).click()]);
  const path = join(downloads, file.suggestedFilename());
  await file.saveAs(path);
  return path;
}

test("bioprop run --config reproduces the page's runs bit for bit", async () => {
  // Two rules, a run at its own rate, the second draw of B: everything the config holds.
  const query = "?task=circles&compare=bp,fa&seed=7&lrs=fa:0.05&draw=1";
  const { page, problems } = await app.open(query, PROJECTOR);
  await page.locator('[data-testid="run-hash"][data-rule="fa"]').waitFor({ state: "attached" });
  const STEPS = 12;
  for (let i = 0; i < STEPS; i += 1) await page.keyboard.press("s");
  const shown = await until(
    () => hashes(page),
    (h) => h.bp?.step === STEPS && h.fa?.step === STEPS,
  );
  assert.notEqual(shown.bp.hash, shown.fa.hash);

  await page.getByText("Export · reproduce").click();
  const command = await page.getByTestId("cli-command").innerText();
  assert.equal(command, `bioprop run --config bioprop-config.json --steps ${STEPS}`);
  await screenshot(page, "export-panel");
  const config = await download(page, "export-config");
  const saved = JSON.parse(readFileSync(config, "utf8"));
  assert.deepEqual(saved.rules, ["bp", "fa"]);
  assert.equal(saved.feedback_draw, 1);

  const run = spawnSync(cli, ["run", "--config", config, "--steps", String(STEPS), "--every", "4"], {
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  for (const rule of ["bp", "fa"]) {
    const line = `${rule} on circles: step ${STEPS}, weights hash ${shown[rule].hash}`;
    assert.ok(run.stderr.includes(line), `${line} in:\n${run.stderr}`);
  }

  // The metrics file has the command line's columns (one writer, in core).
  const csv = readFileSync(await download(page, "export-csv"), "utf8").split("\n");
  assert.equal(csv[0], run.stdout.split("\n")[0]);
  const last = csv.slice(1).filter((l) => l.startsWith(`${STEPS},fa,`));
  assert.ok(last.length >= 1, "fa's rows at the last step");
  assert.ok(last.every((l) => l.split(",").length === csv[0].split(",").length));

  // The weights: whole matrices, with the hash the page shows.
  const weights = JSON.parse(readFileSync(await download(page, "export-weights"), "utf8"));
  assert.deepEqual(
    weights.map((r) => [r.rule, r.step, r.weights_hash]),
    [["bp", STEPS, shown.bp.hash], ["fa", STEPS, shown.fa.hash]],
  );
  const { layers } = weights[0];
  assert.deepEqual(
    weights[0].weights.map((w) => [w.rows, w.cols]),
    layers.slice(1).map((n, k) => [n, layers[k]]),
    "W_k is n_k × n_(k-1)",
  );
  for (const w of weights[0].weights) assert.equal(w.data.length, w.rows * w.cols);

  // A chart as PNG, a diagram as SVG with its styles written in.
  const png = readFileSync(await download(page, "export-png"));
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], "a PNG file");
  const svg = readFileSync(await download(page, "export-svg"), "utf8");
  assert.match(svg, /^<\?xml[^>]*>\n<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<text[^>]*style="[^"]*font-size:\s*\d/, "text keeps its size outside the page");
  // The network diagram is drawn in layers (edges, units, error dots); its file holds
  // the edges as the page draws them, under the units, the feedback edges dashed.
  const subpaths = (text) => [...text.matchAll(/ d="([^"]*)"/g)].reduce((n, m) => n + (m[1].match(/M/g) ?? []).length, 0);
  const band = (text, name) => text.match(new RegExp(`<g class="${name}"[^>]*>(.*?)</g>`, "s"))?.[1] ?? "";
  const drawn = await page.evaluate(() => {
    const layer = document.querySelector("main svg.nv-edges");
    const count = (name) =>
      [...layer.querySelectorAll(`.${name} > path`)].reduce((n, p) => n + (p.getAttribute("d").match(/M/g) ?? []).length, 0);
    return { forward: count("nv-forward"), feedback: count("nv-feedback") };
  });
  assert.ok(drawn.forward > 0 && drawn.feedback > 0, JSON.stringify(drawn));
  assert.deepEqual({ forward: subpaths(band(svg, "nv-forward")), feedback: subpaths(band(svg, "nv-feedback")) }, drawn);
  assert.ok(svg.indexOf('class="nv-feedback"') < svg.indexOf('class="nv-nodes"'), "the edges lie under the units");
  assert.match(band(svg, "nv-feedback"), /stroke-dasharray:\s*3/, "feedback edges stay dashed outside the page");
  assert.deepEqual(problems, []);
  await page.close();
});

test("an imported configuration replaces the settings; a bad one changes nothing", async () => {
  const { page, problems } = await app.open("?task=xor&compare=bp,fa", PROJECTOR);
  await page.locator('[data-testid="run-hash"][data-rule="fa"]').waitFor({ state: "attached" });
  for (let i = 0; i < 3; i += 1) await page.keyboard.press("s");
  await until(() => hashes(page), (h) => h.fa?.step === 3);
  await page.getByText("Export · reproduce").click();
  const picker = page.getByTestId("import-config");

  // Bad files: a notice naming the problem; the runs and the URL stay as they were.
  const untouched = await hashes(page);
  const url = page.url();
  for (const [text, named] of [
    ["not json at all", "not JSON"],
    ['{"rules": ["bp"], "experiment": {}, "colour": 1}', "unknown field `colour`"],
    ['{"version": 1, "rules": ["bp"], "experiment": {"lr": 5000}, "steps_per_frame": 5}', "lr"],
  ]) {
    await picker.setInputFiles({ name: "bad.json", mimeType: "application/json", buffer: Buffer.from(text) });
    const notices = page.locator("[data-testid=notice] li");
    await until(() => notices.allInnerTexts(), (all) => all.some((n) => n.includes(named)));
    assert.equal(page.url(), url);
    assert.deepEqual(await hashes(page), untouched, "the runs on screen are untouched");
  }
  await screenshot(page, "export-import-refused");

  // A good file (as `bioprop run --print-config` writes it): new settings, new runs.
  const printed = spawnSync(cli, ["run", "--task", "moons", "--rule", "kp", "--seed", "4", "--lr", "0.2", "--print-config"], {
    encoding: "utf8",
  });
  assert.equal(printed.status, 0, printed.stderr);
  await picker.setInputFiles({ name: "moons.json", mimeType: "application/json", buffer: Buffer.from(printed.stdout) });
  const moved = await urlHolds(page, "task=moons");
  for (const part of ["rule=kp", "seed=4", "lr=0.2"]) assert.ok(moved.includes(part), `${part} in ${moved}`);
  const imported = await until(() => hashes(page), (h) => Object.keys(h).join() === "kp" && h.kp.step === 0);
  // The new run is the one the file describes: the command line agrees at step 0.
  const fromFile = spawnSync(cli, ["run", "--config", await download(page, "export-config"), "--steps", "0"], {
    encoding: "utf8",
  });
  assert.equal(fromFile.status, 0, fromFile.stderr);
  assert.ok(fromFile.stderr.includes(`kp on moons: step 0, weights hash ${imported.kp.hash}`), fromFile.stderr);
  assert.deepEqual(problems, []);
  await page.close();
});

/** The one run's `{ step, hash }` the panel shows, once the frame at `step` is in. */
async function onlyHash(page, step) {
  return until(
    () => hashes(page).then((h) => Object.values(h)[0]),
    (h) => h?.step === step,
  );
}

test("the cerebellum exports its metrics in the command line's columns, and its configuration reproduces them, live changes and all", async () => {
  const { page, problems } = await app.open("?page=cerebellum&task=forward-model&speed=500&beta=0.2", PROJECTOR);
  await page.getByTestId("metric-time").waitFor();
  // Four steps of 500 simulated ms each: 2000 steps of 1 ms; beta moved after two.
  for (let i = 1; i <= 4; i++) {
    if (i === 3) {
      await setValue(page, "beta", "0.05");
      await urlHolds(page, "beta=0.05");
    }
    await page.getByTestId("step").click();
    assert.equal(await until(() => metric(page, "metric-time"), (t) => t === (i / 2).toFixed(1)), (i / 2).toFixed(1));
  }
  await page.getByTestId("export-panel").locator("summary").click();
  const shown = await onlyHash(page, 2000);
  const command = await page.getByTestId("cli-command").innerText();
  assert.equal(command, "bioprop run --config bioprop-cerebellum-config.json --steps 2000");
  await screenshot(page, "export-cerebellum");
  const csv = readFileSync(await download(page, "export-csv"), "utf8").trim().split("\n");
  const config = await download(page, "export-config");
  const saved = JSON.parse(readFileSync(config, "utf8"));
  assert.equal(saved.model, "cerebellum");
  assert.equal(saved.config.filter.beta, 0.2, "the settings it was built with");
  assert.deepEqual(saved.changes.map((c) => [c.at_step, c.config.filter.beta]), [[1000, 0.05]]);
  const weights = JSON.parse(readFileSync(await download(page, "export-weights"), "utf8"));
  assert.equal(weights.step, 2000);
  assert.equal(weights.weights_hash, shown.hash);
  // The command line, from the page's configuration, every 50 steps.
  const run = spawnSync(cli, ["run", "--config", config, "--steps", "2000", "--every", "50"], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  assert.ok(run.stderr.includes(`forward-model by lms: step 2000, weights hash ${shown.hash}`), run.stderr);
  const rows = run.stdout.trim().split("\n");
  assert.equal(csv[0], rows[0], "the same columns");
  assert.match(csv[0], /^step,time,gain,error_rms,w0,/);
  // Every page row is the command line's row at its step, digit for digit.
  const byStep = new Map(rows.slice(1).map((row) => [row.split(",")[0], row]));
  assert.ok(csv.length > 10, `${csv.length} rows`);
  for (const row of csv.slice(1)) assert.equal(row, byStep.get(row.split(",")[0]), `step ${row.split(",")[0]}`);
  assert.equal(csv.at(-1).split(",")[0], "2000");
  // The weights file holds the weights of the last row.
  assert.deepEqual(weights.weights.map(String), csv.at(-1).split(",").slice(4));
  assert.deepEqual(problems, []);
  await page.close();
});

test("the microcircuit's saved run, target and model switched while it ran, reproduces on the command line bit for bit", async () => {
  // Pre-training (no target) in the full model, 70 ms a step: frames end inside patterns.
  const { page, problems } = await app.open("?page=microcircuit&target=0&speed=70&seed=3", PROJECTOR);
  await page.getByTestId("metric-time").waitFor();
  // A step of the full model stops at the frame's time budget, so each step waits
  // for the clock to move on rather than for a given time.
  const step = async () => {
    const before = await metric(page, "metric-time");
    await page.getByTestId("step").click();
    await until(() => metric(page, "metric-time"), (v) => v !== before);
  };
  for (let i = 0; i < 4; i++) await step();
  await page.keyboard.press("t");
  assert.equal(await until(() => metric(page, "metric-target"), (v) => v === "on"), "on");
  for (let i = 0; i < 3; i++) await step();
  await page.getByTestId("mode").selectOption("steady");
  await urlHolds(page, "mode=steady");
  for (let i = 0; i < 12; i++) await step();
  await page.getByTestId("export-panel").locator("summary").click();
  const patterns = await number(page, "metric-step");
  const shown = await onlyHash(page, patterns);
  assert.ok(patterns >= 8, `${patterns} patterns`);
  const command = await page.getByTestId("cli-command").innerText();
  assert.equal(command, `bioprop run --config bioprop-microcircuit-config.json --steps ${patterns}`);
  await screenshot(page, "export-microcircuit");

  const config = await download(page, "export-config");
  const saved = JSON.parse(readFileSync(config, "utf8"));
  assert.equal(saved.model, "microcircuit");
  assert.equal(saved.config.seed, 3);
  const [first, on, steady] = saved.changes;
  assert.equal(saved.changes.length, 3, JSON.stringify(saved.changes));
  assert.deepEqual([first.at_ms, first.target], [0, false]);
  assert.ok(on.target === true && on.at_ms > 0, JSON.stringify(on));
  assert.ok(steady.mode === "steady" && steady.at_ms > on.at_ms, JSON.stringify(steady));
  const run = spawnSync(cli, ["run", "--config", config, "--steps", String(patterns), "--every", "5"], {
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  const line = `microcircuit on nonlinear-teacher: ${patterns} patterns, weights hash ${shown.hash}`;
  assert.ok(run.stderr.includes(line), `${line} in:\n${run.stderr}`);

  // The metrics in the command line's columns; the weights, whole.
  const csv = readFileSync(await download(page, "export-csv"), "utf8").trim().split("\n");
  assert.equal(csv[0], run.stdout.split("\n")[0], "the command line's columns");
  assert.ok(csv.slice(1).every((row) => row.split(",")[1] === "microcircuit"), csv.join("\n"));
  const weights = JSON.parse(readFileSync(await download(page, "export-weights"), "utf8"));
  assert.ok(weights.forward.length >= 2 && weights.forward[0].length > 0, "the forward weights, whole");

  // A bad file on the command line: exit 2, the field named, no panic.
  const bad = join(downloads, "bad-microcircuit.json");
  writeFileSync(bad, JSON.stringify({ ...saved, config: { ...saved.config, g_b: "strong" } }));
  const refused = spawnSync(cli, ["run", "--config", bad, "--steps", "1"], { encoding: "utf8" });
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /config\.g_b: invalid type/);
  assert.deepEqual(problems, []);
  await page.close();
});

/** Chooses a file of `text` named `name` in the panel's import picker. */
async function choose(page, name, text) {
  await page.getByTestId("import-config").setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(text) });
}

/** Each bad file gives a notice naming its problem; the URL and the run stay. */
async function refusesBadFiles(page, cases, run) {
  const url = page.url();
  const before = await run();
  const notices = page.locator("[data-testid=notice] li");
  for (const [name, text, named] of cases) {
    await choose(page, name, text);
    const all = await until(() => notices.allInnerTexts(), (all) => all.some((n) => n.includes(named)));
    const notice = all.find((n) => n.includes(named));
    assert.ok(notice.startsWith(`import ${name}: `) && notice.includes("unchanged"), notice);
    assert.equal(page.url(), url, `${name}: the URL is untouched`);
    assert.deepEqual(await run(), before, `${name}: the run on screen is untouched`);
  }
}

/** Text of about `bytes` bytes: a JSON object too large to be a configuration. */
const huge = (bytes) => JSON.stringify({ model: "cerebellum", padding: "x".repeat(bytes) });

test("the cerebellum imports its exported configuration: a changed setting comes back, the run restarts; bad files change nothing", async () => {
  const { page, problems } = await app.open("?page=cerebellum&task=forward-model&beta=0.2&speed=500&spectacles=1.5", PROJECTOR);
  await page.getByTestId("metric-time").waitFor();
  await page.getByTestId("step").click();
  await until(() => metric(page, "metric-time"), (t) => t === "0.5");
  await page.getByTestId("export-panel").locator("summary").click();
  const exported = readFileSync(await download(page, "export-config"), "utf8");
  // Two settings changed after the export: one that rebuilds (the basis), then, half a
  // second into the new run, one live (β).
  await page.getByTestId("basis").selectOption("alpha");
  await urlHolds(page, "basis=alpha");
  await page.getByTestId("step").click();
  await until(() => metric(page, "metric-time"), (t) => t === "0.5");
  await setValue(page, "beta", "0.05");
  await urlHolds(page, "beta=0.05");
  const withChanges = readFileSync(await download(page, "export-config"), "utf8");
  const run = () => onlyHash(page, 500);
  await refusesBadFiles(page, [
    ["notes.txt", "not a configuration", "not a cerebellum configuration"],
    ["circuit.json", JSON.stringify({ model: "microcircuit", config: {} }), "a configuration of the microcircuit page"],
    ["far.json", exported.replace('"spectacles": 1.5', '"spectacles": 40'), "`vor.spectacles` must be in [-10, 10], got 40"],
    ["huge.json", huge(2 * 1024 * 1024), "2.0 MB is too large for a configuration"],
  ], run);
  assert.ok(exported.includes('"spectacles": 1.5'), "the edit above changed the file");
  // A run with live changes: the page cannot start it; the command line replays it.
  await refusesBadFiles(page, [["changed.json", withChanges, "changes: the run changes its settings while it runs"]], run);
  await screenshot(page, "import-cerebellum-refused");

  await choose(page, "bioprop-cerebellum-config.json", exported);
  const url = await urlHolds(page, "beta=0.2");
  assert.ok(!url.includes("basis=alpha") && url.includes("spectacles=1.5") && url.includes("speed=500"), url);
  assert.equal(await page.getByTestId("beta").inputValue(), "0.2");
  assert.equal(await page.getByTestId("basis").inputValue(), "leaky");
  // A new run of the imported settings, from step 0.
  await until(() => metric(page, "metric-time"), (t) => Number(t) === 0);
  await page.getByTestId("step").click();
  const again = await onlyHash(page, 500);
  // The same settings from the same start: the run exported at step 500.
  const fromFile = spawnSync(cli, ["run", "--config", await download(page, "export-config"), "--steps", "500"], { encoding: "utf8" });
  assert.equal(fromFile.status, 0, fromFile.stderr);
  assert.ok(fromFile.stderr.includes(`weights hash ${again.hash}`), fromFile.stderr);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the microcircuit imports its exported configuration: a changed setting comes back; bad files change nothing", async () => {
  const { page, problems } = await app.open("?page=microcircuit&task=xor&seed=9&mode=steady&speed=1000", PROJECTOR);
  await page.getByTestId("metric-time").waitFor();
  await page.getByTestId("export-panel").locator("summary").click();
  const exported = readFileSync(await download(page, "export-config"), "utf8");
  // Another task (a new circuit), then a step so the run has something to lose.
  await page.getByTestId("task").selectOption("circles");
  await urlHolds(page, "task=circles");
  const before = await metric(page, "metric-time");
  await page.getByTestId("step").click();
  await until(() => metric(page, "metric-time"), (v) => v !== before);
  const run = () => page.locator('[data-testid="run-hash"]').evaluate((li) => [li.dataset.step, li.dataset.hash]);
  const saved = JSON.parse(exported);
  await refusesBadFiles(page, [
    ["notes.txt", "{ not json", "not JSON"],
    ["cerebellum.json", JSON.stringify({ model: "cerebellum", config: {} }), "a configuration of the cerebellum page"],
    ["rules.json", JSON.stringify({ version: 1, rules: ["bp"], experiment: {} }), "a configuration of the rules page"],
    ["slow.json", JSON.stringify({ ...saved, config: { ...saved.config, dt: -1 } }), "dt"],
    ["lr.json", JSON.stringify({ ...saved, config: { ...saved.config, lr_forward: 0.5 } }), "`lr_forward` is 0.5 in the file"],
    ["huge.json", huge(3 * 1024 * 1024), "3.0 MB is too large for a configuration"],
  ], run);
  await screenshot(page, "import-microcircuit-refused");

  await choose(page, "bioprop-microcircuit-config.json", exported);
  const url = await urlHolds(page, "task=xor");
  assert.ok(url.includes("seed=9") && url.includes("mode=steady") && url.includes("speed=1000"), url);
  assert.equal(await page.getByTestId("task").inputValue(), "xor");
  await until(() => number(page, "metric-step"), (v) => v === 0);
  // The picker on a phone: inside the screen, no sideways scroll.
  await page.setViewportSize({ width: 390, height: 844 });
  const picker = await page.getByTestId("import-config").boundingBox();
  assert.ok(picker.x >= 0 && picker.x + picker.width <= 390, JSON.stringify(picker));
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390);
  await page.getByTestId("export-panel").scrollIntoViewIfNeeded();
  await screenshot(page, "import-microcircuit-390x844");
  assert.deepEqual(problems, []);
  await page.close();
});
