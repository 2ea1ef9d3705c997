// A back end's use of the token helpers, compiled with lib ["ES2022"] only: no DOM, no @types/node.
import { TokenCache, agentLoginUrl, decodeAccessToken, larkHelpdeskAuthorization } from 'deskbridge/tokens';
import type { AccessTokenClaims } from 'deskbridge/tokens';

export function helpdeskHeaders(id: string, token: string): Record<string, string> {
  return { 'X-Lark-Helpdesk-Authorization': larkHelpdeskAuthorization(id, token) };
}

export function whoAndWhere(token: string): [AccessTokenClaims, string] {
  return [decodeAccessToken(token), agentLoginUrl('https://desk.example.com', token)];
}

export const cache = new TokenCache(async () => 'a-token');
// @ts-expect-error the helpdesk token is a string
larkHelpdeskAuthorization('12345', 42);
