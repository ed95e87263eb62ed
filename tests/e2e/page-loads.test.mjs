// Each page fetches its own wasm and nothing else: opened in a fresh browser context
// (empty cache), a page requests exactly the module and worker(s) bundles.mjs derives
// from the build (the figures bundle-size.test.mjs holds to the budget); a page that
// shows another page in a frame (the tour) also that page's module and worker(s), and
// no other. Also: the loader picks the module the way shell/route.rs reads `page`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pageBundles } from "./bundles.mjs";
import { appSession, repoRoot, until } from "./harness.mjs";

const app = appSession();
const dist = process.env.BIOPROP_DIST ?? join(repoRoot, "dist");
const { bundles } = pageBundles(dist);
const byPage = new Map(bundles.map((b) => [b.page, b]));

/**
 * Opens `query` in a context of its own and returns the .wasm files it fetched (page,
 * frames and workers), once the page's app has mounted and its workers' wasm (if any)
 * has arrived, and `ready` holds; plus the page, to read.
 */
async function wasmFetched(query, expected, ready = async () => true) {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const fetched = [];
  const problems = [];
  context.on("request", (request) => {
    const name = new URL(request.url()).pathname.split("/").pop();
    if (name.endsWith(".wasm")) fetched.push(name);
  });
  context.on("requestfailed", (request) => problems.push(`${request.url()} ${request.failure()?.errorText}`));
  const page = await context.newPage();
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.goto(app.base + query);
  await page.waitForSelector('[data-testid="app"]', { timeout: 30_000 });
  const arrived = await until(
    () => [...fetched],
    (names) => expected.every((name) => names.includes(name)),
  );
  assert.deepEqual(expected.filter((name) => !arrived.includes(name)), [], `${query}: not fetched`);
  assert.ok(await until(() => ready(page), Boolean), `${query}: the page never got ready`);
  // Anything late (a second worker, another page's module) would come with the load.
  await page.waitForLoadState("networkidle");
  return { fetched: [...new Set(fetched)].sort(), page, context, problems };
}

/** What `page`'s bundle is: its module and workers. */
const own = (page) => {
  const b = byPage.get(page);
  assert.ok(b, `no page ${page} in the loader's list`);
  return [b.module, ...b.workers];
};

/** The page the header marks as the current one. */
const current = (page) =>
  page.locator('nav [aria-current="page"]').first().getAttribute("href");

for (const b of bundles.filter((b) => !b.embeds)) {
  test(`?page=${b.page} fetches ${own(b.page).join(" + ")} and no other wasm`, async () => {
    const expected = own(b.page).sort();
    const { fetched, page, context, problems } = await wasmFetched(
      `?page=${b.page}`,
      expected,
      // A page with a worker is running once the worker's first frame is drawn.
      async (page) => b.workers.length === 0 || (await page.locator('[data-testid="starting"]').count()) === 0,
    );
    try {
      assert.deepEqual(fetched, expected);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
      await context.close();
    }
  });
}

/**
 * The page the demonstration frame shows (its `src`'s `page`, the learning rules when
 * it names none), once the frame's app has mounted; null if the step has no frame.
 */
async function framedPage(page) {
  const frames = page.getByTestId("tour-frame");
  if ((await frames.count()) === 0) return null;
  if ((await page.frameLocator('[data-testid="tour-frame"]').locator('[data-testid="app"]').count()) === 0) {
    return undefined;
  }
  const src = new URL(await frames.getAttribute("src"), app.base);
  return src.searchParams.get("page") ?? "rules";
}

// The tour's first step (no demonstration) and steps whose frame shows each page.
for (const b of bundles.filter((b) => b.embeds)) {
  for (const step of ["", "delta-rule", "microcircuit", "cerebellum-delay"]) {
    test(`?page=${b.page}&step=${step} fetches its module, and its frame's page's module and workers only`, async () => {
      const query = `?page=${b.page}${step ? `&step=${step}` : ""}`;
      const { fetched, page, context, problems } = await wasmFetched(
        query,
        [b.module],
        async (page) => (await framedPage(page)) !== undefined,
      );
      try {
        const shown = await framedPage(page);
        const expected = [b.module, ...(shown ? own(shown) : [])].sort();
        assert.deepEqual(fetched, expected, `${query}: the frame shows ${shown ?? "nothing"}`);
        if (step) assert.ok(shown, `${query} has a demonstration`);
        assert.deepEqual(problems, []);
      } finally {
        await page.close();
        await context.close();
      }
    });
  }
}

test("the loader reads `page` as the app does: any case, the last one, unknown → learning rules", async () => {
  const cases = [
    ["?page=Cerebellum", "cerebellum", "?page=cerebellum"],
    ["?page=rules&page=exercise", "exercise", "?page=exercise"],
    ["?%70age=%20microcircuit%20", "microcircuit", "?page=microcircuit"],
    ["?page=cortex", "rules", "?"],
    ["", "rules", "?"],
  ];
  for (const [query, module, href] of cases) {
    const { fetched, page, context } = await wasmFetched(query, [`${module}_bg.wasm`]);
    try {
      assert.ok(fetched.includes(`${module}_bg.wasm`), `${query}: ${fetched}`);
      const modules = fetched.filter((name) => byPage.has(name.replace(/_bg\.wasm$/, "")));
      assert.deepEqual(modules, [`${module}_bg.wasm`], `${query}: one page module`);
      assert.equal(await current(page), href, `${query}: the header marks the page shown`);
      if (query === "?page=cortex") {
        await page.getByText("unknown page 'cortex'").waitFor();
      }
    } finally {
      await page.close();
      await context.close();
    }
  }
});
