#!/usr/bin/env node
// startup.mjs [ROUNDS]: when DeskHost is usable in the host pages the consumer tests built, per
// entry: ms from navigation start to the app's first statement (after its imports, so after the
// wasm is compiled and instantiated), the median of ROUNDS (default 9) fresh pages each, taken
// in turns. A benchmark, printed only. Needs a finished consumer run (make test-consumers) and
// the fixture server (bash scripts/with-server.sh node consumers/startup.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launch, WORKSTATION } from '../e2e/browser.mjs';
import { startServers, originUrl } from '../scripts/serve.mjs';

const work = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../target/consumers');
const rounds = Number(process.argv[2] ?? 9);

const builds = [
  ['production entry (Vite 8 build: wasm fetched, streaming compile)', 'vite8/dist', ''],
  ['production entry (webpack 5 production)', 'webpack5/dist-production', 'index.html'],
  ['development entry (webpack 5 development: wasm inlined, initSync)', 'webpack5/dist-development', 'index.html'],
  ['no bundler (host.js imported by a module script)', 'script-tag', 'index.html'],
];
const running = [];
const candidates = [];
for (const [label, dir, file] of builds) {
  if (!fs.existsSync(path.join(work, dir))) {
    console.log(`${label}: not built (run make test-consumers first)`);
    continue;
  }
  const server = await startServers({ root: fs.realpathSync(path.join(work, dir)), log: false, origins: [{ name: 'app', hostname: '127.0.0.1', port: 0 }] });
  running.push(() => server.close());
  const origin = originUrl({ hostname: '127.0.0.1', port: server.servers[0].address().port });
  // The script-tag site serves its own workstation, as the consumer test does.
  const ws = dir === 'script-tag' ? origin.replace('127.0.0.1', 'localhost') : WORKSTATION;
  candidates.push({ label, url: `${origin}/${file}?ws=${encodeURIComponent(ws)}`, samples: [] });
}
// Vite 8's dev server: the development entry as a dev server serves it (pre-bundled by Vite).
if (fs.existsSync(path.join(work, 'vite8/node_modules'))) {
  const vite = spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--port', '0'], { cwd: path.join(work, 'vite8'), stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NO_COLOR: '1' } });
  running.push(() => vite.kill());
  const origin = await new Promise((resolve) => {
    let out = '';
    vite.stdout.on('data', (c) => {
      out += c;
      const m = out.match(/Local:\s+(http:\/\/[^/\s]+)\//);
      if (m) resolve(m[1]);
    });
  });
  candidates.push({ label: 'development entry (Vite 8 dev server)', url: `${origin}/?ws=${encodeURIComponent(WORKSTATION)}`, samples: [] });
}

const browser = await launch();
try {
  for (let round = 0; round <= rounds; round++) {
    for (const c of candidates) {
      const page = await browser.newPage();
      await page.goto(c.url);
      await page.waitForFunction(() => document.getElementById('busy')?.textContent.startsWith('busy acknowledged'), null, { timeout: 30_000 });
      // Round 0 warms caches (the dev server's optimizer, the disk) and is not counted.
      if (round > 0) c.samples.push(Number(await page.locator('body').getAttribute('data-usable-ms')));
      await page.close();
    }
  }
} finally {
  await browser.close();
  for (const stop of running) await stop();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const c of candidates) {
  console.log(`${c.label.padEnd(70)} median ${median(c.samples).toFixed(1)} ms (min ${Math.min(...c.samples).toFixed(1)}, max ${Math.max(...c.samples).toFixed(1)}, ${c.samples.length} pages)`);
}
