#!/usr/bin/env node
// node bench/tools/count-calls.mjs [seed|deskbridge]: how many calls each side's wasm makes into
// JS per event of a burst (or, with RT=1, per acknowledged round trip), by import: the host page
// first, then the workstation page in its iframe (a DeskFrame with `deskbridge`; the seed-only
// workstation has no wasm). Every function a wasm module imports is wrapped in a counter before
// it is instantiated, in every frame. Needs `make pkg`; uses the bench's ports (run it where
// nothing else serves them). Each import is printed by its wasm-bindgen name with the start of
// its body from the glue.
import { withBenchPage } from './page.mjs';

const N = 2000;
const peer = process.argv[2] ?? 'seed';

/** Runs in each frame before its scripts: counts every call of every imported function. */
function countImports() {
  const wrap = (imports) => Object.fromEntries(Object.entries(imports).map(([module, names]) => [module,
    Object.fromEntries(Object.entries(names).map(([name, f]) => [name,
      typeof f === 'function' && name !== '__wbindgen_init_externref_table'
        ? (((globalThis.__bodies ??= {})[name] = String(f).replace(/\s+/g, ' ').slice(0, 90)), function counted(...args) {
          const calls = (globalThis.__calls ??= {});
          calls[name] = (calls[name] ?? 0) + 1;
          return f.apply(this, args);
        })
        : f]))]));
  const streaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = (source, imports) => streaming(source, wrap(imports));
  const plain = WebAssembly.instantiate;
  WebAssembly.instantiate = (source, imports) => plain(source, wrap(imports));
}

await withBenchPage(`deskbridge-host.html?peer=${peer}`, async (page) => {
  const host = page.mainFrame();
  const workstation = page.frames().find((f) => f !== host);
  const sides = [['host page', host], ['workstation page', workstation]].filter(([, f]) => f);
  for (const [, frame] of sides) await frame.evaluate(() => { globalThis.__calls = {}; });
  const what = process.env.RT === '1' ? 'round trip' : 'event';
  if (what === 'event') await page.evaluate((n) => window.bench.burst(n), N);
  else await page.evaluate((n) => window.bench.roundTrips(n), N);
  for (const [side, frame] of sides) {
    const [calls, bodies] = await frame.evaluate(() => [globalThis.__calls, globalThis.__bodies]);
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    console.log(`peer=${peer}, ${side}: ${(total / N).toFixed(2)} calls into JS per ${what}`);
    for (const [name, n] of Object.entries(calls).sort((a, b) => b[1] - a[1])) console.log(`${(n / N).toFixed(2).padStart(8)}  ${name.padEnd(3)} ${bodies[name]}`);
  }
}, { initScript: countImports });
