#!/usr/bin/env node
// Fixture server for deskbridge's browser tests and demo: serves the repository root as static
// files on several loopback origins at once, so a host page and a workstation page really are
// cross-origin. No dependencies beyond Node's standard library.
//
//   node scripts/serve.mjs                          # host, workstation and hostile origins
//   node scripts/serve.mjs --host 127.0.0.1:9710 --workstation localhost:9711 --hostile 127.0.0.1:9712
//   node scripts/serve.mjs --listen extra=127.0.0.1:9000 --root some/dir
//   node scripts/serve.mjs --probe                  # exit 0 if this root is already served on the
//                                                   # configured origins, 1 if nothing answers,
//                                                   # 2 if something else holds a port
//   node scripts/serve.mjs --wait 20                # wait up to 20 s for the origins to answer
//
// Query parameters understood on any request:
//   ?csp=1      on an .html file: adds `Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'`
//   ?delay=MS   waits MS milliseconds (at most 60000) before answering: a slow-loading frame
//
// Every response carries `Cache-Control: no-store` and `X-Deskbridge-Fixture: <root>`, the latter
// so that --probe can tell this server from another program holding the port.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_ORIGINS = [
  ['host', '127.0.0.1:8710'],
  ['workstation', 'localhost:8711'],
  ['hostile', '127.0.0.1:8712'],
];

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.toml': 'text/plain; charset=utf-8',
};

export const CSP_HEADER_VALUE = "script-src 'self' 'wasm-unsafe-eval'";
const MAX_DELAY_MS = 60_000;

function usage(exitCode) {
  const text = `usage: node scripts/serve.mjs [options]
  --root DIR                  directory to serve (default: the repository root)
  --host HOST:PORT            the host page origin         (default 127.0.0.1:8710)
  --workstation HOST:PORT     the workstation origin       (default localhost:8711)
  --hostile HOST:PORT         a third, untrusted origin    (default 127.0.0.1:8712)
  --listen [NAME=]HOST:PORT   an extra origin (repeatable)
  --log                       log every request to stderr
  --isolate                   make every page cross-origin isolated (COOP same-origin, COEP
                              require-corp, CORP cross-origin), so its performance.now() is
                              precise to microseconds, not 100 µs (the bench's timings)
  --probe                     check whether this root is already served; exit 0/1/2, serve nothing
  --wait SECONDS              wait until the origins answer (exit 0) or SECONDS pass (exit 1)
  -h, --help                  this text`;
  (exitCode === 0 ? console.log : console.error)(text);
  process.exit(exitCode);
}

function parseHostPort(spec, flag) {
  const m = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/.exec(spec ?? '');
  if (!m || Number(m[2]) > 65535) {
    console.error(`serve.mjs: ${flag} wants HOST:PORT, got ${JSON.stringify(spec)}`);
    process.exit(64);
  }
  return { hostname: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export function parseArgs(argv) {
  const named = new Map(DEFAULT_ORIGINS);
  const extra = [];
  const opts = { root: null, log: false, isolate: false, probe: false, wait: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) {
        console.error(`serve.mjs: ${arg} needs a value`);
        process.exit(64);
      }
      return argv[++i];
    };
    switch (arg) {
      case '--root': opts.root = value(); break;
      case '--host': named.set('host', value()); break;
      case '--workstation': named.set('workstation', value()); break;
      case '--hostile': named.set('hostile', value()); break;
      case '--listen': {
        const v = value();
        const eq = v.indexOf('=');
        extra.push(eq > 0 ? [v.slice(0, eq), v.slice(eq + 1)] : [`origin${extra.length + 1}`, v]);
        break;
      }
      case '--log': opts.log = true; break;
      case '--isolate': opts.isolate = true; break;
      case '--probe': opts.probe = true; break;
      case '--wait': opts.wait = Number(value()); break;
      case '-h': case '--help': usage(0); break;
      default:
        console.error(`serve.mjs: unknown argument ${JSON.stringify(arg)}`);
        usage(64);
    }
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  opts.root = fs.realpathSync(path.resolve(opts.root ?? path.join(here, '..')));
  opts.origins = [...named, ...extra].map(([name, spec]) => ({ name, ...parseHostPort(spec, name) }));
  return opts;
}

function urlHost(hostname) {
  return hostname.includes(':') ? `[${hostname}]` : hostname;
}

export function originUrl({ hostname, port }) {
  return `http://${urlHost(hostname)}:${port}`;
}

// Maps a request path to a file inside root, or null when it must not be served: outside the root
// (`..`, encoded or not, or a symlink pointing out), a dot-file or dot-directory (.git, .ci), a NUL
// byte, or a malformed escape.
export function resolveInsideRoot(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return null;
  const candidate = path.join(root, ...segments);
  let real;
  try {
    real = fs.realpathSync(candidate);
  } catch {
    return { path: candidate, missing: true };
  }
  if (real !== root && !real.startsWith(root + path.sep)) return null;
  return { path: real, missing: false };
}

function send(res, status, headers, body, method) {
  res.writeHead(status, headers);
  res.end(method === 'HEAD' ? undefined : body);
}

function makeHandler(opts) {
  const baseHeaders = {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Deskbridge-Fixture': encodeURIComponent(opts.root),
    ...(opts.isolate && {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      // Every origin here is ours: each may embed and load the others' files.
      'Cross-Origin-Resource-Policy': 'cross-origin',
    }),
  };
  const plain = (res, status, text, method, extraHeaders = {}) =>
    send(res, status, {
      ...baseHeaders,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      ...extraHeaders,
    }, text, method);

  return (req, res) => {
    const started = Date.now();
    if (opts.log) {
      res.on('finish', () => {
        console.error(`${req.method} ${req.headers.host}${req.url} -> ${res.statusCode} (${Date.now() - started} ms)`);
      });
    }
    let url;
    try {
      url = new URL(req.url, 'http://fixture.invalid');
    } catch {
      plain(res, 400, 'bad request\n', req.method);
      return;
    }
    const respond = () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        plain(res, 405, 'method not allowed\n', req.method, { Allow: 'GET, HEAD' });
        return;
      }
      const target = resolveInsideRoot(opts.root, url.pathname);
      if (target === null) {
        plain(res, 403, 'forbidden\n', req.method);
        return;
      }
      let file = target.path;
      let stat = target.missing ? null : fs.statSync(file, { throwIfNoEntry: false });
      if (stat?.isDirectory()) {
        // No listings: a directory is served only through its index.html.
        file = path.join(file, 'index.html');
        stat = fs.statSync(file, { throwIfNoEntry: false });
        if (stat?.isFile() && !url.pathname.endsWith('/')) {
          const location = `/${url.pathname.replace(/^\/+/, '')}/${url.search}`;
          plain(res, 301, 'moved\n', req.method, { Location: location });
          return;
        }
      }
      if (!stat?.isFile()) {
        plain(res, 404, 'not found\n', req.method);
        return;
      }
      const ext = path.extname(file).toLowerCase();
      const headers = {
        ...baseHeaders,
        'Content-Type': MIME_TYPES[ext] ?? 'application/octet-stream',
        'Content-Length': stat.size,
      };
      if ((ext === '.html' || ext === '.htm') && url.searchParams.get('csp') === '1') {
        headers['Content-Security-Policy'] = CSP_HEADER_VALUE;
      }
      res.writeHead(200, headers);
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const stream = fs.createReadStream(file);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    };
    const delay = Number.parseInt(url.searchParams.get('delay') ?? '', 10);
    if (Number.isFinite(delay) && delay > 0) {
      const timer = setTimeout(respond, Math.min(delay, MAX_DELAY_MS));
      res.on('close', () => {
        if (!res.writableEnded) clearTimeout(timer);
      });
    } else {
      respond();
    }
  };
}

