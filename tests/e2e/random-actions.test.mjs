// A seeded random sequence of what users do — clicks on buttons, checkboxes and lists,
// the keys of the keyboard map, values typed into fields (good and bad), edited
// addresses with random keys and values, page switches and window sizes from a phone
// to a projector — after which the app must have logged no error, shown no crash box,
// still answer (a step or a frame advances), and show the settings its address gives
// (a reload of the address shows the same controls).
//
// The seed is printed at the start and in every failure; replay one with
// BIOPROP_SEED=<seed>. BIOPROP_STEPS sets the sequence's length (default 2000).
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, paintedFrames, until } from "./harness.mjs";

const app = appSession();

const SEED = Number(process.env.BIOPROP_SEED ?? Math.floor(Math.random() * 2 ** 31));
const STEPS = Number(process.env.BIOPROP_STEPS ?? 2000);
/** DOM actions done in the page between two checks from here. */
const BATCH = 40;

/** mulberry32: a small seeded generator, the same sequence for the same seed. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PAGES = ["rules", "cerebellum", "microcircuit", "exercise", "tour"];
// Every page's keys (web/README.md, "Where each URL key lives") and a few it does not know.
const KEYS = [
  "task", "rule", "compare", "layers", "act", "lr", "lrs", "batch", "noise", "seed", "speed",
  "noderiv", "fbscale", "draw", "fb", "logloss", "autoplay", "embed", "views", "present",
  "synapse", "inspect", "spectacles", "freq", "edelay", "eldelay", "beta", "basis", "mode",
  "init", "target", "neuron", "step", "q", "v", "origins", "utm_source", "bogus",
];
const VALUES = [
  "1", "0", "-1", "2", "0.05", "1e9", "-1e-9", "NaN", "Infinity", "max", "", "%", "%zz", "xor",
  "spirals", "digits", "linear-teacher", "bp,fa", "bp,fa,dfa,kp,sign", "custom:b", "custom:d.learn",
  "30-20-10", "2-0-1", "tanh", "relu", "steady", "full", "1-2-3", "☃", "<script>", "a=b", "9".repeat(40),
];
// Values typed into fields: good ones, out of range, malformed.
const TYPED = ["0.1", "0.02", "3", "10", "0", "-5", "1e40", "abc", "", "  7 ", "1,5", "NaN", "∞", "12345678901234567890", "0x10"];
const KEYBOARD = [" ", "s", "r", "p", "t", "n", "h", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "PageUp", "PageDown", "Escape", "Enter", "Tab", "Shift+ArrowUp"];

const pick = (random, list) => list[Math.floor(random() * list.length)];

function randomQuery(random) {
  const parts = [];
  const page = random() < 0.85 ? pick(random, PAGES) : pick(random, VALUES);
  parts.push(`page=${encodeURIComponent(page)}`);
  const n = Math.floor(random() * 5);
  for (let i = 0; i < n; i++) {
    const value = pick(random, VALUES);
    parts.push(`${pick(random, KEYS)}=${random() < 0.7 ? encodeURIComponent(value) : value}`);
  }
  return `?${parts.join("&")}`;
}

/**
 * `count` random DOM actions in the page, each after the page has had a moment to
 * redraw; returns what was done, in words, for a failure's log. Runs in the page.
 */
