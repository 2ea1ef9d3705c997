// The counting workstation (see counting-workstation.html). Loaded as a module file so that it
// runs under a strict script-src CSP.
import init, { DeskFrame } from '/pkg/web/frame.js';

const q = new URLSearchParams(location.search);
const rec = {
  commands: [],         // { name, data, id } in arrival order (the first 1000)
  seen: 0,              // message events of any kind this page received
  outOfOrder: 0,        // clear_unread_count 'seq-N' commands that did not come in order
  counts: {},           // by command name
  diagnostics: [],      // messages of `error` events
  violations: [],       // CSP violations in this page
  pageErrors: [],
  longest: 0,           // longest task seen here, ms (Chromium's longtask entries)
};
window.rec = rec;
addEventListener('securitypolicyviolation', (e) => rec.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
addEventListener('error', (e) => rec.pageErrors.push(String(e.message)));
addEventListener('unhandledrejection', (e) => rec.pageErrors.push(String(e.reason)));
if (typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) rec.longest = Math.max(rec.longest, e.duration);
  }).observe({ type: 'longtask', buffered: true });
}

addEventListener('message', () => { rec.seen++; });
let nextSeq = 0;

const report = q.get('report');
const tell = (m) => { if (report) parent.postMessage({ fixture: true, ...m }, report); };

// With `?ack`, a handler finishes only once the test page confirmed its report. The report
// travels on the window while the command's result goes on the MessageChannel port, so a reload
// right after could otherwise drop the report of a command that did run and was answered.
const acks = new Map();
let nextAck = 0;
addEventListener('message', (e) => {
  if (e.source === parent && e.origin === report && e.data?.fixture === 'ack') acks.get(e.data.ack)?.();
});

window.wasm = await init();
window.DeskFrame = DeskFrame;
let allow = q.get('allow');
try { allow = JSON.parse(allow); } catch { /* a plain string */ }
// Fixture only: the login entry page is opened without `allow`; it trusts its parent's origin
// as Chromium reports it (the e2e host runs on whatever origin the Makefile chose).
allow ??= [location.ancestorOrigins?.[0]].filter(Boolean);
const delay = q.has('delay') ? Number(q.get('delay')) : null;

/** Connect a DeskFrame that records into `rec`; tests call it again after destroy(). */
window.connectFrame = () => {
  const frame = DeskFrame.connect({ allowedOrigins: allow });
  if (!frame) return frame;
  for (const name of ['update_agent_status', 'refresh_threads', 'clear_unread_count']) {
    frame.on(name, (data, raw) => {
      if (rec.commands.length < 1000) rec.commands.push({ name, data, id: raw?.id ?? null });
      const seq = /^seq-(\d+)$/.exec(data.threadUid ?? '');
      if (seq && Number(seq[1]) !== nextSeq++) rec.outOfOrder++;
      rec.counts[name] = (rec.counts[name] ?? 0) + 1;
      if (q.has('ack')) {
        const ack = ++nextAck;
        tell({ kind: 'command', name, data, id: raw?.id ?? null, ack });
        return new Promise((ok) => acks.set(ack, ok));
      }
      tell({ kind: 'command', name, data, id: raw?.id ?? null });
      if (delay !== null) return new Promise((ok) => setTimeout(ok, delay));
    });
  }
  frame.on('error', (e) => rec.diagnostics.push(`${e.code}: ${e.message}`));
  return frame;
};
try {
  window.frame = window.connectFrame();
  rec.connected = !!window.frame;
} catch (e) {
  rec.connectError = `${e.code}: ${e.message}`;
}
rec.ready = true;
