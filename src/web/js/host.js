// DeskHost's one-call helpers: a command's trips into JS (src/web/command.rs says what each
// does), and DOM work of DeskHost (src/web/host.rs). Modules of their own, not
// `inline_js` snippets: wasm-bindgen numbers inline snippets per build (inline0.js, ...), and the
// host-only, frame-only and full builds share one snippets/ folder in pkg/ and in pkg/web/.
import { post } from './common.js';

export function settlers() { return new Map(); }
export function defer(m, t) {
  return new Promise((resolve, reject) => { m.set(t, [resolve, reject]); });
}
export function settle(m, t, ok, v) {
  const d = m.get(t);
  if (d === undefined) return;
  m.delete(t);
  d[ok ? 0 : 1](v);
}
// Who posted message event `e` (src/web/jsview.rs, message_from): 0 another window than the one
// `iframe` shows, 1 that window at another origin than `origin`, 2 that window at `origin`.
export function sender(e, iframe, origin) {
  if (e.source !== iframe.contentWindow) return 0;
  return e.origin === origin ? 2 : 1;
}
export function connectedAt(e) { return e.isConnected ? Math.max(Date.now(), 0) : -1; }
export function postCommand(to, origin, type, key, value, id) {
  const m = { type };
  if (key !== undefined) m.data = { [key]: value };
  if (id !== undefined) m.id = id;
  post(to, origin, m);
}
// Calls f after each change to the iframe's document that leaves the iframe out of it.
export function watch(iframe, f) {
  const o = new MutationObserver(() => { if (!iframe.isConnected) f(); });
  const doc = iframe.ownerDocument;
  if (doc) o.observe(doc, { childList: true, subtree: true });
  return o;
}
// DeskHost.create's iframe, made in one call.
const size = (v, d) => typeof v === 'number' ? v + 'px' : typeof v === 'string' ? v : d;
export function iframe(container, o) {
  const doc = container && container.ownerDocument;
  if (!doc) return undefined;
  const f = doc.createElement('iframe');
  f.style.width = size(o.width, '100%');
  f.style.height = size(o.height, '600px');
  f.style.border = '0';
  f.title = typeof o.title === 'string' ? o.title : 'Agent workstation';
  return f;
}
// The JSON value in a JWT's middle part (base64url, padded or not, UTF-8 JSON), or undefined when
// the token is not three parts whose middle one is that: for DeskHost's token warning.
export function jwtPayload(token) {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]*={0,2}$/.test(parts[1])) return undefined;
  try {
    const bytes = Uint8Array.from(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (_) {
    return undefined;
  }
}
