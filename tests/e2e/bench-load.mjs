// Browser benchmark (not a test): the cold load of each page, from a local server
// into a browser with a fresh profile (empty HTTP and code caches), to its first
// interactive frame.
//
//   node tests/e2e/bench-load.mjs [repeats]   (make bench-web builds first and runs it)
//
// The first interactive frame is the first animation frame in which the page shows
// its play button, the worker has sent its first frame (the page's readouts are on
// the page, no "Starting…" panel) and a chart canvas has drawn something. The time is
// `performance.now()` in that frame: milliseconds since the navigation started. Each
// repeat launches a new browser, so nothing compiled or cached by one load helps the
// next. Prints, per page, the median, fastest and slowest of the repeats (against
// issue 11's 1.5 s), the medians of the steps before it (the page's wasm received, the
// app mounted) and the bytes the server sent for one load, file by file; first, the
// wasm each page downloads (its module and workers), gzipped as a web server would send it.
import { loadavg } from "node:os";
import { serveDirectory } from "../../scripts/serve.mjs";
import { pageBundles } from "./bundles.mjs";
import { launchBrowser, repoRoot } from "./harness.mjs";
import { join } from "node:path";

const repeats = Number(process.argv[2] ?? 5);
const TARGET_MS = 1500;
const VIEWPORT = { width: 1280, height: 720 };
const PAGES = [
  ["rules (default page)", ""],
  ["microcircuit", "?page=microcircuit"],
  ["cerebellum", "?page=cerebellum"],
];

/**
 * Runs in the page before its own scripts: on every animation frame, notes when the
 * app has mounted and when the page is interactive (see the header), then stops.
 */
function watchLoad() {
  const drawn = (canvas) => {
    if (canvas.width === 0 || canvas.height === 0) return false;
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 4; i < data.length; i += 4) {
      if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) return true;
    }
    return false;
  };
  const interactive = () =>
    document.querySelector('[data-testid="play"]') !== null &&
    document.querySelector('[data-testid="starting"]') === null &&
    document.querySelector('[data-testid="metric-step"], [data-testid="metric-time"]') !== null &&
    [...document.querySelectorAll("canvas.chart")].some(drawn);
  const times = (window.__bioprop_load = {});
  const tick = () => {
    const now = performance.now();
    if (times.mounted === undefined && document.querySelector('[data-testid="app"]')) times.mounted = now;
    if (times.mounted !== undefined && interactive()) {
      times.interactive = now;
      performance.mark("bioprop-interactive");
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value) => `${Math.round(value)} ms`;

const dist = process.env.BIOPROP_DIST ?? join(repoRoot, "dist");
const server = await serveDirectory(dist, 0);
const base = `http://127.0.0.1:${server.address().port}/`;
// What the server sends: every connection's bytes (headers included), and each
// response's body size.
let sockets = [];
let sent = [];
server.on("connection", (socket) => sockets.push(socket));
server.prependListener("request", (request, response) => {
  const writeHead = response.writeHead;
  response.writeHead = function (status, headers) {
    sent.push([request.url, Number(headers?.["Content-Length"] ?? 0)]);
    return writeHead.apply(this, arguments);
  };
});

// What each page downloads (its module and workers), gzipped as a web server would send it.
const { bundles } = pageBundles(dist);
console.log(
  `wasm per page, gzipped: ${bundles.map((b) => `${b.page} ${b.own.toLocaleString("en-US")} B`).join(", ")} ` +
    `(budget 614,400 each)`,
);
console.log(
  `cold load to the first interactive frame, ${repeats} repeats per page, a new browser each ` +
    `(load average ${loadavg()[0].toFixed(1)}):`,
);
try {
  for (const [name, query] of PAGES) {
    const results = [];
    let transfer = [];
    let bytes = 0;
    for (let i = 0; i < repeats; i++) {
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage({ viewport: VIEWPORT });
        await page.addInitScript(watchLoad);
        sent = [];
        sockets = [];
        await page.goto(base + query);
        await page.waitForFunction(() => window.__bioprop_load?.interactive !== undefined, null, {
          timeout: 60_000,
          polling: 100,
        });
        const times = await page.evaluate(() => {
          // The document's own wasm: the page's module (its workers fetch theirs).
          const wasm = performance.getEntriesByType("resource").find((e) => e.name.endsWith("_bg.wasm"));
          return { ...window.__bioprop_load, wasm: wasm?.responseEnd };
        });
        results.push(times);
        transfer = sent;
        bytes = sockets.reduce((sum, socket) => sum + socket.bytesWritten, 0);
      } finally {
        await browser.close();
      }
    }
    const interactive = results.map((r) => r.interactive);
    const verdict = median(interactive) <= TARGET_MS ? "within" : "over";
    console.log(`${name} (${query || "no query"}):`);
    console.log(
      `  first interactive frame: median ${ms(median(interactive))} (fastest ${ms(Math.min(...interactive))}, ` +
        `slowest ${ms(Math.max(...interactive))}), ${verdict} the target of ${TARGET_MS} ms`,
    );
    console.log(
      `  medians before it: the page's wasm received ${ms(median(results.map((r) => r.wasm)))}, ` +
        `app mounted ${ms(median(results.map((r) => r.mounted)))}`,
    );
    const files = transfer.map(([url, size]) => `${url.replace(/^\/(\?.*)?$/, "/")} ${size.toLocaleString("en-US")}`);
    console.log(`  bytes sent by the server, uncompressed, headers included: ${bytes.toLocaleString("en-US")}`);
    console.log(`    bodies: ${files.join(", ")}`);
  }
} finally {
  await new Promise((done) => server.close(done));
}
