// The web builds after shorten-imports.mjs (run by `make pkg`): every module a wasm imports from
// has a short name, and so has every function it imports from the glue; the glue provides them
// all: the module instantiates and works in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../pkg/web');
const snippets = path.join(web, 'snippets');
const snippetExports = new Set(
  fs.readdirSync(snippets, { recursive: true })
    .filter((f) => f.endsWith('.js'))
    .flatMap((f) => [...fs.readFileSync(path.join(snippets, f), 'utf8').matchAll(/export function ([\w$]+)/g)].map((m) => m[1])),
);

for (const build of ['deskbridge', 'host', 'frame']) {
  test(`pkg/web/${build}: short import names, all provided by its glue`, async () => {
    const bytes = fs.readFileSync(path.join(web, `${build}_bg.wasm`));
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes)).filter((i) => i.kind === 'function');
    assert.ok(imports.length > 20, `${imports.length} imported functions`);
    assert.deepEqual(imports.map((i) => i.module).filter((m) => m.length > 2), [], 'every module name is short');
    // Functions taken straight from a snippet module keep their export names; the glue's get short ones.
    const long = imports.map((i) => i.name).filter((n) => n.length > 2 && !snippetExports.has(n));
    assert.deepEqual(long, [], 'every import the glue provides has a short name');
    const glue = await import(pathToFileURL(path.join(web, `${build}.js`)).href);
    // Throws a LinkError if the glue lacks any import the module names.
    glue.initSync({ module: bytes });
    if (build === 'deskbridge') {
      assert.equal(glue.agentLoginUrl('https://desk.example.com', 'a b'),
        'https://desk.example.com/agent/auth/login?accessToken=a%20b');
      assert.throws(() => glue.bearerAuthorization(''), (e) => e.code === 'INVALID_TOKEN');
    }
    assert.equal(typeof glue[build === 'frame' ? 'DeskFrame' : 'DeskHost'], 'function');
  });
}

test('running it again changes nothing', async () => {
  const { execFileSync } = await import('node:child_process');
  const tmp = fs.mkdtempSync(path.join(path.dirname(web), '..', 'target', 'shorten-'));
  try {
    for (const f of ['frame.js', 'frame_bg.wasm']) fs.copyFileSync(path.join(web, f), path.join(tmp, f));
    execFileSync(process.execPath, [fileURLToPath(new URL('./shorten-imports.mjs', import.meta.url)), path.join(tmp, 'frame.js')]);
    for (const f of ['frame.js', 'frame_bg.wasm']) {
      assert.ok(fs.readFileSync(path.join(tmp, f)).equals(fs.readFileSync(path.join(web, f))), `${f} unchanged`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
