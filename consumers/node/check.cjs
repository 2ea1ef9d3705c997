// Run by the consumer tests with each Node version: the same as check.mjs through CommonJS
// require(), as a back end or a CommonJS server bundle loads the package. Prints one JSON object.
const thrown = require('./thrown.cjs');
const started = performance.now();
const { agentLoginUrl, decodeAccessToken, larkHelpdeskAuthorization } = require('deskbridge');
const requireMs = performance.now() - started;
const { DeskHost } = require('deskbridge/host');

console.log(JSON.stringify({
  requireMs,
  login: agentLoginUrl('https://desk.example.com', 'tok en'),
  claims: decodeAccessToken(process.argv[2]),
  lark: larkHelpdeskAuthorization('12345', 'ht-sometoken'),
  attach: thrown(() => DeskHost.attach({})),
}));
