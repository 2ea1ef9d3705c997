// Hostile input and faults, across real origins (issue 7): a spoofing matrix for both sides,
// floods of 100,000 messages, reloads, removal, destroy/attach cycles, a strict CSP, and no
// access token in any console line, error or diagnostic. Each test prints its figures; the last
// one prints the table the README's "Security model" quotes and writes it to
// target/test-logs/hostile-figures.json.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launch, until, HOST, WORKSTATION, HOSTILE } from './browser.mjs';

const browser = await launch();
after(() => browser.close());

// Same server and port, another origin: `localhost` and `127.0.0.1` are two origins.
const swapHost = (origin) => origin.includes('localhost')
  ? origin.replace('localhost', '127.0.0.1')
  : origin.replace('127.0.0.1', 'localhost');
const LOOKALIKE_HOST = swapHost(HOST);
const LOOKALIKE_WORKSTATION = swapHost(WORKSTATION);

const FLOOD = 100_000;
const SPOOFS = 60; // forged messages per row of the matrix

// An access token that must never show up in a console line, an error or a diagnostic.
const b64url = (s) => Buffer.from(s).toString('base64url');
const SECRET_SIG = 'c2VjcmV0U2lnbmF0dXJlOTg3NjU0MzIx';
const TOKEN = `${b64url('{"alg":"HS384"}')}.${b64url(JSON.stringify({
  sub: JSON.stringify({ username: 'agent7@example.com', platform: 'bytedesk' }),
  iat: 1_752_724_832,
  exp: 4_102_444_800,
}))}.${SECRET_SIG}`;
const tokenPieces = [TOKEN, ...TOKEN.split('.'), SECRET_SIG.slice(0, 16)];

// Every console line and page error of every page this file opens.
const consoleLines = [];
const figures = { spoofs: [], floods: [], faults: [] };

