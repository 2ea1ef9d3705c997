// The host page of the hostile-input tests (see hostile-host.html).
import init, * as deskbridge from '/pkg/web/deskbridge.js';

const EVENTS = ['unread_message_count', 'new_visitor_message', 'agent_status_changed', 'thread_status_changed'];
const rec = {
  events: [],       // { host, type, data } delivered to an app callback (capped, see `delivered`)
  delivered: 0,     // every delivery, whatever the host
  errors: [],       // `error` events: code and message
  readies: 0,
  readyBy: {},      // `ready` events by host label
  disconnects: [],
  reports: [],      // fixture reports from framed pages (counting workstation, hostile windows)
  violations: [],
  pageErrors: [],
  longest: 0,
};
window.rec = rec;
addEventListener('securitypolicyviolation', (e) => rec.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
addEventListener('error', (e) => rec.pageErrors.push(String(e.message)));
addEventListener('unhandledrejection', (e) => rec.pageErrors.push(String(e.reason?.message ?? e.reason)));
addEventListener('message', (e) => {
  if (e.data?.fixture !== true) return;
  rec.reports.push({ from: e.origin, ...e.data });
  // A report that asks for it is confirmed (counting-workstation.js, `?ack`).
  if (e.data.ack !== undefined) e.source?.postMessage({ fixture: 'ack', ack: e.data.ack }, e.origin);
});
if (PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) rec.longest = Math.max(rec.longest, e.duration);
  }).observe({ type: 'longtask', buffered: true });
}

/** Subscribe `host` to everything; deliveries are recorded under `label`. */
window.watch = (host, label = 'main') => {
  for (const type of EVENTS) {
    host.on(type, (data) => {
      rec.delivered++;
      if (rec.events.length < 1000) rec.events.push({ host: label, type, data });
    });
  }
  host.on('error', (e) => { if (rec.errors.length < 1000) rec.errors.push({ host: label, code: e.code, message: e.message }); });
  host.on('ready', () => { rec.readies++; rec.readyBy[label] = (rec.readyBy[label] ?? 0) + 1; });
  host.on('disconnected', ({ reason }) => rec.disconnects.push({ host: label, reason }));
  return host;
};

/** Frame `src` in a new iframe (optionally sandboxed) and resolve once it loaded. */
window.frameOf = (src, { sandbox, id } = {}) => new Promise((resolve) => {
  const f = document.createElement('iframe');
  if (sandbox !== undefined) f.setAttribute('sandbox', sandbox);
  if (id) f.id = id;
  f.addEventListener('load', () => resolve(f), { once: true });
  f.src = src;
  document.body.appendChild(f);
});

window.wasm = await init();
window.deskbridge = deskbridge;
const q = new URLSearchParams(location.search);
if (q.has('ws')) {
  const f = document.createElement('iframe');
  f.id = 'ws';
  f.src = q.get('ws');
  document.getElementById('desk').appendChild(f);
  window.host = window.watch(deskbridge.DeskHost.attach(f));
} else if (q.has('create')) {
  window.host = window.watch(deskbridge.DeskHost.create(document.getElementById('desk'), JSON.parse(q.get('create'))));
}
rec.ready = true;
