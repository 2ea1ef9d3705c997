#!/usr/bin/env node
// `make bench`: deskbridge against raw postMessage, a raw MessageChannel port, penpal and
// post-robot, in Debian's headless Chromium, with the host page and the workstation iframe on
// two loopback origins (scripts/serve.mjs on ports of its own). See bench/README.md.
//
// Environment:
//   BENCH_ROUNDS=N        measured rounds (default 7), after one warm-up round
//   BENCH_QUICK=1         smoke test: 1 round, no warm-up, 2 bursts of 200 events, 20 round trips
//   BENCH_HOST_ADDR, BENCH_WORKSTATION_ADDR, BENCH_HOSTILE_ADDR
//                         the server's origins (default 127.0.0.1:8740, localhost:8741, 127.0.0.1:8742)
//   BENCH_OUT_DIR=DIR     where the JSON goes (default target/bench)
//   BENCH_README=1        also put the new table into README.md's "Performance" section
//   BENCH_BUILD_B=DIR     also measure another build of the package (DIR under target/, holding
//                         web/host.js, e.g. a copy of pkg made from other code) as candidates
//                         deskbridge-seed-b and deskbridge-b, in the same rounds: an A/B of two
//                         versions that the machine's drift between runs cannot blur
//   BENCH_ONLY=ID,...     run only these candidates (ids as in CANDIDATES below) and raw-window,
//                         the reference, e.g. BENCH_ONLY=deskbridge-seed for a quicker A/B
//
// Prints the medians as a markdown table (the one README.md shows) and writes every sample to
// DIR/latest.json and a timestamped copy. Exits 1 if a candidate failed to deliver every event
// valid and in order, or to complete every round trip; the figures themselves never fail it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { launch } from '../e2e/browser.mjs';
import { parseArgs, startServers, originUrl } from '../scripts/serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const quick = env.BENCH_QUICK === '1';
const ROUNDS = quick ? 1 : Number.parseInt(env.BENCH_ROUNDS ?? '7', 10);
const WARMUP_ROUNDS = quick ? 0 : 1;
const EVENTS = quick ? 200 : 5000;
const ROUND_TRIPS = quick ? 20 : 500;
// Bursts after the first in each page, whose median is the steady-state figure.
const STEADY_BURSTS = quick ? 1 : 3;
// Pause between "connected" and the burst, so that what a library does right after connecting
// (deskbridge's resync, a transport upgrade) is over before the clock starts.
const SETTLE_MS = 200;
const outDir = path.resolve(root, env.BENCH_OUT_DIR ?? 'target/bench');
if (!(ROUNDS >= 1)) {
  console.error(`bench: BENCH_ROUNDS must be a whole number >= 1, got ${JSON.stringify(env.BENCH_ROUNDS)}`);
  process.exit(64);
}

// The libraries' browser builds, copied into target/bench/lib so that the fixture server serves
// them from the repository root (node_modules may be a link out of it, which it refuses).
const libDir = path.join(root, 'target/bench/lib');
function vendor(pkg, file) {
  const pkgDir = path.join(root, 'node_modules', pkg);
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  fs.mkdirSync(libDir, { recursive: true });
  const dest = path.join(libDir, path.basename(file));
  const tmp = `${dest}.${process.pid}.tmp`;
  fs.copyFileSync(path.join(pkgDir, file), tmp);
  fs.renameSync(tmp, dest);
  return { version, file: path.relative(root, dest) };
}

// What the host page loads: the web build with DeskHost only (the workstation loads pkg/web/frame.js).
const DESKBRIDGE_FILES = ['pkg/web/host_bg.wasm', 'pkg/web/host.js'];
for (const file of DESKBRIDGE_FILES) {
  if (!fs.existsSync(path.join(root, file))) {
    console.error(`bench: ${file} is missing; run \`make pkg\` (or \`make bench\`)`);
    process.exit(1);
  }
}
// The JS snippets the glue imports (wasm-bindgen's `module` snippets) download with it; other
// builds' snippets share the directory, so only those the host glue names count.
const hostGlue = fs.readFileSync(path.join(root, 'pkg/web/host.js'), 'utf8');
for (const [, file] of hostGlue.matchAll(/["']\.\/(snippets\/[^"']+\.js)["']/g)) {
  if (!DESKBRIDGE_FILES.includes(`pkg/web/${file}`)) DESKBRIDGE_FILES.push(`pkg/web/${file}`);
}
const penpal = vendor('penpal', 'dist/penpal.min.js');
const postRobot = vendor('post-robot', 'dist/post-robot.min.js');