const ws = (params = {}) => {
  const url = new URL('/www/test/counting-workstation.html', WORKSTATION);
  for (const [k, v] of Object.entries({ allow: [HOST], ...params })) {
    url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return url.href;
};
const sender = (origin, report = HOST) => `${origin}/www/test/hostile-sender.html?report=${encodeURIComponent(report)}`;
const hostPage = (origin, params = {}) => {
  const url = new URL('/www/test/hostile-host.html', origin);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  return url.href;
};

async function openPage(url) {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  page.on('pageerror', (e) => { errors.push(e.message); consoleLines.push(e.message); });
  const response = await page.goto(url);
  await until(page, () => window.rec?.ready === true);
  return { page, errors, response };
}

/** The frame whose URL starts with `prefix`, once it has one. */
async function frameAt(page, prefix, { ready = true } = {}) {
  const end = Date.now() + 10_000;
  for (;;) {
    const f = page.frames().find((fr) => fr.url().startsWith(prefix));
    if (f) {
      if (ready) await until(f, () => window.rec?.ready === true || window.received !== undefined);
      return f;
    }
    if (Date.now() > end) throw new Error(`no frame at ${prefix}: ${page.frames().map((fr) => fr.url())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function contentFrame(page, selector) {
  const f = await (await page.$(selector)).contentFrame();
  await until(f, () => window.rec?.ready === true || window.received !== undefined);
  return f;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Forged workstation -> host messages: every type, each claiming to be the workstation. */
const FORGED_EVENTS = [
  { type: 'unread_message_count', data: { totalUnreadCount: 999, unreadThreads: [] }, source: 'bytedesk-desktop' },
  { type: 'new_visitor_message', data: { thread: { uid: 'forged' } }, source: 'bytedesk-desktop' },
  { type: 'agent_status_changed', data: { status: 'HIJACKED' }, source: 'bytedesk-desktop' },
  { type: 'thread_status_changed', data: { thread: { uid: 'forged' }, action: 'closed' }, source: 'bytedesk-desktop' },
  { type: 'bytedesk_ready', data: { protocol: 2, ack: true }, source: 'bytedesk-desktop' },
  { type: 'command_result', data: { id: 1, ok: false, error: 'forged' }, source: 'bytedesk-desktop' },
  { type: 'bytedesk_bye', source: 'bytedesk-desktop' },
  { type: 'unread_message_count', data: { totalUnreadCount: -1 }, source: 'bytedesk-desktop' },
];

/** Forged host -> workstation commands: every type, with and without ids. */
const FORGED_COMMANDS = [
  { type: 'update_agent_status', data: { status: 'OFFLINE' } },
  { type: 'update_agent_status_available' },
  { type: 'update_agent_status_busy', id: 1 },
  { type: 'update_agent_status_offline' },
  { type: 'refresh_threads', id: 2 },
  { type: 'clear_unread_count', data: { threadUid: 'forged' } },
  { type: 'bytedesk_hello', data: { protocol: 2 } },
  { type: 'update_agent_status', data: { status: 'nonsense' } },
];

/** Post the forged `messages` `rounds` times from `frameOrPage` to the window `target` names. */
async function spray(frameOrPage, target, messages, rounds, targetOrigin = '*') {
  return frameOrPage.evaluate(({ target, messages, rounds, targetOrigin }) => {
    const w = {
      parent: () => parent,
      top: () => top,
      self: () => window,
      'frames[0]': () => frames[0],
      'parent.frames[0]': () => parent.frames[0],
      ws: () => document.getElementById('ws').contentWindow,
    }[target]();
    let n = 0;
    for (let i = 0; i < rounds; i++) {
      for (const m of messages) { w.postMessage({ ...m, timestamp: Date.now() }, targetOrigin); n++; }
    }
    return n;
  }, { target, messages, rounds, targetOrigin });
}

const rounds = Math.ceil(SPOOFS / 8);

test('host side: events forged by every wrong sender are never delivered', async () => {
  const { page, errors } = await openPage(hostPage(HOST, { ws: ws() }));
  await until(page, () => window.rec.readies >= 1);
  const desk = await frameAt(page, `${WORKSTATION}/www/test/counting-workstation.html`);

  // Hosts whose own iframe shows a wrong origin: hostile, a lookalike, sandboxed (null).
  await page.evaluate(async ({ hostile, lookalike, nullSrc, origin }) => {
    const attach = async (id, src, label, sandbox) => {
      const f = await window.frameOf(src, { id, sandbox });
      window[label] = window.watch(window.deskbridge.DeskHost.attach(f, { origin }), label);
    };
    await attach('f-hostile', hostile, 'hostileFrameHost');
    await attach('f-lookalike', lookalike, 'lookalikeFrameHost');
    await attach('f-null', nullSrc, 'nullFrameHost', 'allow-scripts');
  }, {
    hostile: sender(HOSTILE),
    lookalike: sender(LOOKALIKE_WORKSTATION),
    nullSrc: sender(WORKSTATION),
    origin: WORKSTATION,
  });
  // Siblings of the workstation frame: the hostile origin, and the right origin in the wrong window.
  await page.evaluate(async ({ a, b }) => {
    await window.frameOf(a, { id: 's-hostile' });
    await window.frameOf(b, { id: 's-right-origin' });
  }, { a: sender(HOSTILE), b: sender(WORKSTATION) });
  // A grandchild: a frame of the workstation's origin inside the workstation frame.
  await desk.evaluate((src) => new Promise((resolve) => {
    const f = document.createElement('iframe');
    f.onload = resolve;
    f.src = src;
    document.body.appendChild(f);
  }), sender(WORKSTATION));
  const grandchild = desk.childFrames()[0];
  await until(grandchild, () => window.received !== undefined);

  const snapshot = () => page.evaluate(() => ({
    delivered: window.rec.delivered,
    errors: window.rec.errors.length,
    mainReadies: window.rec.readyBy.main,
    disconnects: window.rec.disconnects.length,
    postedToWrongOrigin: window.rec.reports.filter((r) => r.kind === 'hostile-received'),
  }));
  const before = await snapshot();
  const rows = [
    ['host: hostile origin, sibling frame', await contentFrame(page, '#s-hostile'), 'parent', FORGED_EVENTS],
    ['host: workstation origin, wrong window (sibling frame)', await contentFrame(page, '#s-right-origin'), 'parent', FORGED_EVENTS],
    ['host: workstation origin, wrong window (grandchild posting to top)', grandchild, 'top', FORGED_EVENTS],
    ['host: wrong origin in the host\'s own iframe (hostile page)', await contentFrame(page, '#f-hostile'), 'parent', FORGED_EVENTS],
    ['host: lookalike origin in the host\'s own iframe (127.0.0.1 for localhost)', await contentFrame(page, '#f-lookalike'), 'parent', FORGED_EVENTS],
    ['host: null origin in the host\'s own iframe (sandbox="allow-scripts")', await contentFrame(page, '#f-null'), 'parent', FORGED_EVENTS],
    ['host: envelopes posted by the host page to itself', page, 'self', FORGED_EVENTS],
    ['host: right window and origin, no source marker', desk, 'parent', FORGED_EVENTS.map(({ source, ...m }) => m)],
    ['host: right window and origin, wrong source marker', desk, 'parent',
      FORGED_EVENTS.flatMap((m) => ['Bytedesk-Desktop', 'bytedesk-desktop ', 'bytedesk', 42].map((source) => ({ ...m, source })))],
  ];
  for (const [name, from, target, messages] of rows) {
    const r = Math.max(1, Math.ceil(SPOOFS / messages.length));
    const sent = await spray(from, target, messages, r);
    figures.spoofs.push({ name, sent });
  }
  // Messages from one window arrive in order: once a last marker from each sender is back, every
  // forged message before it has been handled.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  const afterSpoofs = await snapshot();
  assert.deepEqual(await page.evaluate(() => window.rec.events), [], 'no forged event reached any app callback');
  assert.equal(afterSpoofs.delivered, before.delivered);
  assert.equal(afterSpoofs.errors, before.errors, 'foreign traffic is not even diagnosed');
  assert.equal(afterSpoofs.mainReadies, before.mainReadies, 'no forged ready reconnected the host');
  assert.equal(afterSpoofs.disconnects, before.disconnects, 'no forged bye disconnected a host');
  assert.deepEqual(afterSpoofs.postedToWrongOrigin, [], 'no host posted anything (not even hello) to a wrong origin');
  for (const row of figures.spoofs.filter((r) => r.name.startsWith('host:'))) row.delivered = 0;

  // Controls: the real workstation is heard by the same hosts, so the zeros above mean something.
  await desk.evaluate(() => window.frame.emitAgentStatus('AVAILABLE'));
  await until(page, () => window.rec.events.some((e) => e.host === 'main' && e.data.status === 'AVAILABLE'));
  await page.evaluate(async (src) => {
    for (const id of ['f-hostile', 'f-lookalike', 'f-null']) {
      const f = document.getElementById(id);
      f.removeAttribute('sandbox');
      f.src = `${src}&for=${id}`;
    }
  }, ws());
  for (const [id, label] of [['f-hostile', 'hostileFrameHost'], ['f-lookalike', 'lookalikeFrameHost'], ['f-null', 'nullFrameHost']]) {
    const f = await frameAt(page, `${ws()}&for=${id}`);
    await until(f, () => window.frame !== undefined);
    await f.evaluate((label) => window.frame.emitAgentStatus(`TO-${label}`), label);
    await until(page, (label) => window.rec.events.some((e) => e.host === label && e.data.status === `TO-${label}`), label);
  }
  assert.deepEqual(errors, []);
  assert.deepEqual(await page.evaluate(() => window.rec.pageErrors), []);
  await page.close();
});

test('workstation side: commands forged by every wrong sender are never obeyed, and no event reaches a wrong parent', async () => {
  // Control: the allowed parent is obeyed.
  const control = await openPage(hostPage(HOST));
  await control.page.evaluate((src) => window.frameOf(src, { id: 'ws' }), ws({ allow: [HOST, WORKSTATION] }));
  const desk = await contentFrame(control.page, '#ws');
  await until(desk, () => window.frame !== undefined);
  const sentOk = await spray(control.page, 'ws', FORGED_COMMANDS, rounds, WORKSTATION);
  await until(desk, (n) => window.rec.commands.length === n, FORGED_COMMANDS.length * rounds - 2 * rounds);
  figures.spoofs.push({ name: 'workstation: control, the allowed parent', sent: sentOk, obeyed: sentOk - 2 * rounds, note: 'hello and one malformed command per round are not commands to run' });
  await desk.evaluate(() => { window.rec.commands = []; window.rec.diagnostics = []; });

  const rows = [];
  // Right origin (allowed), wrong window: a sibling, a grandchild, the workstation page itself.
  await control.page.evaluate((src) => window.frameOf(src, { id: 'sib' }), `${HOST}/www/test/hostile-sender.html`);
  rows.push(['workstation: allowed origin, wrong window (sibling frame)', await contentFrame(control.page, '#sib'), 'parent.frames[0]']);
  await desk.evaluate((src) => new Promise((resolve) => {
    const f = document.createElement('iframe');
    f.onload = resolve;
    f.src = src;
    document.body.appendChild(f);
  }), `${HOST}/www/test/hostile-sender.html`);
  const grandchild = desk.childFrames()[0];
  await until(grandchild, () => window.received !== undefined);
  rows.push(['workstation: allowed origin, wrong window (its own child frame)', grandchild, 'parent']);
  rows.push(['workstation: allowed origin, the workstation page posting to itself', desk, 'self']);
  rows.push(['workstation: allowed parent, mis-cased, padded or unknown types', control.page, 'ws',
    [{ type: 'UPDATE_AGENT_STATUS_BUSY' }, { type: 'refresh_threads ' }, { type: 'refresh-threads' }, { command: 'refresh_threads' }, { type: ['refresh_threads'] }]]);
  for (const [name, from, target, messages = FORGED_COMMANDS] of rows) {
    const sent = await spray(from, target, messages, rounds, target === 'self' ? '*' : WORKSTATION);
    figures.spoofs.push({ name, sent });
  }
  await sleep(300);
  assert.deepEqual(await desk.evaluate(() => window.rec.commands), [], 'no command from a wrong window ran');
  assert.deepEqual(await desk.evaluate(() => window.rec.diagnostics), [], 'none was even diagnosed');
  // ... and the allowed parent is still obeyed afterwards.
  await control.page.evaluate((o) => document.getElementById('ws').contentWindow.postMessage({ type: 'refresh_threads' }, o), WORKSTATION);
  await until(desk, () => window.rec.commands.length === 1);
  await control.page.close();

  // Wrong parents: the hostile origin, a lookalike of the allowed origin, a null origin (data:).
  const wrongParents = [
    ['workstation: parent on the hostile origin', hostPage(HOSTILE)],
    ['workstation: parent on a lookalike origin (localhost for 127.0.0.1)', hostPage(LOOKALIKE_HOST)],
    ['workstation: parent with a null origin (a data: document)', null],
  ];
  for (const [name, url] of wrongParents) {
    const { page } = await openPage(url ?? hostPage(HOST));
    let parentFrame = page;
    if (url === null) {
      const html = `<script>window.received=[];addEventListener('message',(e)=>{if(e.data&&e.data.source==='bytedesk-desktop')window.received.push(e.data)})</script><iframe src="${ws()}"></iframe>`;
      await page.evaluate((src) => window.frameOf(src, { id: 'data' }), `data:text/html,${encodeURIComponent(html)}`);
      parentFrame = await (await page.$('#data')).contentFrame();
      assert.equal(await parentFrame.evaluate(() => origin), 'null');
    } else {
      await page.evaluate(() => {
        window.received = [];
        addEventListener('message', (e) => { if (e.data?.source === 'bytedesk-desktop') window.received.push(e.data); });
      });
      await page.evaluate((src) => window.frameOf(src, { id: 'ws' }), ws());
    }
    const frame = await frameAt(page, `${WORKSTATION}/www/test/counting-workstation.html`);
    await until(frame, () => window.frame !== undefined);
    const sent = await spray(parentFrame, 'frames[0]', FORGED_COMMANDS, rounds, '*');
    await frame.evaluate(() => {
      window.frame.emitUnreadCount(5, []);
      window.frame.emitAgentStatus('AVAILABLE');
    });
    await sleep(300);
    assert.deepEqual(await frame.evaluate(() => window.rec.commands), [], `${name}: no command ran`);
    assert.deepEqual(await frame.evaluate(() => window.rec.diagnostics), [], `${name}: none was diagnosed`);
    assert.deepEqual(await parentFrame.evaluate(() => window.received), [], `${name}: no envelope (not even ready) reached it`);
    figures.spoofs.push({ name, sent, obeyed: 0, eventsLeaked: 0 });
    await page.close();
  }
  for (const row of figures.spoofs.filter((r) => r.name.startsWith('workstation:') && r.obeyed === undefined)) row.obeyed = 0;
});

/** Collect garbage, then the page's (or frame's) JS heap and wasm memory in bytes. */
async function memory(page, frame = page) {
  const cdp = await page.context().newCDPSession(frame);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  const wasm = await frame.evaluate(() => window.wasm.memory.buffer.byteLength);
  return { heap: usedSize, wasm };
}

/** Run `flood` in the browser while the page measures its longest task and event-loop lag. */
async function measured(page, watched, flood) {
  await watched.evaluate(() => {
    window.rec.longest = 0;
    window.lag = { max: 0, last: performance.now() };
    window.lag.timer = setInterval(() => {
      const now = performance.now();
      window.lag.max = Math.max(window.lag.max, now - window.lag.last);
      window.lag.last = now;
    }, 10);
  });
  const before = await memory(page, watched);
  const started = Date.now();
  await flood();
  const ms = Date.now() - started;
  const after = await memory(page, watched);
  const { longest, lag } = await watched.evaluate(() => {
    clearInterval(window.lag.timer);
    return { longest: window.rec.longest, lag: window.lag.max };
  });
  return { ms, longestTaskMs: Math.round(longest), maxTimerGapMs: Math.round(lag), heapGrowth: after.heap - before.heap, wasmGrowth: after.wasm - before.wasm, heapAfter: after.heap };
}

const MB = 1024 * 1024;
function checkBounded(name, m) {
  figures.floods.push({ name, messages: FLOOD, ...m });
  console.log(`# flood: ${name}: ${FLOOD} messages in ${m.ms} ms, longest task ${m.longestTaskMs} ms, ` +
    `max timer gap ${m.maxTimerGapMs} ms, JS heap ${(m.heapGrowth / MB).toFixed(2)} MB, wasm +${(m.wasmGrowth / MB).toFixed(2)} MB`);
  assert.ok(m.heapGrowth < 32 * MB, `${name}: the JS heap grew by ${m.heapGrowth} bytes`);
  assert.ok(m.wasmGrowth <= 16 * MB, `${name}: wasm memory grew by ${m.wasmGrowth} bytes`);
  // Generous: the page must stay responsive (a frozen page would show seconds here).
  assert.ok(m.longestTaskMs < 2000, `${name}: a task took ${m.longestTaskMs} ms`);
}

test(`host side: floods of ${FLOOD} messages from the right frame and from a hostile frame`, async () => {
  const { page, errors } = await openPage(hostPage(HOST, { ws: ws() }));
  await until(page, () => window.rec.readies >= 1);
  const desk = await frameAt(page, `${WORKSTATION}/www/test/counting-workstation.html`);
  await until(desk, () => window.frame !== undefined);
  await page.evaluate(() => {
    window.seq = { n: 0, outOfOrder: 0, errors: 0 };
    window.host.on('unread_message_count', (d) => {
      if (d.totalUnreadCount !== window.seq.n) window.seq.outOfOrder++;
      window.seq.n++;
    });
    window.host.on('error', () => window.seq.errors++);
  });

  // 1. Valid events from the right frame, emitted through DeskFrame: every one arrives, in order.
  const valid = await measured(page, page, async () => {
    await desk.evaluate(async (n) => {
      for (let i = 0; i < n; i += 1000) {
        for (let j = i; j < Math.min(n, i + 1000); j++) window.frame.emitUnreadCount(j, []);
        await new Promise((r) => setTimeout(r, 0));
      }
    }, FLOOD);
    await until(page, (n) => window.seq.n >= n, FLOOD, 180_000);
  });
  assert.deepEqual(await page.evaluate(() => window.seq), { n: FLOOD, outOfOrder: 0, errors: 0 }, 'every event arrived once, in order');
  assert.equal(await page.evaluate(() => window.host.unreadCount), FLOOD - 1);
  checkBounded('host: valid events from the workstation frame', { ...valid, delivered: FLOOD });

  // 2. Malformed envelopes from the right frame: each one refused with a diagnostic, none delivered.
  const malformed = await measured(page, page, async () => {
    await desk.evaluate(async ({ n, host }) => {
      for (let i = 0; i < n; i += 1000) {
        for (let j = i; j < Math.min(n, i + 1000); j++) {
          parent.postMessage({ type: 'unread_message_count', data: { totalUnreadCount: -1 - j }, timestamp: j, source: 'bytedesk-desktop' }, host);
        }
        await new Promise((r) => setTimeout(r, 0));
      }
    }, { n: FLOOD, host: HOST });
    await until(page, (n) => window.seq.errors >= n, FLOOD, 180_000);
  });
  assert.deepEqual(await page.evaluate(() => window.seq), { n: FLOOD, outOfOrder: 0, errors: FLOOD }, 'each refused with a diagnostic');
  checkBounded('host: malformed envelopes from the workstation frame', { ...malformed, delivered: 0, diagnostics: FLOOD });

  // 3. Forged envelopes from a hostile sibling frame: none delivered, none diagnosed.
  await page.evaluate((src) => window.frameOf(src, { id: 'flooder' }), sender(HOSTILE));
  const flooder = await contentFrame(page, '#flooder');
  const deliveredBefore = await page.evaluate(() => window.rec.delivered);
  const hostile = await measured(page, page, async () => {
    await flooder.evaluate(async ({ n, messages, host }) => {
      for (let i = 0; i < n; i += 1000) {
        for (let j = i; j < Math.min(n, i + 1000); j++) parent.postMessage({ ...messages[j % messages.length], timestamp: j }, '*');
        await new Promise((r) => setTimeout(r, 0));
      }
      parent.postMessage({ fixture: true, kind: 'flood-end' }, host);
    }, { n: FLOOD, messages: FORGED_EVENTS, host: HOST });
    await until(page, () => window.rec.reports.some((r) => r.kind === 'flood-end'), undefined, 180_000);
  });
  assert.equal(await page.evaluate(() => window.rec.delivered), deliveredBefore, 'nothing from the hostile frame was delivered');
  assert.equal(await page.evaluate(() => window.seq.errors), FLOOD, 'nor diagnosed');
  checkBounded('host: forged envelopes from a hostile frame', { ...hostile, delivered: 0 });

  // The good events after the floods arrive.
  await page.evaluate(() => window.host.on('new_visitor_message', (d) => { window.afterFlood = d.thread.uid; }));
  await desk.evaluate(() => window.frame.emitNewVisitor({ uid: 'after-the-flood' }));
  await until(page, () => window.afterFlood === 'after-the-flood');
  await page.evaluate(() => window.host.setBusy());
  await until(desk, () => window.rec.counts.update_agent_status === 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`workstation side: floods of ${FLOOD} commands from the parent and from a hostile frame`, async () => {
  const { page, errors } = await openPage(hostPage(HOST));
  await page.evaluate((src) => window.frameOf(src, { id: 'ws' }), ws());
  const desk = await contentFrame(page, '#ws');
  await until(desk, () => window.frame !== undefined);

  const fromParent = await measured(page, desk, async () => {
    await page.evaluate(async ({ n, origin }) => {
      const w = document.getElementById('ws').contentWindow;
      for (let i = 0; i < n; i += 1000) {
        for (let j = i; j < Math.min(n, i + 1000); j++) w.postMessage({ type: 'clear_unread_count', data: { threadUid: `seq-${j}` } }, origin);
        await new Promise((r) => setTimeout(r, 0));
      }
    }, { n: FLOOD, origin: WORKSTATION });
    await until(desk, (n) => window.rec.counts.clear_unread_count >= n, FLOOD, 180_000);
  });
  const order = await desk.evaluate(() => ({ n: window.rec.counts.clear_unread_count, outOfOrder: window.rec.outOfOrder }));
  assert.deepEqual(order, { n: FLOOD, outOfOrder: 0 }, 'every command ran once, in order');
  checkBounded('workstation: commands from the allowed parent', { ...fromParent, obeyed: FLOOD });

  await page.evaluate((src) => window.frameOf(src, { id: 'flooder' }), sender(HOSTILE));
  const flooder = await contentFrame(page, '#flooder');
  const seenBefore = await desk.evaluate(() => window.rec.seen);
  const hostile = await measured(page, desk, async () => {
    await flooder.evaluate(async ({ n, messages }) => {
      const w = parent.frames[0];
      for (let i = 0; i < n; i += 1000) {
        for (let j = i; j < Math.min(n, i + 1000); j++) w.postMessage(messages[j % messages.length], '*');
        await new Promise((r) => setTimeout(r, 0));
      }
    }, { n: FLOOD, messages: FORGED_COMMANDS });
    await until(desk, (n) => window.rec.seen >= n, seenBefore + FLOOD, 180_000);
  });
  assert.equal(await desk.evaluate(() => window.rec.counts.clear_unread_count), FLOOD, 'no hostile command ran');
  assert.deepEqual(await desk.evaluate(() => Object.keys(window.rec.counts)), ['clear_unread_count']);
  assert.deepEqual(await desk.evaluate(() => window.rec.diagnostics), []);
  checkBounded('workstation: forged commands from a hostile frame', { ...hostile, obeyed: 0 });

  await page.evaluate((o) => document.getElementById('ws').contentWindow.postMessage({ type: 'refresh_threads' }, o), WORKSTATION);
  await until(desk, () => window.rec.counts.refresh_threads === 1);
  assert.deepEqual(errors, []);
  assert.deepEqual(await desk.evaluate(() => window.rec.pageErrors), []);
  await page.close();
});

test('faults: the iframe reloaded 50 times while commands are issued loses none, doubles none, leaks none', async () => {
  // `ack`: a command's report is confirmed before its result is sent (counting-workstation.js).
  const desk = ws({ report: HOST, ack: 1 });
  const { page, errors } = await openPage(hostPage(HOST));
  const result = await page.evaluate(async ({ desk, hostile, origin }) => {
    const f = await window.frameOf(desk, { id: 'ws' });
    const host = window.watch(window.deskbridge.DeskHost.attach(f, { origin, handshakeTimeout: 1500, commandTimeout: 8000 }));
    await new Promise((r) => { const s = host.on('ready', () => { s.off(); r(); }); if (host.connected) r(); });
    const issued = [];
    const issue = () => {
      const c = { uid: `r-${issued.length}`, outcome: 'pending' };
      issued.push(c);
      c.done = host.clearUnreadCount(c.uid).then(() => { c.outcome = 'ok'; }, (e) => { c.outcome = e.code; });
    };
    const timer = setInterval(issue, 15);
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    let hostileLoads = 0;
    for (let i = 0; i < 50; i++) {
      await sleep(80 + Math.random() * 200);
      if (i % 5 === 4) { f.src = `${hostile}&r=${i}`; hostileLoads++; } else f.src = `${desk}&r=${i}`;
    }
    await sleep(400);
    f.src = `${desk}&r=final`;
    await new Promise((r) => { const s = host.on('ready', () => { s.off(); r(); }); });
    await sleep(300);
    clearInterval(timer);
    for (let i = 0; i < 5; i++) issue(); // after the storm, on a settled connection
    await Promise.all(issued.map((c) => c.done));
    const arrived = {};
    for (const r of window.rec.reports) {
      if (r.kind === 'command' && r.from === origin) arrived[r.data.threadUid] = (arrived[r.data.threadUid] ?? 0) + 1;
    }
    return {
      issued: issued.map(({ uid, outcome }) => ({ uid, outcome, arrived: arrived[uid] ?? 0 })),
      strays: Object.keys(arrived).filter((uid) => !issued.some((c) => c.uid === uid)),
      hostileReceived: window.rec.reports.filter((r) => r.kind === 'hostile-received'),
      hostileLoads: window.rec.reports.filter((r) => r.kind === 'hostile-loaded').length,
      reloads: 51,
      hostileNavigations: hostileLoads,
    };
  }, { desk, hostile: sender(HOSTILE), origin: WORKSTATION });

  const by = (pred) => result.issued.filter(pred);
  const twice = by((c) => c.arrived > 1);
  const resolvedMissing = by((c) => c.outcome === 'ok' && c.arrived !== 1);
  const unexplained = by((c) => c.outcome !== 'ok' && !['DISCONNECTED', 'NAVIGATED', 'TIMEOUT'].includes(c.outcome));
  const refusedButRan = by((c) => ['NAVIGATED', 'TIMEOUT'].includes(c.outcome) && c.arrived > 0);
  assert.deepEqual(twice, [], 'no command ran twice');
  assert.deepEqual(resolvedMissing, [], 'every resolved command ran exactly once');
  assert.deepEqual(unexplained, [], 'every other command was rejected with a code that says why');
  assert.deepEqual(refusedButRan, [], 'a command reported as not delivered never ran');
  assert.deepEqual(result.strays, [], 'nothing ran that was not issued');
  assert.deepEqual(result.hostileReceived, [], 'nothing reached the hostile origin');
  assert.equal(result.hostileLoads, result.hostileNavigations, 'the hostile page did load each time');
  assert.equal(by((c) => c.outcome === 'pending').length, 0, 'every command settled');
  assert.ok(result.issued.slice(-5).every((c) => c.outcome === 'ok' && c.arrived === 1), 'commands after the storm work');
  const count = (o) => by((c) => c.outcome === o).length;
  const fault = {
    name: 'iframe reloaded 50 times (10 of them to the hostile origin) while commands are issued',
    reloads: result.reloads,
    commands: result.issued.length,
    ranOnceAndResolved: count('ok'),
    rejectedDisconnected: count('DISCONNECTED'),
    ofWhichRanBeforeTheReload: by((c) => c.outcome === 'DISCONNECTED' && c.arrived === 1).length,
    rejectedNavigated: count('NAVIGATED'),
    rejectedTimeout: count('TIMEOUT'),
    lost: 0,
    ranTwice: 0,
    toHostileOrigin: 0,
  };
  figures.faults.push(fault);
  console.log(`# fault: ${JSON.stringify(fault)}`);
  assert.deepEqual(errors, []);
  assert.deepEqual(await page.evaluate(() => window.rec.pageErrors), []);
  await page.close();
});

test('faults: the iframe removed from the DOM and put back', async () => {
  const { page, errors } = await openPage(hostPage(HOST, { ws: ws({ report: HOST, delay: 400 }) }));
  await until(page, () => window.rec.readies >= 1);
  const result = await page.evaluate(async () => {
    const host = window.host;
    const f = host.iframe;
    const outcome = (p) => p.then(() => 'ok', (e) => e.code);
    const inFlight = [outcome(host.clearUnreadCount('gone-1')), outcome(host.clearUnreadCount('gone-2')), outcome(host.setBusy())];
    await new Promise((r) => setTimeout(r, 50));
    f.remove();
    const whileRemoved = [outcome(host.clearUnreadCount('queued-1')), outcome(host.refreshThreads())];
    const rejected = await Promise.all(inFlight);
    const disconnects = window.rec.disconnects.map((d) => d.reason);
    document.getElementById('desk').appendChild(f);
    const queued = await Promise.all(whileRemoved);
    await new Promise((r) => setTimeout(r, 200));
    const arrived = window.rec.reports.filter((r) => r.kind === 'command').map((r) => r.data.threadUid ?? r.name);
    return { rejected, disconnects, queued, arrived, connected: host.connected, readies: window.rec.readies };
  });
  assert.deepEqual(result.rejected, ['DISCONNECTED', 'DISCONNECTED', 'DISCONNECTED'], 'in-flight commands reject: the app learns they may not have run');
  assert.deepEqual(result.disconnects, ['removed']);
  assert.deepEqual(result.queued, ['ok', 'ok'], 'commands issued while the iframe was out ran once it was back');
  assert.equal(result.arrived.filter((a) => a === 'queued-1').length, 1);
  assert.equal(result.arrived.filter((a) => a === 'refresh_threads').length, 1);
  assert.ok(result.arrived.filter((a) => a === 'gone-1').length <= 1);
  assert.equal(result.connected, true);
  assert.equal(result.readies, 2);
  figures.faults.push({ name: 'iframe removed with 3 commands in flight, 2 issued while out, put back', commands: 5, rejectedDisconnected: 3, ranOnceAndResolved: 2, lost: 0, ranTwice: 0 });
  assert.deepEqual(errors, []);
  await page.close();
});

/** Count the event listeners on the object `expression` evaluates to, by type (CDP). */
async function listenerCounts(page, frame, expression) {
  const cdp = await page.context().newCDPSession(frame);
  const { result } = await cdp.send('Runtime.evaluate', { expression });
  const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
  await cdp.detach();
  const counts = {};
  for (const l of listeners) counts[l.type] = (counts[l.type] ?? 0) + 1;
  return counts;
}

test('faults: destroy() and attach() a thousand times leave no listener behind, on either side', async () => {
  const { page, errors } = await openPage(hostPage(HOST, { ws: ws() }));
  await until(page, () => window.rec.readies >= 1);
  const desk = await frameAt(page, `${WORKSTATION}/www/test/counting-workstation.html`);
  await until(desk, () => window.frame !== undefined);

  const hostWindow0 = await listenerCounts(page, page, 'window');
  const iframe0 = await listenerCounts(page, page, "document.getElementById('ws')");
  const hostMem0 = await memory(page);
  await page.evaluate((origin) => {
    window.stale = 0;
    // One host per iframe: the page's own host goes first, and a new one takes its place after.
    window.host.destroy();
    const ws = document.getElementById('ws');
    for (let i = 0; i < 1000; i++) {
      const h = window.deskbridge.DeskHost.attach(ws, { origin });
      h.on('agent_status_changed', () => window.stale++);
      h.on('error', () => window.stale++);
      h.destroy();
      h.free();
    }
    window.host = window.watch(window.deskbridge.DeskHost.attach(ws, { origin }));
  }, WORKSTATION);
  await until(page, () => window.rec.readies >= 2);
  const hostWindow1 = await listenerCounts(page, page, 'window');
  const iframe1 = await listenerCounts(page, page, "document.getElementById('ws')");
  const hostMem1 = await memory(page);
  assert.deepEqual(hostWindow1, hostWindow0, 'the host page has the same window listeners as before');
  assert.deepEqual(iframe1, iframe0, 'the iframe has the same listeners as before');

  const deskWindow0 = await listenerCounts(page, desk, 'window');
  const deskMem0 = await memory(page, desk);
  await desk.evaluate(() => {
    window.staleFrames = 0;
    // One frame per page: the app's own frame goes first, and connects anew after.
    window.frame.destroy();
    for (let i = 0; i < 1000; i++) {
      const fr = window.DeskFrame.connect({ allowedOrigins: [window.location.ancestorOrigins[0]] });
      fr.on('refresh_threads', () => window.staleFrames++);
      fr.destroy();
      fr.free();
    }
    // Each destroyed frame said goodbye to the host; the app's own frame connects anew.
    window.frame = window.connectFrame();
  });
  const deskWindow1 = await listenerCounts(page, desk, 'window');
  const deskMem1 = await memory(page, desk);
  assert.deepEqual(deskWindow1, deskWindow0, 'the workstation page has the same window listeners as before');

  // Nothing destroyed hears anything; the live host and frame still do.
  await desk.evaluate(() => window.frame.emitAgentStatus('BUSY'));
  await until(page, () => window.rec.events.some((e) => e.data.status === 'BUSY'));
  await page.evaluate(() => window.host.refreshThreads());
  await until(desk, () => window.rec.counts.refresh_threads === 1);
  await sleep(200);
  assert.equal(await page.evaluate(() => window.stale), 0, 'no callback of a destroyed host ran');
  assert.equal(await desk.evaluate(() => window.staleFrames), 0, 'no handler of a destroyed frame ran');
  assert.equal(await desk.evaluate(() => window.rec.counts.refresh_threads), 1, 'the command ran once');
  const fault = {
    name: 'DeskHost.attach + on + destroy, and DeskFrame.connect + on + destroy, 1000 times each',
    cycles: 2000,
    messageListenersBefore: [hostWindow0.message ?? 0, deskWindow0.message ?? 0],
    messageListenersAfter: [hostWindow1.message ?? 0, deskWindow1.message ?? 0],
    hostHeapGrowth: hostMem1.heap - hostMem0.heap,
    hostWasmGrowth: hostMem1.wasm - hostMem0.wasm,
    frameHeapGrowth: deskMem1.heap - deskMem0.heap,
    frameWasmGrowth: deskMem1.wasm - deskMem0.wasm,
    staleCallbacks: 0,
  };
  figures.faults.push(fault);
  console.log(`# fault: ${JSON.stringify(fault)}`);
  assert.ok(fault.hostWasmGrowth <= 4 * MB && fault.frameWasmGrowth <= 4 * MB, 'wasm memory stays bounded');
  assert.ok(fault.hostHeapGrowth < 16 * MB && fault.frameHeapGrowth < 16 * MB, 'the JS heap stays bounded');
  assert.deepEqual(errors, []);
  await page.close();
});

test("both sides work on pages served with Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'", async () => {
  const { page, errors, response } = await openPage(hostPage(HOST, { csp: '1', ws: ws({ csp: '1' }) }));
  assert.equal(response.headers()['content-security-policy'], "script-src 'self' 'wasm-unsafe-eval'");
  await until(page, () => window.rec.readies >= 1);
  const desk = await frameAt(page, `${WORKSTATION}/www/test/counting-workstation.html`);
  await until(desk, () => window.frame !== undefined);
  assert.equal(await desk.evaluate(() => fetch(location.href).then((r) => r.headers.get('content-security-policy'))),
    "script-src 'self' 'wasm-unsafe-eval'", 'the workstation page is served with the policy too');
  await desk.evaluate(() => window.frame.emitUnreadCount(4, [{ uid: 't-csp' }]));
  await until(page, () => window.host.unreadCount === 4);
  assert.equal(await page.evaluate(() => window.host.setBusy().then(() => 'ok', (e) => e.code)), 'ok');
  assert.equal(await desk.evaluate(() => window.rec.counts.update_agent_status), 1);
  assert.deepEqual(await page.evaluate(() => window.rec.violations), []);
  assert.deepEqual(await desk.evaluate(() => window.rec.violations), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('no access token appears in any console line, error message or diagnostic', async () => {
  const create = { baseUrl: `${WORKSTATION}/www/test/desk`, accessToken: TOKEN };
  const { page, errors } = await openPage(hostPage(HOST, { create }));
  await until(page, () => window.rec.readies >= 1);
  assert.ok((await page.evaluate(() => window.host.iframe.src)).includes(encodeURIComponent(TOKEN).slice(0, 20)), 'the login URL carries the token (by design)');
  const desk = await frameAt(page, `${WORKSTATION}/www/test/desk/agent/auth/login/`);
  await until(desk, () => window.frame !== undefined);

  const messages = await page.evaluate(async ({ token, sig, base }) => {
    const d = window.deskbridge;
    const out = [];
    const attempt = (f) => { try { f(); } catch (e) { out.push(`${e.name} ${e.code}: ${e.message}`); } };
    const parts = token.split('.');
    for (const bad of [
      `${parts[0]}.${parts[1]}`, `${token}.more`, `${parts[0]}.!${parts[1]}.${sig}`, `${parts[0]}.${parts[1].slice(3)}.${sig}`,
      `${parts[0]}.${btoa('{"sub":"not json"}')}.${sig}`, parts[1], ` ${token}x${'='.repeat(9000)}`, `${sig}`,
    ]) {
      attempt(() => d.decodeAccessToken(bad));
      attempt(() => d.accessTokenSecondsLeft(bad));
    }
    attempt(() => d.agentLoginUrl('javascript:alert(1)', token));
    attempt(() => d.adminLoginUrl('ftp://desk.example.com', token));
    attempt(() => d.desktopUrl('not a url', token));
    attempt(() => d.bearerAuthorization(`${token}\n`));
    attempt(() => d.larkHelpdeskAuthorization('', token));
    attempt(() => d.larkHelpdeskAuthorization('id:with:colons', token));
    attempt(() => d.parseFeishuTenantTokenResponse(`{"code":0,"tenant_access_token":"${token}","expire":-1}`));
    attempt(() => d.parseEasemobTokenResponse({ access_token: token, expires_in: 'soon' }));
    attempt(() => d.DeskHost.create(document.body, { baseUrl: 'javascript:void 0', accessToken: token }));
    attempt(() => d.DeskHost.create(document.body, { baseUrl: base, accessToken: token, entry: 'root' }));
    attempt(() => window.host.relogin(''));
    attempt(() => window.host.relogin(token));
    for (const p of [window.host.setAgentStatus(token), window.host.clearUnreadCount(token.repeat(4)), window.host.setBusy({ timeout: -1 })]) {
      await p.then(() => out.push('resolved'), (e) => out.push(`${e.name} ${e.code}: ${e.message}`));
    }
    return out;
  }, { token: TOKEN, sig: SECRET_SIG, base: create.baseUrl });
  assert.ok(messages.length >= 15, `errors were provoked: ${messages.length}`);

  // A workstation that puts the token into malformed events: the host's diagnostics do not echo it.
  await until(page, () => window.rec.readies >= 2); // relogin reloaded the frame
  const desk2 = await frameAt(page, `${WORKSTATION}/www/test/desk/agent/auth/login/`);
  await until(desk2, () => window.frame !== undefined);
  await desk2.evaluate(({ token, host }) => {
    for (const data of [{ status: token.repeat(3) }, { status: 7, token }, { thread: { uid: token.repeat(2) }, action: token }]) {
      parent.postMessage({ type: 'agent_status_changed', data, source: 'bytedesk-desktop' }, host);
    }
    try { window.frame.emitNewVisitor({ uid: token.repeat(2) }); } catch (e) { window.rec.diagnostics.push(e.message); }
    try { window.frame.emitAgentStatus(token); } catch (e) { window.rec.diagnostics.push(e.message); }
  }, { token: TOKEN, host: HOST });
  await until(page, () => window.rec.errors.length >= 3);
  const diagnostics = [
    ...(await page.evaluate(() => window.rec.errors.map((e) => `${e.code}: ${e.message}`))),
    ...(await desk2.evaluate(() => window.rec.diagnostics)),
  ];
  const seen = [...messages, ...diagnostics, ...errors, ...consoleLines];
  for (const text of seen) {
    for (const piece of tokenPieces) assert.ok(!text.includes(piece), `a token piece leaked: ${text.slice(0, 200)}`);
  }
  figures.tokenScan = { errorsProvoked: messages.length, diagnostics: diagnostics.length, consoleLines: consoleLines.length, leaks: 0 };
  console.log(`# token scan: ${JSON.stringify(figures.tokenScan)}`);
  await page.close();
});

test('figures', () => {
  assert.ok(figures.spoofs.length >= 15, 'every spoofing row ran');
  for (const text of consoleLines) {
    for (const piece of tokenPieces) assert.ok(!text.includes(piece), `a token piece leaked: ${text.slice(0, 200)}`);
  }
  const lines = ['| attack or fault | tried | delivered / obeyed |', '| --- | ---: | ---: |'];
  for (const s of figures.spoofs) lines.push(`| ${s.name} | ${s.sent} | ${s.delivered ?? s.obeyed} |`);
  for (const f of figures.floods) {
    lines.push(`| flood, ${f.name} | ${f.messages} | ${f.delivered ?? f.obeyed} (longest task ${f.longestTaskMs} ms, JS heap ${(f.heapGrowth / MB).toFixed(1)} MB, wasm +${(f.wasmGrowth / MB).toFixed(1)} MB) |`);
  }
  console.log(lines.map((l) => `# ${l}`).join('\n'));
  fs.mkdirSync('target/test-logs', { recursive: true });
  fs.writeFileSync('target/test-logs/hostile-figures.json', `${JSON.stringify(figures, null, 2)}\n`);
});
