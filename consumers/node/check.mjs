// Run by the consumer tests with each Node version, in a project that installed the tarball: the
// token helpers through an ES module import of 'deskbridge', and the browser sides imported as
// server-side rendering would. Prints one JSON object.
import thrown from './thrown.cjs';
const started = performance.now();
const { agentLoginUrl, decodeAccessToken, larkHelpdeskAuthorization } = await import('deskbridge');
const importMs = performance.now() - started;
const { DeskHost } = await import('deskbridge/host');
const { DeskFrame } = await import('deskbridge/frame');
const tokens = await import('deskbridge/tokens');

const [, , jwt] = process.argv;
console.log(JSON.stringify({
  importMs,
  login: agentLoginUrl('https://desk.example.com', 'tok en'),
  claims: decodeAccessToken(jwt),
  lark: larkHelpdeskAuthorization('12345', 'ht-sometoken'),
  tokensEntry: tokens.agentLoginUrl('https://desk.example.com', 'a'),
  attach: thrown(() => DeskHost.attach({})),
  connect: thrown(() => DeskFrame.connect({ allowedOrigins: ['https://crm.example.com'] })),
}));
