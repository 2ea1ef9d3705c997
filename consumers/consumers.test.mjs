// The npm package as its users get it, with no configuration and no plugin: `npm pack` of pkg/,
// installed from the tarball into fresh projects under target/consumers/ (one per tool, each
// from its own pinned package.json and package-lock.json in consumers/projects/, npm's cache in
// target/npm-cache so that a second run needs no network), built with each tool's defaults and
// run in Chromium against a workstation on another origin (the fixture server's workstation
// origin, consumers/workstation.html); Node 20 and 22 import and require it; TypeScript compiles
// against its declarations. `make test` runs this as its consumers phase (`make test-consumers`
// alone, after `make pkg`).
//
// Printed, never asserted: the gzipped bytes each production build ships for the host page and
// when DeskHost was usable in the page, and Node's import time. target/test-logs/consumers.json
// keeps them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { launch, WORKSTATION } from '../e2e/browser.mjs';
import { startServers, originUrl } from '../scripts/serve.mjs';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const work = path.join(root, 'target/consumers');
const cache = path.join(root, 'target/npm-cache');
const figures = {};

let tarball;
let browser;

before(async () => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: path.join(root, 'pkg'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  }));
  tarball = packed;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  fs.mkdirSync(path.join(root, 'target/test-logs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'target/test-logs/consumers.json'), `${JSON.stringify(figures, null, 2)}\n`);
});

const npm = (args, cwd) => run('npm', [...args, '--cache', cache, '--no-audit', '--no-fund'], { cwd, encoding: 'utf8' });

const projects = new Map();
/** A fresh copy of consumers/projects/NAME under target/consumers/, its pinned tools installed
 * with `npm ci` and the packed tarball installed beside them (once per run), with the files in
 * `extra` (a path in consumers/ -> a path in the project) copied in. Resolves with its directory. */
async function project(name, extra = {}) {
  const dir = path.join(work, name);
  if (!projects.has(name)) {
    projects.set(name, (async () => {
      fs.mkdirSync(dir, { recursive: true });
      for (const file of ['package.json', 'package-lock.json']) {
        fs.copyFileSync(path.join(here, 'projects', name, file), path.join(dir, file));
      }
      await npm(['ci', '--prefer-offline'], dir);
      // Not saved: the lock file pins the tools, the tarball changes with every build.
      await npm(['install', '--no-save', '--offline', `../${tarball.filename}`], dir);
    })());
  }
  await projects.get(name);
  for (const [from, to] of Object.entries(extra)) {
    fs.mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    fs.copyFileSync(path.join(here, from), path.join(dir, to));
  }
  return dir;
}

/** Every file under `dir` whose name ends with one of `exts`, recursively. */
function filesIn(dir, exts) {
  return fs.readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, f))
    .filter((f) => exts.some((e) => f.endsWith(e)) && fs.statSync(f).isFile());
}

/** The bytes a browser downloads for the built app: its .js and .wasm files, gzipped at level 9. */
function shipped(dir) {
  const files = filesIn(dir, ['.js', '.wasm']);
  const gz = (f) => zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length;
  return {
    js: files.filter((f) => f.endsWith('.js')).reduce((n, f) => n + gz(f), 0),
    wasm: files.filter((f) => f.endsWith('.wasm')).reduce((n, f) => n + gz(f), 0),
    wasmFiles: files.filter((f) => f.endsWith('.wasm')).map((f) => fs.statSync(f).size),
    // "\0asm" in base64: the development entry's inlined wasm.
    inlinedWasm: files.some((f) => f.endsWith('.js') && fs.readFileSync(f, 'latin1').includes('AGFzbQ')),
  };
}

/**
 * Opens `url` (a host page built from consumers/app/) in Chromium and waits for what its user
 * would see: connected to the workstation, 7 unread, and "Busy" acknowledged with the agent's
 * status already BUSY, that is after the workstation's handler ran. No page error, and no console
 * error or warning in the page or its frame. Resolves with when DeskHost was usable (ms after
 * navigation start).
 */
