#!/usr/bin/env node
// size.mjs [PKG_DIR]: how many bytes a page downloads for deskbridge, gzipped at level 9 (what a
// server with static gzip sends), for each build in PKG_DIR (default pkg/, built by `make pkg`):
//
//   host         web/host.js + web/host_bg.wasm + its snippets + host.js (the npm entry that
//                initialises it): what a host page loads, from a script tag or a production bundle
//   frame        the same for DeskFrame: what a workstation loads
//   tokens       the token and credential helpers only
//   deskbridge   everything (DeskHost, DeskFrame, tokens, credentials)
//
// Host and workstation pages are held to a budget of 45 KB (46,080 bytes) each, everything to
// 100 KB. A bundler minifies and concatenates the JS, so a production build ships about these
// figures (the consumer tests print what Vite and webpack emit). The development entries
// (dev/NAME.js, the wasm inlined as base64 for dev servers) are printed for comparison: a
// production build never ships them. Prints figures; never fails on size.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const KB = 1024;
const BUDGETS = { host: 45 * KB, frame: 45 * KB, deskbridge: 100 * KB };
const dir = path.resolve(process.argv[2] ?? 'pkg');

function sizes(file) {
  const bytes = fs.readFileSync(file);
  return { raw: bytes.length, gz: zlib.gzipSync(bytes, { level: 9 }).length };
}

const row = (label, s, note = '') =>
  console.log(`${label.padEnd(34)} ${String(s.raw).padStart(8)} raw ${String(s.gz).padStart(8)} gz${note}`);

/** The JS snippets (wasm-bindgen's `module = …`) that the glue file `glue` imports, as paths in `dir`. */
function snippets(glue) {
  const text = fs.existsSync(path.join(dir, glue)) ? fs.readFileSync(path.join(dir, glue), 'utf8') : '';
  const found = [...text.matchAll(/["'](\.\/snippets\/[^"']+\.js)["']/g)].map((m) => path.join(path.dirname(glue), m[1]));
  return [...new Set(found)];
}

const verdicts = [];
for (const name of ['host', 'frame', 'tokens', 'deskbridge']) {
  const files = [`web/${name}_bg.wasm`, `web/${name}.js`, ...snippets(`web/${name}.js`), `${name}.js`];
  if (files.some((f) => !fs.existsSync(path.join(dir, f)))) {
    console.log(`${name}: ${dir} has no such build (run make pkg)`);
    continue;
  }
  const total = { raw: 0, gz: 0 };
  for (const f of files) {
    const s = sizes(path.join(dir, f));
    row(path.relative(process.cwd(), path.join(dir, f)), s);
    total.raw += s.raw;
    total.gz += s.gz;
  }
  row(`  ${name} total`, total);
  const dev = path.join(dir, `dev/${name}.js`);
  if (fs.existsSync(dev)) {
    const glue = [`web/${name}.js`, ...snippets(`web/${name}.js`)].reduce((n, f) => n + sizes(path.join(dir, f)).gz, 0);
    row(`  ${name}, development entry`, { raw: sizes(dev).raw, gz: sizes(dev).gz + glue }, ' (wasm inlined; dev servers only)');
  }
  const budget = BUDGETS[name];
  if (budget) verdicts.push(`${name}: ${total.gz} gz bytes, ${total.gz <= budget ? 'within' : 'OVER'} the ${budget} budget (${budget - total.gz} left)`);
}

const postRobot = path.resolve('node_modules/post-robot/dist/post-robot.min.js');
if (fs.existsSync(postRobot)) row('post-robot.min.js (comparison)', sizes(postRobot));
for (const v of verdicts) console.log(v);
