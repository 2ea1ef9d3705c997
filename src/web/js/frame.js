// DeskFrame's one-call helpers (src/web/envelope.rs says what each does); see host.js for why
// these are modules and not `inline_js` snippets.
export function envelope(type, data, source) {
  return { type, data, timestamp: Date.now(), source };
}
export function pair(key, value) {
  const o = {};
  if (key !== undefined) o[key] = value;
  return o;
}
export function thenable(v) {
  try { return typeof v === 'object' && v !== null && typeof v.then === 'function'; }
  catch (_) { return false; }
}
export function postResult(to, origin, type, source, id, ok, code, error) {
  const data = { id, ok };
  if (code !== undefined) { data.code = code; data.error = error; }
  const m = envelope(type, data, source);
  try {
    if (origin === undefined) to.postMessage(m);
    else to.postMessage(m, origin);
  } catch (_) {}
}
