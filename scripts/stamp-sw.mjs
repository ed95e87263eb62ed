// Writes the build's version into its service worker (static/sw.js: `const VERSION`):
// a hash of every other file of the build, so each build that changes a file is a new
// sw.js, which browsers install in place of the last (and drop its cache).
//
//   node scripts/stamp-sw.mjs DIR
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/stamp-sw.mjs DIR");
  process.exit(2);
}
const files = readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)))
  .filter((file) => file !== "sw.js")
  .sort();
const hash = createHash("sha256");
for (const file of files) hash.update(file).update("\0").update(readFileSync(join(dir, file)));
const version = hash.digest("hex").slice(0, 16);
const sw = join(dir, "sw.js");
const text = readFileSync(sw, "utf8");
const line = /^const VERSION = "[^"]*";$/m;
if (!line.test(text)) {
  console.error(`${sw}: no 'const VERSION = "…";' line to stamp`);
  process.exit(1);
}
writeFileSync(sw, text.replace(line, `const VERSION = "${version}";`));
