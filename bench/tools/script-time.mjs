#!/usr/bin/env node
// node bench/tools/script-time.mjs PAGE_A PAGE_B: the host page's own main-thread script time per
// event (Chrome's Performance.getMetrics ScriptDuration, in thread time) for two bench host pages,
// taken in turns: PAGES pairs of fresh pages (default 6), each 4 bursts of 5,000 events, the first
// 200 ms after connecting (the fresh page, as the bench's) and 3 warm ones. Prints the medians per
// event and the median per-pair ratio B/A. The bench's events/s cannot tell a few tenths of a
// microsecond apart; this can, since other processes' work does not count. PAGE is a page of
// bench/pages with its query, e.g. `penpal-host.html`, `window-host.html`,
// `deskbridge-host.html?peer=seed`, or `deskbridge-host.html?peer=seed&build=/target/old-pkg/web`
// for a build copied under target/. Needs `make pkg`; uses the bench's ports.
import { withBenchPage } from './page.mjs';

const N = 5000;
const BURSTS = 4;
const PAGES = Number(process.env.PAGES ?? 6);
const [a, b] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node bench/tools/script-time.mjs PAGE_A PAGE_B');
  process.exit(64);
}
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const perEvent = { [a]: [], [b]: [] };
for (let i = 0; i < PAGES; i++) {
  for (const pagePath of i % 2 ? [b, a] : [a, b]) {
    await withBenchPage(pagePath, async (page) => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const script = async () =>
        (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ScriptDuration').value;
      const row = [];
      for (let j = 0; j < BURSTS; j++) {
        const before = await script();
        await page.evaluate((n) => window.bench.burst(n), N);
        row.push(((await script()) - before) * 1e6 / N);
      }
      perEvent[pagePath].push(row);
    });
  }
}
for (const p of [a, b]) {
  const fresh = median(perEvent[p].map((r) => r[0]));
  const warm = median(perEvent[p].flatMap((r) => r.slice(1)));
  console.log(`${p}: fresh page ${fresh.toFixed(2)} µs an event, warm ${warm.toFixed(2)} µs`);
}
const ratio = (f) => median(perEvent[a].map((r, i) => f(perEvent[b][i]) / f(r))).toFixed(3);
console.log(`B/A, median over page pairs: fresh page ${ratio((r) => r[0])}, warm ${ratio((r) => median(r.slice(1)))}`);
