// A deskbridge workstation under a parent page that knows only the base protocol
// (www/test/seed-host.html, written from the vendor docs' description and parent example).
// The other direction, a deskbridge host with a base-protocol workstation, runs in both engines
// in tests/web_host.rs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, until, HOST, WORKSTATION } from './browser.mjs';

const browser = await launch();
after(() => browser.close());

const thread = (uid, nickname) => ({ uid, topic: 'org/wg/1', type: 'WORKGROUP', user: { nickname }, content: 'hi', createdAt: '2025-08-01 09:00:00' });

test('a DeskFrame workstation works under a parent page that speaks only the base protocol', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const desk = new URL('/www/test/workstation.html', WORKSTATION);
  desk.searchParams.set('allow', JSON.stringify([HOST]));
  desk.searchParams.set('report', HOST);
  await page.goto(`${HOST}/www/test/seed-host.html?desk=${encodeURIComponent(desk.href)}`);
  await until(page, () => window.reports.some((r) => r.kind === 'connected'));

  const emit = (method, args) => page.evaluate(([method, args, origin]) => {
    document.getElementById('bytedesk-iframe').contentWindow.postMessage({ fixture: 'emit', method, args }, origin);
  }, [method, args, WORKSTATION]);
  await emit('emitUnreadCount', [3, [thread('th-1', 'Ann'), thread('th-2', 'Bob')]]);
  await emit('emitNewVisitor', [thread('th-3', 'Cleo')]);
  await emit('emitAgentStatus', ['AWAY']);
  await emit('emitThreadStatus', [thread('th-2', 'Bob'), 'closed']);
  const seen = await until(page, () => window.seen.length >= 4 && window.seen);
  assert.deepEqual(seen.map((m) => m.type), ['unread_message_count', 'new_visitor_message', 'agent_status_changed', 'thread_status_changed']);
  assert.deepEqual(seen[0].data, { totalUnreadCount: 3, unreadThreads: [thread('th-1', 'Ann'), thread('th-2', 'Bob')] });
  assert.deepEqual(seen[2].data, { status: 'AWAY' });
  assert.equal(await page.textContent('#unread-count'), '3');
  assert.equal(await page.textContent('#agent-status'), 'AWAY');
  assert.equal(await page.title(), 'New visitor: Cleo');

  // The docs' six commands, sent the docs' way.
  await page.evaluate(() => {
    setAgentOnline();
    setAgentBusy();
    setAgentOffline();
    setAgentStatus('BUSY');
    refreshThreads();
    clearThreadUnread('th-1');
  });
  const handled = await until(page, () => {
    const c = window.reports.filter((r) => r.kind === 'command');
    return c.length >= 6 && c;
  });
  assert.deepEqual(handled.map((c) => [c.name, c.data]), [
    ['update_agent_status', { status: 'AVAILABLE' }],
    ['update_agent_status', { status: 'BUSY' }],
    ['update_agent_status', { status: 'OFFLINE' }],
    ['update_agent_status', { status: 'BUSY' }],
    ['refresh_threads', {}],
    ['clear_unread_count', { threadUid: 'th-1' }],
  ]);
  const trouble = await page.evaluate(() => window.reports.filter((r) => r.kind === 'pageerror' || r.kind === 'diagnostic'));
  assert.deepEqual(trouble, []);
  assert.deepEqual(errors, []);
  await page.close();
});
