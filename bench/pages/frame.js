// The workstation half of the benchmark harness, shared by every candidate's workstation page.

/** The host page's exact origin (`?host=`). */
export const HOST = new URL(new URLSearchParams(location.search).get('host')).origin;

/** A base-protocol envelope, as a Bytedesk workstation posts it. */
export const envelope = (type, data) => ({ type, data, timestamp: Date.now(), source: 'bytedesk-desktop' });

/** The data of the `n`th `unread_message_count` event. */
export const unreadData = (n) => ({ totalUnreadCount: n, unreadThreads: [] });

/** The statuses a base-protocol workstation obeys. */
export const STATUSES = ['AVAILABLE', 'BUSY', 'OFFLINE'];

/**
 * On the host harness's request `{ bench: 'burst', n }` (from the parent, at the host origin),
 * call `emit(i)` for i = 1..n in one go, as a workstation would when its counts change fast.
 */
export function onBurst(emit) {
  addEventListener('message', (e) => {
    if (e.source !== parent || e.origin !== HOST || e.data?.bench !== 'burst') return;
    for (let i = 1; i <= e.data.n; i++) emit(i);
  });
}

const tell = (message) => parent.postMessage({ bench: 'error', message: String(message) }, HOST);
addEventListener('error', (e) => tell(e.message));
addEventListener('unhandledrejection', (e) => tell(e.reason));
