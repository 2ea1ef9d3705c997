#!/usr/bin/env node
// demo.mjs [serve.mjs options]: serves the demo (`make demo`). The fixture server of
// scripts/serve.mjs serves the repository on the host and workstation origins (and the hostile
// one the tests use); this prints the URLs to open and stops cleanly on Ctrl-C.
//
// With DESK_URL and ACCESS_TOKEN set (DESK_ENTRY optional: agent, admin or desktop), the host page
// embeds that real workstation through the token login URL instead of the demo one. The page reads
// them from target/demo-config/desk.json (owner-only, served on loopback, deleted on exit); the
// token is never printed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, startServers, originUrl } from './serve.mjs';

const DEFAULT_HOST = 'http://127.0.0.1:8710';
const DEFAULT_WORKSTATION = 'http://localhost:8711';

/** What may be shown of a secret: its length only. */
export function redact(secret) {
  return `<redacted, ${secret.length} characters>`;
}

/** The desk configuration from the environment, or null; throws for a bad one. */
export function deskFromEnv(env) {
  const baseUrl = env.DESK_URL?.trim();
  const accessToken = env.ACCESS_TOKEN?.trim();
  if (!baseUrl && !accessToken) return null;
  if (!baseUrl || !accessToken) throw new Error('set both DESK_URL and ACCESS_TOKEN, or neither');
  let url;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`DESK_URL is not a URL: ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('DESK_URL must be an http(s) URL');
  const entry = env.DESK_ENTRY?.trim() || 'agent';
  if (!['agent', 'admin', 'desktop'].includes(entry)) throw new Error('DESK_ENTRY must be agent, admin or desktop');
  return { baseUrl, accessToken, entry };
}

/** The host page's URL: query parameters only where the origins differ from the defaults. */
export function hostPageUrl(host, workstation, desk) {
  const url = new URL('/www/host.html', host);
  if (desk) {
    url.searchParams.set('desk', '1');
  } else {
    if (workstation !== DEFAULT_WORKSTATION) url.searchParams.set('workstation', workstation);
    // The demo workstation allows the default host origin; tell it about another one.
    if (host !== DEFAULT_HOST) url.searchParams.set('allow', host);
  }
  return url.href;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const origin = (name) => originUrl(opts.origins.find((o) => o.name === name));
  const host = origin('host');
  const workstation = origin('workstation');

  let desk;
  try {
    desk = deskFromEnv(process.env);
  } catch (e) {
    console.error(`demo: ${e.message}`);
    process.exit(64);
  }
  const configDir = path.join(opts.root, 'target/demo-config');
  const configFile = path.join(configDir, 'desk.json');
  const removeConfig = () => fs.rmSync(configFile, { force: true });
  removeConfig();

  let running;
  try {
    running = await startServers(opts);
  } catch (err) {
    console.error(`demo: ${err.message}`);
    process.exit(err.code === 'EADDRINUSE' ? 98 : 1);
  }
  if (desk) {
    fs.mkdirSync(configDir, { recursive: true });
    fs.writeFileSync(configFile, JSON.stringify(desk), { mode: 0o600 });
  }

  console.log('deskbridge demo');
  console.log(`  host page:        ${hostPageUrl(host, workstation, desk)}`);
  if (desk) {
    console.log(`  workstation:      ${desk.baseUrl} (${desk.entry} entry, ACCESS_TOKEN ${redact(desk.accessToken)})`);
  } else {
    console.log(`  workstation page: ${workstation}/www/workstation.html (embedded by the host page)`);
  }
  console.log('  open the host page in a browser; Ctrl-C stops');

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    removeConfig();
    console.log(`deskbridge demo: ${signal}, stopping`);
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => stop('SIGHUP'));
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
