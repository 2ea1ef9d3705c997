// Shared set-up of the end-to-end tests: Debian's Chromium driven by playwright-core (never a
// downloaded browser), and the three origins of scripts/serve.mjs.
import { chromium } from 'playwright-core';

export const HOST = process.env.DESKBRIDGE_HOST_ORIGIN ?? 'http://127.0.0.1:8710';
export const WORKSTATION = process.env.DESKBRIDGE_WORKSTATION_ORIGIN ?? 'http://localhost:8711';
export const HOSTILE = process.env.DESKBRIDGE_HOSTILE_ORIGIN ?? 'http://127.0.0.1:8712';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      // Extra switches for a diagnostic run (bench/tools), e.g. `--js-flags=--no-liftoff`.
      ...(process.env.CHROMIUM_EXTRA_ARGS ?? '').split(' ').filter(Boolean),
    ],
  });
}

/** A page on `origin` that records every message it receives; page errors are collected. */
export async function recordingPage(browser, origin) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/www/test/blank.html`);
  await page.evaluate(() => {
    window.received = [];
    addEventListener('message', (e) => window.received.push({ origin: e.origin, data: e.data, fromFrame: e.source === document.querySelector('iframe')?.contentWindow }));
  });
  return { page, errors };
}

/** Wait until `fn` (run in the page) returns a truthy value. */
export async function until(page, fn, arg, timeout = 10000) {
  const handle = await page.waitForFunction(fn, arg, { timeout, polling: 20 });
  return handle.jsonValue();
}
