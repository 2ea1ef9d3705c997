// The host page every bundler project builds, as its developer would write it: DeskHost from
// 'deskbridge/host', embedding the workstation given by ?ws= (another origin). What a user would
// notice goes on the page: the connection, the unread count, the agent status after "Busy".
import { DeskHost } from 'deskbridge/host';

// Imports are evaluated first: from here on DeskHost is usable (its wasm is compiled).
document.body.dataset.usableMs = performance.now().toFixed(1);
const $ = (id) => document.getElementById(id);
const workstation = new URL('/consumers/workstation.html', new URLSearchParams(location.search).get('ws') ?? '');
workstation.searchParams.set('allow', location.origin);
const iframe = document.createElement('iframe');
iframe.src = workstation.href;
document.body.append(iframe);

const host = DeskHost.attach(iframe);
host.on('ready', async ({ protocol }) => {
  $('ready').textContent = `connected (protocol ${protocol})`;
  await host.setBusy({ timeout: 10000 });
  // setBusy() settles once the workstation's handler ran; that handler reported the new status
  // first, on the same channel, so the mirrored status is already BUSY here.
  $('busy').textContent = `busy acknowledged, agent ${host.agentStatus}`;
});
host.on('unread_message_count', ({ totalUnreadCount }) => {
  $('unread').textContent = String(totalUnreadCount);
});