function actInPage({ seed, count, typed, keyboard }) {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (list) => list[Math.floor(random() * list.length)];
  const visible = (e) => e.getClientRects().length > 0 && !e.closest("[hidden]");
  const name = (e) =>
    e.getAttribute("data-testid") ?? e.getAttribute("aria-label") ?? e.id ?? e.textContent.trim().slice(0, 20);
  const root = () => document.querySelector('[data-testid="app"]');
  const done = [];
  const key = (spec) => {
    const [mod, k] = spec.includes("+") ? spec.split("+") : [null, spec];
    const target = document.activeElement ?? document.body;
    const init = { key: k, bubbles: true, cancelable: true, shiftKey: mod === "Shift" };
    target.dispatchEvent(new KeyboardEvent("keydown", init));
    target.dispatchEvent(new KeyboardEvent("keyup", init));
  };
  return (async () => {
    for (let i = 0; i < count; i++) {
      await new Promise((r) => setTimeout(r, 0));
      const app = root();
      if (!app) break;
      const r = random();
      if (r < 0.45) {
        // Buttons and checkboxes, not links (another page is another load, done
        // from the test) nor the file pickers (a dialog).
        const all = [...app.querySelectorAll('button, input[type="checkbox"], input[type="radio"], [role="button"]')]
          .filter((e) => visible(e) && !e.disabled);
        if (all.length === 0) continue;
        const e = pick(all);
        done.push(`click ${name(e)}`);
        e.focus?.();
        e.click();
      } else if (r < 0.6) {
        const all = [...app.querySelectorAll("select")].filter((e) => visible(e) && !e.disabled);
        if (all.length === 0) continue;
        const e = pick(all);
        const option = pick([...e.options]);
        if (!option) continue;
        done.push(`select ${name(e)} = ${option.value}`);
        e.value = option.value;
        e.dispatchEvent(new Event("input", { bubbles: true }));
        e.dispatchEvent(new Event("change", { bubbles: true }));
      } else if (r < 0.8) {
        const all = [...app.querySelectorAll('input:not([type]), input[type="text"], input[type="number"], input[type="range"], textarea')]
          .filter((e) => visible(e) && !e.disabled && !e.readOnly);
        if (all.length === 0) continue;
        const e = pick(all);
        const value = e.type === "range" ? String(Number(e.min) + random() * (Number(e.max) - Number(e.min))) : pick(typed);
        done.push(`type ${name(e)} = ${JSON.stringify(value)}`);
        e.focus();
        e.value = value;
        e.dispatchEvent(new Event("input", { bubbles: true }));
        if (random() < 0.5) {
          e.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
        }
        e.dispatchEvent(new Event("change", { bubbles: true }));
        e.blur();
      } else {
        const spec = pick(keyboard);
        done.push(`key ${spec}`);
        if (random() < 0.5) document.activeElement?.blur?.();
        key(spec);
      }
    }
    return done;
  })();
}

/** The controls a page shows: every list, field and checkbox, by name. */
function visibleSettings(page) {
  return page.evaluate(() => {
    const app = document.querySelector('[data-testid="app"]');
    if (!app) return null;
    const out = {};
    const named = new Map();
    // What a page keeps only until it is left, not settings: a typed answer, the
    // tour's choices, a drawn digit's label, a rule being composed in the builder.
    const transient = (e) =>
      e.closest('[data-testid="answer-form"], [data-testid="prediction"], [data-testid="quiz"], [data-testid="digit-labels"], [data-testid="rule-builder"]');
    for (const e of app.querySelectorAll("select, input, textarea")) {
      if (e.type === "file" || e.getClientRects().length === 0) continue;
      if (transient(e)) continue;
      const base = e.getAttribute("data-testid") ?? e.getAttribute("aria-label") ?? e.name ?? e.id ?? e.tagName;
      const n = (named.get(base) ?? 0) + 1;
      named.set(base, n);
      out[n > 1 ? `${base}#${n}` : base] = e.type === "checkbox" || e.type === "radio" ? e.checked : e.value;
    }
    for (const e of app.querySelectorAll("button[aria-pressed]")) {
      if (transient(e)) continue;
      out[`pressed:${e.getAttribute("data-testid") ?? e.textContent.trim()}`] = e.getAttribute("aria-pressed");
    }
    return out;
  });
}

function pageName(url) {
  const page = new URL(url).searchParams.getAll("page").at(-1)?.toLowerCase();
  return PAGES.includes(page) ? page : "rules";
}

