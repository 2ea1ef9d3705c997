#!/usr/bin/env node
// minify-glue.mjs FILE...: minifies wasm-bindgen's JS glue and snippets in place with terser
// (pinned in package.json), for `make pkg`. As wasm-bindgen writes it, about a third of a web
// build's glue is JSDoc copied from the Rust docs, which editors read from the .d.ts instead.
//
// A plain terser run with its usual options: ES module semantics are kept (export names, the
// property names the wasm imports by), only local names are shortened, and the `@ts-self-types`
// pragma that points Deno and other tools at the .d.ts stays. Idempotent.
import fs from 'node:fs';
import { minify } from 'terser';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: minify-glue.mjs FILE...');
  process.exit(2);
}

for (const file of files) {
  const source = fs.readFileSync(file, 'utf8');
  const result = await minify(source, {
    module: true,
    ecma: 2020,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: /@ts-self-types/ },
  });
  fs.writeFileSync(file, `${result.code}\n`);
  console.log(`minify-glue: ${file} ${source.length} -> ${result.code.length + 1} bytes`);
}
