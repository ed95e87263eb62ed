// A small static file server for the built app, bound to loopback only.
//
//   node scripts/serve.mjs [DIR] [PORT]      (defaults: dist, $PORT or 8080)
//
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

export function serveDirectory(dir, port = 0, host = "127.0.0.1") {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    } catch {
      res.writeHead(400).end("bad request");
      return;
    }
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
      });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
    }
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => done(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? "dist";
  const port = Number(process.argv[3] ?? process.env.PORT ?? 8080);
  try {
    statSync(join(dir, "index.html"));
  } catch {
    console.error(`[bioprop] ${dir}/index.html is missing: run 'make dist' first`);
    process.exit(1);
  }
  serveDirectory(dir, port).then(
    (server) => {
      const { address, port: bound } = server.address();
      console.log(`[bioprop] serving ${dir} at http://${address}:${bound}/  (Ctrl-C stops)`);
    },
    (err) => {
      console.error(`[bioprop] cannot listen on 127.0.0.1:${port}: ${err.message} (try PORT=8081 make serve)`);
      process.exit(1);
    },
  );
}
