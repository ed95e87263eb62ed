// The page loader (index.html runs it): picks the page ?page= names and starts its
// module. A classic script in a file of its own, so it runs where a module or an inline
// script would not: opened from file:// (where it says why the app cannot start) and
// under a strict Content-Security-Policy (script-src 'self'; README, "Offline,
// sub-folders and a strict CSP").
//
// Each page is a module of its own (README, "Bundle size"): <page>.js and
// <page>_bg.wasm, built from web/src/bin/<page>.rs. PAGES is every page, as
// web/src/shell/route.rs names them (web/tests/loader.rs checks the two agree).
(() => {
  const PAGES = ["rules", "cerebellum", "microcircuit", "exercise", "tour"];
  // The pages with a worker (web/src/pages/worker.rs; web/tests/loader.rs checks).
  const WORKERS = ["rules", "cerebellum", "microcircuit"];
  // The page `page` names as shell/route.rs reads it (the last `page`, any case, spaces
  // trimmed); the learning rules when it names none, or none known (that page then
  // says so).
  const asked = [...new URLSearchParams(location.search)]
    .filter(([key]) => key.trim().toLowerCase() === "page")
    .map(([, value]) => value.trim().toLowerCase())
    .pop();
  const page = PAGES.includes(asked) ? asked : "rules";
  const crash = (text, className = "crash") => {
    const boot = document.getElementById("boot");
    if (boot) {
      boot.className = className;
      boot.setAttribute("role", "alert");
      boot.textContent = text;
    }
  };
  // Browsers refuse a page opened as a file the modules, workers and WebAssembly it
  // loads (each is a cross-origin request from a file:// page). Say so, and how to
  // serve the folder instead, rather than fail in the console.
  if (location.protocol === "file:") {
    crash("bioprop cannot run from a file opened directly (file://): browsers refuse to " +
      "load its WebAssembly, modules and workers from local files. Serve the folder " +
      "instead: 'make serve' in the source tree, or any static web server in this folder " +
      "(for example 'python3 -m http.server'), then open the http:// address it prints.",
      "crash unsupported");
    return;
  }
  // The training code is built for WebAssembly SIMD (README, "Browsers"). Ask before
  // loading it: a one-function module that splats an i8 into a v128.
  const simdProbe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123,
    3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);
  if (typeof WebAssembly !== "object" || !WebAssembly.validate(simdProbe)) {
    crash("bioprop cannot start in this browser: it needs WebAssembly with SIMD, which " +
      "every current browser has (Chrome and Edge 91 or later, Firefox 89 or later, " +
      "Safari 16.4 or later). Please update the browser or open the page in another one.",
      "crash unsupported");
    return;
  }
  import(`./${page}.js`)
    .then(({ default: init }) => init({ module_or_path: `./${page}_bg.wasm` }))
    .catch((error) => {
      crash("bioprop could not start: " + error +
        ". It needs a browser with WebAssembly (any current Chrome, Firefox, Safari or Edge).");
      console.error(error);
    });
  // Offline after the first load (sw.js): every file the app fetches is kept, so a
  // reload or a page visited before works with the network cut. Its scope is this
  // folder, so on a course site it never sees the site's own pages.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register("sw.js")
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        // What this page loaded before the service worker was there to keep it (on
        // the first visit it starts after the page's files have been fetched).
        const files = [location.href, `${page}.js`, `${page}_bg.wasm`];
        if (WORKERS.includes(page)) files.push(`${page}-worker.js`, `${page}-worker_bg.wasm`);
        for (const entry of performance.getEntriesByType("resource")) files.push(entry.name);
        registration.active?.postMessage({
          type: "bioprop:keep",
          files: files.map((file) => new URL(file, location.href).href),
        });
      })
      .catch((error) => {
        console.warn("bioprop: no offline copy (the service worker did not register):", error);
      });
  }
})();
