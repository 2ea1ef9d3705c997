#!/usr/bin/env node
// shorten-imports.mjs GLUE.js...: renames the functions a web build's wasm module imports from its
// JS glue to short names (`a`, `b`, ...), in the module's import section and in the glue's
// imports object alike, for `make pkg` after minify-glue.mjs.
//
// wasm-bindgen names each import like `__wbg_addEventListener_f2d27251d333a631`: a page downloads
// every such name twice (in the .wasm and in the .js), and the 16-hex-digit hashes do not
// compress. A terser cannot rename them since they cross the JS/wasm boundary; this does for the
// imports what emscripten's and binaryen's import minification does. Exports keep their names:
// `init()` returns them, and the .d.ts describes them.
//
// The modules the functions are imported from get short names too: `./host_bg.js` (the glue
// itself) and every `./snippets/deskbridge-<hash>/src/web/js/<file>.js`, each of whose ~55-byte
// names the import section repeats for every function it imports from it. In the glue, only the
// imports object's keys change; the `import … from` statements still load the real files.
//
// Every function name must appear exactly once in the glue, as a key of the imports object
// (`name:`), and every module name must be a key of it (`"module":`); a build where that does not
// hold is left untouched with a message, never half-renamed.
// GLUE.js names the glue; its wasm is the `_bg.wasm` beside it. Idempotent: short names are
// left alone.
import fs from 'node:fs';

function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

function uleb(value) {
  const out = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

const utf8 = new TextDecoder();
const encode = (s) => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s)];

/** The `n`th short name: a..z, A..Z, then two letters. */
function shortName(n) {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let name = '';
  do {
    name = letters[n % letters.length] + name;
    n = Math.floor(n / letters.length) - 1;
  } while (n >= 0);
  return name;
}

/** The import section rewritten with `renameModule(module)` and `rename(module, name)`; the other
 * sections as they are. */
function rewriteImports(wasm, renameModule, rename) {
  const out = [wasm.subarray(0, 8)];
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, body] = leb(wasm, at + 1);
    const end = body + size;
    if (id !== 2) {
      out.push(wasm.subarray(at, end));
      at = end;
      continue;
    }
    let p = body;
    let count;
    [count, p] = leb(wasm, p);
    const section = [...uleb(count)];
    for (let i = 0; i < count; i++) {
      let len;
      [len, p] = leb(wasm, p);
      const module = utf8.decode(wasm.subarray(p, p + len));
      p += len;
      [len, p] = leb(wasm, p);
      const name = utf8.decode(wasm.subarray(p, p + len));
      p += len;
      const descStart = p;
      // The import's description: kind byte, then a type index, a table, memory or global type.
      const kind = wasm[p++];
      if (kind === 0 || kind === 4) [, p] = leb(wasm, p);
      else if (kind === 1) { p++; const [flags, q] = leb(wasm, p); [, p] = leb(wasm, q); if (flags & 1) [, p] = leb(wasm, p); }
      else if (kind === 2) { const [flags, q] = leb(wasm, p); [, p] = leb(wasm, q); if (flags & 1) [, p] = leb(wasm, p); }
      else if (kind === 3) p += 2;
      else throw new Error(`import kind ${kind} unknown`);
      section.push(...encode(renameModule(module)), ...encode(rename(module, name)), ...wasm.subarray(descStart, p));
    }
    out.push(Buffer.from([2, ...uleb(section.length), ...section]));
    at = end;
  }
  return Buffer.concat(out);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: shorten-imports.mjs GLUE.js...');
  process.exit(2);
}
for (const glue of files) {
  const wasmPath = glue.replace(/\.js$/, '_bg.wasm');
  const wasm = fs.readFileSync(wasmPath);
  let js = fs.readFileSync(glue, 'utf8');
  const all = WebAssembly.Module.imports(new WebAssembly.Module(wasm));
  const imports = all
    // Only the glue's own imports: a snippet module's are its exports, named as in the file.
    .filter((i) => i.kind === 'function' && i.name.length > 2 && !i.module.startsWith('./snippets/'));
  const names = new Map(imports.map((i, n) => [i.name, shortName(n)]));
  const modules = new Map([...new Set(all.map((i) => i.module))]
    .filter((m) => m.length > 2)
    .map((m, n) => [m, shortName(n)]));
  const unsafe = [...names.keys()].filter((name) => {
    const uses = js.split(name).length - 1;
    return uses !== 1 || !new RegExp(`[{,]${name}:`).test(js);
  }).concat([...modules.keys()].filter((module) => !js.includes(`,${JSON.stringify(module)}:`)));
  if (unsafe.length > 0) {
    console.log(`shorten-imports: ${glue} left as it is: ${unsafe.slice(0, 3).join(', ')} not a key of the imports object`);
    continue;
  }
  for (const [name, short] of names) js = js.replace(new RegExp(`([{,])${name}:`), `$1${short}:`);
  for (const [module, short] of modules) js = js.split(`,${JSON.stringify(module)}:`).join(`,${short}:`);
  const out = rewriteImports(
    wasm,
    (module) => modules.get(module) ?? module,
    (module, name) => (module.startsWith('./snippets/') ? name : names.get(name) ?? name),
  );
  WebAssembly.Module.imports(new WebAssembly.Module(out)); // still a valid module
  fs.writeFileSync(wasmPath, out);
  fs.writeFileSync(glue, js);
  console.log(`shorten-imports: ${glue} ${names.size} imports and ${modules.size} modules renamed; wasm ${wasm.length} -> ${out.length} bytes`);
}