const ALL_CANDIDATES = [
  { id: 'raw-window', name: 'raw `window.postMessage`', page: 'window-host.html', files: [] },
  { id: 'raw-port', name: 'raw `MessageChannel` port', page: 'port-host.html', files: [] },
  { id: 'deskbridge-seed', name: 'deskbridge host, seed-only workstation', page: 'deskbridge-host.html?peer=seed', files: DESKBRIDGE_FILES },
  { id: 'deskbridge', name: 'deskbridge ↔ deskbridge', page: 'deskbridge-host.html?peer=deskbridge', files: DESKBRIDGE_FILES },
  { id: 'penpal', name: `penpal ${penpal.version}`, page: 'penpal-host.html', files: [penpal.file] },
  { id: 'post-robot', name: `post-robot ${postRobot.version}`, page: 'post-robot-host.html', files: [postRobot.file] },
];
const buildB = env.BENCH_BUILD_B ? path.resolve(root, env.BENCH_BUILD_B) : null;
if (buildB) {
  if (!buildB.startsWith(path.join(root, 'target') + path.sep) || !fs.existsSync(path.join(buildB, 'web/host.js'))) {
    console.error(`bench: BENCH_BUILD_B must be a directory under target/ with web/host.js, got ${env.BENCH_BUILD_B}`);
    process.exit(64);
  }
  const web = `/${path.relative(root, path.join(buildB, 'web'))}`;
  const files = DESKBRIDGE_FILES.map((f) => path.join(path.relative(root, buildB), path.relative('pkg', f)));
  ALL_CANDIDATES.push(
    { id: 'deskbridge-seed-b', name: `deskbridge host (${web}), seed-only workstation`, page: `deskbridge-host.html?peer=seed&build=${web}`, files },
    { id: 'deskbridge-b', name: `deskbridge (${web}) ↔ deskbridge`, page: `deskbridge-host.html?peer=deskbridge&build=${web}`, files },
  );
}
const only = env.BENCH_ONLY ? new Set(['raw-window', ...env.BENCH_ONLY.split(',')]) : null;
const unknown = only && [...only].filter((id) => !ALL_CANDIDATES.some((c) => c.id === id));
if (unknown?.length) {
  console.error(`bench: BENCH_ONLY names no candidate ${unknown.join(', ')}; ids: ${ALL_CANDIDATES.map((c) => c.id).join(', ')}`);
  process.exit(64);
}
if ((only || buildB) && env.BENCH_README === '1') {
  console.error('bench: BENCH_README needs every candidate of this build only; leave BENCH_ONLY and BENCH_BUILD_B unset');
  process.exit(64);
}
const CANDIDATES = only ? ALL_CANDIDATES.filter((c) => only.has(c.id)) : ALL_CANDIDATES;

/** The bytes a page downloads for the library, each file gzipped at level 9 as a server would. */
function gzipBytes(files) {
  return files.reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(path.join(root, f)), { level: 9 }).length, 0);
}