async function hostPageWorks(url) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  try {
    await page.goto(url);
    const text = (id) => page.locator(`#${id}`).textContent();
    try {
      await page.waitForFunction(() => document.getElementById('busy')?.textContent !== 'not busy yet', null, { timeout: 30_000, polling: 50 });
    } catch (e) {
      assert.fail(`the host page never got "Busy" acknowledged: ready "${await text('ready')}", unread "${await text('unread')}"; ${problems.join('; ') || 'no error seen'}`);
    }
    assert.equal(await text('ready'), 'connected (protocol 2)');
    assert.equal(await text('unread'), '7');
    assert.equal(await text('busy'), 'busy acknowledged, agent BUSY');
    assert.deepEqual(problems, []);
    return Number(await page.locator('body').getAttribute('data-usable-ms'));
  } finally {
    await page.close();
  }
}

/** Serves `dir` on a free port of 127.0.0.1 while `fn(origin)` runs. */
async function served(dir, fn) {
  const running = await startServers({ root: fs.realpathSync(dir), log: false, origins: [{ name: 'app', hostname: '127.0.0.1', port: 0 }] });
  try {
    return await fn(originUrl({ hostname: '127.0.0.1', port: running.servers[0].address().port }));
  } finally {
    await running.close();
  }
}

const pageUrl = (origin, file = '') => `${origin}/${file}?ws=${encodeURIComponent(WORKSTATION)}`;
const APP = { 'app/main.js': 'main.js', 'app/index.html': 'index.html' };

test('the tarball: manifest, entries for every condition, licences', () => {
  const dir = fs.mkdtempSync(path.join(work, 'unpacked-'));
  execFileSync('tar', ['-xzf', path.join(work, tarball.filename), '-C', dir]);
  const pkg = path.join(dir, 'package');
  const manifest = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'));
  assert.equal(manifest.name, 'deskbridge');
  assert.equal(manifest.license, 'MIT OR Apache-2.0');
  assert.equal(manifest.type, 'module');
  assert.match(manifest.repository.url, /^https:\/\//);
  for (const [subpath, name] of [['.', 'deskbridge'], ['./host', 'host'], ['./frame', 'frame'], ['./tokens', 'tokens']]) {
    assert.deepEqual(manifest.exports[subpath], {
      types: `./${name}.d.ts`, node: `./node/${name}.mjs`, development: `./dev/${name}.js`, default: `./${name}.js`,
    });
    for (const file of Object.values(manifest.exports[subpath])) assert.ok(fs.existsSync(path.join(pkg, file)), `${file} is in the tarball`);
    for (const entry of [`./${name}.js`, `./node/${name}.mjs`, `./dev/${name}.js`]) {
      assert.ok(manifest.sideEffects.includes(entry), `${entry} initialises the wasm: a bundler must keep it`);
    }
  }
  for (const name of ['deskbridge', 'host', 'frame', 'tokens']) {
    const web = manifest.exports[name === 'deskbridge' ? './web' : `./web/${name}`];
    assert.equal(web.default, `./web/${name}.js`, 'the script-tag builds keep their paths');
    for (const file of [`web/${name}.js`, `web/${name}_bg.wasm`, `web/${name}.d.ts`]) assert.ok(fs.existsSync(path.join(pkg, file)), file);
  }
  assert.match(fs.readFileSync(path.join(pkg, 'LICENSE-MIT'), 'utf8'), /^MIT License/);
  assert.match(fs.readFileSync(path.join(pkg, 'LICENSE-APACHE'), 'utf8'), /Apache License\s+Version 2\.0/);
  assert.ok(fs.existsSync(path.join(pkg, 'README.md')));
  assert.ok(!fs.existsSync(path.join(pkg, 'web/package.json')), 'no nested package.json from wasm-pack');
  assert.ok(tarball.size < 1024 * 1024, `the tarball is ${tarball.size} bytes`);
  figures.tarball = { bytes: tarball.size, unpacked: tarball.unpackedSize, files: tarball.entryCount };
});

for (const [name, version] of [['vite7', 'Vite 7'], ['vite8', 'Vite 8']]) {
  test(`${version}: \`vite build\` with no config file, the host page runs`, async (t) => {
    const dir = await project(name, APP);
    await run(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], { cwd: dir });
    const bytes = shipped(path.join(dir, 'dist'));
    assert.equal(bytes.inlinedWasm, false, 'a production build ships the wasm as a file, not inlined');
    assert.equal(bytes.wasmFiles.length, 1, 'one wasm module: the host build');
    const usable = await served(path.join(dir, 'dist'), (origin) => hostPageWorks(pageUrl(origin)));
    figures[`${name} build`] = { ...bytes, total: bytes.js + bytes.wasm, usableMs: usable };
    t.diagnostic(`${version} build: host page ${bytes.js + bytes.wasm} bytes gzipped (js ${bytes.js}, wasm ${bytes.wasm}); DeskHost usable ${usable} ms after navigation start`);
  });

  test(`${version}: \`vite\` dev server with no config file, the host page runs`, async (t) => {
    const dir = await project(name, APP);
    const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--port', '0', '--clearScreen', 'false'], {
      cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    try {
      const origin = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`vite did not start: ${output}`)), 60_000);
        const read = (chunk) => {
          output += chunk;
          // eslint-disable-next-line no-control-regex
          const m = output.replace(/\x1b\[[0-9;]*m/g, '').match(/Local:\s+(http:\/\/[^/\s]+)\//);
          if (m) { clearTimeout(timer); resolve(m[1]); }
        };
        server.stdout.on('data', read);
        server.stderr.on('data', read);
        server.on('exit', (code) => reject(new Error(`vite exited (${code}): ${output}`)));
      });
      const usable = await hostPageWorks(pageUrl(origin));
      figures[`${name} dev`] = { usableMs: usable };
      t.diagnostic(`${version} dev server: DeskHost usable ${usable} ms after navigation start (the development entry, wasm inlined)`);
    } finally {
      server.kill();
    }
  });
}

