// A small static file server for the built app, bound to loopback only.
//
//   node scripts/serve.mjs [DIR] [PORT] [--base /sub/] [--csp]
//                                            (defaults: dist, $PORT or 8080, /)
//
// --base serves the folder under a sub-folder (as a course site would: /sub/ and
// below; anything else is 404); --csp sends the strict Content-Security-Policy a
// university site might impose (STRICT_CSP; README, "Offline, sub-folders and a
// strict CSP").
// The end-to-end tests import `serveDirectory` to serve the same build on a
// free port. Serving .wasm as application/wasm lets browsers compile it while
// it downloads.
import { createServer } from "node:http";
import { createReadStream, statSync } from "node:fs";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".ico": "image/x-icon",
  ".gz": "application/gzip",
  ".txt": "text/plain; charset=utf-8",
};

/** The policy issue 16 names: the least WebAssembly needs, no inline script, no eval. */
export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

/**
 * Serves `dir` on `host:port` (0: any free port). `options.base` ("/sub/") serves it
 * under that path only; `options.headers` are sent with every answer (a
 * Content-Security-Policy, say).
 */
export function serveDirectory(dir, port = 0, host = "127.0.0.1", options = {}) {
  const root = resolve(dir);
  const base = options.base ?? "/";
  const extra = options.headers ?? {};
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    } catch {
      res.writeHead(400).end("bad request");
      return;
    }
    if (!path.startsWith(base)) {
      // The folder itself without its slash: on to the folder, so relative URLs resolve.
      if (path + "/" === base) res.writeHead(301, { Location: base, ...extra }).end();
      else res.writeHead(404, { "Content-Type": "text/plain", ...extra }).end("not found");
      return;
    }
    path = "/" + path.slice(base.length);
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end("forbidden");
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const size = statSync(file).size;
      res.writeHead(200, {
        "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
        "Content-Length": size,
        "Cache-Control": "no-cache",
        ...extra,
      });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { "Content-Type": "text/plain", ...extra }).end("not found");
    }
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => done(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const flag = (name) => {
    const at = args.indexOf(name);
    return at < 0 ? undefined : args.splice(at, name === "--base" ? 2 : 1)[1] ?? "";
  };
  const baseArg = flag("--base");
  const csp = flag("--csp") !== undefined;
  const base = baseArg === undefined ? "/" : `/${baseArg.replace(/^\/+|\/+$/g, "")}/`.replace("//", "/");
  const dir = args[0] ?? "dist";
  const port = Number(args[1] ?? process.env.PORT ?? 8080);
  try {
    statSync(join(dir, "index.html"));
  } catch {
    console.error(`[bioprop] ${dir}/index.html is missing: run 'make dist' first`);
    process.exit(1);
  }
  serveDirectory(dir, port, "127.0.0.1", { base, headers: csp ? { "Content-Security-Policy": STRICT_CSP } : {} }).then(
    (server) => {
      const { address, port: bound } = server.address();
      const policy = csp ? ` with Content-Security-Policy: ${STRICT_CSP}` : "";
      console.log(`[bioprop] serving ${dir} at http://${address}:${bound}${base}${policy}  (Ctrl-C stops)`);
    },
    (err) => {
      console.error(`[bioprop] cannot listen on 127.0.0.1:${port}: ${err.message} (try PORT=8081 make serve)`);
      process.exit(1);
    },
  );
}
