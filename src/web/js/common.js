// What both sides call into JS for: the readers, a post, the app's callbacks. First the readers
// (src/web/jsview.rs): each answers in one call what would take several calls from wasm into JS.
// They read and sort; every decision is the Rust core's.
let memory, at, heap = new Float64Array(0);
const keys = new Map(), utf8 = new TextDecoder();
export function place(m, a) { memory = m; at = a / 8; }
// The name of n bytes at address p, made once. Kept by address alone, a small integer, which a
// Map looks up several times faster than an address-and-length double; the names are ASCII, so
// the length checks that it is the same name (were two names to start at one address, the other
// would be made anew, never mistaken).
export function key(p, n) {
  let k = keys.get(p);
  if (k === undefined || k.length !== n) keys.set(p, k = utf8.decode(new Uint8Array(memory.buffer, p, n)));
  return k;
}
export function view(v) {
  let kind = 7, scalar = 0;
  try {
    switch (typeof v) {
      case 'undefined': kind = 0; break;
      case 'boolean': kind = 2; scalar = +v; break;
      case 'number': kind = 3; scalar = v; break;
      case 'string': kind = 4; break;
      case 'object':
        if (v === null) kind = 1;
        else if (Array.isArray(v)) { kind = 5; scalar = v.length; }
        else kind = 6;
    }
  } catch (_) {}
  if (heap.byteLength === 0) heap = new Float64Array(memory.buffer);
  heap[at] = kind;
  heap[at + 1] = scalar;
  return v;
}
const readable = (o) => o !== null && (typeof o === 'object' || typeof o === 'function');
export function get(o, p, n) {
  try { if (readable(o)) return o[key(p, n)]; } catch (_) {}
}
export function field(o, p, n) {
  return view(get(o, p, n));
}
export function item(o, i) {
  let v;
  try { v = o[i]; } catch (_) {}
  return view(v);
}
export function is(o, p, n, q, m) {
  try { return readable(o) && o[key(p, n)] === key(q, m); } catch (_) { return false; }
}
export function eq(v, p, n) {
  return v === key(p, n);
}
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
export function json(bytes) {
  let v;
  try { v = JSON.parse(strict.decode(bytes)); } catch (_) {}
  return view(v);
}
export function data(e) {
  return view(e.data);
}
// The data of a message event e, sorted as by `view`, if it came from the window that the
// iframe f shows; else undefined, its data unread. The third slot says which: 0 another window
// (or f shows none), 1 f's window at an origin other than o, 2 f's window at o.
export function from(e, f, o) {
  const w = f.contentWindow;
  const sender = w === null || e.source !== w ? 0 : e.origin === o ? 2 : 1;
  const v = view(sender === 0 ? undefined : e.data);
  heap[at + 2] = sender;
  return v;
}
// Then a post, for host.js, frame.js and the host's own messages: m on `to`, a port when origin
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
