// Browser-test harness: frames a fixture page of another origin and records what arrives.
// Used from tests/web_*.rs through wasm-bindgen imports; the assertions live in Rust.

// The fixture origins come from tests/support/mod.rs (`WORKSTATION`, `HOSTILE`), which reads
// them from the build's environment: the Makefile's WORKSTATION_ADDR and HOSTILE_ADDR.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `page` on `origin` with `params` as query parameters, and `report` set to this page's origin. */
function pageUrl(page, origin, params) {
  const url = new URL(page, origin);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  url.searchParams.set('report', location.origin);
  return url.href;
}

export class Harness {
  constructor(iframe, origin) {
    this.iframe = iframe;
    this.origin = origin;
    this.protocol = [];   // bytedesk-desktop envelopes from the frame, as received
    this.reports = [];    // fixture reports
    this.pageErrors = [];
    this.heard = [];      // everything the framed window sent, from any origin: { origin, data }
    this.listener = (e) => {
      if (e.source !== iframe.contentWindow) return;
      this.heard.push({ origin: e.origin, data: e.data });
      if (e.origin !== origin) return;
      if (e.data && e.data.fixture === true) this.reports.push(e.data);
      else if (e.data && e.data.source === 'bytedesk-desktop') this.protocol.push(e.data);
    };
    addEventListener('message', this.listener);
  }

  /** Frame `page` from `origin` with the given query parameters; resolves once it reported in. */
  static async open(page, origin, params) {
    const h = Harness.prepare(page, origin, params);
    await h.mount();
    return h;
  }

  /**
   * Like `open`, but the iframe is not put in the document yet: a host can attach to it first,
   * and `mount()` then loads it.
   */
  static prepare(page, origin, params) {
    const iframe = document.createElement('iframe');
    iframe.src = pageUrl(page, origin, params);
    return new Harness(iframe, origin);
  }

  /** Put a prepared iframe in the document; resolves once its page reported in. */
  async mount() {
    this.insert();
    await this.waitFor((r) => r.kind === 'connected' || r.kind === 'connect-error', 10000);
  }

  /** Put a prepared iframe in the document, without waiting for its page. */
  insert() {
    document.body.appendChild(this.iframe);
  }

  /** Point the iframe at `page` on `origin` (a navigation, or a reload for the same URL). */
  navigate(page, origin, params) {
    this.iframe.src = pageUrl(page, origin, params);
  }

  /** Wait until a fixture report matches; rejects after `ms`. */
  async waitFor(pred, ms = 5000) {
    const end = Date.now() + ms;
    for (;;) {
      const hit = this.reports.find(pred);
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`timed out; reports so far: ${JSON.stringify(this.reports)}`);
      await sleep(10);
    }
  }

  /** Wait until `n` protocol messages arrived, or `ms` passed; returns them. */
  async protocolMessages(n, ms = 3000) {
    const end = Date.now() + ms;
    while (this.protocol.length < n && Date.now() < end) await sleep(10);
    return this.protocol;
  }

  /** What the framed window sent, from any origin. */
  heardAll() {
    return this.heard;
  }

  reportsOf(kind) {
    return this.reports.filter((r) => r.kind === kind);
  }

  /** Post `message` to the framed window at `targetOrigin` (default: its origin). */
  post(message, targetOrigin) {
    this.iframe.contentWindow.postMessage(message, targetOrigin ?? this.origin);
  }

  /** Ask the fixture to call `frame[method](...args)`, and wait for it to say it did. */
  async emit(method, args) {
    const before = this.reports.length;
    this.post({ fixture: 'emit', method, args });
    const end = Date.now() + 5000;
    for (;;) {
      const r = this.reports.slice(before).find((r) => (r.kind === 'emitted' || r.kind === 'emit-error') && r.method === method);
      if (r) return r;
      if (Date.now() > end) throw new Error(`fixture never ran ${method}`);
      await sleep(5);
    }
  }

  /** Let pending messages arrive. */
  static settle(ms = 300) {
    return sleep(ms);
  }

  close() {
    removeEventListener('message', this.listener);
    this.iframe.remove();
  }
}

/**
 * Collects what host callbacks receive, in arrival order: `callback(name)` makes a listener that
 * records `{ name, data, envelope }` (the data as JSON would show it, when it was received).
 */
export class Recorder {
  constructor() {
    this.seen = [];
  }

  callback(name) {
    return (data, envelope) => {
      this.seen.push({ name, data: data === undefined ? null : JSON.parse(JSON.stringify(data)), envelope: envelope ?? null });
    };
  }

  /** The records so far, or only those called `name`. */
  of(name) {
    return name ? this.seen.filter((r) => r.name === name) : this.seen;
  }
}

/** A settled promise's outcome: `{ ok: true }` or `{ ok: false, name, code, message }`; never throws. */
export async function outcome(promise) {
  try {
    await promise;
    return { ok: true };
  } catch (e) {
    return { ok: false, name: e?.name, code: e?.code, message: String(e?.message ?? e) };
  }
}

/** A new AbortController (so Rust tests need no web-sys feature for it). */
export function abortController() {
  return new AbortController();
}

/** Post `message` to this window itself, at its own origin: a page spoofing its own frame. */
export function postToSelf(message) {
  window.postMessage(message, location.origin);
}

export function json(v) {
  return JSON.stringify(v);
}
