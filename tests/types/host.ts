// The host side as an npm user writes it, checked against the generated declarations.
import { DeskHost, agentLoginUrl } from 'deskbridge';
import type { AgentStatus, DeskError, DeskErrorCode, Thread } from 'deskbridge';
import { same } from './expect';

declare const iframe: HTMLIFrameElement;
declare const container: HTMLElement;

const host = DeskHost.attach(iframe);
DeskHost.attach(iframe, { origin: 'https://desk.example.com', handshakeTimeout: 1000 });
const created = DeskHost.create(container, {
  baseUrl: 'https://desk.example.com',
  accessToken: 'token',
  entry: 'agent',
  height: 700,
});
created.relogin('new-token');

const sub = host.on('unread_message_count', (data, envelope) => {
  same<number, typeof data.totalUnreadCount>(true);
  same<Thread[], typeof data.unreadThreads>(true);
  same<'unread_message_count', typeof envelope.type>(true);
  same<'bytedesk-desktop', typeof envelope.source>(true);
  same<number, typeof envelope.timestamp>(true);
});
sub.off();
host.on('new_visitor_message', ({ thread }) => {
  same<string, typeof thread.uid>(true);
  // Unknown fields are kept, typed as unknown.
  same<unknown, (typeof thread)['vipLevel']>(true);
});
host.on('agent_status_changed', ({ status, agentInfo }) => {
  // Known statuses autocomplete; others (AWAY, REST, ...) still arrive as strings.
  const s: string = status;
  const known: AgentStatus | (string & {}) = status;
  same<Record<string, unknown> | undefined, typeof agentInfo>(true);
  void s, known;
});
host.on('thread_status_changed', ({ thread, action }) => {
  same<Thread, typeof thread>(true);
  same<string, typeof action>(true);
});
host.on('ready', ({ protocol }) => same<number, typeof protocol>(true));
host.on('disconnected', ({ reason }) => same<'reload' | 'unload' | 'removed', typeof reason>(true));
host.on('error', (e) => {
  same<DeskError, typeof e>(true);
  same<DeskErrorCode, typeof e.code>(true);
});
host.on('token_expiring', ({ expiresAt, msLeft }) => same<number, typeof expiresAt | typeof msLeft>(true));

// @ts-expect-error: not an event name
host.on('unread_count', () => {});
// @ts-expect-error: the payload of unread_message_count has no `count`
host.on('unread_message_count', (data) => data.count);

const commands: Promise<void>[] = [
  host.setAgentStatus('AVAILABLE'),
  host.setAgentStatus('BUSY', { timeout: 5000 }),
  host.setAvailable(),
  host.setBusy({ signal: new AbortController().signal }),
  host.setOffline(),
  host.refreshThreads(),
  host.clearUnreadCount('thread-uid'),
];
// @ts-expect-error: not a status a host may ask for
host.setAgentStatus('SLEEPING');
// @ts-expect-error: statuses are upper case
host.setAgentStatus('busy');
// @ts-expect-error: a thread uid is a string
host.clearUnreadCount(42);
// @ts-expect-error: no such option
host.setBusy({ timeout: 1000, retries: 3 });
// @ts-expect-error: create needs a baseUrl
DeskHost.create(container, { accessToken: 'token' });
// @ts-expect-error: no such entry
DeskHost.create(container, { baseUrl: 'https://desk.example.com', entry: 'visitor' });

same<boolean, typeof host.connected>(true);
same<number, typeof host.unreadCount>(true);
same<Thread[], typeof host.unreadThreads>(true);
same<string, typeof host.origin>(true);
same<HTMLIFrameElement, typeof host.iframe>(true);
same<'window' | 'port', typeof host.transport>(true);
DeskHost.attach(iframe, { messageChannel: false });
// @ts-expect-error: messageChannel is a boolean
DeskHost.attach(iframe, { messageChannel: 'no' });
const status: string | undefined = host.agentStatus;
// @ts-expect-error: the mirrored state is read-only
host.unreadCount = 3;

same<string, ReturnType<typeof agentLoginUrl>>(true);
host.destroy();
void commands, status;
