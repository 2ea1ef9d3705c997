// The npm package as a user gets it: `npm pack` of pkg/, installed from the tarball (offline)
// into a fresh project under target/, imported by package name, bundled with webpack, type-checked
// with tsc, and run in Chromium: a host page from the bundle embeds, from a second origin, a
// workstation page that loads the package's web build (`deskbridge/web`) with a script tag.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';
import { startServers, originUrl } from '../scripts/serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(root, 'target/package-test');
const app = path.join(work, 'app');
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let tarball;
let manifest;

before(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(app, { recursive: true });
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], path.join(root, 'pkg')));
  tarball = packed;
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'crm-app', version: '1.0.0', private: true, type: 'module' }));
  // The tarball has no dependencies: nothing needs the network.
  npm(['install', '--offline', '--no-audit', '--no-fund', `../${packed.filename}`], app);
  manifest = JSON.parse(fs.readFileSync(path.join(app, 'node_modules/deskbridge/package.json'), 'utf8'));
});

test('the packed package.json describes the package and lists every build', () => {
  assert.equal(manifest.name, 'deskbridge');
  assert.match(manifest.version, /^\d+\.\d+\.\d+/);
  assert.ok(manifest.description.length > 20);
  assert.equal(manifest.license, 'MIT OR Apache-2.0');
  assert.match(manifest.repository.url, /^https:\/\//);
  assert.equal(manifest.types, 'deskbridge.d.ts');
  assert.ok(Array.isArray(manifest.sideEffects) && manifest.sideEffects.includes('./deskbridge.js'),
    'the entry that instantiates the wasm is marked as having side effects, so bundlers keep it');
  assert.equal(manifest.exports['.'].default, './deskbridge.js');
  assert.equal(manifest.exports['./web'].default, './web/deskbridge.js');
  for (const side of ['host', 'frame']) {
    assert.equal(manifest.exports[`./${side}`].default, `./${side}.js`);
    assert.equal(manifest.exports[`./web/${side}`].default, `./web/${side}.js`);
    assert.ok(manifest.sideEffects.includes(`./${side}.js`), `./${side}.js instantiates its wasm: kept by bundlers`);
  }
  const packed = tarball.files.map((f) => f.path).sort();
  for (const file of ['deskbridge.js', 'deskbridge_bg.js', 'deskbridge_bg.wasm', 'deskbridge.d.ts',
    'web/deskbridge.js', 'web/deskbridge_bg.wasm', 'web/deskbridge.d.ts', 'package.json', 'README.md',
    'host.js', 'host_bg.js', 'host_bg.wasm', 'host.d.ts', 'frame.js', 'frame_bg.js', 'frame_bg.wasm', 'frame.d.ts',
    'web/host.js', 'web/host_bg.wasm', 'web/host.d.ts', 'web/frame.js', 'web/frame_bg.wasm', 'web/frame.d.ts']) {
    assert.ok(packed.includes(file), `${file} is in the tarball (it has ${packed.join(', ')})`);
  }
  assert.ok(tarball.size < 1024 * 1024, `the tarball is small (${tarball.size} bytes)`);
});

/**
 * A fresh webpack project (`app`, beside the installed tarball) whose host side imports
 * `hostModule` and whose workstation loads the web build `webModule`: it builds, type-checks and
 * runs in Chromium. `login` says whether the host module has the token functions. Resolves with
 * the wasm files webpack emitted.
 */
async function buildAndRun({ name, hostModule, webModule, login }) {
  const app = path.join(work, name);
  const dist = path.join(app, 'dist');
  fs.mkdirSync(path.join(app, 'src'), { recursive: true });
  if (!fs.existsSync(path.join(app, 'node_modules'))) {
    // A second app shares the first one's installed tarball.
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: `crm-${name}`, version: '1.0.0', private: true, type: 'module' }));
    fs.symlinkSync(path.join(work, 'app/node_modules'), path.join(app, 'node_modules'));
  }
  // The app, as its developer writes it: the host side, bundled; checked by tsc as JavaScript.
  fs.writeFileSync(path.join(app, 'src/index.js'), `// @ts-check
import { DeskHost${login ? ', agentLoginUrl' : ''} } from '${hostModule}';

const out = /** @type {HTMLElement} */ (document.getElementById('out'));
const workstation = new URLSearchParams(location.search).get('ws') ?? '';
${login ? "out.dataset.login = agentLoginUrl('https://desk.example.com', 'demo-token');" : ''}

const iframe = document.createElement('iframe');
iframe.src = workstation + '/workstation.html?allow=' + encodeURIComponent(location.origin);
document.body.append(iframe);
const host = DeskHost.attach(iframe);
host.on('ready', ({ protocol }) => { out.dataset.protocol = String(protocol); });
host.on('unread_message_count', ({ totalUnreadCount }) => { out.dataset.unread = String(totalUnreadCount); });
host.on('agent_status_changed', ({ status }) => { out.dataset.status = status; });
host.on('ready', async () => {
  await host.setBusy();
  out.dataset.acked = 'yes';
});
`);
  fs.writeFileSync(path.join(app, 'build.mjs'), `
import webpack from 'webpack';
import path from 'node:path';
webpack({
  mode: 'production',
  entry: './src/index.js',
  output: { path: path.resolve('dist'), filename: 'app.js', publicPath: '/' },
  experiments: { asyncWebAssembly: true },
  performance: { hints: false },
}, (err, stats) => {
  if (err || stats.hasErrors()) {
    console.error(err ?? stats.toString('errors-only'));
    process.exit(1);
  }
});
`);
  // webpack comes from the repository's node_modules, found from target/ as any parent's would be.
  execFileSync(process.execPath, ['build.mjs'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  const built = fs.readdirSync(dist);
  assert.ok(built.includes('app.js') && built.some((f) => f.endsWith('.wasm')), `webpack output: ${built.join(', ')}`);

  // The types the package ships compile against the app (exports map, `types` condition).
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, allowJs: true, checkJs: true, target: 'es2022', module: 'esnext',
      moduleResolution: 'bundler', lib: ['es2022', 'dom'],
    },
    files: ['src/index.js'],
  }));
  execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });

  // The workstation side: the web build from the same package, served as files.
  const web = path.dirname(createRequire(path.join(app, 'package.json')).resolve(`deskbridge/${webModule}`));
  fs.cpSync(web, path.join(dist, 'vendor/deskbridge'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><meta charset="utf-8"><title>crm</title><div id="out"></div><script src="/app.js"></script>');
  fs.writeFileSync(path.join(dist, 'workstation.html'), `<!doctype html><meta charset="utf-8"><title>ws</title>
<script type="module">
  import init, { DeskFrame } from './vendor/deskbridge/${path.basename(createRequire(path.join(app, 'package.json')).resolve(`deskbridge/${webModule}`))}';
  await init();
  const frame = DeskFrame.connect({ allowedOrigins: new URLSearchParams(location.search).getAll('allow') });
  frame.on('update_agent_status', ({ status }) => frame.emitAgentStatus(status));
  frame.emitUnreadCount(5, [{ uid: 'th-9', user: { nickname: 'Visitor' } }]);
</script>`);

  // Two ports of 127.0.0.1 are two origins; port 0 lets the system pick free ones.
  const running = await startServers({
    root: fs.realpathSync(dist),
    log: false,
    origins: [{ name: 'app', hostname: '127.0.0.1', port: 0 }, { name: 'ws', hostname: '127.0.0.1', port: 0 }],
  });
  const [appOrigin, wsOrigin] = running.servers.map((s) => originUrl({ hostname: '127.0.0.1', port: s.address().port }));
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${appOrigin}/index.html?ws=${encodeURIComponent(wsOrigin)}`);
    const out = page.locator('#out');
    await page.waitForSelector('#out[data-acked="yes"][data-status="BUSY"][data-unread="5"]', { state: 'attached', timeout: 20_000 });
    if (login) assert.equal(await out.getAttribute('data-login'), 'https://desk.example.com/agent/auth/login?accessToken=demo-token');
    assert.equal(await out.getAttribute('data-protocol'), '2');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await running.close();
  }
  return built.filter((f) => f.endsWith('.wasm')).map((f) => fs.statSync(path.join(dist, f)).size);
}

test('a fresh webpack project installs the tarball, type-checks, builds and runs in Chromium', async () => {
  await buildAndRun({ name: 'app', hostModule: 'deskbridge', webModule: 'web', login: true });
});

test('the slim builds: a host page bundles only DeskHost, a workstation loads only DeskFrame', async () => {
  const [hostWasm, ...more] = await buildAndRun({ name: 'slim', hostModule: 'deskbridge/host', webModule: 'web/frame', login: false });
  assert.deepEqual(more, [], 'one wasm module in the bundle');
  const pkgSize = (f) => fs.statSync(path.join(root, 'pkg', f)).size;
  assert.equal(hostWasm, pkgSize('host_bg.wasm'), 'webpack emitted the host-only module');
  assert.ok(hostWasm < pkgSize('deskbridge_bg.wasm') * 0.8, `the host-only module (${hostWasm} bytes) is much smaller than the full one`);
});
