#!/usr/bin/env node
// size.mjs [PKG_DIR]: how many bytes a page downloads for deskbridge, gzipped at level 9 (what a
// server with static gzip sends), for both builds in PKG_DIR (default pkg/, built by `make pkg`):
//
//   pkg/       bundler build: deskbridge_bg.wasm + deskbridge_bg.js (the glue; deskbridge.js
//              only re-exports it)
//   pkg/web/   plain ES module build: deskbridge_bg.wasm + deskbridge.js
//
// and in each the JS snippets the glue imports (snippets/*/*.js),
//
// and the web build's total against the size budget (35 KB = 35,840 bytes). For comparison it
// also prints post-robot's min.js when node_modules has it. Prints figures; never fails on size.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const BUDGET = 35 * 1024;
const dir = path.resolve(process.argv[2] ?? 'pkg');

function sizes(file) {
  const bytes = fs.readFileSync(file);
  return { raw: bytes.length, gz: zlib.gzipSync(bytes, { level: 9 }).length };
}

const row = (label, s) =>
  console.log(`${label.padEnd(34)} ${String(s.raw).padStart(8)} raw ${String(s.gz).padStart(8)} gz`);

/** The JS snippets under `d/snippets/` (wasm-bindgen's `inline_js`), which the glue imports. */
const snippets = (d) => (fs.existsSync(path.join(d, 'snippets'))
  ? fs.readdirSync(path.join(d, 'snippets'), { recursive: true }).filter((f) => f.endsWith('.js')).map((f) => path.join('snippets', f))
  : []);

const builds = [
  ['bundler', dir, ['deskbridge_bg.wasm', 'deskbridge_bg.js', 'deskbridge.js', ...snippets(dir)]],
  ['web', path.join(dir, 'web'), ['deskbridge_bg.wasm', 'deskbridge.js', ...snippets(path.join(dir, 'web'))]],
];
let webTotal;
for (const [name, d, files] of builds) {
  const present = files.filter((f) => fs.existsSync(path.join(d, f)));
  if (present.length === 0) {
    console.log(`${name}: ${d} has no build (run make pkg)`);
    continue;
  }
  const total = { raw: 0, gz: 0 };
  for (const f of present) {
    const s = sizes(path.join(d, f));
    row(`${path.relative(process.cwd(), path.join(d, f))}`, s);
    total.raw += s.raw;
    total.gz += s.gz;
  }
  row(`  ${name} total`, total);
  if (name === 'web') webTotal = total.gz;
}

const postRobot = path.resolve('node_modules/post-robot/dist/post-robot.min.js');
if (fs.existsSync(postRobot)) row('post-robot.min.js (comparison)', sizes(postRobot));
if (webTotal !== undefined) {
  const verdict = webTotal <= BUDGET ? 'within' : 'OVER';
  console.log(`web wasm + glue: ${webTotal} gz bytes, budget ${BUDGET}: ${verdict} (${BUDGET - webTotal} left)`);
}
