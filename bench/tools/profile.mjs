#!/usr/bin/env node
// node bench/tools/profile.mjs [PAGE]: a CPU profile of one bench host page while it receives a
// burst of 5,000 events, as self time by function (top 25). PAGE is a page of bench/pages with
// its query (default `deskbridge-host.html?peer=seed`; `window-host.html` is the raw one).
// WARM=0 profiles the burst in the fresh page, as the bench measures it; otherwise 1,000 events
// go first, so that what is left is the warm cost. Needs `make pkg`; uses the bench's ports, so
// run it where nothing else is serving them (e.g. `unshare --net`).
import { withBenchPage } from './page.mjs';

const N = 5000;
const pagePath = process.argv[2] ?? 'deskbridge-host.html?peer=seed';
await withBenchPage(pagePath, async (page) => {
  if (process.env.WARM !== '0') await page.evaluate((n) => window.bench.burst(n), 1000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  const burst = await page.evaluate((n) => window.bench.burst(n), N);
  const { profile } = await cdp.send('Profiler.stop');
  console.log(`${pagePath}: ${(N / burst.ms * 1000).toFixed(0)} events/s`);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { callFrame } = nodes.get(id);
    const key = `${callFrame.functionName || '(anonymous)'} ${callFrame.url.split('/').pop()}:${callFrame.lineNumber}`;
    const dt = profile.timeDeltas[i] ?? 0;
    byFunction.set(key, (byFunction.get(key) ?? 0) + dt);
    total += dt;
  });
  for (const [key, t] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${(t / 1000).toFixed(1).padStart(8)} ms ${(100 * t / total).toFixed(1).padStart(5)}%  ${key}`);
  }
  console.log(`total ${(total / 1000).toFixed(1)} ms, ${(total / N).toFixed(1)} µs an event`);
});
