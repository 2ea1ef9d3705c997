// Tokens and credentials through the JS API, exactly as a page calls it: login URLs, access token
// claims, authorization headers, the Feishu and Easemob token requests, TokenCache with a real
// async fetch, and DeskHost's token_expiring and relogin() on a real cross-origin iframe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, until, HOST, WORKSTATION } from './browser.mjs';

const browser = await launch();
after(() => browser.close());

/** The sample token of Bytedesk's AccessToken guide (HS384; admin@email.com on bytedesk). */
const SAMPLE = 'eyJhbGciOiJIUzM4NCJ9.eyJzdWIiOiJ7XCJwbGF0Zm9ybVwiOlwiYnl0ZWRlc2tcIixcInVzZXJuYW1lXCI6XCJhZG1pbkBlbWFpbC5jb21cIn0iLCJpYXQiOjE3NTI3MjQ4MzIsImV4cCI6MTc1NTMxNjgzMn0.3Q5ZXyNHImEGCErPkRXWG6rnFK1F_z77kTE6iRlpKmzUAtRpJZinjM_O0J0GebtM';

/** The fixture Bytedesk server: its agent login page is www/test/bytedesk/agent/auth/login/. */
const BYTEDESK = `${WORKSTATION}/www/test/bytedesk`;

const b64url = (text) => Buffer.from(text).toString('base64url');

/**
 * A token shaped like Bytedesk's (the signature is junk: browsers cannot check it, and
 * deskbridge does not try). `exp` and `iat` are seconds since the epoch.
 */
function bytedeskToken(username, exp, iat = Math.floor(Date.now() / 1000)) {
  const sub = JSON.stringify({ platform: 'bytedesk', username });
  return [b64url('{"alg":"HS384"}'), b64url(JSON.stringify({ sub, iat, exp })), b64url(`sig-${username}-${exp}`)].join('.');
}

/**
 * A host-origin page with the web build loaded as `window.db`. Every console message and page
 * error (from the page and its frames) is collected, so a test can check that no token leaks.
 */
async function libraryPage() {
  const page = await browser.newPage();
  const errors = [];
  const consoleTexts = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => consoleTexts.push(m.text()));
  await page.goto(`${HOST}/www/test/blank.html`);
  await page.evaluate(async () => {
    const db = await import('/pkg/web/deskbridge.js');
    await db.default();
    window.db = db;
    // What a throw or rejection looks like to a caller: the fields a DeskError carries.
    window.caught = (e) => ({
      isError: e instanceof Error, name: e.name, code: e.code, message: e.message,
      vendorCode: e.vendorCode, vendorMessage: e.vendorMessage, retryAt: e.retryAt,
      cause: e.cause === undefined ? undefined : String(e.cause?.message ?? e.cause), causeCode: e.cause?.code,
    });
    window.attempt = (fn) => {
      try {
        return { value: fn() };
      } catch (e) {
        return { error: window.caught(e) };
      }
    };
  });
  return { page, errors, consoleTexts };
}

/** Each named result of `attempt` (or `settled`) is a DeskError with the given code. */
function assertCodes(results, codes) {
  for (const [key, code] of Object.entries(codes)) {
    assert.equal(results[key].error?.name, 'DeskError', `${key} must fail with a DeskError`);
    assert.equal(results[key].error.code, code, key);
  }
}

/** No collected text contains any of `tokens` (nor their signature parts). */
function assertNoLeak(texts, tokens) {
  for (const token of tokens) {
    const pieces = [token, ...token.split('.').filter((p) => p.length >= 8)];
    for (const text of texts) {
      for (const piece of pieces) assert.ok(!text.includes(piece), `a token leaked into: ${text}`);
    }
  }
}

test('login URLs carry any token through URLSearchParams unchanged and keep the path prefix', async () => {
  const { page, errors } = await libraryPage();
  const tokens = [SAMPLE, 'a+b/c=d&e#f%g h?i', '%2B already%20encoded', '微语 token ✓ 😀', 'tab\there "quoted" <tag>'];
  const got = await page.evaluate((tokens) => tokens.map((token) => {
    const agent = new URL(db.agentLoginUrl('https://desk.example.com/bytedesk/', token));
    const admin = new URL(db.adminLoginUrl('http://127.0.0.1:9003', token));
    const desktop = db.desktopUrl('https://desk.example.com', token);
    return {
      agent: { origin: agent.origin, path: agent.pathname, keys: [...agent.searchParams.keys()], token: agent.searchParams.get('accessToken'), hash: agent.hash },
      admin: { path: admin.pathname, token: admin.searchParams.get('accessToken') },
      desktopIsAgentLogin: desktop === db.agentLoginUrl('https://desk.example.com', token),
    };
  }), tokens);
  got.forEach((g, i) => {
    assert.deepEqual(g.agent, { origin: 'https://desk.example.com', path: '/bytedesk/agent/auth/login', keys: ['accessToken'], token: tokens[i], hash: '' });
    assert.deepEqual(g.admin, { path: '/admin/auth/login', token: tokens[i] });
    assert.equal(g.desktopIsAgentLogin, true);
  });

  // The seed's own examples, character for character.
  const seed = await page.evaluate((t) => [db.agentLoginUrl('http://your-domain.com', t), db.adminLoginUrl('http://your-domain.com/', t)], SAMPLE);
  assert.deepEqual(seed, [
    `http://your-domain.com/agent/auth/login?accessToken=${SAMPLE}`,
    `http://your-domain.com/admin/auth/login?accessToken=${SAMPLE}`,
  ]);
  // Without a token, the iframe src is the workstation itself.
  assert.equal(await page.evaluate(() => db.desktopUrl('https://desk.example.com/bytedesk')), 'https://desk.example.com/bytedesk/desktop');
  assert.deepEqual(errors, []);
  await page.close();
});

