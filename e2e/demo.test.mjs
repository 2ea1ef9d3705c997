// The demo as a person uses it (`make demo`): the host page (www/host.html, its script bundled by
// webpack from `deskbridge`) embeds the demo workstation (www/workstation.html, the web build in
// a script tag) from another origin. Every step is a real click in one of the two pages, and every
// check is what the person sees: the badge, the tab title, the status, the lists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, HOST, WORKSTATION, HOSTILE } from './browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCREENSHOT = path.join(root, 'target/demo-screenshot.png');
const DEFAULT_HOST = 'http://127.0.0.1:8710';
const WAIT = 15_000; // generous: two cores shared with other builds

let browser;
before(async () => { browser = await launch(); });
after(() => browser?.close());

/**
 * Open the host page as `make demo` prints it, in a fresh browser context. `allow` overrides the
 * demo workstation's allowlist. Returns the page, the workstation frame and the errors seen.
 */
async function openDemo({ allow } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const url = new URL('/www/host.html', HOST);
  if (WORKSTATION !== 'http://localhost:8711') url.searchParams.set('workstation', WORKSTATION);
  const allowed = allow ?? (HOST === DEFAULT_HOST ? [] : [HOST]);
  for (const origin of allowed) url.searchParams.append('allow', origin);
  await page.goto(url.href);
  const frame = page.frameLocator('#workstation iframe');
  return { page, frame, errors, requests, close: () => context.close() };
}

const connected = (page) => page.waitForSelector('#connection[data-state="connected"]', { timeout: WAIT });
const badge = (page) => page.locator('#unread-badge');

async function expectText(locator, text) {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: WAIT });
}

async function expectBadge(page, count) {
  if (count === 0) {
    await badge(page).waitFor({ state: 'hidden', timeout: WAIT });
  } else {
    await page.waitForFunction((n) => {
      const b = document.getElementById('unread-badge');
      return !b.hidden && b.textContent === String(n);
    }, count, { timeout: WAIT });
  }
  await page.waitForFunction((n) => document.title === (n ? `(${n}) Acme CRM` : 'Acme CRM'), count, { timeout: WAIT });
}

/** Poll `check` until it holds; fail with `message` after WAIT. */
async function eventually(check, message) {
  const deadline = Date.now() + WAIT;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(message());
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The host shows `status` and the workstation's selector is set to it. */
async function expectStatus(page, frame, status) {
  await expectText(page.locator('#agent-status'), status);
  assert.equal(await page.locator('#agent-status').textContent(), status);
  const selector = frame.locator('#status');
  await eventually(async () => (await selector.inputValue()) === status,
    async () => `the workstation's status is ${await selector.inputValue()}, not ${status}`);
}

test('the host page embeds the workstation from another origin, both driven by deskbridge', async () => {
  const { page, frame, errors, requests, close } = await openDemo();
  await connected(page);
  const iframeSrc = await page.locator('#workstation iframe').getAttribute('src');
  assert.equal(new URL(iframeSrc).origin, WORKSTATION);
  assert.notEqual(new URL(page.url()).origin, WORKSTATION, 'host and workstation are on different origins');
  assert.equal(await page.locator('#connection').textContent(), `connected to ${WORKSTATION}`);
  await expectText(frame.locator('#link'), `Embedded by ${HOST}`);
  // The workstation starts with two unread messages in one thread.
  await expectBadge(page, 2);
  await expectText(page.locator('#unread-threads li'), 'Alice Martin');
  await expectText(page.locator('#agent-status'), 'AVAILABLE');
  // The host page runs the webpack bundle (which imported 'deskbridge/host'), not the web build.
  assert.ok(requests.some((u) => u.startsWith(`${HOST}/target/demo/`) && u.endsWith('.wasm')), 'host loads the bundled wasm');
  assert.ok(!requests.some((u) => u.startsWith(`${HOST}/pkg/`)), 'host never loads pkg/ directly');
  assert.ok(requests.some((u) => u === `${WORKSTATION}/pkg/web/frame_bg.wasm`), 'workstation loads the DeskFrame web build');

  // A bit of life for the screenshot: a new visitor and a busy agent.
  await frame.locator('#new-visitor').click();
  await page.locator('[data-status="BUSY"]').click();
  await expectStatus(page, frame, 'BUSY');
  await expectBadge(page, 3);
  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT });
  assert.ok(fs.statSync(SCREENSHOT).size > 10_000, 'the screenshot has content');
  assert.deepEqual(errors, []);
  await close();
});

test('status buttons in the host set the workstation status, and the workstation\'s own change shows in the host', async () => {
  const { page, frame, errors, close } = await openDemo();
  await connected(page);
  for (const status of ['BUSY', 'OFFLINE', 'AVAILABLE']) {
    await page.locator(`[data-status="${status}"]`).click();
    await expectStatus(page, frame, status);
    assert.equal(await page.locator(`[data-status="${status}"]`).getAttribute('aria-pressed'), 'true');
    // The command was acknowledged by the workstation, not just posted.
    await expectText(page.locator('#log li'), `✓ set${status[0]}${status.slice(1).toLowerCase()}()`);
  }
  // The agent picks a status the host cannot ask for: it is shown as it is.
  await frame.locator('#status').selectOption('AWAY');
  await expectText(page.locator('#agent-status'), 'AWAY');
  assert.equal(await page.locator('[aria-pressed="true"]').count(), 0);
  await frame.locator('#status').selectOption('BUSY');
  await expectText(page.locator('#agent-status'), 'BUSY');
  assert.equal(await page.locator('[data-status="BUSY"]').getAttribute('aria-pressed'), 'true');
  assert.deepEqual(errors, []);
  await close();
});

