// Browser benchmark (not a test): how smoothly the page animates while the
// worker trains compare mode at full speed, how fast the worker trains against
// the core alone in the same wasm, and how fast the microcircuit simulates.
//
//   node tests/e2e/bench.mjs [seconds]        (make bench-web builds first)
//
// Prints, at 1280×720:
// - for two and four rules at the speed `max`: the page's frames per second, its
//   95th-percentile and longest frame, and the worker's training steps per second per
//   run against the core's own speed in wasm on the same runs (no metric rows, no
//   frames; measured in a worker of its own that loads the same bundle), as a ratio;
// - on the handwritten digits (784-256-10, batch 32, the page's 12,000 training
//   digits; backprop alone, then backprop beside feedback alignment) at the speed
//   `max`: the page's frames per second and 95th-percentile frame, and the worker's
//   training steps per second per run as the time one run takes for an epoch of
//   60,000 images (1,875 steps), held-out evaluation and the digits views included;
// - for the microcircuit, full and steady-state models at the top speed: simulated
//   patterns per second (and simulated seconds per second for the full model).
import { number, openPage, startSession } from "./harness.mjs";

const seconds = Number(process.argv[2] ?? 10);
const compare = [
  ["default page (bp vs fa, linear teacher 30-20-10)", "?speed=max", "linear-teacher", "bp,fa"],
  ["xor, bp vs fa vs dfa vs kp", "?task=xor&compare=bp,fa,dfa,kp&speed=max", "xor", "bp,fa,dfa,kp"],
];
const digits = [
  ["digits, bp (784-256-10, batch 32)", "?task=digits&rule=bp&layers=784-256-10&batch=32&speed=max", "bp"],
  ["digits, bp vs fa (784-256-10, batch 32)", "?task=digits&compare=bp,fa&layers=784-256-10&batch=32&speed=max", "fa"],
];
const EPOCH_STEPS = 60000 / 32;
const circuits = [
  ["microcircuit, full model (30-50-10, 0.1 ms Euler steps)", "?page=microcircuit&mode=full&speed=100000"],
  ["microcircuit, steady-state model (30-50-10)", "?page=microcircuit&mode=steady&speed=100000"],
];
const VIEWPORT = { width: 1280, height: 720 };

/** Animation-frame times over `ms` milliseconds, in the page. */
function frameTimes(page, ms) {
  return page.evaluate(
    (ms) =>
      new Promise((done) => {
        const times = [];
        const end = performance.now() + ms;
        const tick = (t) => {
          times.push(t);
          if (t < end) requestAnimationFrame(tick);
          else done(times);
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
}

/**
 * The core's own steps per second per run in wasm: the rules page's worker bundle loaded in
 * a worker of its own, calling its `core_steps_per_second` export (after a warm-up).
 */
function coreSpeed(page, task, rules, steps) {
  return page.evaluate(
    ([task, rules, steps]) =>
      new Promise((done, fail) => {
        const base = new URL(".", location.href).href;
        const code = `importScripts(${JSON.stringify(base + "rules-worker.js")});
          wasm_bindgen(${JSON.stringify(base + "rules-worker_bg.wasm")}).then(() => {
            try {
              wasm_bindgen.core_steps_per_second(${JSON.stringify(task)}, ${JSON.stringify(rules)}, 2000);
              postMessage({ speed: wasm_bindgen.core_steps_per_second(${JSON.stringify(task)}, ${JSON.stringify(rules)}, ${steps}) });
            } catch (e) { postMessage({ error: String(e) }); }
          });`;
        const worker = new Worker(URL.createObjectURL(new Blob([code], { type: "application/javascript" })));
        worker.onmessage = (event) => {
          // The bundle's own registrar also speaks; only our reply is an object with these keys.
          const data = event.data;
          if (data && typeof data === "object" && ("speed" in data || "error" in data)) {
            worker.terminate();
            if ("error" in data) fail(new Error(data.error));
            else done(data.speed);
          }
        };
      }),
    [task, rules, steps],
  );
}

function summary(frames) {
  const gaps = frames.slice(1).map((t, i) => t - frames[i]);
  const elapsed = (frames.at(-1) - frames[0]) / 1000;
  const sorted = [...gaps].sort((a, b) => a - b);
  return {
    elapsed,
    fps: gaps.length / elapsed,
    p95: sorted[Math.floor(sorted.length * 0.95)],
    longest: sorted.at(-1),
  };
}

const session = await startSession();
try {
  // Plays `page` at the speed max: its frames and the worker's steps per run per second.
  const playFor = async (page, warmUpMs) => {
    const stepsOf = () => number(page, "metric-step");
    await page.getByTestId("play").click();
    await page.waitForTimeout(warmUpMs);
    const startSteps = await stepsOf();
    const frames = await frameTimes(page, seconds * 1000);
    const endSteps = await stepsOf();
    await page.getByTestId("play").click();
    const { elapsed, fps, p95, longest } = summary(frames);
    console.log(`  page: ${fps.toFixed(1)} frames/s, 95th percentile ${p95.toFixed(1)} ms, longest frame ${longest.toFixed(1)} ms`);
    return (endSteps - startSteps) / elapsed;
  };
  for (const [name, query, task, rules] of compare) {
    const { page } = await openPage(session, query, VIEWPORT);
    await page.locator('[data-testid="metric-step"]').first().waitFor();
    console.log(`${name}, speed max:`);
    const worker = await playFor(page, 1000);
    const core = await coreSpeed(page, task, rules, 30_000);
    console.log(
      `  worker: ${worker.toFixed(0)} training steps/s per run; core alone in wasm: ${core.toFixed(0)}; ratio ${(worker / core).toFixed(2)}`,
    );
    await page.close();
  }
  for (const [name, query, last] of digits) {
    const { page } = await openPage(session, query, VIEWPORT);
    await page.getByTestId("digits-loaded").waitFor({ timeout: 120_000 });
    await page.locator(`[data-testid="metric-step"][data-rule="${last}"]`).waitFor({ timeout: 60_000 });
    console.log(`${name}, speed max:`);
    const worker = await playFor(page, 2000);
    console.log(
      `  worker: ${worker.toFixed(0)} training steps/s per run: an epoch of 60,000 images (${EPOCH_STEPS} steps) in ${(EPOCH_STEPS / worker).toFixed(2)} s`,
    );
    await page.close();
  }
  for (const [name, query] of circuits) {
    const { page } = await openPage(session, query, VIEWPORT);
    await page.locator('[data-testid="metric-step"]').waitFor();
    await page.getByTestId("play").click();
    await page.waitForTimeout(1000); // warm up
    const patterns0 = await number(page, "metric-step");
    const time0 = await number(page, "metric-time");
    const frames = await frameTimes(page, seconds * 1000);
    const patterns1 = await number(page, "metric-step");
    const time1 = await number(page, "metric-time");
    await page.getByTestId("play").click();
    const { elapsed, fps, p95 } = summary(frames);
    console.log(`${name}:`);
    console.log(
      `  ${((patterns1 - patterns0) / elapsed).toFixed(0)} patterns/s, ${((time1 - time0) / elapsed).toFixed(2)} simulated s/s; page ${fps.toFixed(1)} frames/s, 95th percentile ${p95.toFixed(1)} ms`,
    );
    await page.close();
  }
} finally {
  await session.close();
}
