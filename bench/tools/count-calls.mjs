#!/usr/bin/env node
// node bench/tools/count-calls.mjs [seed|deskbridge]: how many calls the deskbridge host page's
// wasm makes into JS per event of a burst (or, with RT=1, per acknowledged round trip), by
// import. Every function the wasm imports is wrapped in a counter before it is instantiated.
// Needs `make pkg`; uses the bench's ports (run it where nothing else serves them). The web
// builds' imports have short names (scripts/shorten-imports.mjs); see the glue for which is which.
import { withBenchPage } from './page.mjs';

const N = 2000;
const peer = process.argv[2] ?? 'seed';

/** Runs in the page before its scripts: counts every call of every imported function. */
function countImports() {
  const wrap = (imports) => Object.fromEntries(Object.entries(imports).map(([module, names]) => [module,
    Object.fromEntries(Object.entries(names).map(([name, f]) => [name,
      typeof f === 'function' && name !== '__wbindgen_init_externref_table'
        ? function counted(...args) {
          const calls = (globalThis.__calls ??= {});
          calls[name] = (calls[name] ?? 0) + 1;
          return f.apply(this, args);
        }
        : f]))]));
  const streaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = (source, imports) => streaming(source, wrap(imports));
  const plain = WebAssembly.instantiate;
  WebAssembly.instantiate = (source, imports) => plain(source, wrap(imports));
}

await withBenchPage(`deskbridge-host.html?peer=${peer}`, async (page) => {
  await page.evaluate(() => { globalThis.__calls = {}; });
  const what = process.env.RT === '1' ? 'round trip' : 'event';
  if (what === 'event') await page.evaluate((n) => window.bench.burst(n), N);
  else await page.evaluate((n) => window.bench.roundTrips(n), N);
  const calls = await page.evaluate(() => globalThis.__calls);
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  console.log(`peer=${peer}: ${(total / N).toFixed(2)} calls into JS per ${what}`);
  for (const [name, n] of Object.entries(calls).sort((a, b) => b[1] - a[1])) console.log(`${(n / N).toFixed(2).padStart(8)}  ${name}`);
}, { initScript: countImports });
