// What a wasm file is made of: its sections and, from its name section, the bytes of
// code each crate and each of the largest functions takes. For seeing what grew when
// the bundle outgrows its budget (tests/e2e/bundle-size.test.mjs).
//
//   node scripts/wasm-size.mjs [--top N] FILE.wasm...
//
// The shipped files (dist/*_bg.wasm) have no name section (scripts/build-web.sh
// removes it); cargo's own output keeps it, so point this at
// target/wasm32-unknown-unknown/release/{app,worker}.wasm after a release build.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const SECTIONS = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount"];

/** A reader of the wasm binary format's LEB128 integers and names. */
class Reader {
  constructor(bytes, at = 0) {
    this.bytes = bytes;
    this.at = at;
  }
  u32() {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = this.bytes[this.at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  }
  name() {
    const length = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  }
}

/** Sections (id, name, start, size) of a wasm module. */
export function sections(bytes) {
  if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error("not a wasm module");
  const out = [];
  const reader = new Reader(bytes, 8);
  while (reader.at < bytes.length) {
    const id = bytes[reader.at++];
    const size = reader.u32();
    const start = reader.at;
    let name = SECTIONS[id] ?? `unknown ${id}`;
    if (id === 0) name = `custom "${new Reader(bytes, start).name()}"`;
    out.push({ id, name, start, size });
    reader.at = start + size;
  }
  return out;
}

/** Number of imported functions (they come first in the function index space). */
function importedFunctions(bytes, section) {
  if (!section) return 0;
  const reader = new Reader(bytes, section.start);
  let functions = 0;
  for (let count = reader.u32(); count > 0; count--) {
    reader.name();
    reader.name();
    const kind = bytes[reader.at++];
    if (kind === 0) {
      functions++;
      reader.u32();
    } else if (kind === 1) {
      reader.at++; // reference type
      const flags = reader.u32();
      reader.u32();
      if (flags & 1) reader.u32();
    } else if (kind === 2) {
      const flags = reader.u32();
      reader.u32();
      if (flags & 1) reader.u32();
    } else if (kind === 3) {
      reader.at += 2; // value type, mutability
    } else if (kind === 4) {
      reader.at++;
      reader.u32();
    }
  }
  return functions;
}

/** Function index → name, from the "name" custom section (empty without one). */
function functionNames(bytes, section) {
  const names = new Map();
  if (!section) return names;
  const reader = new Reader(bytes, section.start);
  reader.name(); // "name"
  const end = section.start + section.size;
  while (reader.at < end) {
    const kind = bytes[reader.at++];
    const size = reader.u32();
    const next = reader.at + size;
    if (kind === 1) {
      for (let count = reader.u32(); count > 0; count--) {
        const index = reader.u32();
        names.set(index, reader.name());
      }
    }
    reader.at = next;
  }
  return names;
}

/** Body size of every defined function, with its (demangled) name. */
export function functionSizes(bytes, all = sections(bytes)) {
  const code = all.find((s) => s.id === 10);
  const first = importedFunctions(
    bytes,
    all.find((s) => s.id === 2),
  );
  const names = functionNames(
    bytes,
    all.find((s) => s.name === 'custom "name"'),
  );
  const reader = new Reader(bytes, code.start);
  const out = [];
  const count = reader.u32();
  for (let i = 0; i < count; i++) {
    const before = reader.at;
    const size = reader.u32();
    reader.at += size;
    const index = first + i;
    out.push({ name: demangle(names.get(index) ?? `function[${index}]`), size: reader.at - before });
  }
  return out;
}

/**
 * A readable name: cargo's output holds Rust's mangled symbols (wasm-bindgen's output
 * holds them demangled); this undoes the legacy `_ZN…E` scheme, which is enough to
 * read them, and leaves others (the `_R` scheme) as they are.
 */
function demangle(symbol) {
  const name = symbol.replace(/\.llvm\.\d+$/, "");
  if (!name.startsWith("_ZN") || !name.endsWith("E")) return name;
  const parts = [];
  let at = 3;
  while (at < name.length - 1) {
    const digits = name.slice(at).match(/^\d+/);
    if (!digits) return name;
    at += digits[0].length;
    parts.push(name.slice(at, at + Number(digits[0])));
    at += Number(digits[0]);
  }
  const escapes = { SP: "@", BP: "*", RF: "&", LT: "<", GT: ">", LP: "(", RP: ")", C: "," };
  return parts
    .map((part) =>
      part
        .replace(/^_\$/, "$")
        .replace(/\$(SP|BP|RF|LT|GT|LP|RP|C)\$/g, (_, code) => escapes[code])
        .replace(/\$u([0-9a-f]+)\$/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
        .replaceAll("..", "::"),
    )
    .join("::");
}

/**
 * The crate a function belongs to: the first path segment, or for `<A as B>::f` and
 * `<A>::f` the crate of A; for `_R` symbols, the first crate they name.
 */
export function crateOf(name) {
  if (name.startsWith("__wbindgen_describe")) return "(wasm-bindgen's descriptors: not shipped)";
  if (name.startsWith("_R")) {
    const root = name.match(/C(?:s[0-9A-Za-z]*_)?(\d+)/);
    if (root) return name.slice(root.index + root[0].length).slice(0, Number(root[1]));
  }
  const n = name.replace(/^[<&*( ]+/, "").replace(/^(mut |dyn |const )+/, "");
  const match = n.match(/^([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/);
  if (match) return match[1];
  if (/^function\[/.test(name)) return "(unnamed)";
  return "(other)";
}

const grouped = (items, key) => {
  const totals = new Map();
  for (const item of items) totals.set(key(item), (totals.get(key(item)) ?? 0) + item.size);
  return [...totals].sort((a, b) => b[1] - a[1]);
};

/** The report for `files`, as the header describes. */
function report(files, top) {
  const fmt = (n) => n.toLocaleString("en-US").padStart(10);
  for (const file of files) {
    const bytes = readFileSync(file);
    const all = sections(bytes);
    console.log(`${file}: ${fmt(bytes.length).trim()} bytes, ${gzipSync(bytes, { level: 9 }).length.toLocaleString("en-US")} gzipped`);
    console.log("  sections (bytes):");
    for (const s of all) console.log(`  ${fmt(s.size)}  ${s.name}`);
    const functions = functionSizes(bytes, all);
    if (!all.some((s) => s.name === 'custom "name"')) {
      console.log("  (no name section: functions are unnamed; use cargo's output in target/)");
    }
    console.log("  code by crate (bytes):");
    for (const [crate, size] of grouped(functions, (f) => crateOf(f.name)).slice(0, top)) {
      console.log(`  ${fmt(size)}  ${crate}`);
    }
    console.log(`  largest ${top} functions (bytes):`);
    for (const f of [...functions].sort((a, b) => b.size - a.size).slice(0, top)) {
      console.log(`  ${fmt(f.size)}  ${f.name.length > 140 ? f.name.slice(0, 137) + "..." : f.name}`);
    }
    console.log();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let top = 25;
  const topAt = args.indexOf("--top");
  if (topAt >= 0) {
    top = Number(args[topAt + 1]);
    args.splice(topAt, 2);
  }
  if (args.length === 0) {
    console.error("usage: node scripts/wasm-size.mjs [--top N] FILE.wasm...");
    process.exit(2);
  }
  report(args, top);
}