for (const [name, version] of [['webpack5.99', 'webpack 5.99.9'], ['webpack5', 'webpack 5 (current)']]) {
  for (const mode of ['production', 'development']) {
    test(`${version}: \`webpack --mode ${mode}\` with no config file, the host page runs`, async (t) => {
      const dir = await project(name, { 'app/main.js': 'src/index.js' });
      const out = path.join(dir, `dist-${mode}`);
      await run(process.execPath, ['node_modules/webpack/bin/webpack.js', '--mode', mode, '--output-path', out], { cwd: dir });
      // webpack writes no HTML by default: the page loads its main.js with a plain script tag.
      const html = fs.readFileSync(path.join(here, 'app/index.html'), 'utf8').replace('<script type="module" src="/main.js"></script>', '<script src="main.js"></script>');
      assert.ok(html.includes('<script src="main.js">'));
      fs.writeFileSync(path.join(out, 'index.html'), html);
      const bytes = shipped(out);
      if (mode === 'production') {
        assert.equal(bytes.inlinedWasm, false, 'a production build ships the wasm as a file, not inlined');
        assert.deepEqual(bytes.wasmFiles, [fs.statSync(path.join(root, 'pkg/web/host_bg.wasm')).size], 'one wasm module: the host build');
      } else {
        assert.equal(bytes.inlinedWasm, true, 'a development build takes the development entry');
      }
      const usable = await served(out, (origin) => hostPageWorks(pageUrl(origin, 'index.html')));
      if (mode === 'production') {
        figures[`${name} ${mode}`] = { ...bytes, total: bytes.js + bytes.wasm, usableMs: usable };
        t.diagnostic(`${version} ${mode}: host page ${bytes.js + bytes.wasm} bytes gzipped (js ${bytes.js}, wasm ${bytes.wasm}); DeskHost usable ${usable} ms after navigation start`);
      } else {
        figures[`${name} ${mode}`] = { js: bytes.js, usableMs: usable };
        t.diagnostic(`${version} ${mode}: js ${bytes.js} bytes gzipped, the wasm inlined; DeskHost usable ${usable} ms after navigation start`);
      }
    });
  }
}

