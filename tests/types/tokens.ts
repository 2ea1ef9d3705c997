// Type tests of the token and credential API as a TypeScript user writes it: what must compile
// does, and each misuse marked @ts-expect-error must be refused by the compiler.
import {
  DeskHost, TokenCache, accessTokenSecondsLeft, adminLoginUrl, agentLoginUrl, bearerAuthorization,
  decodeAccessToken, desktopUrl, easemobTokenRequest, feishuTenantTokenRequest,
  larkHelpdeskAuthorization, parseEasemobTokenResponse, parseFeishuTenantTokenResponse,
} from 'deskbridge';
import type {
  AccessTokenClaims, DeskError, DeskFetchError, DeskRetryLaterError, EasemobToken,
  FeishuTenantToken, TokenExpiring, TokenRequestInit,
} from 'deskbridge';

export async function loginUrls(token: string): Promise<string[]> {
  const urls: string[] = [agentLoginUrl('https://desk.example.com', token), adminLoginUrl('https://desk.example.com', token)];
  urls.push(desktopUrl('https://desk.example.com'), desktopUrl('https://desk.example.com', token));
  // @ts-expect-error the token is a string
  agentLoginUrl('https://desk.example.com', 42);
  // @ts-expect-error both arguments are required
  adminLoginUrl('https://desk.example.com');
  return urls;
}

export function claims(token: string): string {
  const c: AccessTokenClaims = decodeAccessToken(token);
  const name: string = c.username + c.platform;
  const exp: number | null = c.expiresAt;
  // @ts-expect-error a token may have no exp
  const sure: number = c.issuedAt;
  const left: number | undefined = accessTokenSecondsLeft(token);
  accessTokenSecondsLeft(token, Date.now());
  return `${name} ${exp} ${sure} ${left}`;
}

export function headers(token: string): HeadersInit {
  // @ts-expect-error the id and the token are separate arguments
  larkHelpdeskAuthorization('12345:ht-sometoken');
  return { Authorization: bearerAuthorization(token), 'X-Lark-Helpdesk-Authorization': larkHelpdeskAuthorization('12345', 'ht-sometoken') };
}

export async function serverSide(appSecret: string, clientSecret: string): Promise<void> {
  const feishu: TokenRequestInit = feishuTenantTokenRequest({ appId: 'cli_a', appSecret });
  const tenant: FeishuTenantToken = parseFeishuTenantTokenResponse(await (await fetch(feishu.url, feishu)).json());
  const easemob = easemobTokenRequest({ host: 'a1.easemob.com', orgName: 'o', appName: 'a', clientId: 'id', clientSecret, ttl: 3600 });
  const method: 'POST' = easemob.method;
  const app: EasemobToken = parseEasemobTokenResponse(await (await fetch(easemob.url, easemob)).text());
  const forever: number | null = app.expiresIn;
  // @ts-expect-error appSecret is required
  feishuTenantTokenRequest({ appId: 'cli_a' });
  // @ts-expect-error ttl is a number of seconds
  easemobTokenRequest({ host: 'h', orgName: 'o', appName: 'a', clientId: 'id', clientSecret, ttl: '3600' });
  void [tenant, method, forever];
}

export async function caches(): Promise<string> {
  // Every documented result shape of a fetch function, sync or async.
  new TokenCache(() => 'token');
  new TokenCache(async () => ({ token: 't', expiresIn: 7200 }));
  new TokenCache(async () => ({ token: 't', expiresAt: Date.now() + 60_000 }));
  new TokenCache(async () => parseFeishuTenantTokenResponse('{}'), { marginMs: 30 * 60_000 });
  const cache = new TokenCache(async () => parseEasemobTokenResponse('{}'), {
    marginMs: 1, minRetryMs: 2, maxRetryMs: 3, fetchTimeoutMs: 0, now: () => Date.now(),
  });
  // @ts-expect-error expiresIn or expiresAt, not both
  new TokenCache(async () => ({ token: 't', expiresIn: 1, expiresAt: 2 }));
  // @ts-expect-error a fetch function must give a token
  new TokenCache(async () => 42);
  // @ts-expect-error the clock is a function
  new TokenCache(() => 't', { now: 5 });
  // @ts-expect-error no such option
  new TokenCache(() => 't', { margin: 5 });
  cache.invalidate();
  cache.invalidate('t');
  try {
    return await cache.get();
  } catch (e) {
    const error = e as DeskFetchError | DeskRetryLaterError;
    if (error.code === 'RETRY_LATER') {
      const at: number = error.retryAt;
      const cause: DeskError | undefined = error.cause;
      void [at, cause];
    } else {
      const vendor: string | undefined = error.vendorCode;
      void vendor;
    }
    throw e;
  }
}

export function relogin(host: DeskHost, token: string): void {
  host.on('token_expiring', (data: TokenExpiring) => {
    const ms: number = data.expiresAt - data.msLeft;
    // @ts-expect-error there is no such field
    void data.exp;
    void ms;
    host.relogin(token);
  });
  // @ts-expect-error relogin takes the new token
  host.relogin();
}
