// bioprop's service worker: the app keeps working with the network cut after its first
// load (README, "Offline, sub-folders and a strict CSP"). loader.js registers it; its
// scope is the app's folder, so on a course site it never sees the site's own pages.
//
// Network first: while the server answers, every file comes from it, exactly as
// without this worker (so `make serve` and `make dev` always show the latest build),
// and each answer is kept in the cache. When the network fails, the kept copy answers.
// At install the app shell is fetched; a page's module, wasm and worker, and
// digits.bin, are kept as they are fetched; what a page loaded before this worker
// was there (its first visit) the page names in a "bioprop:keep" message, and it is
// fetched again to keep.
//
// The build (scripts/stamp-sw.mjs) writes VERSION, a hash of every file of the build:
// a new build is a new sw.js, which the browser installs at the next load, and its
// activation deletes the cache of the build before.
const VERSION = "unbuilt";
const SHELL = ["./", "index.html", "data-css.js", "loader.js", "style.css", "favicon.svg"];

const scope = self.registration.scope;
const PREFIX = `bioprop ${scope} `;
const CACHE = PREFIX + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((file) => new URL(file, scope).href)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name)),
      ))
      .then(() => self.clients.claim()),
  );
});

/**
 * The cache's key for an address: a page's (a navigation's) without its query, since
 * every ?page=… is the same index.html; any other file's whole address. The query
 * matters there: `worker.js?rules-worker.js` must stay apart from
 * `worker.js?cerebellum-worker.js`, because a worker runs at the address of the answer
 * it was given, and reads its script's name from that address's query.
 */
function key(address, navigation) {
  const url = new URL(address);
  url.hash = "";
  if (navigation) url.search = "";
  return url.href;
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = key(request.url, request.mode === "navigate");
  try {
    const response = await fetch(request);
    if (response.status === 200) {
      await cache.put(kept, response.clone()).catch(() => {});
    }
    return response;
  } catch (error) {
    const copy = await cache.match(kept);
    if (copy) return copy;
    throw error;
  }
}

/** Keeps each of `files` (addresses in scope) not kept yet. */
async function keep(files) {
  const cache = await caches.open(CACHE);
  for (const file of files) {
    const url = key(file, /(\/|\.html)$/.test(new URL(file).pathname));
    if (await cache.match(url)) continue;
    try {
      const response = await fetch(url);
      if (response.status === 200) await cache.put(url, response);
    } catch {
      // Offline already, or gone: nothing to keep.
    }
  }
}

self.addEventListener("message", (event) => {
  const { type, files } = event.data ?? {};
  if (type !== "bioprop:keep" || !Array.isArray(files)) return;
  event.waitUntil(keep(files.filter((file) => typeof file === "string" && file.startsWith(scope))));
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || !request.url.startsWith(scope)) return;
  event.respondWith(networkFirst(request));
});
