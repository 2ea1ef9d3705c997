// The setup bench/tools share: serve the bench pages on the bench's ports, open one host page in
// Chromium with its workstation on the other origin, wait until it is connected, run `use(page)`,
// then close the browser and the servers.
import { launch } from '../../e2e/browser.mjs';
import { parseArgs, startServers, originUrl } from '../../scripts/serve.mjs';

/**
 * Open bench/pages/`pagePath` (with its query) connected to its workstation and call
 * `use(page)`; `initScript` runs in every frame before the page's own scripts.
 */
export async function withBenchPage(pagePath, use, { initScript } = {}) {
  const opts = parseArgs(['--host', '127.0.0.1:8740', '--workstation', 'localhost:8741', '--hostile', '127.0.0.1:8742']);
  const origin = (name) => originUrl(opts.origins.find((o) => o.name === name));
  const running = await startServers({ ...opts, log: false });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    if (initScript) await page.addInitScript(initScript);
    const url = new URL(`/bench/pages/${pagePath}`, origin('host'));
    url.searchParams.set('ws', origin('workstation'));
    await page.goto(url.href);
    await page.waitForFunction(() => window.bench);
    await page.evaluate(() => window.bench.startup());
    return await use(page);
  } finally {
    await browser.close();
    await running.close();
  }
}
