#!/usr/bin/env node
// pkg-manifest.mjs [PKG_DIR]: turns the four web builds that `make pkg` leaves in PKG_DIR/web/
// (default pkg/) into one npm package that needs no configuration wherever it is imported.
//
// For each build NAME (deskbridge: everything; host: DeskHost; frame: DeskFrame; tokens: the
// login URL, token and credential helpers) it writes three small entry modules around the
// unchanged web glue PKG_DIR/web/NAME.js, and package.json `exports` conditions choose among them:
//
//   NAME.js          browsers and bundlers (the `default` condition): `await init()`, then
//                    re-exports the glue. The glue fetches NAME_bg.wasm with
//                    `new URL('NAME_bg.wasm', import.meta.url)`, which a browser resolves against
//                    the module and Vite and webpack turn into an emitted asset; compiled with
//                    streaming, off the main thread. Needs top-level await (Vite >= 7's and
//                    webpack 5's defaults have it).
//   dev/NAME.js      dev servers and development builds (the `development` condition): the wasm
//                    inlined as base64 and compiled with `initSync`. A dev server's dependency
//                    optimizer (Vite's) moves a package's modules into a cache folder, where the
//                    glue's `new URL(…, import.meta.url)` no longer finds the wasm beside it; an
//                    entry with the bytes inside has nothing to find. A third larger and compiled
//                    on the main thread, which a production build never ships.
//   node/NAME.mjs    Node and server-side rendering (the `node` condition): reads the wasm with
//                    `fs.readFileSync` and compiles it with `initSync`. No top-level await, so
//                    CommonJS `require()` loads it too on Node >= 20.19 and >= 22.12.
//
// and NAME.d.ts, the glue's declarations less its `init`/`initSync` part, which these entries do
// themselves. Every .d.ts (web/ too) gets one edit, a plain and documented one: wasm-bindgen
// declares `[Symbol.dispose](): void` on each class, and `Symbol.dispose` is in TypeScript's lib
// only from `esnext.disposable` on, so a project with `lib: ["ES2022", "DOM"]` and
// `skipLibCheck: false` would not compile. A `declare global` block declares it the way
// TypeScript's own lib does (interface declarations merge, so projects that have it see no
// conflict). The glue JS and the wasm are left as wasm-bindgen, wasm-opt and terser wrote them.
//
// wasm-pack writes a package.json, README.md, .gitignore and licence copies into web/; this
// takes name, version, description, license, repository and keywords from that package.json and
// puts one package.json, the README and the licence files at the top. Idempotent.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.resolve(process.argv[2] ?? 'pkg');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(dir, 'web');
const BUILDS = ['deskbridge', 'host', 'frame', 'tokens'];
const LICENSES = ['LICENSE-MIT', 'LICENSE-APACHE'];

for (const name of BUILDS) {
  for (const file of [`${name}.js`, `${name}_bg.wasm`, `${name}.d.ts`]) {
    if (!fs.existsSync(path.join(web, file))) {
      console.error(`pkg-manifest: ${path.join(web, file)} is missing; build the web targets first (make pkg)`);
      process.exit(1);
    }
  }
}
const wasmPackManifest = path.join(web, 'package.json');
const previous = fs.existsSync(wasmPackManifest)
  ? JSON.parse(fs.readFileSync(wasmPackManifest, 'utf8'))
  : JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
for (const file of ['package.json', 'README.md', '.gitignore', ...LICENSES, ...fs.readdirSync(web).filter((f) => f.endsWith('_bg.wasm.d.ts'))]) {
  fs.rmSync(path.join(web, file), { force: true });
}

// --- declarations -------------------------------------------------------------------------------
const DISPOSE_MARK = '// deskbridge: Symbol.dispose';
const DISPOSE = `${DISPOSE_MARK} (pkg-manifest.mjs). Each class below declares [Symbol.dispose]() (the same
// as free()); TypeScript's lib has Symbol.dispose only from esnext.disposable on. Declared here as
// that lib declares it, so the classes also type-check with lib ["ES2022", "DOM"] or ["ES2022"].
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
`;
/** `dts` with the Symbol.dispose declaration in front, once, when it uses Symbol.dispose. */
function withDispose(dts) {
  if (dts.includes(DISPOSE_MARK) || !dts.includes('[Symbol.dispose]')) return dts;
  const pragma = dts.startsWith('/* tslint:disable */') ? dts.indexOf('\n') + 1 : 0;
  return dts.slice(0, pragma) + DISPOSE + dts.slice(pragma);
}
/** The web glue's declarations without what only its own `init` needs (from `InitInput` on). */
function withoutInit(dts) {
  const at = dts.search(/^export type InitInput\b/m);
  if (at < 0) throw new Error('pkg-manifest: no `export type InitInput` in a web build .d.ts');
  return dts.slice(0, at).trimEnd() + '\n';
}

