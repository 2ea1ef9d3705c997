// The README's script-tag workstation example, run exactly as written, framed by a host page on
// the origin it allows.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, recordingPage, until, HOST, WORKSTATION } from './browser.mjs';

const browser = await launch();
after(() => browser.close());

test('the README workstation example reports to its host and obeys its commands', async () => {
  assert.equal(HOST, 'http://127.0.0.1:8710', 'the README example allows this host origin');
  const { page, errors } = await recordingPage(browser, HOST);
  await page.evaluate((src) => {
    const f = document.createElement('iframe');
    f.src = src;
    document.body.appendChild(f);
  }, `${WORKSTATION}/www/test/readme-example.html?name=workstation`);

  const unread = await until(page, () => window.received.find((m) => m.data?.type === 'unread_message_count'));
  assert.equal(unread.origin, WORKSTATION);
  assert.equal(unread.data.source, 'bytedesk-desktop');
  assert.equal(unread.data.data.totalUnreadCount, 2);
  assert.equal(unread.data.data.unreadThreads[0].uid, 'th-1');

  // A seed-protocol command, exactly as the vendor's docs send it (but to the exact origin).
  await page.evaluate((origin) => {
    document.querySelector('iframe').contentWindow.postMessage({ type: 'update_agent_status_busy' }, origin);
  }, WORKSTATION);
  const status = await until(page, () => window.received.find((m) => m.data?.type === 'agent_status_changed'));
  assert.deepEqual(status.data.data, { status: 'BUSY' });

  await page.evaluate((origin) => {
    document.querySelector('iframe').contentWindow.postMessage({ type: 'clear_unread_count', data: { threadUid: 'th-1' } }, origin);
  }, WORKSTATION);
  await until(page, () => window.received.filter((m) => m.data?.type === 'unread_message_count').length === 2);
  const last = await page.evaluate(() => window.received.filter((m) => m.data?.type === 'unread_message_count').at(-1).data.data);
  assert.deepEqual(last, { totalUnreadCount: 0, unreadThreads: [] });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the README host example shows the count, sets the status and clears a thread', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  await page.goto(`${HOST}/www/test/readme-example.html?name=host`);
  const badge = page.locator('#badge');
  await until(page, () => document.getElementById('badge')?.textContent === '2');
  assert.equal(await page.title(), '(2) Support');

  await page.click('#busy');
  await until(page, () => document.getElementById('status').textContent === 'BUSY');

  await page.click('#clear');
  await until(page, () => document.getElementById('badge').textContent === '0');
  assert.equal(await badge.textContent(), '0');
  assert.equal(await page.title(), 'Support');
  assert.deepEqual(errors, []);
  await page.close();
});