function median(values) {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const serveOpts = parseArgs([
  '--host', env.BENCH_HOST_ADDR ?? '127.0.0.1:8740',
  '--workstation', env.BENCH_WORKSTATION_ADDR ?? 'localhost:8741',
  '--hostile', env.BENCH_HOSTILE_ADDR ?? '127.0.0.1:8742',
  // BENCH_ISOLATE=1: cross-origin isolated pages (COOP and COEP), whose performance.now() is
  // precise to 5 µs instead of 100 µs, so that a round trip's median is not rounded to 0.1 ms.
  // Isolation costs every candidate some speed, and most pages that embed a workstation are not
  // isolated, so it is not the default.
  ...(env.BENCH_ISOLATE === '1' ? ['--isolate'] : []),
]);
const origin = (name) => originUrl(serveOpts.origins.find((o) => o.name === name));
const HOST = origin('host');
const WORKSTATION = origin('workstation');

/** One run of one candidate in a fresh browser context: start-up, two bursts, the round trips. */
async function runOnce(browser, candidate) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const pageErrors = [];
  const consoleErrors = [];
  // An error before the page published `window.bench` (its library failed to load, say) ends
  // the run at once instead of after the 20 s wait.
  let failLoad;
  const loadFailed = new Promise((_, reject) => { failLoad = reject; });
  loadFailed.catch(() => {});
  page.on('pageerror', (e) => {
    pageErrors.push(e.message);
    failLoad(new Error(`the page failed while loading: ${e.message}`));
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) consoleErrors.push(m.text());
  });
  const url = new URL(`/bench/pages/${candidate.page}`, HOST);
  url.searchParams.set('ws', WORKSTATION);
  try {
    await page.goto(url.href);
    await Promise.race([page.waitForFunction(() => window.bench, null, { timeout: 20000 }), loadFailed]);
    const startupMs = await page.evaluate(() => window.bench.startup());
    await page.waitForTimeout(SETTLE_MS);
    // The first burst meets the engine cold: the page has just loaded, and neither side's code
    // has reached the engine's optimising tiers yet. The ones after it measure the steady state
    // that a page reaches once it has handled some traffic, as a host page that stays open for
    // an agent's shift does.
    const first = await page.evaluate((n) => window.bench.burst(n), EVENTS);
    const steady = [];
    for (let i = 0; i < STEADY_BURSTS; i++) steady.push(await page.evaluate((n) => window.bench.burst(n), EVENTS));
    const roundTrips = await page.evaluate((k) => window.bench.roundTrips(k), ROUND_TRIPS);
    const info = await page.evaluate(() => window.bench.info());
    const errors = [...pageErrors, ...info.errors];
    const problems = [];
    for (const [which, b] of [first, ...steady].map((b, i) => [`burst ${i + 1}`, b])) {
      if (b.timedOut) problems.push(`${which} timed out after ${b.valid} valid events`);
      if (b.valid !== EVENTS) problems.push(`${which}: ${b.valid} of ${EVENTS} events arrived valid`);
      if (b.invalid !== 0) problems.push(`${which}: ${b.invalid} events failed validation`);
      if (!b.inOrder) problems.push(`${which}: events arrived out of order`);
    }
    if (errors.length) problems.push(`page errors: ${errors.join('; ')}`);
    if (env.BENCH_ISOLATE === '1' && !info.isolated) problems.push('the page is not cross-origin isolated');
    return {
      ok: problems.length === 0,
      problems,
      startupMs,
      // events/s: the median of the steady bursts; firstEventsPerSec: the fresh page's burst.
      eventsPerSec: median(steady.map((b) => EVENTS / (b.ms / 1000))),
      firstEventsPerSec: EVENTS / (first.ms / 1000),
      bursts: [first, ...steady],
      roundTripMs: median(roundTrips),
      roundTripMeanMs: roundTrips.reduce((a, b) => a + b, 0) / roundTrips.length,
      roundTrips,
      ...(info.transport !== undefined && { transport: info.transport }),
      ...(info.ready !== undefined && { ready: info.ready }),
      consoleErrors,
    };
  } catch (e) {
    return { ok: false, problems: [e.message.split('\n')[0], ...pageErrors], consoleErrors };
  } finally {
    await context.close();
  }
}

const fmt = {
  int: (x) => Math.round(x).toLocaleString('en-US'),
  ms: (x) => (x < 10 ? x.toFixed(2) : x.toFixed(0)),
  ratio: (x) => `${x.toFixed(2)}×`,
};

/** The table README.md shows, with the line under it that says where it comes from. */
function markdown(results, meta) {
  const lines = [
    '| candidate | events/s | × raw | fresh page: events/s | × raw | round trip, median (ms) | round trip, mean (ms) | start-up (ms) | library, gzip -9 (bytes) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    const m = r.median;
    const name = r.transport === undefined ? r.name : `${r.name} (transport: \`${r.transport}\`)`;
    const cell = (x, f) => (x === null ? 'failed' : f(x));
    lines.push(`| ${name} | ${cell(m.eventsPerSec, fmt.int)} | ${cell(m.timesRaw, fmt.ratio)} | ` +
      `${cell(m.firstEventsPerSec, fmt.int)} | ${cell(m.firstTimesRaw, fmt.ratio)} | ` +
      `${cell(m.roundTripMs, fmt.ms)} | ${cell(m.roundTripMeanMs, fmt.ms)} | ${cell(m.startupMs, fmt.ms)} | ${fmt.int(r.gzipBytes)} |`);
  }
  const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
  lines.push('');
  lines.push(`Medians of ${meta.rounds} round${meta.rounds > 1 ? 's' : ''}` +
    `${meta.warmupRounds ? ` (after ${meta.warmupRounds} warm-up)` : ''}, each candidate in a fresh page per round: ` +
    `${1 + meta.steadyBursts} bursts of ${fmt.int(meta.events)} events (fresh page: the first, ` +
    `${meta.settleMs} ms after connecting; events/s: the median of the ${meta.steadyBursts > 1 ? `${meta.steadyBursts} ` : ''}` +
    `after it), then ${fmt.int(meta.roundTripCount)} round trips. ${meta.browser}, ` +
    `${meta.machine.cpus} cores, load average ${load(meta.machine.loadavgBefore)} before and ` +
    `${load(meta.machine.loadavgAfter)} after; ${meta.date.slice(0, 10)}${meta.quick ? ' (BENCH_QUICK: not a measurement)' : ''}.`);
  return lines.join('\n');
}

