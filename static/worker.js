// Starts a page's worker: `new Worker("worker.js?rules-worker.js")` (web/src/shell/
// worker_bridge.rs). A file of the app rather than the blob: URL yew-agent would make,
// which a strict Content-Security-Policy (worker-src falling back to script-src 'self')
// refuses. Both files resolve against this script's address, so the app works from any
// folder.
const script = self.location.search.slice(1);
if (!/^[a-z]+-worker\.js$/.test(script)) {
  throw new Error(`worker.js: '${script}' is not a worker script (expected <page>-worker.js)`);
}
importScripts(script);
wasm_bindgen({ module_or_path: script.replace(/\.js$/, "_bg.wasm") });
