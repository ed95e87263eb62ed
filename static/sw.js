// bioprop's service worker: the app keeps working with the network cut after its first
// load (README, "Offline, sub-folders and a strict CSP"). loader.js registers it; its
// scope is the app's folder, so on a course site it never sees the site's own pages.
//
// Network first: while the server answers, every file comes from it, exactly as
// without this worker (so `make serve` and `make dev` always show the latest build),
// and each answer is kept in the cache. When the network fails, the kept copy answers.
// At install the app shell is fetched; a page's module, wasm and worker, and
// digits.bin, are kept as they are first fetched.
//
// The build (scripts/stamp-sw.mjs) writes VERSION, a hash of every file of the build:
// a new build is a new sw.js, which the browser installs at the next load, and its
// activation deletes the cache of the build before.
const VERSION = "unbuilt";
const SHELL = ["./", "index.html", "loader.js", "worker.js", "style.css", "favicon.svg"];

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

/** The cache's key for a request: its address without the query (the files never vary by it). */
function key(request) {
  const url = new URL(request.url);
  url.search = "";
  url.hash = "";
  return url.href;
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.status === 200) {
      await cache.put(key(request), response.clone()).catch(() => {});
    }
    return response;
  } catch (error) {
    const kept = await cache.match(key(request));
    if (kept) return kept;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || !request.url.startsWith(scope)) return;
  event.respondWith(networkFirst(request));
});