test('esbuild 0.28.2: `esbuild --bundle --format=esm`, with the wasm file copied beside the bundle, or with --conditions=development', async (t) => {
  // esbuild leaves `new URL('host_bg.wasm', import.meta.url)` as it is and copies no asset: the
  // one thing an esbuild project has to do is put the wasm where that URL points.
  const dir = await project('esbuild', APP);
  // esbuild's install step puts its native executable in place of the JS launcher.
  const esbuild = path.join(dir, 'node_modules/.bin/esbuild');
  const out = path.join(dir, 'dist');
  await run(esbuild, ['main.js', '--bundle', '--format=esm', `--outdir=${out}`], { cwd: dir });
  fs.copyFileSync(path.join(dir, 'node_modules/deskbridge/web/host_bg.wasm'), path.join(out, 'host_bg.wasm'));
  fs.writeFileSync(path.join(out, 'index.html'), fs.readFileSync(path.join(here, 'app/index.html'), 'utf8'));
  const bytes = shipped(out);
  assert.equal(bytes.inlinedWasm, false);
  const usable = await served(out, (origin) => hostPageWorks(pageUrl(origin, 'index.html')));
  figures['esbuild'] = { ...bytes, total: bytes.js + bytes.wasm, usableMs: usable };
  t.diagnostic(`esbuild: host page ${bytes.js + bytes.wasm} bytes gzipped (js ${bytes.js}, unminified; wasm ${bytes.wasm}); DeskHost usable ${usable} ms after navigation start`);

  // Or, with nothing to copy, the development entry (the wasm inlined).
  const dev = path.join(dir, 'dist-development');
  await run(esbuild, ['main.js', '--bundle', '--format=esm', '--conditions=development', `--outdir=${dev}`], { cwd: dir });
  fs.copyFileSync(path.join(out, 'index.html'), path.join(dev, 'index.html'));
  assert.equal(shipped(dev).inlinedWasm, true);
  await served(dev, (origin) => hostPageWorks(pageUrl(origin, 'index.html')));
});

test('no bundler: a host page imports the package\'s host.js, a workstation loads web/frame.js with a script tag', async (t) => {
  // The installed package's files served as they are, the host page and the workstation on two
  // origins (two ports), each a plain <script type="module">.
  const installed = path.join(await project('node'), 'node_modules/deskbridge');
  const site = path.join(work, 'script-tag');
  fs.cpSync(installed, path.join(site, 'deskbridge'), { recursive: true, dereference: true });
  const workstation = fs.readFileSync(path.join(here, 'workstation.html'), 'utf8');
  assert.ok(workstation.includes("from '/pkg/web/frame.js'"));
  fs.mkdirSync(path.join(site, 'consumers'));
  fs.writeFileSync(path.join(site, 'consumers/workstation.html'), workstation.replace("from '/pkg/web/frame.js'", "from '/deskbridge/web/frame.js'"));
  const main = fs.readFileSync(path.join(here, 'app/main.js'), 'utf8');
  assert.ok(main.includes("from 'deskbridge/host'"));
  fs.writeFileSync(path.join(site, 'main.js'), main.replace("from 'deskbridge/host'", "from './deskbridge/host.js'"));
  fs.copyFileSync(path.join(here, 'app/index.html'), path.join(site, 'index.html'));
  const running = await startServers({
    root: fs.realpathSync(site), log: false,
    origins: [{ name: 'host', hostname: '127.0.0.1', port: 0 }, { name: 'workstation', hostname: '127.0.0.1', port: 0 }],
  });
  try {
    const [host, ws] = running.servers.map((s) => originUrl({ hostname: '127.0.0.1', port: s.address().port }));
    const usable = await hostPageWorks(`${host}/index.html?ws=${encodeURIComponent(ws)}`);
    figures['script tag'] = { usableMs: usable };
    t.diagnostic(`no bundler: DeskHost usable ${usable} ms after navigation start`);
  } finally {
    await running.close();
  }
});

