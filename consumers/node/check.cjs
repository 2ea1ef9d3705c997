// Run by the consumer tests with each Node version: the same as check.mjs through CommonJS
// require(), as a back end or a CommonJS server bundle loads the package. Prints one JSON object.
const started = performance.now();
const { agentLoginUrl, decodeAccessToken, larkHelpdeskAuthorization } = require('deskbridge');
const requireMs = performance.now() - started;
const { DeskHost } = require('deskbridge/host');

const thrown = (f) => {
  try {
    return { returned: String(f()) };
  } catch (e) {
    return { name: e?.name, code: e?.code, isError: e instanceof Error, message: e?.message };
  }
};
console.log(JSON.stringify({
  requireMs,
  login: agentLoginUrl('https://desk.example.com', 'tok en'),
  claims: decodeAccessToken(process.argv[2]),
  lark: larkHelpdeskAuthorization('12345', 'ht-sometoken'),
  attach: thrown(() => DeskHost.attach({})),
}));
