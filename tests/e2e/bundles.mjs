// What each page of a build downloads, read from the built files themselves: the pages
// are the loader's list in loader.js (`const PAGES = [...]`, each page's module
// <page>.js + <page>_bg.wasm); a worker is any other <name>.js with a <name>_bg.wasm
// beside it, and a page starts it when the page's wasm holds the worker's script name
// (the path it hands yew-agent); a page whose wasm holds "index.html?page=" shows other
// pages in frames (the tour), which load their own modules and workers.
// Used by bundle-size.test.mjs (the budget), page-loads.test.mjs (what the browser
// really fetches) and bench-load.mjs.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** The pages in the loader's list, in its order. */
export function loaderPages(dist) {
  const loader = readFileSync(join(dist, "loader.js"), "utf8");
  const list = /const PAGES = \[([^\]]*)\]/.exec(loader);
  if (!list) throw new Error(`${dist}/loader.js has no "const PAGES = [...]"`);
  return [...list[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

const contains = (bytes, text) => bytes.includes(Buffer.from(text, "utf8"));

/**
 * Every page's download: { page, module, workers, embeds, own } (own = the gzipped
 * bytes of its module and workers), the sizes of every wasm file (`gzipped`, by name,
 * Node's zlib at level 9), and each page's figure with the largest page it can show in
 * a frame (`withFrames`).
 */
export function pageBundles(dist) {
  const pages = loaderPages(dist);
  const files = readdirSync(dist);
  const wasm = new Map(
    files.filter((name) => name.endsWith(".wasm")).map((name) => [name, readFileSync(join(dist, name))]),
  );
  const gzipped = new Map([...wasm].map(([name, bytes]) => [name, gzipSync(bytes, { level: 9 }).length]));
  const workers = files
    .filter((name) => name.endsWith(".js"))
    .map((name) => name.slice(0, -3))
    .filter((name) => !pages.includes(name) && wasm.has(`${name}_bg.wasm`));
  const bundles = pages.map((page) => {
    const module = `${page}_bg.wasm`;
    const bytes = wasm.get(module);
    if (!bytes || !existsSync(join(dist, `${page}.js`))) {
      throw new Error(`the loader lists the page "${page}" but ${dist} has no ${page}.js + ${module}`);
    }
    const started = workers.filter((worker) => contains(bytes, `${worker}.js`)).map((w) => `${w}_bg.wasm`);
    const own = [module, ...started].reduce((sum, name) => sum + gzipped.get(name), 0);
    return { page, module, workers: started, embeds: contains(bytes, "index.html?page="), own };
  });
  const framed = bundles.filter((b) => !b.embeds);
  for (const bundle of bundles) {
    const largest = bundle.embeds ? Math.max(0, ...framed.map((b) => b.own)) : 0;
    bundle.withFrames = bundle.own + largest;
  }
  return { bundles, gzipped, workers };
}

/** "1,234 B (1.2 KiB)". */
export const kib = (bytes) => `${bytes.toLocaleString("en-US")} B (${(bytes / 1024).toFixed(1)} KiB)`;