/** The page answers: a step advances (or, where nothing trains, a key moves it on). */
async function responds(page) {
  const name = pageName(page.url());
  if (name === "tour" || name === "exercise") {
    const before = page.url();
    await page.evaluate(() => document.activeElement?.blur?.());
    await page.keyboard.press(name === "tour" ? "ArrowRight" : "n");
    const after = await until(() => page.url(), (u) => u !== before, 10_000);
    if (after === before && name === "tour") {
      await page.keyboard.press("ArrowLeft");
      return (await until(() => page.url(), (u) => u !== before, 10_000)) !== before;
    }
    return after !== before;
  }
  const readout = page.locator('[data-testid="metric-step"], [data-testid="metric-time"]').first();
  await readout.waitFor({ timeout: 30_000 });
  const before = await readout.innerText();
  const step = page.getByTestId("step").first();
  if ((await step.count()) > 0 && (await step.isVisible())) await step.click();
  else await page.keyboard.press("s");
  return (await until(() => readout.innerText(), (t) => t !== before, 20_000)) !== before;
}

test(`a random sequence of ${STEPS} user actions (seed ${SEED}) breaks nothing`, async () => {
  console.log(`random actions: seed ${SEED} (replay: BIOPROP_SEED=${SEED}), ${STEPS} steps`);
  const random = generator(SEED);
  const page = await app.browser.newPage({ viewport: { width: 1280, height: 720 } });
  const problems = [];
  const log = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  const fail = (what) =>
    `seed ${SEED} (replay: BIOPROP_SEED=${SEED}): ${what}\nlast actions:\n  ${log.slice(-25).join("\n  ")}`;
  const check = async () => {
    assert.deepEqual(problems, [], fail("errors"));
    assert.equal(await page.getByTestId("crash").count(), 0, fail("the crash box"));
  };
  const load = async (url) => {
    await page.goto(url);
    await page.waitForSelector('[data-testid="app"]', { timeout: 30_000 });
  };

  await load(app.base);
  let steps = 0;
  while (steps < STEPS) {
    const r = random();
    if (r < 0.03) {
      const query = randomQuery(random);
      log.push(`address ${query}`);
      await load(app.base + query);
      steps += 1;
    } else if (r < 0.05) {
      const query = `?page=${pick(random, PAGES)}`;
      log.push(`page ${query}`);
      await load(app.base + query);
      steps += 1;
    } else if (r < 0.08) {
      const width = 390 + Math.floor(random() * (1920 - 390));
      const height = 720 + Math.floor(random() * (1080 - 720));
      log.push(`resize ${width}×${height}`);
      await page.setViewportSize({ width, height });
      steps += 1;
    } else {
      const count = Math.min(BATCH, STEPS - steps);
      const seed = Math.floor(random() * 2 ** 31);
      try {
        log.push(...(await page.evaluate(actInPage, { seed, count, typed: TYPED, keyboard: KEYBOARD })));
      } catch (error) {
        // An action that loads another document (none should) ends the batch.
        if (!/Execution context was destroyed/.test(error.message)) throw error;
        log.push(`(the batch ended in a navigation to ${page.url()})`);
        await page.waitForSelector('[data-testid="app"]', { timeout: 30_000 });
      }
      steps += count;
    }
    await check();
  }
  log.push("(end of the sequence)");

  // The page answers.
  assert.ok(await responds(page), fail(`the page at ${page.url()} no longer answers`));
  await check();

  // The address holds what is on screen: a reload of it shows the same controls.
  await page.evaluate(() => document.activeElement?.blur?.());
  await paintedFrames(page, 5);
  const url = page.url();
  const shown = await visibleSettings(page);
  await load(url);
  await paintedFrames(page, 5);
  const reloaded = await visibleSettings(page);
  assert.deepEqual(reloaded, shown, fail(`the reloaded ${url} shows other settings`));
  assert.equal(page.url(), url, fail("the reload rewrote the address"));
  await check();
  await page.close();
});
