#!/usr/bin/env node
// minify-glue.mjs FILE...: minifies wasm-bindgen's JS glue in place with terser (pinned in
// package.json), for `make pkg`. The web build's deskbridge.js is what a page downloads next to
// the wasm; as wasm-bindgen writes it, about a third of it is JSDoc copied from the Rust docs,
// which editors read from deskbridge.d.ts instead. Minified, it is about half the gzipped size.
//
// First, one namespace import per module: wasm-bindgen writes `import * as importN from "M"` and
// an imports-object entry `"M": importN` for every function the wasm takes straight from a
// snippet module M, so one module is imported (and keyed) once per such function. Later ones are
// dropped when `importN` is used nowhere else; the first does for all.
//
// ES module semantics are kept (export names, the property names the wasm imports by), only
// local names are shortened; the `@ts-self-types` pragma that points Deno and other tools at the
// .d.ts stays. Idempotent.
import fs from 'node:fs';
import { minify } from 'terser';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: minify-glue.mjs FILE...');
  process.exit(2);
}
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `source` with each module's repeated `import * as importN` and its imports-object entry gone. */
function mergeNamespaceImports(source) {
  const first = new Map();
  const repeats = [];
  for (const [, name, module] of source.matchAll(/^import \* as (import\d+) from ("[^"]+");?$/gm)) {
    if (first.has(module)) repeats.push([name, module]);
    else first.set(module, name);
  }
  for (const [name, module] of repeats) {
    const statement = new RegExp(`^import \\* as ${name} from ${escape(module)};?\\n`, 'm');
    const entry = new RegExp(`^\\s*${escape(module)}: ${name},?\\n`, 'm');
    const uses = source.split(new RegExp(`\\b${name}\\b`)).length - 1;
    if (uses === 2 && statement.test(source) && entry.test(source)) {
      source = source.replace(statement, '').replace(entry, '');
    }
  }
  return source;
}

for (const file of files) {
  const source = mergeNamespaceImports(fs.readFileSync(file, 'utf8'));
  const result = await minify(source, {
    module: true,
    ecma: 2020,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: /@ts-self-types/ },
  });
  fs.writeFileSync(file, result.code + '\n');
  console.log(`minify-glue: ${file} ${source.length} -> ${result.code.length + 1} bytes`);
}
