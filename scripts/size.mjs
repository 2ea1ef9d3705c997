#!/usr/bin/env node
// size.mjs [PKG_DIR]: how many bytes a page downloads for deskbridge, gzipped at level 9 (what a
// server with static gzip sends), for each build in PKG_DIR (default pkg/, built by `make pkg`):
//
//   web/host.js  + web/host_bg.wasm        what a host page loads: DeskHost only
//   web/frame.js + web/frame_bg.wasm       what a workstation loads: DeskFrame only
//   web/deskbridge.js + _bg.wasm           everything (DeskHost, DeskFrame, tokens, credentials)
//   the same three bundler builds          (NAME.js re-exports NAME_bg.js, the glue)
//
// each with the JS snippets its glue imports (snippets/*/*.js),
// and the web builds against their size budgets (a host page or a workstation 45 KB = 46,080
// bytes, the everything build 100 KB = 102,400 bytes; a bundler minifies the bundler builds'
// glue, so they come to about the same). For comparison it
// also prints post-robot's min.js when node_modules has it. Prints figures; never fails on size.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const KB = 1024;
const dir = path.resolve(process.argv[2] ?? 'pkg');

function sizes(file) {
  const bytes = fs.readFileSync(file);
  return { raw: bytes.length, gz: zlib.gzipSync(bytes, { level: 9 }).length };
}

const row = (label, s, note = '') =>
  console.log(`${label.padEnd(34)} ${String(s.raw).padStart(8)} raw ${String(s.gz).padStart(8)} gz${note}`);

/** The JS snippets (wasm-bindgen's `inline_js`) that the glue file `glue` imports, as paths in `dir`. */
function snippets(glue) {
  const text = fs.existsSync(path.join(dir, glue)) ? fs.readFileSync(path.join(dir, glue), 'utf8') : '';
  const found = [...text.matchAll(/["'](\.\/snippets\/[^"']+\.js)["']/g)].map((m) => path.join(path.dirname(glue), m[1]));
  return [...new Set(found)];
}

const builds = [
  ['web/host', ['web/host_bg.wasm', 'web/host.js', ...snippets('web/host.js')], 45 * KB],
  ['web/frame', ['web/frame_bg.wasm', 'web/frame.js', ...snippets('web/frame.js')], 45 * KB],
  ['web/deskbridge', ['web/deskbridge_bg.wasm', 'web/deskbridge.js', ...snippets('web/deskbridge.js')], 100 * KB],
  ['host (bundler)', ['host_bg.wasm', 'host_bg.js', 'host.js', ...snippets('host_bg.js')], 0],
  ['frame (bundler)', ['frame_bg.wasm', 'frame_bg.js', 'frame.js', ...snippets('frame_bg.js')], 0],
  ['deskbridge (bundler)', ['deskbridge_bg.wasm', 'deskbridge_bg.js', 'deskbridge.js', ...snippets('deskbridge_bg.js')], 0],
];
const verdicts = [];
for (const [name, files, budget] of builds) {
  const present = files.filter((f) => fs.existsSync(path.join(dir, f)));
  if (present.length < files.length) {
    console.log(`${name}: ${dir} has no such build (run make pkg)`);
    continue;
  }
  const total = { raw: 0, gz: 0 };
  for (const f of present) {
    const s = sizes(path.join(dir, f));
    row(path.relative(process.cwd(), path.join(dir, f)), s);
    total.raw += s.raw;
    total.gz += s.gz;
  }
  row(`  ${name} total`, total);
  if (budget) verdicts.push(`${name}: ${total.gz} gz bytes, ${total.gz <= budget ? 'within' : 'OVER'} the ${budget} budget (${budget - total.gz} left)`);
}

const postRobot = path.resolve('node_modules/post-robot/dist/post-robot.min.js');
if (fs.existsSync(postRobot)) row('post-robot.min.js (comparison)', sizes(postRobot));
for (const v of verdicts) console.log(v);