test('a new visitor in the workstation shows in the host: notification, badge, title and unread list', async () => {
  const { page, frame, errors, close } = await openDemo();
  await connected(page);
  await expectBadge(page, 2);
  await frame.locator('#new-visitor').click();
  await expectText(page.locator('#notifications li'), 'New visitor: Chen Jing');
  await expectBadge(page, 3);
  await expectText(page.locator('#unread-threads li[data-uid="th-3"]'), 'Chen Jing');
  await frame.locator('#new-visitor').click();
  await expectText(page.locator('#notifications li'), 'New visitor: Maria Lopez');
  await expectBadge(page, 4);
  assert.equal(await page.locator('#notifications li').first().textContent(), 'New visitor: Maria Lopez — “Can I change my plan?”');
  // Reading a thread in the workstation lowers the host's count too.
  await frame.locator('li.thread[data-uid="th-1"]').click();
  await expectBadge(page, 2);
  assert.equal(await page.locator('#unread-threads li[data-uid="th-1"]').count(), 0);
  // Closing a thread shows in the host's log.
  await frame.locator('li.thread[data-uid="th-3"] button.close').click();
  await expectText(page.locator('#log li'), 'thread_status_changed closed');
  await expectBadge(page, 1);
  assert.deepEqual(errors, []);
  await close();
});

test('clearing a thread\'s unread count in the host clears it in the workstation', async () => {
  const { page, frame, errors, close } = await openDemo();
  await connected(page);
  await frame.locator('#new-visitor').click();
  await expectBadge(page, 3);
  await page.locator('#unread-threads li[data-uid="th-1"] button.clear').click();
  await expectBadge(page, 1);
  await frame.locator('li.thread[data-uid="th-1"] .unread').waitFor({ state: 'hidden', timeout: WAIT });
  assert.equal(await frame.locator('#total').textContent(), '1');
  await page.locator('#unread-threads li[data-uid="th-3"] button.clear').click();
  await expectBadge(page, 0);
  await expectText(page.locator('#unread-threads li'), 'Nothing unread.');
  assert.equal(await frame.locator('#total').textContent(), '0');
  assert.deepEqual(errors, []);
  await close();
});

test('after the workstation iframe reloads, everything still works', async () => {
  const { page, frame, errors, close } = await openDemo();
  await connected(page);
  await frame.locator('#new-visitor').click();
  await page.locator('[data-status="BUSY"]').click();
  await expectStatus(page, frame, 'BUSY');
  await expectBadge(page, 3);

  await page.locator('#reload').click();
  await expectText(page.locator('#log li'), 'disconnected: reload');
  await connected(page);
  // The reloaded demo workstation starts over (two unread, available); the host follows it.
  await expectText(frame.locator('#link'), `Embedded by ${HOST}`);
  await expectBadge(page, 2);
  await expectStatus(page, frame, 'AVAILABLE');
  assert.equal(await page.locator('#unread-threads li[data-uid="th-3"]').count(), 0);

  await page.locator('[data-status="OFFLINE"]').click();
  await expectStatus(page, frame, 'OFFLINE');
  await frame.locator('#new-visitor').click();
  await expectText(page.locator('#notifications li'), 'New visitor: Chen Jing');
  await expectBadge(page, 3);
  await page.locator('#unread-threads li[data-uid="th-3"] button.clear').click();
  await expectBadge(page, 2);
  assert.equal(await frame.locator('#total').textContent(), '2');
  assert.deepEqual(errors, []);
  await close();
});

test('with the host origin removed from the workstation allowlist, nothing reaches either side', async () => {
  // The workstation allows only another origin: the browser delivers none of its messages to this
  // host page, and it obeys no command from it.
  const { page, frame, errors, close } = await openDemo({ allow: [HOSTILE] });
  await expectText(frame.locator('#link'), 'which is not allowed');
  // No deskbridge handshake ever comes back: after its timeout the host treats the frame as a
  // silent base-protocol page, never as connected.
  await page.waitForSelector('#connection[data-state="loaded"]', { timeout: WAIT });
  assert.equal(await badge(page).isHidden(), true);
  assert.equal(await page.title(), 'Acme CRM');
  assert.equal(await page.locator('#agent-status').textContent(), '—');

  // The workstation's own UI works, but the host hears nothing of it.
  await frame.locator('#new-visitor').click();
  await expectText(frame.locator('#total'), '3');
  // A command is posted (a base-protocol peer cannot acknowledge it) but the workstation ignores it.
  await page.locator('[data-status="BUSY"]').click();
  await expectText(page.locator('#log li'), '✓ setBusy()');
  await page.waitForTimeout(1500);
  assert.equal(await frame.locator('#status').inputValue(), 'AVAILABLE');
  assert.equal(await badge(page).isHidden(), true);
  assert.equal(await page.title(), 'Acme CRM');
  assert.equal(await page.locator('#agent-status').textContent(), '—');
  assert.equal(await page.locator('#notifications li').first().textContent(), 'None yet.');
  assert.equal(await page.locator('#connection').getAttribute('data-state'), 'loaded');
  assert.deepEqual(errors, []);
  await close();
});
