// Browser benchmark (not a test): how smoothly the page animates while the
// worker trains compare mode at full speed, and how fast the worker trains.
//
//   node tests/e2e/bench.mjs [seconds]        (make bench-web builds first)
//
// Prints frames per second and the longest frame of the page, and training
// steps per second per run in the worker. Compare the last figure with the
// native CLI on the same config, which `make bench-web` prints after it.
import { number, openPage, startSession } from "./harness.mjs";

const seconds = Number(process.argv[2] ?? 10);
const configs = [
  ["default page (bp vs fa, linear teacher), full speed", "?speed=2000"],
  ["xor, bp vs fa vs dfa vs kp, full speed", "?task=xor&compare=bp,fa,dfa,kp&speed=2000"],
];

const session = await startSession();
try {
  for (const [name, query] of configs) {
    const { page } = await openPage(session, query, { width: 1280, height: 720 });
    await page.locator('[data-testid="metric-step"]').first().waitFor();
    const stepsOf = () => number(page, "metric-step");
    await page.getByTestId("play").click();
    await page.waitForTimeout(1000); // warm up
    const startSteps = await stepsOf();
    const frames = await page.evaluate(
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
      seconds * 1000,
    );
    const endSteps = await stepsOf();
    await page.getByTestId("play").click();
    const gaps = frames.slice(1).map((t, i) => t - frames[i]);
    const elapsed = (frames.at(-1) - frames[0]) / 1000;
    const fps = gaps.length / elapsed;
    const longest = Math.max(...gaps);
    const sorted = [...gaps].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)];
    console.log(`${name}:`);
    console.log(`  page: ${fps.toFixed(1)} frames/s, longest frame ${longest.toFixed(1)} ms, 95th percentile ${p95.toFixed(1)} ms`);
    console.log(`  worker: ${((endSteps - startSteps) / elapsed).toFixed(0)} training steps/s per run`);
    await page.close();
  }
} finally {
  await session.close();
}