/** A JWT as Bytedesk issues them (unsigned here: deskbridge reads claims, never checks signatures). */
function jwt(claims) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('signature').toString('base64url')}`;
}
const TOKEN = jwt({ sub: JSON.stringify({ username: 'agent@example.com', platform: 'bytedesk' }), iat: 1764000000, exp: 1764086400 });

for (const [label, nodeBin] of [['Node 20 (this machine)', () => process.execPath], ['Node 22 (npm package node@22)', (dir) => path.join(dir, 'node_modules/.bin/node')]]) {
  test(`${label}: import and require('deskbridge'), the token helpers, DeskHost and DeskFrame on a server`, async (t) => {
    const dir = await project('node', { 'node/check.mjs': 'check.mjs', 'node/check.cjs': 'check.cjs', 'node/thrown.cjs': 'thrown.cjs' });
    const node = nodeBin(dir);
    const version = (await run(node, ['--version'])).stdout.trim();
    if (label.startsWith('Node 20')) assert.match(version, /^v20\./);
    else assert.match(version, /^v22\./);
    const ran = await Promise.all(['check.mjs', 'check.cjs'].map((file) => run(node, [file, TOKEN], { cwd: dir })));
    // Not even a warning (an ExperimentalWarning for require() of an ES module, say).
    assert.deepEqual(ran.map((r) => r.stderr), ['', '']);
    const [esm, cjs] = ran.map((r) => JSON.parse(r.stdout));
    for (const r of [esm, cjs]) {
      assert.equal(r.login, 'https://desk.example.com/agent/auth/login?accessToken=tok%20en');
      assert.deepEqual(r.claims, { username: 'agent@example.com', platform: 'bytedesk', issuedAt: 1764000000, expiresAt: 1764086400 });
      assert.equal(r.lark, Buffer.from('12345:ht-sometoken').toString('base64'));
      assert.equal(r.attach.name, 'DeskError', `DeskHost.attach on a server throws a DeskError (${JSON.stringify(r.attach)})`);
      assert.equal(r.attach.isError, true);
      assert.equal(typeof r.attach.code, 'string');
    }
    assert.equal(esm.tokensEntry, 'https://desk.example.com/agent/auth/login?accessToken=a');
    assert.equal(esm.connect.name, 'DeskError', `DeskFrame.connect on a server throws a DeskError (${JSON.stringify(esm.connect)})`);
    figures[label] = { version, importMs: esm.importMs, requireMs: cjs.requireMs };
    t.diagnostic(`${label} ${version}: import('deskbridge') ${esm.importMs.toFixed(1)} ms, require('deskbridge') ${cjs.requireMs.toFixed(1)} ms`);
  });
}

test('TypeScript 5.9 strict, skipLibCheck false: lib ES2022 + DOM (Bundler and Node16 resolution), ESNext + DOM, and ES2022 alone for the token helpers', async () => {
  const files = Object.fromEntries(fs.readdirSync(path.join(here, 'typescript')).map((f) => [`typescript/${f}`, f]));
  const dir = await project('typescript', files);
  const tsc = (config) => run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', config], { cwd: dir });
  for (const config of ['tsconfig.browser.json', 'tsconfig.node16.json', 'tsconfig.esnext.json', 'tsconfig.tokens.json']) {
    await tsc(config).catch((e) => assert.fail(`${config} does not compile:\n${e.stdout}`));
  }
  // The wrong file is refused, for exactly its three mistakes.
  const refused = await tsc('tsconfig.wrong.json').then(() => assert.fail('wrong.ts compiled'), (e) => e.stdout);
  const errors = refused.split('\n').filter((l) => /error TS/.test(l)).map((l) => l.replace(/: error (TS\d+):.*/, ' $1'));
  assert.deepEqual(errors, ['wrong.ts(7,9) TS2345', 'wrong.ts(8,21) TS2345', 'wrong.ts(9,23) TS2345']);
});
