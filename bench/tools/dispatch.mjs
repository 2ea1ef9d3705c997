#!/usr/bin/env node
// node bench/tools/dispatch.mjs [PAGE...]: the cost of a host page's own message handling, with the
// browser's cross-process delivery taken out. In each page, N `unread_message_count` MessageEvents
// that look as if the workstation sent them (its window as source, its origin) are dispatched
// synchronously on the window, and the time per event is printed. The same events go to every page,
// so the difference between two pages is the difference between their listeners. A diagnostic, not
// a benchmark: a real page never receives a synthetic event, and the bench (bench/run.mjs) measures
// real ones. Default pages: the raw window listener and deskbridge against a seed-only peer.
// TASKS=1 dispatches each event in a task of its own (a MessageChannel post to the page itself),
// with the browser's own code run between two of them, as in real delivery; the time then includes
// that task's cost, the same on every page. CLONE=1 gives each event data of its own made by
// `structuredClone`, as the browser's delivery makes it (fresh strings in every message), in place
// of object literals; deskbridge's margin over raw is about twice as wide then (1.0 against 0.55 µs
// an event). Needs `make pkg`; uses the bench's ports (run it in `unshare --net`).
// Since deskbridge ignores `message` events the browser did not deliver (`isTrusted` false: a
// page's own event bus must not speak for the workstation), a deskbridge page drops these events
// unread: the tool then times that check, not the handling, and the figures in bench/README.md
// from before that change no longer reproduce. The raw listener still handles them.
import { withBenchPage } from './page.mjs';

const N = Number(process.env.N ?? 20000);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const pages = process.argv.slice(2);
if (pages.length === 0) pages.push('window-host.html', 'deskbridge-host.html?peer=seed');

for (const pagePath of pages) {
  await withBenchPage(pagePath, async (page) => {
    const perEvent = await page.evaluate(async ({ n, rounds, tasks, clone }) => {
      const iframe = document.querySelector('iframe');
      const origin = new URL(new URLSearchParams(location.search).get('ws')).origin;
      const source = iframe.contentWindow;
      let events = [];
      const make = () => {
        events = [];
        for (let i = 1; i <= n; i++) {
          const data = { totalUnreadCount: i, unreadThreads: [] };
          let message = { type: 'unread_message_count', data, timestamp: Date.now(), source: 'bytedesk-desktop' };
          if (clone) message = structuredClone(message);
          events.push(new MessageEvent('message', { data: message, origin, source }));
        }
      };
      make();
      // Each event in a task of its own: the next is dispatched when a message posted to the
      // page itself arrives.
      const inTasks = () => new Promise((resolve) => {
        const { port1, port2 } = new MessageChannel();
        let i = 0;
        port1.onmessage = () => {
          dispatchEvent(events[i++]);
          if (i < events.length) port2.postMessage(0);
          else { port1.close(); resolve(); }
        };
        port2.postMessage(0);
      });
      const times = [];
      for (let r = 0; r < rounds; r++) {
        if (clone && r > 0) make();
        const t = performance.now();
        if (tasks) await inTasks();
        else for (const e of events) dispatchEvent(e);
        times.push((performance.now() - t) * 1000 / n);
      }
      return times;
    }, { n: N, rounds: ROUNDS, tasks: process.env.TASKS === '1', clone: process.env.CLONE === '1' });
    const median = [...perEvent].sort((a, b) => a - b)[perEvent.length >> 1];
    console.log(`${pagePath.padEnd(32)} median ${median.toFixed(2)} µs/event  (rounds: ${perEvent.map((t) => t.toFixed(2)).join(' ')})`);
  });
}