test('login URLs refuse bases that are not plain http(s) URLs, with a DeskError that echoes nothing', async () => {
  const { page, errors } = await libraryPage();
  const bases = ['javascript:alert(1)//', 'data:text/html,<script>alert(1)</script>', '/agent', 'desk.example.com',
    '//desk.example.com', 'https://agent:hunter2@desk.example.com', 'ftp://desk.example.com', 'https://desk.example.com/?next=/x'];
  for (const fn of ['agentLoginUrl', 'adminLoginUrl', 'desktopUrl']) {
    const results = await page.evaluate(([fn, bases, token]) => bases.map((b) => attempt(() => db[fn](b, token))), [fn, bases, SAMPLE]);
    results.forEach((r, i) => {
      assert.ok(r.error, `${fn}(${bases[i]}) must throw, got ${r.value}`);
      assert.equal(r.error.isError, true);
      assert.equal(r.error.name, 'DeskError');
      assert.equal(r.error.code, 'INVALID_URL', `${fn}(${bases[i]})`);
      assert.ok(!r.error.message.includes('hunter2'), r.error.message);
      assertNoLeak([r.error.message], [SAMPLE]);
    });
  }
  const empty = await page.evaluate(() => [attempt(() => db.agentLoginUrl('https://x.com', '')), attempt(() => db.desktopUrl('https://x.com', ''))]);
  for (const r of empty) assert.equal(r.error.code, 'INVALID_TOKEN');
  assert.deepEqual(errors, []);
  await page.close();
});

test('decodeAccessToken reads the seed token claims as a plain object; malformed tokens throw without echo', async () => {
  const { page, errors } = await libraryPage();
  const claims = await page.evaluate((t) => {
    const c = db.decodeAccessToken(t);
    return { c, plain: Object.getPrototypeOf(c) === Object.prototype, json: JSON.stringify(c) };
  }, SAMPLE);
  assert.deepEqual(claims.c, { username: 'admin@email.com', platform: 'bytedesk', issuedAt: 1752724832, expiresAt: 1755316832 });
  assert.equal(claims.plain, true);
  assert.deepEqual(JSON.parse(claims.json), claims.c);

  const [header, payload] = SAMPLE.split('.');
  const malformed = [
    '', 'not-a-token', `${SAMPLE}.extra`, `${header}.${payload}`, `${header}.!!!!${payload}.c2ln`,
    `${header}.${b64url('not json at all')}.c2ln`,
    `${header}.${b64url('{"sub":"admin@email.com","exp":1}')}.c2ln`,
    `${header}.${b64url('{"sub":"{\\"platform\\":\\"bytedesk\\"}"}')}.c2ln`,
    `${header}.${b64url('{"sub":"{\\"platform\\":\\"b\\",\\"username\\":\\"u\\"}","exp":"soon"}')}.c2ln`,
    'x'.repeat(20000),
  ];
  const results = await page.evaluate((tokens) => tokens.map((t) => attempt(() => db.decodeAccessToken(t))), malformed);
  results.forEach((r, i) => {
    assert.ok(r.error, `token #${i} must be refused`);
    assert.equal(r.error.name, 'DeskError');
    assert.equal(r.error.code, 'INVALID_TOKEN');
    if (malformed[i]) assertNoLeak([r.error.message], [malformed[i]]);
    assert.ok(!r.error.message.includes('eyJ'), r.error.message);
  });
  assert.deepEqual(errors, []);
  await page.close();
});

