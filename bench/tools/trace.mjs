#!/usr/bin/env node
// node bench/tools/trace.mjs [PAGE]: a Chrome trace of one bench host page while it receives a
// burst of 5,000 events (after 1,000 to warm up), summed by trace event on the renderer thread
// that dispatches the messages: where the browser's own time goes (mojo receipt, dispatch,
// deserialisation, the listeners' JS), not only the JS that a CPU profile shows. PAGE as for
// profile.mjs (default `deskbridge-host.html?peer=seed`). Tracing slows the burst; compare pages
// with each other, not with the bench's figures. Needs `make pkg`; uses the bench's ports.
import { withBenchPage } from './page.mjs';

const N = 5000;
const pagePath = process.argv[2] ?? 'deskbridge-host.html?peer=seed';
await withBenchPage(pagePath, async (page) => {
  await page.evaluate((n) => window.bench.burst(n), 1000);
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { categories: 'toplevel,v8,blink,devtools.timeline', transferMode: 'ReportEvents' });
  const burst = await page.evaluate((n) => window.bench.burst(n), N);
  await cdp.send('Tracing.end');
  await complete;
  console.log(`${pagePath}: ${(N / burst.ms * 1000).toFixed(0)} events/s while traced`);
  // The host page's main thread: the one that dispatched the most message events.
  const dispatches = new Map();
  for (const e of events) {
    if (e.name === 'LocalDOMWindow::DispatchMessageEventWithOriginCheck') {
      const thread = `${e.pid}/${e.tid}`;
      dispatches.set(thread, (dispatches.get(thread) ?? 0) + 1);
    }
  }
  const [thread] = [...dispatches].sort((a, b) => b[1] - a[1])[0] ?? [];
  const byName = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur || `${e.pid}/${e.tid}` !== thread) continue;
    const [us, count] = byName.get(e.name) ?? [0, 0];
    byName.set(e.name, [us + e.dur, count + 1]);
  }
  for (const [name, [us, count]] of [...byName].sort((a, b) => b[1][0] - a[1][0]).slice(0, 15)) {
    console.log(`${(us / 1000).toFixed(1).padStart(8)} ms ${String(count).padStart(6)}×  ${(us / N).toFixed(1).padStart(6)} µs an event  ${name}`);
  }
});
