// DeskFrame's one-call helpers (src/web/envelope.rs says what each does); see host.js for why
// these are modules and not `inline_js` snippets.
import { post } from './common.js';

export function envelope(type, data, source) {
  return { type, data, timestamp: Date.now(), source };
}
export function pair(key, value) {
  const o = {};
  if (key !== undefined) o[key] = value;
  return o;
}
const thenable = (v) => {
  try { return typeof v === 'object' && v !== null && typeof v.then === 'function'; }
  catch (_) { return false; }
};
// Call each handler of command `k` (a common.js list) with (a, b): false when there is none,
// else true when none returned a promise, or a promise of all those returned. The first
// exception a handler threw is thrown after every handler was called.
export function handle(m, k, a, b) {
  const list = m.get(k);
  if (list === undefined || list.length === 0) return false;
  const waits = [];
  let threw = false, thrown;
  for (const { f, live } of list) {
    if (!live) continue;
    try {
      const v = f(a, b);
      if (thenable(v)) waits.push(v);
    } catch (e) {
      if (!threw) { threw = true; thrown = e; }
    }
  }
  if (threw) throw thrown;
  return waits.length === 0 || Promise.all(waits);
}
export function postResult(to, origin, type, source, id, ok, code, error) {
  const data = { id, ok };
  if (code !== undefined) { data.code = code; data.error = error; }
  post(to, origin, envelope(type, data, source));
}
