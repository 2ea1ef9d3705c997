#!/usr/bin/env node
// node bench/tools/dispatch.mjs [PAGE...]: the cost of a host page's own message handling, with
// the browser's cross-process delivery taken out. In each page, N `unread_message_count`
// MessageEvents that look as if the workstation sent them (its window as source, its origin) are
// dispatched synchronously on the window, and the time per event is printed. The same events
// go to every page, so the difference between two pages is the difference between their
// listeners. A diagnostic, not a benchmark: a real page never receives a synthetic event, and
// the bench (bench/run.mjs) measures real ones. Default pages: the raw window listener and
// deskbridge against a seed-only peer. Needs `make pkg`; uses the bench's ports (run it in
// `unshare --net`).
import { withBenchPage } from './page.mjs';

const N = Number(process.env.N ?? 20000);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const pages = process.argv.slice(2);
if (pages.length === 0) pages.push('window-host.html', 'deskbridge-host.html?peer=seed');

for (const pagePath of pages) {
  await withBenchPage(pagePath, async (page) => {
    const perEvent = await page.evaluate(({ n, rounds }) => {
      const iframe = document.querySelector('iframe');
      const origin = new URL(new URLSearchParams(location.search).get('ws')).origin;
      const source = iframe.contentWindow;
      const events = [];
      for (let i = 1; i <= n; i++) {
        const data = { totalUnreadCount: i, unreadThreads: [] };
        const message = { type: 'unread_message_count', data, timestamp: Date.now(), source: 'bytedesk-desktop' };
        events.push(new MessageEvent('message', { data: message, origin, source }));
      }
      const times = [];
      for (let r = 0; r < rounds; r++) {
        const t = performance.now();
        for (const e of events) dispatchEvent(e);
        times.push((performance.now() - t) * 1000 / n);
      }
      return times;
    }, { n: N, rounds: ROUNDS });
    const median = [...perEvent].sort((a, b) => a - b)[perEvent.length >> 1];
    console.log(`${pagePath.padEnd(32)} median ${median.toFixed(2)} µs/event  (rounds: ${perEvent.map((t) => t.toFixed(2)).join(' ')})`);
  });
}
