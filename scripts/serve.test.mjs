// Tests of the fixture server (scripts/serve.mjs): run with `node --test scripts/serve.test.mjs`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServers, CSP_HEADER_VALUE } from './serve.mjs';

const SERVE = fileURLToPath(new URL('./serve.mjs', import.meta.url));

let tmp;
let root;
let running;
let port;

// A raw GET/HEAD: the path goes on the wire exactly as given (no URL normalisation by a client).
function request(rawPath, { method = 'GET' } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'deskbridge-serve-')));
  root = path.join(tmp, 'root');
  fs.mkdirSync(path.join(root, 'www', 'nested'), { recursive: true });
  fs.mkdirSync(path.join(root, 'pkg'));
  fs.mkdirSync(path.join(root, '.git'));
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'outside the root\n');
  fs.writeFileSync(path.join(root, '.git', 'config'), '[core]\n');
  fs.writeFileSync(path.join(root, 'www', 'page.html'), '<!doctype html><p>page</p>\n');
  fs.writeFileSync(path.join(root, 'www', 'nested', 'index.html'), '<!doctype html><p>index</p>\n');
  fs.writeFileSync(path.join(root, 'pkg', 'deskbridge_bg.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  for (const [name, body] of [['a.js', 'export {}\n'], ['a.mjs', 'export {}\n'], ['a.css', 'p{}\n'],
    ['a.json', '{}\n'], ['a.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>\n'], ['a.png', 'png'], ['a.bin', 'x']]) {
    fs.writeFileSync(path.join(root, 'www', name), body);
  }
  fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(root, 'www', 'link-out.txt'));
  fs.symlinkSync(tmp, path.join(root, 'www', 'dir-out'));
  fs.symlinkSync(path.join(root, 'www', 'page.html'), path.join(root, 'www', 'link-in.html'));

  running = await startServers({ root, log: false, origins: [{ name: 'test', hostname: '127.0.0.1', port: 0 }] });
  port = running.servers[0].address().port;
});

after(async () => {
  await running?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('serves files with the right MIME types and no-store caching', async () => {
  const expected = {
    '/pkg/deskbridge_bg.wasm': 'application/wasm',
    '/www/a.js': 'text/javascript; charset=utf-8',
    '/www/a.mjs': 'text/javascript; charset=utf-8',
    '/www/page.html': 'text/html; charset=utf-8',
    '/www/a.css': 'text/css; charset=utf-8',
    '/www/a.json': 'application/json; charset=utf-8',
    '/www/a.svg': 'image/svg+xml',
    '/www/a.png': 'image/png',
    '/www/a.bin': 'application/octet-stream',
  };
  for (const [p, type] of Object.entries(expected)) {
    const res = await request(p);
    assert.equal(res.status, 200, p);
    assert.equal(res.headers['content-type'], type, p);
    assert.equal(res.headers['cache-control'], 'no-store', p);
    assert.equal(res.headers['content-security-policy'], undefined, p);
  }
  const wasm = await request('/pkg/deskbridge_bg.wasm');
  assert.deepEqual([...wasm.body.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
});

test('never serves anything outside the root', async () => {
  const attempts = [
    '/../secret.txt',
    '/www/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/www/%2e%2e/%2e%2e/secret.txt',
    '/www/..%2f..%2fsecret.txt',
    '/www/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/www/..\\..\\secret.txt',
    '/%252e%252e/secret.txt',
    '/www/link-out.txt',
    '/www/dir-out/secret.txt',
    '/www/page.html%00.png',
    '/%zz',
    path.join(tmp, 'secret.txt'),
    '//' + path.join(tmp, 'secret.txt'),
  ];
  for (const p of attempts) {
    const res = await request(p);
    assert.ok(res.status === 403 || res.status === 404, `${p} -> ${res.status}`);
    assert.ok(!res.body.toString().includes('outside the root'), p);
  }
});

test('refuses dot-files and lists no directories', async () => {
  assert.equal((await request('/.git/config')).status, 403);
  assert.equal((await request('/www/%2egit/config')).status, 403);
  for (const dir of ['/', '/www', '/www/', '/pkg/']) {
    const res = await request(dir);
    assert.equal(res.status, 404, dir);
    assert.ok(!res.body.toString().includes('page.html'), dir);
  }
});

test('serves a directory only through its index.html', async () => {
  const redirect = await request('/www/nested?x=1');
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.location, '/www/nested/?x=1');
  const index = await request('/www/nested/');
  assert.equal(index.status, 200);
  assert.match(index.body.toString(), /index/);
});

test('follows symlinks that stay inside the root', async () => {
  const res = await request('/www/link-in.html');
  assert.equal(res.status, 200);
  assert.match(res.body.toString(), /page/);
});

test('?csp=1 adds the strict CSP header to HTML only', async () => {
  const html = await request('/www/page.html?csp=1');
  assert.equal(html.headers['content-security-policy'], CSP_HEADER_VALUE);
  assert.equal(CSP_HEADER_VALUE, "script-src 'self' 'wasm-unsafe-eval'");
  const js = await request('/www/a.js?csp=1');
  assert.equal(js.headers['content-security-policy'], undefined);
  const off = await request('/www/page.html?csp=0');
  assert.equal(off.headers['content-security-policy'], undefined);
});

test('?delay=MS delays the answer', async () => {
  const t0 = Date.now();
  const res = await request('/www/page.html?delay=300');
  assert.equal(res.status, 200);
  assert.ok(Date.now() - t0 >= 280, `answered after ${Date.now() - t0} ms`);
  const t1 = Date.now();
  await request('/www/page.html?delay=nonsense');
  assert.ok(Date.now() - t1 < 250);
});

test('answers HEAD without a body and refuses other methods', async () => {
  const head = await request('/www/page.html', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(Number(head.headers['content-length']), fs.statSync(path.join(root, 'www', 'page.html')).size);
  const post = await request('/www/page.html', { method: 'POST' });
  assert.equal(post.status, 405);
});

test('the CLI prints its origins and exits cleanly on SIGTERM and SIGINT', async () => {
  for (const signal of ['SIGTERM', 'SIGINT']) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, [SERVE, '--root', root,
      '--host', `127.0.0.1:${base}`, '--workstation', `localhost:${base + 1}`, '--hostile', `127.0.0.1:${base + 2}`]);
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { out += c; });
    const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
    const deadline = Date.now() + 10_000;
    while (!out.includes('Ctrl-C') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.match(out, new RegExp(`host +http://127\\.0\\.0\\.1:${base}/`));
    assert.match(out, new RegExp(`workstation +http://localhost:${base + 1}/`));
    assert.match(out, new RegExp(`hostile +http://127\\.0\\.0\\.1:${base + 2}/`));
    const res = await fetch(`http://localhost:${base + 1}/www/page.html`);
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('x-deskbridge-fixture'));
    child.kill(signal);
    assert.deepEqual(await exited, { code: 0, sig: null }, out);
  }
});
