// The host-page half of the benchmark harness, shared by every candidate's host page.
//
// A candidate's host page takes `t0` in its first statement, loads its library, opens the
// workstation iframe with `openFrame`, and calls `serve` with a promise that settles when it is
// connected and usable, and a `command` function that does one acknowledged round trip. Its own
// message handling (origin, window, source marker, type) stays on the page; every payload that
// passes it goes through `unread`, which checks the data as a careful page would and counts.
// bench/run.mjs then drives `window.bench`.

const query = new URLSearchParams(location.search);

/** The workstation's exact origin (`?ws=`). */
export const WORKSTATION = new URL(query.get('ws')).origin;

/** The data of an `unread_message_count` event, checked the way a careful host page would. */
export function isUnreadData(data) {
  return (
    data !== null &&
    typeof data === 'object' &&
    typeof data.totalUnreadCount === 'number' &&
    Number.isFinite(data.totalUnreadCount) &&
    data.totalUnreadCount >= 0 &&
    Array.isArray(data.unreadThreads)
  );
}

// The burst in progress: the workstation numbers its events 1..n in `totalUnreadCount`.
const counts = { valid: 0, invalid: 0, inOrder: true };
let target = Infinity;
let finish = () => {};

/**
 * Hand the data of one `unread_message_count` event that passed the page's own checks. Returns
 * whether the data was valid (a page shows the count only then).
 */
export function unread(data) {
  if (!isUnreadData(data)) {
    counts.invalid++;
    return false;
  }
  counts.valid++;
  if (target !== Infinity && data.totalUnreadCount !== counts.valid) counts.inOrder = false;
  if (counts.valid === target) finish();
  return true;
}

/**
 * The checks of a careful listener after the window and origin ones (which depend on the
 * transport, so each page makes them): the `bytedesk-desktop` marker, the type, the data. An
 * `unread_message_count` goes to `unread`, and the result says whether it was valid; the status
 * of an `agent_status_changed` goes to `onStatus`.
 */
export function checkEnvelope(message, onStatus = () => {}) {
  if (message === null || typeof message !== 'object' || message.source !== 'bytedesk-desktop') return false;
  if (message.type === 'unread_message_count') return unread(message.data);
  if (message.type === 'agent_status_changed' && typeof message.data?.status === 'string') onStatus(message.data.status);
  return false;
}

/** A promise for the next call of the returned `resolve`, used to await one reply event. */
export function nextReply() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

/**
 * The base-protocol side of the raw pages, once a message passed their transport's checks:
 * `receive(message)` checks and counts it, `connected` settles on the first valid event, and
 * `command()` sends `update_agent_status` with `post` and settles on the `agent_status_changed`
 * the workstation answers with.
 */
export function baseProtocolPeer(post) {
  const connected = nextReply();
  let reply = null;
  return {
    connected: connected.promise,
    receive(message) {
      if (checkEnvelope(message, (status) => reply?.resolve(status))) connected.resolve();
    },
    command() {
      reply = nextReply();
      post({ type: 'update_agent_status', data: { status: 'BUSY' } });
      return reply.promise;
    },
  };
}

/** Make the workstation iframe for `path` on the workstation origin and put it in the page. */
export function openFrame(path) {
  const iframe = document.createElement('iframe');
  const url = new URL(path, WORKSTATION);
  url.searchParams.set('host', location.origin);
  iframe.src = url.href;
  iframe.title = 'workstation';
  document.body.append(iframe);
  return iframe;
}

/** Load a classic script (a library's min.js) and wait until it ran. */
export function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.append(script);
  });
}

const errors = [];
addEventListener('error', (e) => errors.push(String(e.message)));
addEventListener('unhandledrejection', (e) => errors.push(String(e.reason)));

const withTimeout = (promise, ms, what) => Promise.race([
  promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)),
]);

/**
 * Publish `window.bench` for bench/run.mjs. `connected` settles when the host is usable;
 * `command()` returns a promise for one acknowledged round trip; `info()` adds what the page
 * knows about its connection (such as deskbridge's transport).
 */
export function serve({ t0, iframe, connected, command, info = () => ({}) }) {
  // The workstation reports its own uncaught errors to its parent (bench/pages/frame.js).
  addEventListener('message', (e) => {
    if (e.source === iframe.contentWindow && e.origin === WORKSTATION && e.data?.bench === 'error') {
      errors.push(`workstation: ${e.data.message}`);
    }
  });
  const started = withTimeout(connected, 20000, 'connect').then(() => performance.now() - t0);
  window.bench = {
    /** ms from the page's first statement to a connected host. */
    startup: () => started,
    /**
     * Ask the workstation for `n` events and time them: from posting the request to the
     * `n`th valid event handled here. The request is the harness's own message, the same for
     * every candidate, so only the events' way differs.
     */
    async burst(n) {
      Object.assign(counts, { valid: 0, invalid: 0, inOrder: true });
      target = n;
      const done = new Promise((resolve) => { finish = resolve; });
      const t = performance.now();
      iframe.contentWindow.postMessage({ bench: 'burst', n }, WORKSTATION);
      let timedOut = false;
      await withTimeout(done, 60000, 'burst').catch(() => { timedOut = true; });
      const ms = performance.now() - t;
      target = Infinity;
      return { ms, timedOut, ...counts };
    },
    /** `k` acknowledged round trips one after the other; the time of each, in ms. */
    async roundTrips(k) {
      const samples = [];
      for (let i = 0; i < k; i++) {
        const t = performance.now();
        await withTimeout(command(), 10000, 'round trip');
        samples.push(performance.now() - t);
      }
      return samples;
    },
    info: () => ({ ...info(), isolated: globalThis.crossOriginIsolated === true, errors: [...errors] }),
  };
}