async function main() {
  const running = await startServers(serveOpts);
  const browser = await launch();
  const browserVersion = `Chromium ${browser.version()}`;
  const loadavgBefore = os.loadavg();
  const byId = new Map(CANDIDATES.map((c) => [c.id, { ...c, gzipBytes: gzipBytes(c.files), runs: [] }]));
  try {
    const total = WARMUP_ROUNDS + ROUNDS;
    for (let round = 0; round < total; round++) {
      const warmup = round < WARMUP_ROUNDS;
      // Rotate the order each round, so that no candidate always runs first or after the same one.
      const order = CANDIDATES.map((_, i) => CANDIDATES[(i + round) % CANDIDATES.length]);
      const label = warmup ? 'warm-up' : `round ${round - WARMUP_ROUNDS + 1}/${ROUNDS}`;
      const parts = [];
      for (const candidate of order) {
        const run = await runOnce(browser, candidate);
        if (!warmup) byId.get(candidate.id).runs.push({ round: round - WARMUP_ROUNDS + 1, ...run });
        parts.push(run.ok
          ? `${candidate.id} ${fmt.int(run.firstEventsPerSec)}/s then ${fmt.int(run.eventsPerSec)}/s`
          : `${candidate.id} FAILED`);
        if (!run.ok) console.error(`  ${candidate.id}: ${run.problems.join('; ')}`);
      }
      console.log(`bench: ${label}: ${parts.join(', ')}`);
    }
  } finally {
    await browser.close();
    await running.close();
  }

  const results = [...byId.values()].map(({ page, ...c }) => {
    const ok = c.runs.filter((r) => r.ok);
    const pick = (key) => median(ok.map((r) => r[key]));
    const transports = [...new Set(ok.map((r) => r.transport).filter((t) => t !== undefined))];
    return {
      ...c,
      ...(transports.length && { transport: transports.join(', ') }),
      failedRuns: c.runs.length - ok.length,
      median: {
        eventsPerSec: pick('eventsPerSec'),
        firstEventsPerSec: pick('firstEventsPerSec'),
        roundTripMs: pick('roundTripMs'),
        roundTripMeanMs: pick('roundTripMeanMs'),
        startupMs: pick('startupMs'),
      },
    };
  });
  const rawResult = results.find((r) => r.id === 'raw-window');
  // Each candidate's events/s over raw's, for the second bursts (`timesRaw`) and the first
  // (`firstTimesRaw`): the ratio of the medians, which the table shows, and (JSON only, `…Paired`)
  // the median of each round's own ratio, from which slow drift in the machine's load between
  // rounds cancels out.
  for (const [key, ratio] of [['eventsPerSec', 'timesRaw'], ['firstEventsPerSec', 'firstTimesRaw']]) {
    const raw = rawResult.median[key];
    const rawByRound = new Map(rawResult.runs.filter((r) => r.ok).map((r) => [r.round, r[key]]));
    for (const r of results) {
      r.median[ratio] = r.median[key] === null || !raw ? null : r.median[key] / raw;
      r.median[`${ratio}Paired`] = median(r.runs.filter((x) => x.ok && rawByRound.has(x.round))
        .map((x) => x[key] / rawByRound.get(x.round)));
    }
  }

  const date = new Date().toISOString();
  const meta = {
    date,
    quick,
    rounds: ROUNDS,
    warmupRounds: WARMUP_ROUNDS,
    events: EVENTS,
    roundTripCount: ROUND_TRIPS,
    settleMs: SETTLE_MS,
    steadyBursts: STEADY_BURSTS,
    browser: browserVersion,
    origins: { host: HOST, workstation: WORKSTATION },
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      loadavgBefore,
      loadavgAfter: os.loadavg(),
    },
  };
  const table = markdown(results, meta);
  const report = { ...meta, table, candidates: results };

  fs.mkdirSync(outDir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  fs.writeFileSync(path.join(outDir, 'latest.json'), json);
  fs.writeFileSync(path.join(outDir, `bench-${date.replace(/[:.]/g, '-')}.json`), json);
  fs.writeFileSync(path.join(outDir, 'latest.md'), `${table}\n`);

  console.log(`\n${table}\n`);
  console.log(`bench: samples in ${path.relative(process.cwd(), path.join(outDir, 'latest.json')) || 'latest.json'}`);
  if (env.BENCH_README === '1') updateReadme(table);

  const failed = results.filter((r) => r.failedRuns > 0);
  if (failed.length) {
    console.error(`bench: failed runs: ${failed.map((r) => `${r.id} (${r.failedRuns})`).join(', ')}`);
    process.exitCode = 1;
  }
}

/** Replace the table between README.md's bench markers with `table`. */
function updateReadme(table) {
  const file = path.join(root, 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const re = /(<!-- bench:start -->\n)[\s\S]*?(\n<!-- bench:end -->)/;
  if (!re.test(text)) {
    console.error('bench: README.md has no <!-- bench:start --> ... <!-- bench:end --> block; not updated');
    process.exitCode = 1;
    return;
  }
  fs.writeFileSync(file, text.replace(re, (_, start, end) => `${start}${table}${end}`));
  console.log('bench: README.md updated');
}

await main();
