// The demo host page's script (www/host.html): a CRM that embeds the agent workstation from
// another origin and follows it. It imports deskbridge by its package name, as an app that ran
// `npm install deskbridge` does, from `deskbridge/host`: the build with DeskHost only, the
// smallest download for a host page. scripts/build-demo.mjs bundles it with webpack.
import { DeskHost } from 'deskbridge/host';

const DEMO_WORKSTATION = 'http://localhost:8711';
const TITLE = document.title;
const query = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);

// --- what the page shows -------------------------------------------------------------------------

function log(text, kind = 'info') {
  const li = document.createElement('li');
  li.className = kind;
  li.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  $('log').prepend(li);
  while ($('log').children.length > 200) $('log').lastElementChild.remove();
}

/** Short JSON for the log: long strings and lists are cut. */
function brief(value) {
  const text = JSON.stringify(value, (k, v) => (typeof v === 'string' && v.length > 60 ? `${v.slice(0, 57)}…` : v));
  return text && text.length > 240 ? `${text.slice(0, 237)}…` : text;
}

function replaceList(list, items, emptyText) {
  if (items.length === 0) {
    const li = document.createElement('li');
    li.className = 'empty';
    li.textContent = emptyText;
    list.replaceChildren(li);
  } else {
    list.replaceChildren(...items);
  }
}

const who = (thread) => thread.user?.nickname ?? thread.uid;

function showUnread(total, threads) {
  const badge = $('unread-badge');
  badge.textContent = String(total);
  badge.hidden = total === 0;
  document.title = total > 0 ? `(${total}) ${TITLE}` : TITLE;
  replaceList($('unread-threads'), threads.map((thread) => {
    const li = document.createElement('li');
    li.dataset.uid = thread.uid;
    const label = document.createElement('span');
    const count = typeof thread.unreadCount === 'number' ? ` (${thread.unreadCount})` : '';
    label.textContent = `${who(thread)}${thread.topic ? ` · ${thread.topic}` : ''}${count}`;
    const clear = document.createElement('button');
    clear.type = 'button';
    clear.className = 'clear';
    clear.textContent = 'Mark read';
    clear.addEventListener('click', () => command(`clearUnreadCount('${thread.uid}')`, () => host.clearUnreadCount(thread.uid)));
    li.append(label, clear);
    return li;
  }), 'Nothing unread.');
}

function notify(text) {
  const list = $('notifications');
  list.querySelector('.empty')?.remove();
  const li = document.createElement('li');
  li.textContent = text;
  list.prepend(li);
  while (list.children.length > 5) list.lastElementChild.remove();
}

function showStatus(status) {
  $('agent-status').textContent = status ?? '—';
  for (const button of document.querySelectorAll('[data-status]')) {
    button.setAttribute('aria-pressed', String(button.dataset.status === status));
  }
}

function showConnection(state, text) {
  $('connection').dataset.state = state;
  $('connection').textContent = text;
}

// --- the workstation ----------------------------------------------------------------------------

/** Where the workstation comes from: the real one `make demo` was given, or the demo one. */
async function openWorkstation(container) {
  if (query.has('desk')) {
    // Written by `make demo` from DESK_URL and ACCESS_TOKEN, deleted when it stops.
    const res = await fetch('/target/demo-config/desk.json', { cache: 'no-store' });
    if (!res.ok) throw new Error(`no desk configuration (HTTP ${res.status}): run make demo with DESK_URL and ACCESS_TOKEN set`);
    const { baseUrl, accessToken, entry } = await res.json();
    log(`embedding the workstation at ${baseUrl} (entry ${entry ?? 'agent'}) with the token login URL`);
    return DeskHost.create(container, { baseUrl, accessToken, entry, height: '100%', title: 'Agent workstation' });
  }
  const origin = query.get('workstation') ?? DEMO_WORKSTATION;
  const src = new URL('/www/workstation.html', origin);
  for (const allowed of query.getAll('allow')) src.searchParams.append('allow', allowed);
  const iframe = document.createElement('iframe');
  iframe.title = 'Agent workstation';
  iframe.src = src.href;
  container.append(iframe);
  log(`embedding the demo workstation from ${src.origin}`);
  return DeskHost.attach(iframe);
}

/** Run one host command, logging how it went (a deskbridge workstation acknowledges it). */
async function command(label, run) {
  const started = performance.now();
  log(`→ ${label}`);
  try {
    await run();
    log(`✓ ${label} (${Math.round(performance.now() - started)} ms)`);
  } catch (e) {
    log(`✗ ${label}: ${e.code ?? e.name}: ${e.message}`, 'error');
  }
}

let host;
try {
  host = await openWorkstation($('workstation'));
  follow(host);
} catch (e) {
  showConnection('failed', 'not connected');
  log(`cannot open the workstation: ${e.code ?? e.name}: ${e.message}`, 'error');
}

/** Show what the workstation reports, and wire the buttons to its commands. */
function follow(host) {
  window.deskHost = host; // for poking at it from the console

  host.on('ready', ({ protocol }) => {
    if (protocol >= 2) {
      showConnection('connected', `connected to ${host.origin}`);
    } else {
      // No deskbridge handshake answered: a base-protocol workstation (its commands are not
      // acknowledged), or one that does not allow this page.
      showConnection('loaded', `${host.origin} loaded, no handshake`);
    }
    log(`ready: the workstation at ${host.origin}, protocol ${protocol}`);
  });
  host.on('disconnected', ({ reason }) => {
    showConnection('disconnected', `disconnected (${reason})`);
    log(`disconnected: ${reason}`);
  });
  host.on('unread_message_count', ({ totalUnreadCount, unreadThreads }) => {
    showUnread(totalUnreadCount, unreadThreads);
    log(`unread_message_count ${brief({ totalUnreadCount, threads: unreadThreads.map((t) => t.uid) })}`);
  });
  host.on('new_visitor_message', ({ thread }) => {
    notify(`New visitor: ${who(thread)}${thread.content ? ` — “${thread.content}”` : ''}`);
    log(`new_visitor_message ${brief({ uid: thread.uid, user: who(thread), content: thread.content })}`);
  });
  host.on('agent_status_changed', ({ status }) => {
    showStatus(status);
    log(`agent_status_changed ${status}`);
  });
  host.on('thread_status_changed', ({ thread, action }) => {
    log(`thread_status_changed ${action} ${brief({ uid: thread.uid, user: who(thread) })}`);
  });
  host.on('token_expiring', ({ msLeft }) => {
    log(`token_expiring: the access token expires in ${Math.round(msLeft / 1000)} s`, 'error');
  });
  host.on('error', (e) => log(`error ${e.code}: ${e.message}`, 'error'));

  const STATUS_COMMANDS = { AVAILABLE: 'setAvailable', BUSY: 'setBusy', OFFLINE: 'setOffline' };
  for (const button of document.querySelectorAll('[data-status]')) {
    const method = STATUS_COMMANDS[button.dataset.status];
    button.addEventListener('click', () => command(`${method}()`, () => host[method]()));
  }
  $('refresh').addEventListener('click', () => command('refreshThreads()', () => host.refreshThreads()));
  $('reload').addEventListener('click', () => {
    log('reloading the workstation');
    host.iframe.src = host.iframe.src;
  });
  showStatus(host.agentStatus);
  showUnread(host.unreadCount, host.unreadThreads);
}
document.body.dataset.ready = 'true';