fs.mkdirSync(path.join(dir, 'node'), { recursive: true });
fs.mkdirSync(path.join(dir, 'dev'), { recursive: true });
for (const name of BUILDS) {
  const dtsPath = path.join(web, `${name}.d.ts`);
  const dts = withDispose(fs.readFileSync(dtsPath, 'utf8'));
  fs.writeFileSync(dtsPath, dts);
  fs.writeFileSync(path.join(dir, `${name}.d.ts`), withoutInit(dts));

  // --- entries ----------------------------------------------------------------------------------
  fs.writeFileSync(path.join(dir, `${name}.js`), `// deskbridge's '${entry(name)}' for browsers and bundlers (written by pkg-manifest.mjs): the web
// build, initialised here. The glue fetches web/${name}_bg.wasm (new URL(…, import.meta.url)).
import init from './web/${name}.js';

await init();
export * from './web/${name}.js';
`);
  fs.writeFileSync(path.join(dir, 'node', `${name}.mjs`), `// deskbridge's '${entry(name)}' for Node and server-side rendering (written by pkg-manifest.mjs): the
// web build, its wasm read from the file beside it. No top-level await: require() loads this too.
import { readFileSync } from 'node:fs';
import { initSync } from '../web/${name}.js';

initSync({ module: readFileSync(new URL('../web/${name}_bg.wasm', import.meta.url)) });
export * from '../web/${name}.js';
`);
  const base64 = fs.readFileSync(path.join(web, `${name}_bg.wasm`)).toString('base64');
  fs.writeFileSync(path.join(dir, 'dev', `${name}.js`), `// deskbridge's '${entry(name)}' for dev servers and development builds (written by pkg-manifest.mjs):
// the web build, its wasm inlined below, so that no path to web/${name}_bg.wasm has to survive a
// dev server's dependency cache. Production builds resolve to ../${name}.js instead.
import { initSync } from '../web/${name}.js';

const wasm = ${JSON.stringify(base64)};
initSync({ module: Uint8Array.from(atob(wasm), (c) => c.charCodeAt(0)) });
export * from '../web/${name}.js';
`);
}

function entry(name) {
  return name === 'deskbridge' ? 'deskbridge' : `deskbridge/${name}`;
}

// --- package.json -------------------------------------------------------------------------------
for (const file of ['README.md', ...LICENSES]) fs.copyFileSync(path.join(root, file), path.join(dir, file));
const subpath = (name) => (name === 'deskbridge' ? '.' : `./${name}`);
const manifest = {
  name: previous.name,
  version: previous.version,
  description: previous.description,
  license: previous.license,
  repository: previous.repository,
  keywords: previous.keywords,
  type: 'module',
  main: './deskbridge.js',
  types: './deskbridge.d.ts',
  files: [
    ...BUILDS.flatMap((n) => [`${n}.js`, `${n}.d.ts`, `node/${n}.mjs`, `dev/${n}.js`,
      `web/${n}.js`, `web/${n}.d.ts`, `web/${n}_bg.wasm`]),
    'web/snippets',
    ...LICENSES,
  ],
  // The entries initialise the wasm: a bundler must never skip them for the glue they re-export.
  // The snippets keep state at module level; wasm-pack marks them too.
  sideEffects: [...BUILDS.flatMap((n) => [`./${n}.js`, `./node/${n}.mjs`, `./dev/${n}.js`]), './web/snippets/**'],
  exports: {
    ...Object.fromEntries(BUILDS.map((n) => [subpath(n), {
      types: `./${n}.d.ts`,
      node: `./node/${n}.mjs`,
      development: `./dev/${n}.js`,
      default: `./${n}.js`,
    }])),
    ...Object.fromEntries(BUILDS.flatMap((n) => [
      [n === 'deskbridge' ? './web' : `./web/${n}`, { types: `./web/${n}.d.ts`, default: `./web/${n}.js` }],
      [`./web/${n}_bg.wasm`, `./web/${n}_bg.wasm`],
    ])),
    './package.json': './package.json',
  },
};
fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`pkg-manifest: ${path.join(dir, 'package.json')}: files ${manifest.files.length}, exports ${Object.keys(manifest.exports).join(' ')}`);
