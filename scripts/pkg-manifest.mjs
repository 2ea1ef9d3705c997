#!/usr/bin/env node
// pkg-manifest.mjs [PKG_DIR]: completes the package.json wasm-pack wrote for the bundler build in
// PKG_DIR (default pkg/) so that one npm package carries both builds:
//
//   import { DeskHost } from 'deskbridge'            the bundler build (webpack, Vite, ...)
//   import init, { DeskFrame } from 'deskbridge/web' the web build, also loadable from a plain
//                                                    <script type="module"> that serves its files
//   'deskbridge/host', 'deskbridge/frame'            slim bundler builds: DeskHost or DeskFrame only
//   'deskbridge/web/host', 'deskbridge/web/frame'    the same as web builds
//
// wasm-pack takes name, version, description, license, repository and keywords from Cargo.toml
// and writes files, main, types and sideEffects for one build only; it knows nothing of the second
// build in web/. This adds the web build to `files` and an `exports` map for both. Idempotent.
import fs from 'node:fs';
import path from 'node:path';

const dir = path.resolve(process.argv[2] ?? 'pkg');
const manifestPath = path.join(dir, 'package.json');
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));

// The slim builds beside the full one (Makefile's SLIM): each is its own wasm module.
const SLIM = ['host', 'frame'];
const WEB_FILES = ['deskbridge', ...SLIM].flatMap((n) => [`web/${n}.js`, `web/${n}_bg.wasm`, `web/${n}.d.ts`]);
const BUNDLER_FILES = SLIM.flatMap((n) => [`${n}.js`, `${n}_bg.js`, `${n}_bg.wasm`, `${n}.d.ts`]);
for (const file of [manifest.main, manifest.types, ...BUNDLER_FILES, ...WEB_FILES]) {
  if (!fs.existsSync(path.join(dir, file))) {
    console.error(`pkg-manifest: ${path.join(dir, file)} is missing; build both targets first (make pkg)`);
    process.exit(1);
  }
}

// The JS snippets the web builds' glue imports, when they have any (wasm-pack lists the bundler
// builds' own snippets/ itself). npm would leave web/snippets/ out because of the `*` .gitignore
// wasm-pack writes into web/; pkg/ is ignored by the repository's own .gitignore anyway.
const webSnippets = fs.existsSync(path.join(dir, 'web/snippets')) ? ['web/snippets'] : [];
fs.rmSync(path.join(dir, 'web/.gitignore'), { force: true });
manifest.files = [...new Set([...manifest.files, ...BUNDLER_FILES, ...WEB_FILES, ...webSnippets])];
// Importing a bundler build's entry instantiates its wasm module: a bundler must keep it.
manifest.sideEffects = [...new Set([...(manifest.sideEffects ?? []), ...SLIM.map((n) => `./${n}.js`)])];
manifest.exports = {
  '.': { types: `./${manifest.types}`, default: `./${manifest.main}` },
  './web': { types: './web/deskbridge.d.ts', default: './web/deskbridge.js' },
  './web/deskbridge_bg.wasm': './web/deskbridge_bg.wasm',
  ...Object.fromEntries(SLIM.flatMap((n) => [
    [`./${n}`, { types: `./${n}.d.ts`, default: `./${n}.js` }],
    [`./web/${n}`, { types: `./web/${n}.d.ts`, default: `./web/${n}.js` }],
    [`./web/${n}_bg.wasm`, `./web/${n}_bg.wasm`],
  ])),
  './package.json': './package.json',
};
fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`pkg-manifest: ${manifestPath}: files ${manifest.files.length}, exports ${Object.keys(manifest.exports).join(' ')}`);
