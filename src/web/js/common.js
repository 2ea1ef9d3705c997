// What both sides call into JS for: message fields, a post, the app's callbacks. The wasm reads
// message fields through these (src/web/jsview.rs); `kind` sorts a value into one of jsview.rs's
// KINDS in one call: undefined, null, boolean, number, string, array, object, anything else.
export function kind(v) {
  switch (typeof v) {
    case 'undefined': return 0;
    case 'boolean': return 2;
    case 'number': return 3;
    case 'string': return 4;
    case 'object':
      if (v === null) return 1;
      try { return Array.isArray(v) ? 5 : 6; } catch (_) { return 7; } // a revoked Proxy throws
    default: return 7;
  }
}
// o[k], or undefined when o's getter throws.
export function get(o, k) {
  try { return o[k]; } catch (_) { return undefined; }
}
// Whether o[k] is v (===).
export function is(o, k, v) { return get(o, k) === v; }
// o[k] if it is a number, else NaN.
export function num(o, k) {
  const v = get(o, k);
  return typeof v === 'number' ? v : NaN;
}
// A post, for host.js, frame.js and the host's own messages: m on `to`, a port when origin
// is undefined, else a window, to that origin only (never '*'). A failure to post is ignored.
export function post(to, origin, m) {
  try {
    if (origin === undefined) to.postMessage(m);
    else to.postMessage(m, origin);
  } catch (_) {}
}
// Then the app's callbacks (src/web/listeners.rs): a Map from a small number, which
// names an event or command, to a list of `{ f, live }` entries in registration order. A list is
// never changed in place, only replaced, so a delivery that is running keeps the list it began
// with while a callback subscribes or unsubscribes; `live` is what tells it that a callback was
// removed meanwhile (by `off()`, or by `clear()` when a callback destroyed the host or frame), and
// such a callback is not called, as the DOM does with its own listeners.
export function listeners() { return new Map(); }
export function add(m, k, f) {
  const entry = { f, live: true };
  m.set(k, [...(m.get(k) || []), entry]);
  return {
    off() {
      entry.live = false;
      const list = m.get(k);
      if (list !== undefined) m.set(k, list.filter((e) => e !== entry));
    },
  };
}
export function clear(m) {
  for (const list of m.values()) for (const e of list) e.live = false;
  m.clear();
}
export function emit(m, k, a, b) {
  const list = m.get(k);
  if (list === undefined) return;
  for (const { f, live } of list) {
    if (!live) continue;
    // One callback's exception must not stop delivery to the others; show it where the app's
    // developer looks.
    try { f(a, b); } catch (e) { console.error('deskbridge: a listener threw', e); }
  }
}
// Which host has an iframe, which frame a window (src/web/owner.rs): a property under
// `Symbol.for(name)`, shared by every copy of deskbridge in the page. A target that cannot take
// the property (a frozen object) is not marked, and not refused either.
export function claim(o, name, id) {
  const key = Symbol.for(name);
  if (o[key] !== undefined) return false;
  try { Object.defineProperty(o, key, { value: id, configurable: true }); } catch (_) {}
  return true;
}
export function release(o, name, id) {
  const key = Symbol.for(name);
  try { if (o[key] === id) delete o[key]; } catch (_) {}
}
// What a misused argument was, for an error message: `null`, `a number`, `the string "#desk"`,
// `a HTMLDivElement`.
export function describe(v) {
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v !== 'object' && typeof v !== 'function') return typeof v === 'undefined' ? 'undefined' : `a ${typeof v}`;
  try { return `a ${Object.prototype.toString.call(v).slice(8, -1)}`; } catch (_) { return 'an object'; }
}
