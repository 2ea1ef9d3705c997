// `make demo`'s server (scripts/demo.mjs) as a person runs it: it prints the URLs, serves the two
// pages, stops on Ctrl-C (SIGINT) with exit status 0, and with DESK_URL and ACCESS_TOKEN set makes
// the host page embed that workstation through the token login URL without ever printing the
// token. It runs on its own ports, beside the fixture server the other e2e tests use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOST = 'http://127.0.0.1:8730';
const WORKSTATION = 'http://localhost:8731';
const ARGS = ['--host', '127.0.0.1:8730', '--workstation', 'localhost:8731', '--hostile', '127.0.0.1:8732'];
const CONFIG = path.join(root, 'target/demo-config/desk.json');
// Shaped like a Bytedesk JWT; its signature part must never show up in the output.
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudC0xIn0.c2VjcmV0LXNpZ25hdHVyZS1kby1ub3QtcHJpbnQ';

let browser;
before(async () => { browser = await launch(); });
after(() => browser?.close());

/** Start scripts/demo.mjs; resolves once it has printed its URLs. */
function startDemo(env = {}) {
  const child = spawn(process.execPath, [path.join(root, 'scripts/demo.mjs'), ...ARGS], {
    cwd: root,
    env: { ...process.env, DESK_URL: '', ACCESS_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { text: '' };
  child.stdout.on('data', (d) => { output.text += d; });
  child.stderr.on('data', (d) => { output.text += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start: ${output.text}`)), 20_000);
    child.stdout.on('data', () => {
      if (output.text.includes('Ctrl-C stops')) { clearTimeout(timer); resolve(); }
    });
    exited.then(() => { clearTimeout(timer); reject(new Error(`demo exited: ${output.text}`)); });
  });
  return { child, output, exited, started };
}

/** Ctrl-C, and the demo's exit status within a generous time. */
async function interrupt({ child, exited }) {
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

test('the demo prints both URLs, serves both pages on two origins and stops on Ctrl-C', async () => {
  const demo = startDemo();
  await demo.started;
  const hostUrl = `${HOST}/www/host.html?workstation=${encodeURIComponent(WORKSTATION)}&allow=${encodeURIComponent(HOST)}`;
  assert.match(demo.output.text, new RegExp(`host page: +${hostUrl.replace(/[.?]/g, '\\$&')}\n`));
  assert.match(demo.output.text, new RegExp(`workstation page: +${WORKSTATION}/www/workstation.html`));

  const page = await browser.newPage();
  await page.goto(hostUrl);
  await page.waitForSelector('#connection[data-state="connected"]', { timeout: 15_000 });
  await page.waitForFunction(() => document.title === '(2) Acme CRM', null, { timeout: 15_000 });
  await page.close();

  assert.deepEqual(await interrupt(demo), { code: 0, signal: null });
  assert.match(demo.output.text, /SIGINT, stopping/);
  await assert.rejects(fetch(`${HOST}/www/host.html`), 'nothing serves the host page any more');
});

test('with DESK_URL and ACCESS_TOKEN the host page embeds that workstation with the token login URL; the token is never printed', async () => {
  // www/test/bytedesk/agent/auth/login/ stands in for a Bytedesk server's agent login page.
  const deskUrl = `${WORKSTATION}/www/test/bytedesk`;
  const demo = startDemo({ DESK_URL: deskUrl, ACCESS_TOKEN: TOKEN });
  await demo.started;
  assert.match(demo.output.text, new RegExp(`host page: +${HOST}/www/host.html\\?desk=1\n`));
  assert.match(demo.output.text, new RegExp(`workstation: +${deskUrl} \\(agent entry, ACCESS_TOKEN <redacted, ${TOKEN.length} characters>\\)`));
  for (const part of TOKEN.split('.')) assert.ok(!demo.output.text.includes(part), 'no part of the token is printed');
  assert.equal(fs.statSync(CONFIG).mode & 0o777, 0o600, 'the configuration holding the token is readable by its owner only');

  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The stand-in login page tells its parent which token it was opened with.
  await page.addInitScript(() => addEventListener('message', (e) => {
    if (e.data?.fixture === 'login') window.loginToken = e.data.accessToken;
  }));
  await page.goto(`${HOST}/www/host.html?desk=1`);
  const iframe = page.locator('#workstation iframe');
  await iframe.waitFor({ state: 'attached', timeout: 15_000 });
  assert.equal(await iframe.getAttribute('src'), `${deskUrl}/agent/auth/login?accessToken=${TOKEN}`);
  await page.waitForFunction(() => window.loginToken, null, { timeout: 15_000 });
  assert.equal(await page.evaluate(() => window.loginToken), TOKEN, 'the workstation got the token as issued');
  await page.waitForSelector('#connection[data-state="connected"]', { timeout: 15_000 });
  await page.locator('#agent-status').filter({ hasText: 'AVAILABLE' }).waitFor({ timeout: 15_000 });
  await page.locator('[data-status="BUSY"]').click();
  await page.locator('#agent-status').filter({ hasText: 'BUSY' }).waitFor({ timeout: 15_000 });
  assert.ok(!(await page.locator('#log').innerText()).includes(TOKEN.split('.')[2]), 'the event log does not show the token');
  assert.deepEqual(errors, []);
  await page.close();

  assert.deepEqual(await interrupt(demo), { code: 0, signal: null });
  assert.equal(fs.existsSync(CONFIG), false, 'the configuration holding the token is deleted on exit');
  for (const part of TOKEN.split('.')) assert.ok(!demo.output.text.includes(part), 'no part of the token is printed');
});

test('the demo refuses half a desk configuration or a non-http DESK_URL, printing no token', async () => {
  for (const env of [{ ACCESS_TOKEN: TOKEN }, { DESK_URL: 'javascript:alert(1)', ACCESS_TOKEN: TOKEN }]) {
    const demo = startDemo(env);
    await assert.rejects(demo.started, /demo exited/);
    const { code } = await demo.exited;
    assert.equal(code, 64);
    assert.match(demo.output.text, /DESK_URL/);
    assert.ok(!demo.output.text.includes(TOKEN.split('.')[2]));
  }
});
