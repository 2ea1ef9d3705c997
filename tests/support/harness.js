// Browser-test harness: frames a fixture page of another origin and records what arrives.
// Used from tests/web_*.rs through wasm-bindgen imports; the assertions live in Rust.

export const WORKSTATION = 'http://localhost:8711';
export const HOSTILE = 'http://127.0.0.1:8712';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Harness {
  constructor(iframe, origin) {
    this.iframe = iframe;
    this.origin = origin;
    this.protocol = [];   // bytedesk-desktop envelopes from the frame, as received
    this.reports = [];    // fixture reports
    this.pageErrors = [];
    this.listener = (e) => {
      if (e.source !== iframe.contentWindow || e.origin !== origin) return;
      if (e.data && e.data.fixture === true) this.reports.push(e.data);
      else if (e.data && e.data.source === 'bytedesk-desktop') this.protocol.push(e.data);
    };
    addEventListener('message', this.listener);
  }

  /** Frame `page` from `origin` with the given query parameters; resolves once it reported in. */
  static async open(page, origin, params) {
    const url = new URL(page, origin);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    url.searchParams.set('report', location.origin);
    const iframe = document.createElement('iframe');
    const h = new Harness(iframe, origin);
    iframe.src = url.href;
    document.body.appendChild(iframe);
    await h.waitFor((r) => r.kind === 'connected' || r.kind === 'connect-error', 10000);
    return h;
  }

  static workstation(params) {
    return Harness.open('/www/test/workstation.html', WORKSTATION, params);
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

export function json(v) {
  return JSON.stringify(v);
}