// `localhost` is bound on every loopback address it names (127.0.0.1 and, where the machine has
// it, ::1), so a browser that tries either one finds the server.
function bindAddresses(hostname) {
  return hostname === 'localhost' ? ['127.0.0.1', '::1'] : [hostname];
}

function listen(server, port, address) {
  return new Promise((resolve, reject) => {
    const onError = (err) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host: address, exclusive: true });
  });
}

export async function startServers(opts) {
  const handler = makeHandler(opts);
  const servers = [];
  try {
    for (const origin of opts.origins) {
      const addresses = bindAddresses(origin.hostname);
      let bound = 0;
      for (const address of addresses) {
        const server = http.createServer(handler);
        server.keepAliveTimeout = 1000;
        try {
          await listen(server, origin.port, address);
          servers.push(server);
          bound++;
        } catch (err) {
          // ::1 may be missing (IPv6 disabled); the origin still works if one address bound.
          const optional = addresses.length > 1 && address === '::1' &&
            (err.code === 'EADDRNOTAVAIL' || err.code === 'EAFNOSUPPORT');
          if (!optional) {
            err.message = `cannot listen on ${originUrl({ hostname: address, port: origin.port })} ` +
              `(${origin.name}): ${err.message}`;
            throw err;
          }
        }
      }
      if (bound === 0) throw new Error(`nothing bound for ${origin.name}`);
    }
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw err;
  }
  const close = () => Promise.all(servers.map((s) => new Promise((resolve) => {
    s.close(resolve);
    s.closeAllConnections();
  })));
  return { servers, close };
}

// 'ours' if every origin answers as this root's fixture server, 'none' if none answers, and
// 'other' otherwise (a port held by something else, or by a server for another checkout).
export async function probe(opts, timeoutMs = 1500) {
  const results = await Promise.all(opts.origins.map(async (origin) => {
    try {
      const res = await fetch(`${originUrl(origin)}/`, {
        method: 'HEAD',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const tag = res.headers.get('x-deskbridge-fixture');
      return tag === encodeURIComponent(opts.root) ? 'ours' : 'other';
    } catch (err) {
      return 'none';
    }
  }));
  if (results.every((r) => r === 'ours')) return 'ours';
  if (results.every((r) => r === 'none')) return 'none';
  return 'other';
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.probe) {
    const state = await probe(opts);
    console.log(state);
    process.exit({ ours: 0, none: 1, other: 2 }[state]);
  }
  if (opts.wait !== null) {
    const deadline = Date.now() + (Number.isFinite(opts.wait) ? opts.wait : 20) * 1000;
    for (;;) {
      const state = await probe(opts, 500);
      if (state === 'ours') process.exit(0);
      if (Date.now() > deadline) {
        console.error(`serve.mjs: origins not answering after ${opts.wait} s (state: ${state})`);
        process.exit(1);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  let running;
  try {
    running = await startServers(opts);
  } catch (err) {
    console.error(`serve.mjs: ${err.message}`);
    process.exit(err.code === 'EADDRINUSE' ? 98 : 1);
  }
  console.log(`deskbridge fixture server: serving ${opts.root}`);
  for (const origin of opts.origins) {
    console.log(`  ${origin.name.padEnd(12)} ${originUrl(origin)}/`);
  }
  console.log('  (?csp=1 on an .html adds a strict CSP; ?delay=MS delays the answer; Ctrl-C stops)');

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`deskbridge fixture server: ${signal}, stopping`);
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
