// The long run (`make soak`; not part of `make test`): the default page trains for
// 10⁶ steps at speed max, then the microcircuit (full model) simulates 10 minutes, each
// in headless Chromium, while the page's JavaScript heap (CDP Runtime.getHeapUsage)
// and the renderer process's resident memory (its VmRSS in /proc, the renderer found
// through CDP SystemInfo.getProcessInfo; it holds the page's and the worker's wasm
// memory) are sampled. Prints a table and the growth from the end of the warm-up (the
// first tenth of the run) to the end; README, "Long runs", keeps the figures.
//
//   BIOPROP_DIST=target/e2e-dist node tests/e2e/soak.mjs [STEPS] [SIMULATED_SECONDS]
import { readFileSync } from "node:fs";
import { startSession } from "./harness.mjs";

const STEPS = Number(process.argv[2] ?? 1_000_000);
const SIMULATED_S = Number(process.argv[3] ?? 600);
const SAMPLES = 20;

const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);

/** Resident memory of every renderer process, in bytes (Linux /proc). */
async function rendererRss(browserSession) {
  const { processInfo } = await browserSession.send("SystemInfo.getProcessInfo");
  let total = 0;
  for (const p of processInfo.filter((p) => p.type === "renderer")) {
    try {
      const status = readFileSync(`/proc/${p.id}/status`, "utf8");
      total += Number(status.match(/VmRSS:\s+(\d+) kB/)[1]) * 1024;
    } catch {
      // A renderer that has just gone.
    }
  }
  return total;
}

/**
 * Opens `query`, then samples memory whenever `progress()` (read from the page) has
 * moved on by a twentieth of `goal`, until it reaches `goal`.
 */
async function soak(session, browserSession, name, query, readout, goal) {
  const page = await session.browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  const cdp = await page.context().newCDPSession(page);
  await page.goto(session.base + query);
  const progress = async () =>
    parseFloat((await page.locator(`[data-testid="${readout}"]`).first().innerText()).replace(/[^\d.e+-]/g, ""));
  await page.locator(`[data-testid="${readout}"]`).first().waitFor({ timeout: 60_000 });
  const started = Date.now();
  const samples = [];
  let next = 0;
  for (;;) {
    const done = await progress();
    if (done >= next || done >= goal) {
      await cdp.send("HeapProfiler.collectGarbage");
      const { usedSize } = await cdp.send("Runtime.getHeapUsage");
      const rss = await rendererRss(browserSession);
      samples.push({ done, seconds: (Date.now() - started) / 1000, heap: usedSize, rss });
      console.log(
        `${name}: ${done.toLocaleString("en")} of ${goal.toLocaleString("en")}, ` +
          `${((Date.now() - started) / 1000).toFixed(0)} s, JS heap ${mib(usedSize)} MiB, renderer ${mib(rss)} MiB`,
      );
      next = done + goal / SAMPLES;
      if (done >= goal) break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await page.close();
  const warm = samples.find((s) => s.done >= goal / 10) ?? samples[0];
  const last = samples.at(-1);
  const peak = Math.max(...samples.filter((s) => s.done >= warm.done).map((s) => s.rss));
  return { name, goal, warm, last, peak, errors, wall: last.seconds };
}

const session = await startSession();
const browserSession = await session.browser.newBrowserCDPSession();
const results = [];
try {
  results.push(await soak(session, browserSession, "default page", "?speed=max&autoplay=1", "metric-step", STEPS));
  results.push(
    await soak(session, browserSession, "microcircuit", "?page=microcircuit&speed=100000&autoplay=1", "metric-time", SIMULATED_S),
  );
} finally {
  await session.close();
}

console.log("\n| run | length | wall time | after warm-up (at) | JS heap: warm-up → end | renderer RSS: warm-up → end (peak) |");
console.log("|---|---|---|---|---|---|");
for (const r of results) {
  const unit = r.name === "microcircuit" ? " simulated s" : " steps";
  console.log(
    `| ${r.name} | ${r.goal.toLocaleString("en")}${unit} | ${r.wall.toFixed(0)} s | ${r.warm.done.toLocaleString("en")}${unit} | ` +
      `${mib(r.warm.heap)} → ${mib(r.last.heap)} MiB (${r.last.heap - r.warm.heap >= 0 ? "+" : ""}${mib(r.last.heap - r.warm.heap)}) | ` +
      `${mib(r.warm.rss)} → ${mib(r.last.rss)} MiB (${r.last.rss - r.warm.rss >= 0 ? "+" : ""}${mib(r.last.rss - r.warm.rss)}; peak ${mib(r.peak)}) |`,
  );
}
const errors = results.flatMap((r) => r.errors.map((e) => `${r.name}: ${e}`));
if (errors.length > 0) {
  console.error(`errors during the soak:\n${errors.join("\n")}`);
  process.exit(1);
}