test('accessTokenSecondsLeft says how long a token has left', async () => {
  const { page, errors } = await libraryPage();
  const exp = 1755316832;
  const noExp = [b64url('{"alg":"HS384"}'), b64url(JSON.stringify({ sub: '{"platform":"p","username":"u"}' })), 'c2ln'].join('.');
  const soon = bytedeskToken('agent-1', Math.floor(Date.now() / 1000) + 100);
  const r = await page.evaluate(([seed, exp, noExp, soon]) => ({
    before: db.accessTokenSecondsLeft(seed, (exp - 32) * 1000),
    after: db.accessTokenSecondsLeft(seed, (exp + 68) * 1000),
    byDefaultNow: db.accessTokenSecondsLeft(soon),
    noExpiry: db.accessTokenSecondsLeft(noExp),
    badNow: attempt(() => db.accessTokenSecondsLeft(seed, -1)),
    badToken: attempt(() => db.accessTokenSecondsLeft('nope')),
  }), [SAMPLE, exp, noExp, soon]);
  assert.equal(r.before, 32);
  assert.equal(r.after, -68);
  assert.ok(r.byDefaultNow > 80 && r.byDefaultNow <= 100, `about 100 s left, got ${r.byDefaultNow}`);
  assert.equal(r.noExpiry, undefined);
  assertCodes(r, { badNow: 'INVALID_ARGUMENT', badToken: 'INVALID_TOKEN' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('authorization header values: Bearer and the Lark helpdesk header of the seeds', async () => {
  const { page, errors } = await libraryPage();
  const r = await page.evaluate(() => ({
    bearer: db.bearerAuthorization('abc.def-_~+/='),
    bearerCrlf: attempt(() => db.bearerAuthorization('abc\r\nX-Evil: 1')),
    bearerEmpty: attempt(() => db.bearerAuthorization('')),
    lark: db.larkHelpdeskAuthorization('12345', 'ht-sometoken'),
    larkIsBtoa: db.larkHelpdeskAuthorization('12345', 'ht-sometoken') === btoa('12345:ht-sometoken'),
    larkGuide: db.larkHelpdeskAuthorization('6989805358558478355', 'ht-eb95cfeb-7dc5-65de-1539-b36f9972c7f0'),
    larkColonInId: attempt(() => db.larkHelpdeskAuthorization('1:2', 'ht-secret-token')),
    larkEmpty: attempt(() => db.larkHelpdeskAuthorization('12345', '')),
    // The header values work with the browser's own Headers.
    headers: Object.fromEntries(new Headers({
      Authorization: db.bearerAuthorization('t-123'),
      'X-Lark-Helpdesk-Authorization': db.larkHelpdeskAuthorization('12345', 'ht-sometoken'),
    })),
  }));
  assert.equal(r.bearer, 'Bearer abc.def-_~+/=');
  assertCodes(r, { bearerCrlf: 'INVALID_TOKEN', bearerEmpty: 'INVALID_TOKEN', larkColonInId: 'INVALID_ARGUMENT', larkEmpty: 'INVALID_TOKEN' });
  assert.equal(r.lark, 'MTIzNDU6aHQtc29tZXRva2Vu');
  assert.equal(r.larkIsBtoa, true);
  // The header value in Feishu's helpdesk guide (its Python sample), rebuilt from id and token.
  assert.equal(r.larkGuide, 'Njk4OTgwNTM1ODU1ODQ3ODM1NTpodC1lYjk1Y2ZlYi03ZGM1LTY1ZGUtMTUzOS1iMzZmOTk3MmM3ZjA=');
  assert.ok(!r.larkColonInId.error.message.includes('ht-secret-token'));
  assert.deepEqual(r.headers, { authorization: 'Bearer t-123', 'x-lark-helpdesk-authorization': 'MTIzNDU6aHQtc29tZXRva2Vu' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('Feishu tenant token: the request fetch() takes, and the answer read for TokenCache', async () => {
  const { page, errors } = await libraryPage();
  const r = await page.evaluate(async () => {
    const init = db.feishuTenantTokenRequest({ appId: 'cli_a1b2', appSecret: 's3cret' });
    const request = new Request(init.url, init);
    return {
      init,
      request: { url: request.url, method: request.method, type: request.headers.get('content-type'), body: await request.text() },
      ok: db.parseFeishuTenantTokenResponse({ code: 0, msg: 'ok', tenant_access_token: 't-g1044ghJRUIJJ5ELPZ5GYO', expire: 7200 }),
      fromText: db.parseFeishuTenantTokenResponse('{"code":0,"msg":"ok","tenant_access_token":"t-x","expire":1800}'),
      refused: attempt(() => db.parseFeishuTenantTokenResponse({ code: 10014, msg: 'app secret invalid' })),
      notJson: attempt(() => db.parseFeishuTenantTokenResponse('<html>502</html>')),
      noSecret: attempt(() => db.feishuTenantTokenRequest({ appId: 'cli_a1b2', appSecret: '' })),
      notObject: attempt(() => db.feishuTenantTokenRequest('cli_a1b2')),
    };
  });
  assert.deepEqual(r.init, {
    url: 'https://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal',
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: '{"app_id":"cli_a1b2","app_secret":"s3cret"}',
  });
  assert.deepEqual(r.request, { url: r.init.url, method: 'POST', type: 'application/json; charset=utf-8', body: r.init.body });
  assert.deepEqual(r.ok, { token: 't-g1044ghJRUIJJ5ELPZ5GYO', expiresIn: 7200 });
  assert.deepEqual(r.fromText, { token: 't-x', expiresIn: 1800 });
  assertCodes(r, { refused: 'FETCH_FAILED', notJson: 'FETCH_FAILED', noSecret: 'INVALID_ARGUMENT', notObject: 'INVALID_ARGUMENT' });
  assert.equal(r.refused.error.vendorCode, '10014');
  assert.equal(r.refused.error.vendorMessage, 'app secret invalid');
  assert.deepEqual(errors, []);
  await page.close();
});

test('Easemob app token: the seed request and response', async () => {
  const { page, errors } = await libraryPage();
  const creds = { host: 'a1.easemob.com', orgName: 'easemob-demo', appName: 'testapp', clientId: 'YXA6i-Ak8Ol4Eei2l11ZjV-EAg', clientSecret: 'YXA6VunqiNxoB7IwXHInk1cGiXOOJfc' };
  const answer = {
    access_token: 'YWMte3bGuOukEeiTkNP4grL7iwAAAAAAAAAAAAAAAAAAAAGL4CTw6XgR6LaXXVmNX4QCAgMAAAFnKdc-ZgBPGgBFTrLhhyK8woMEI005emtrLJFJV6aoxsZSioSIZkr5kw',
    expires_in: 1024000,
    application: '8be024f0-e978-11e8-b697-5d598d5f8402',
  };
  const r = await page.evaluate(([creds, answer]) => ({
    request: db.easemobTokenRequest({ ...creds, ttl: 1024000 }),
    plainHttp: db.easemobTokenRequest({ ...creds, host: 'http://a1.easemob.com' }).url,
    parsed: db.parseEasemobTokenResponse(answer),
    parsedText: db.parseEasemobTokenResponse(JSON.stringify({ ...answer, expires_in: '1024000' })),
    forever: db.parseEasemobTokenResponse({ ...answer, expires_in: 0 }),
    refused: attempt(() => db.parseEasemobTokenResponse({ error: 'invalid_grant', error_description: 'client_id does not match' })),
    badTtl: attempt(() => db.easemobTokenRequest({ ...creds, ttl: 1.5 })),
    badHost: attempt(() => db.easemobTokenRequest({ ...creds, host: 'javascript:alert(1)' })),
  }), [creds, answer]);
  assert.equal(r.request.url, 'https://a1.easemob.com/easemob-demo/testapp/token');
  assert.equal(r.request.method, 'POST');
  assert.deepEqual(r.request.headers, { 'Content-Type': 'application/json', Accept: 'application/json' });
  assert.deepEqual(JSON.parse(r.request.body), { grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret, ttl: 1024000 });
  assert.equal(r.plainHttp, 'http://a1.easemob.com/easemob-demo/testapp/token');
  assert.deepEqual(r.parsed, { token: answer.access_token, expiresIn: 1024000, application: answer.application });
  assert.deepEqual(r.parsedText, r.parsed);
  assert.equal(r.forever.expiresIn, null);
  assertCodes(r, { refused: 'FETCH_FAILED', badTtl: 'INVALID_ARGUMENT', badHost: 'INVALID_URL' });
  assert.equal(r.refused.error.vendorCode, 'invalid_grant');
  assert.ok(!JSON.stringify(r.badHost).includes(creds.clientSecret));
  assert.deepEqual(errors, []);
  await page.close();
});

// TokenCache with a real async fetch function (a request to the fixture server) and the `now`
// option as a controlled clock: `window.clock` is the time the cache sees.
async function cachePage() {
  const lib = await libraryPage();
  await lib.page.evaluate(() => {
    window.clock = 1_700_000_000_000;
    window.calls = 0;
    window.done = 0;
    window.failing = false;
    // A real round trip to this origin; the token names the call that fetched it.
    window.fetchToken = async () => {
      const n = ++window.calls;
      const res = await fetch(window.failing ? '/www/test/no-such-endpoint.json' : '/www/test/blank.html');
      window.done++;
      if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
      return { token: `token-${n}`, expiresIn: 3600 };
    };
    window.settled = (promise) => promise.then((value) => ({ value }), (e) => ({ error: caught(e) }));
  });
  return lib;
}

test('TokenCache: concurrent get() share one fetch; the token is cached, then replaced ahead of expiry', async () => {
  const { page, errors } = await cachePage();
  const r = await page.evaluate(async () => {
    const cache = new db.TokenCache(fetchToken, { marginMs: 60_000, now: () => clock });
    const first = await Promise.all([cache.get(), cache.get(), cache.get()]);
    const callsAfterFirst = calls;
    clock += 30 * 60_000;
    const cached = await cache.get();
    const callsWhileFresh = calls;
    // 59 minutes in: inside the margin. The current token is still handed out at once while
    // one background fetch replaces it.
    clock += 29 * 60_000;
    const during = await Promise.all([cache.get(), cache.get()]);
    // Once the background fetch has returned (the cache stores its token in the same task).
    await new Promise((resolve) => { const poll = () => setTimeout(done === 2 ? resolve : poll, 5); poll(); });
    const replaced = await cache.get();
    return { first, callsAfterFirst, cached, callsWhileFresh, during, replaced, calls };
  });
  assert.deepEqual(r, {
    first: ['token-1', 'token-1', 'token-1'], callsAfterFirst: 1,
    cached: 'token-1', callsWhileFresh: 1,
    during: ['token-1', 'token-1'], replaced: 'token-2', calls: 2,
  });
  assert.deepEqual(errors, []);
  await page.close();
});

test('TokenCache: invalidate() after a 401 fetches a new token; a token refused at once is not refetched in a loop', async () => {
  const { page, errors } = await cachePage();
  const r = await page.evaluate(async () => {
    const cache = new db.TokenCache(fetchToken, { minRetryMs: 10_000, now: () => clock });
    const t1 = await cache.get();
    clock += 60_000;
    cache.invalidate('some-other-token'); // not the cached one: nothing happens
    const stillT1 = await cache.get();
    cache.invalidate(t1);
    const t2 = await cache.get();
    // Refused again right after it arrived: the server hands out tokens it then rejects, so the
    // cache waits before it asks again instead of looping.
    cache.invalidate();
    clock += 1_000;
    const refusedAtOnce = (await settled(cache.get())).error?.code;
    const callsThen = calls;
    clock += 10_000;
    const t3 = await cache.get();
    return { t1, stillT1, t2, refusedAtOnce, callsThen, t3, calls };
  });
  assert.deepEqual(r, {
    t1: 'token-1', stillT1: 'token-1', t2: 'token-2',
    refusedAtOnce: 'RETRY_LATER', callsThen: 2, t3: 'token-3', calls: 3,
  });
  assert.deepEqual(errors, []);
  await page.close();
});

test('TokenCache: a failed fetch is not cached and is retried no faster than the minimum interval', async () => {
  const { page, errors } = await cachePage();
  const r = await page.evaluate(async () => {
    failing = true;
    const start = clock;
    const cache = new db.TokenCache(fetchToken, { minRetryMs: 10_000, maxRetryMs: 40_000, now: () => clock });
    // Three callers at once share the one failing fetch.
    const first = await Promise.all([settled(cache.get()), settled(cache.get()), settled(cache.get())]);
    const callsAfterFirst = calls;
    clock += 9_999;
    const early = await settled(cache.get());
    const callsEarly = calls;
    clock += 1;
    const second = await settled(cache.get());
    const afterSecond = await settled(cache.get());
    const backoff = afterSecond.error.retryAt - clock;
    clock += 20_000;
    failing = false;
    const recovered = await cache.get();
    const cachedAfter = await cache.get();
    return { start, first, callsAfterFirst, early, callsEarly, second, backoff, recovered, cachedAfter, calls };
  });
  assert.equal(r.callsAfterFirst, 1);
  for (const f of r.first) {
    assert.equal(f.error.code, 'FETCH_FAILED');
    assert.equal(f.error.cause, 'token endpoint answered 404');
  }
  assert.equal(r.early.error.code, 'RETRY_LATER');
  assert.equal(r.early.error.retryAt, r.start + 10_000);
  assert.equal(r.early.error.causeCode, 'FETCH_FAILED', 'the cause is the failure it waits after');
  assert.equal(r.callsEarly, 1, 'no fetch before the retry time');
  assert.equal(r.second.error.code, 'FETCH_FAILED');
  assert.equal(r.backoff, 20_000, 'the wait doubles after a second failure');
  assert.equal(r.recovered, 'token-3');
  assert.equal(r.cachedAfter, 'token-3');
  assert.equal(r.calls, 3);
  assert.deepEqual(errors, []);
  await page.close();
});

test('TokenCache: a fetch that never settles fails every waiting caller after fetchTimeoutMs', async () => {
  const { page, errors } = await cachePage();
  const r = await page.evaluate(async () => {
    let calls = 0;
    const cache = new db.TokenCache(() => { calls++; return new Promise(() => {}); }, { fetchTimeoutMs: 300 });
    const started = performance.now();
    const waiting = await Promise.all([settled(cache.get()), settled(cache.get())]);
    const elapsed = performance.now() - started;
    const next = await settled(cache.get());
    return {
      waiting, elapsed, next, calls,
      notAFunction: attempt(() => new db.TokenCache('https://example.com/token')),
      badClock: attempt(() => new db.TokenCache(fetchToken, { now: 5 })),
      badMargin: attempt(() => new db.TokenCache(fetchToken, { marginMs: -1 })),
    };
  });
  assertCodes(r.waiting, { 0: 'FETCH_FAILED', 1: 'FETCH_FAILED' });
  assert.ok(r.elapsed >= 250 && r.elapsed < 10_000, `failed after ${r.elapsed} ms`);
  assert.equal(r.calls, 1);
  assertCodes(r, { next: 'RETRY_LATER', notAFunction: 'INVALID_ARGUMENT', badClock: 'INVALID_ARGUMENT', badMargin: 'INVALID_ARGUMENT' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the token API names the field it refuses, and never repeats a secret given as the wrong type', async () => {
  const { page, errors } = await libraryPage();
  const r = await page.evaluate(async () => {
    const fetchToken = () => 'token';
    const out = {};
    for (const field of ['marginMs', 'minRetryMs', 'maxRetryMs', 'fetchTimeoutMs']) {
      for (const wrong of [-1, 1.5, '100', true]) {
        out[`TokenCache ${field}=${JSON.stringify(wrong)}`] = attempt(() => new db.TokenCache(fetchToken, { [field]: wrong }));
      }
    }
    const feishu = { appId: 'cli_a', appSecret: 'feishu-secret' };
    for (const field of Object.keys(feishu)) {
      out[`feishu ${field}`] = attempt(() => db.feishuTenantTokenRequest({ ...feishu, [field]: 987654 }));
    }
    const easemob = { host: 'a1.easemob.com', orgName: 'org', appName: 'app', clientId: 'YXA6id', clientSecret: 'YXA6secret' };
    for (const field of Object.keys(easemob)) {
      out[`easemob ${field}`] = attempt(() => db.easemobTokenRequest({ ...easemob, [field]: 987654 }));
    }
    for (const wrong of [-1, 'soon']) {
      out[`easemob ttl=${JSON.stringify(wrong)}`] = attempt(() => db.easemobTokenRequest({ ...easemob, ttl: wrong }));
    }
    for (const [field, fetched] of [['token', { token: 987654 }], ['expiresIn', { token: 't', expiresIn: 'soon' }], ['expiresAt', { token: 't', expiresAt: -5 }]]) {
      const cache = new db.TokenCache(() => fetched);
      out[`fetched ${field}`] = await cache.get().then((value) => ({ value }), (e) => ({ error: caught(e) }));
    }
    return out;
  });
  assert.equal(Object.keys(r).length, 28);
  for (const [name, result] of Object.entries(r)) {
    const field = name.split(' ')[1].split('=')[0];
    assert.equal(result.error?.name, 'DeskError', `${name} must fail with a DeskError`);
    const text = `${result.error.message} ${result.error.cause ?? ''}`;
    assert.ok(text.includes(`${field}: `), `${name}: the error does not name the field: ${text}`);
    assert.ok(!text.includes('987654'), `${name}: the error repeats the value: ${text}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

// DeskHost.create on the fixture Bytedesk server. The page records what the workstation fixture
// reports and every host event, with the time it arrived.
async function hostPage() {
  const lib = await libraryPage();
  await lib.page.evaluate(() => {
    window.logins = [];
    window.events = [];
    addEventListener('message', (e) => {
      if (e.data?.fixture === 'login' && e.source === document.querySelector('iframe')?.contentWindow) {
        window.logins.push({ origin: e.origin, accessToken: e.data.accessToken, path: e.data.path });
      }
    });
    window.record = (host) => {
      for (const name of ['ready', 'disconnected', 'error', 'token_expiring', 'agent_status_changed']) {
        host.on(name, (data) => window.events.push({ name, at: Date.now(), data: name === 'error' ? caught(data) : data }));
      }
    };
    window.named = (name) => window.events.filter((e) => e.name === name);
  });
  return lib;
}

test('token_expiring fires tokenWarning before exp, once, with the expiry and the time left', async () => {
  const { page, errors, consoleTexts } = await hostPage();
  const exp = Math.floor(Date.now() / 1000) + 7;
  const token = bytedeskToken('agent-1', exp);
  const created = await page.evaluate(([baseUrl, token]) => {
    const host = db.DeskHost.create(document.body, { baseUrl, accessToken: token, tokenWarning: 3000 });
    window.host = host;
    record(host);
    return { at: Date.now(), origin: host.origin };
  }, [BYTEDESK, token]);
  assert.equal(created.origin, WORKSTATION);
  const [warning] = await until(page, () => named('token_expiring').length && named('token_expiring'), undefined, 15_000);
  assert.equal(warning.data.expiresAt, exp * 1000);
  assert.ok(warning.at >= exp * 1000 - 3000 - 50, `fired ${exp * 1000 - warning.at} ms before exp, earlier than tokenWarning`);
  assert.ok(warning.at < exp * 1000, 'fired before the token expired');
  assert.ok(warning.data.msLeft > 0 && warning.data.msLeft <= 3000, `msLeft ${warning.data.msLeft}`);
  assert.ok(Math.abs(warning.data.expiresAt - warning.data.msLeft - warning.at) < 100, 'msLeft is counted from when it fired');
  // The workstation logged in with this token and connected.
  await until(page, () => named('ready').length === 1);
  assert.deepEqual(await page.evaluate(() => logins), [{ origin: WORKSTATION, accessToken: token, path: '/www/test/bytedesk/agent/auth/login/' }]);
  // The console of the workstation frame is observed too (so the leak checks below can fail).
  assert.ok(consoleTexts.includes('fixture: logged in as agent-1'), JSON.stringify(consoleTexts));
  // Once per token: nothing more as the token runs out.
  await page.waitForTimeout(Math.max(0, exp * 1000 - Date.now()) + 500);
  assert.equal(await page.evaluate(() => named('token_expiring').length), 1);
  await page.evaluate(() => host.destroy());
  assertNoLeak(consoleTexts, [token]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('relogin() reloads the same iframe with the new token; subscriptions, commands and token_expiring carry on', async () => {
  const { page, errors, consoleTexts } = await hostPage();
  const first = bytedeskToken('agent-1', Math.floor(Date.now() / 1000) + 3600);
  const opaque = 'opaque+/=&#% token 微语';
  await page.evaluate(([baseUrl, token]) => {
    window.container = document.createElement('div');
    document.body.append(container);
    const host = db.DeskHost.create(container, { baseUrl, accessToken: token, tokenWarning: 4000 });
    window.host = host;
    window.iframeBefore = host.iframe;
    record(host);
  }, [BYTEDESK, first]);
  await until(page, () => named('agent_status_changed').length === 1);
  assert.equal(await page.evaluate(() => named('ready').length), 1);
  assert.deepEqual(await page.evaluate(() => named('agent_status_changed')[0].data), { status: 'AVAILABLE', agentInfo: { username: 'agent-1' } });

  // Made just before use: it expires in 6 s, so its warning is due 2 s after relogin.
  const exp = Math.floor(Date.now() / 1000) + 6;
  const second = bytedeskToken('agent-2', exp);
  const relogin = await page.evaluate((token) => ({ value: host.relogin(token), src: host.iframe.src }), second);
  assert.equal(relogin.value, undefined);
  assert.equal(new URL(relogin.src).searchParams.get('accessToken'), second);
  await until(page, () => named('agent_status_changed').length === 2 && named('ready').length === 2);
  const after = await page.evaluate(() => ({
    status: named('agent_status_changed')[1].data,
    disconnected: named('disconnected').map((e) => e.data.reason),
    sameIframe: host.iframe === iframeBefore,
    frames: container.querySelectorAll('iframe').length,
    logins: logins.map((l) => l.accessToken),
    connected: host.connected,
  }));
  assert.deepEqual(after.status, { status: 'AVAILABLE', agentInfo: { username: 'agent-2' } });
  assert.equal(after.disconnected.length, 1, 'the old workstation went away once');
  assert.ok(['unload', 'reload'].includes(after.disconnected[0]));
  assert.equal(after.sameIframe, true);
  assert.equal(after.frames, 1);
  assert.deepEqual(after.logins, [first, second]);
  assert.equal(after.connected, true);

  // Commands reach the new workstation, and its answer reaches the old subscription.
  await page.evaluate(() => host.setBusy());
  const busy = await until(page, () => named('agent_status_changed').find((e) => e.data.status === 'BUSY')?.data);
  assert.deepEqual(busy, { status: 'BUSY', agentInfo: { username: 'agent-2' } });

  // token_expiring now follows the new token (the first one was far from expiry).
  const [warning] = await until(page, () => named('token_expiring').length && named('token_expiring'), undefined, 15_000);
  assert.equal(warning.data.expiresAt, exp * 1000);
  assert.ok(warning.at >= exp * 1000 - 4000 - 50 && warning.at < exp * 1000, `fired ${exp * 1000 - warning.at} ms before exp`);

  // Signing in again with the token just warned about (a back end that keeps handing out the
  // same token) reloads once and warns no more: no reload loop.
  await page.evaluate((token) => host.relogin(token), second);
  await until(page, () => logins.length === 3 && named('ready').length === 3);
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => named('token_expiring').length), 1);

  // A token that is not a JWT still logs in, exactly as written; it has no expiry to warn of.
  await page.evaluate((token) => host.relogin(token), opaque);
  await until(page, () => logins.length === 4 && named('ready').length === 4);
  assert.equal(await page.evaluate(() => logins[3].accessToken), opaque);

  // Refusals: empty token, after destroy, and on an attached host. None repeats a token.
  const refusals = await page.evaluate(([token]) => {
    const empty = attempt(() => host.relogin(''));
    const iframe = document.createElement('iframe');
    document.body.append(iframe);
    const attached = db.DeskHost.attach(iframe, { origin: 'http://localhost:1' });
    const notCreated = attempt(() => attached.relogin(token));
    attached.destroy();
    host.destroy();
    const destroyed = attempt(() => host.relogin(token));
    const badBase = attempt(() => db.DeskHost.create(container, { baseUrl: 'javascript:alert(1)//', accessToken: token }));
    return { empty, notCreated, destroyed, badBase, frames: container.querySelectorAll('iframe').length };
  }, [second]);
  assertCodes(refusals, { empty: 'INVALID_TOKEN', notCreated: 'INVALID_ARGUMENT', destroyed: 'DESTROYED', badBase: 'INVALID_URL' });
  assert.equal(refusals.frames, 1, 'a refused create adds no iframe');
  const messages = Object.values(refusals).filter((r) => r.error).map((r) => r.error.message);
  assertNoLeak([...messages, ...consoleTexts], [first, second, opaque, encodeURIComponent(opaque)]);
  assert.deepEqual(await page.evaluate(() => named('error')), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('create() makes the iframe sized and titled as asked, 100% by 600px and borderless by default', async () => {
  const { page, errors } = await hostPage();
  const frames = await page.evaluate(([baseUrl, token]) => {
    const look = (options) => {
      const container = document.createElement('div');
      document.body.append(container);
      const host = db.DeskHost.create(container, { baseUrl, accessToken: token, ...options });
      const f = container.querySelector('iframe');
      const seen = { same: f === host.iframe, width: f.style.width, height: f.style.height, border: f.style.borderWidth, title: f.title, src: f.src };
      host.destroy();
      return seen;
    };
    return [look({}), look({ width: 320, height: '50vh', title: 'Desk' }), look({ width: 12.5, height: null, title: 7 })];
  }, [BYTEDESK, bytedeskToken('agent-1', Math.floor(Date.now() / 1000) + 3600)]);
  for (const f of frames) {
    assert.ok(f.same, 'host.iframe is the iframe put in the container');
    assert.ok(f.src.startsWith(`${BYTEDESK}/agent/auth/login?accessToken=`), f.src);
    assert.equal(f.border, '0px');
  }
  assert.deepEqual(frames.map(({ width, height, title }) => ({ width, height, title })), [
    { width: '100%', height: '600px', title: 'Agent workstation' },
    { width: '320px', height: '50vh', title: 'Desk' },
    { width: '12.5px', height: '600px', title: 'Agent workstation' },
  ]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the README tokens example signs in through the app back end, then again before the token expires', async () => {
  assert.equal(WORKSTATION, 'http://localhost:8711', 'the README example names this Bytedesk server');
  const page = await browser.newPage();
  const errors = [];
  const consoleTexts = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => consoleTexts.push(m.text()));
  // The app's own back end, which deskbridge does not provide: POST /api/bytedesk-token. Its
  // first token expires 5 min 15 s from now, so token_expiring (default tokenWarning, 5 min) is
  // due in about 15 s; the second lasts an hour.
  const issued = [];
  await page.route(`${HOST}/api/bytedesk-token`, async (route) => {
    const n = issued.length + 1;
    const lifetime = n === 1 ? 300 + 15 : 3600;
    const token = bytedeskToken(`agent-${n}`, Math.floor(Date.now() / 1000) + lifetime);
    issued.push({ token, method: route.request().method() });
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ accessToken: token }) });
  });
  await page.addInitScript(() => {
    window.logins = [];
    addEventListener('message', (e) => {
      if (e.data?.fixture === 'login') window.logins.push(e.data.accessToken);
    });
  });
  await page.goto(`${HOST}/www/test/readme-example.html?name=tokens`);
  await until(page, () => window.logins.length === 1, undefined, 15_000);
  assert.equal(issued.length, 1);
  await until(page, () => window.logins.length === 2, undefined, 45_000);
  const state = await page.evaluate(() => ({
    logins: window.logins,
    frames: document.querySelectorAll('#workstation iframe').length,
  }));
  assert.deepEqual(state.logins, issued.map((i) => i.token));
  assert.deepEqual(issued.map((i) => i.method), ['POST', 'POST']);
  assert.equal(state.frames, 1, 'the same iframe signed in again');
  assert.ok(consoleTexts.includes('fixture: logged in as agent-2'));
  assertNoLeak(consoleTexts, issued.map((i) => i.token));
  assert.deepEqual(errors, []);
  await page.close();
});
