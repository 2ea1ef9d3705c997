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
import { median, steady, fresh, pairedRatios } from './ratios.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const quick = env.BENCH_QUICK === '1';
const ROUNDS = quick ? 1 : Number.parseInt(env.BENCH_ROUNDS ?? '7', 10);
const WARMUP_ROUNDS = quick ? 0 : 1;
const EVENTS = quick ? 200 : 5000;
const ROUND_TRIPS = quick ? 20 : 500;
// Bursts after the first in each page, whose median is the steady-state figure.
const STEADY_BURSTS = quick ? 1 : 3;
// The round trips are taken in this many turns (500 in 5 of 100), in turn with the other candidates'.
const RT_TURNS = quick ? 1 : 5;
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

/**
 * Open one candidate's page in a fresh browser context and wait until it is connected. The run
 * then takes its bursts and its round trips when `side` calls on it, in turn with its partner's.
 */
async function open(browser, candidate) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const run = { candidate, context, page, pageErrors: [], consoleErrors: [], bursts: [], roundTrips: [], failed: null };
  // An error before the page published `window.bench` (its library failed to load, say) ends
  // the run at once instead of after the 20 s wait.
  let failLoad;
  const loadFailed = new Promise((_, reject) => { failLoad = reject; });
  loadFailed.catch(() => {});
  page.on('pageerror', (e) => {
    run.pageErrors.push(e.message);
    failLoad(new Error(`the page failed while loading: ${e.message}`));
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) run.consoleErrors.push(m.text());
  });
  const url = new URL(`/bench/pages/${candidate.page}`, HOST);
  url.searchParams.set('ws', WORKSTATION);
  await step(run, async () => {
    await page.goto(url.href);
    await Promise.race([page.waitForFunction(() => window.bench, null, { timeout: 20000 }), loadFailed]);
    run.startupMs = await page.evaluate(() => window.bench.startup());
  });
  return run;
}

/** Run `f(page)` unless the run already failed; a failure ends the run. */
async function step(run, f) {
  if (run.failed !== null) return undefined;
  try {
    return await f(run.page);
  } catch (e) {
    run.failed = e.message.split('\n')[0];
    return undefined;
  }
}

/**
 * Measure `candidates` side by side: each one's page is opened (one after the other, so that
 * each start-up is timed alone), then the pages take their bursts and their round trips in
 * turns, as tachometer samples in round robin. A drift in the machine's speed then meets the
 * pages alike, and each burst has its partner's right next to it to be compared with.
 */
async function side(browser, candidates) {
  const runs = [];
  for (const candidate of candidates) runs.push(await open(browser, candidate));
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  // Each page's first burst meets the engine cold: the page has just loaded, and neither
  // side's code has reached the engine's optimising tiers yet. The ones after it measure the
  // steady state that a page reaches once it has handled some traffic, as a host page that
  // stays open for an agent's shift does.
  for (let turn = 0; turn <= STEADY_BURSTS; turn++) {
    for (const run of runs) {
      const burst = await step(run, (page) => page.evaluate((n) => window.bench.burst(n), EVENTS));
      if (burst) run.bursts.push(burst);
    }
  }
  const chunk = Math.ceil(ROUND_TRIPS / RT_TURNS);
  for (let turn = 0; turn < RT_TURNS; turn++) {
    for (const run of runs) {
      const k = Math.min(chunk, ROUND_TRIPS - turn * chunk);
      const samples = await step(run, (page) => page.evaluate((k) => window.bench.roundTrips(k), k));
      if (samples) run.roundTrips.push(...samples);
    }
  }
  const results = [];
  for (const run of runs) {
    results.push(await finish(run));
    await run.context.close();
  }
  return results;
}

/**
 * One round: each candidate side by side with a page of its own of raw `window.postMessage`, the
 * reference, which opens first in even rounds and second in odd ones. Returns [candidate, run]
 * pairs, raw's runs included; a candidate's run has its partner's burst rates (`rawBurstRates`).
 */
async function round(browser, order, r) {
  const raw = order.find((c) => c.id === 'raw-window');
  const others = order.filter((c) => c !== raw);
  if (others.length === 0) return [[raw, (await side(browser, [raw]))[0]]];
  const out = [];
  for (const candidate of others) {
    const pair = r % 2 === 0 ? [raw, candidate] : [candidate, raw];
    const results = await side(browser, pair);
    const rawRun = results[pair.indexOf(raw)];
    const run = results[pair.indexOf(candidate)];
    if (run.ok && rawRun.ok) run.rawBurstRates = rawRun.burstRates;
    out.push([raw, rawRun], [candidate, run]);
  }
  return out;
}

/** What one run measured, and what went wrong in it (`ok` is false then). */
async function finish(run) {
  const info = (await step(run, (page) => page.evaluate(() => window.bench.info()))) ?? { errors: [] };
  const { bursts, roundTrips } = run;
  const problems = run.failed === null ? [] : [run.failed];
  bursts.forEach((b, i) => {
    const which = `burst ${i + 1}`;
    if (b.timedOut) problems.push(`${which} timed out after ${b.valid} valid events`);
    if (b.valid !== EVENTS) problems.push(`${which}: ${b.valid} of ${EVENTS} events arrived valid`);
    if (b.invalid !== 0) problems.push(`${which}: ${b.invalid} events failed validation`);
    if (!b.inOrder) problems.push(`${which}: events arrived out of order`);
  });
  const errors = [...run.pageErrors, ...info.errors];
  if (errors.length) problems.push(`page errors: ${errors.join('; ')}`);
  if (env.BENCH_ISOLATE === '1' && run.failed === null && !info.isolated) problems.push('the page is not cross-origin isolated');
  if (problems.length) return { ok: false, problems, consoleErrors: run.consoleErrors };
  const rates = bursts.map((b) => EVENTS / (b.ms / 1000));
  return {
    ok: true,
    problems,
    startupMs: run.startupMs,
    // firstEventsPerSec: the fresh page's burst; eventsPerSec: the median of the ones after it.
    firstEventsPerSec: rates[0],
    eventsPerSec: median(steady(rates)),
    burstRates: rates,
    bursts,
    roundTripMs: median(roundTrips),
    roundTripMeanMs: roundTrips.reduce((a, b) => a + b, 0) / roundTrips.length,
    roundTrips,
    ...(info.transport !== undefined && { transport: info.transport }),
    ...(info.ready !== undefined && { ready: info.ready }),
    consoleErrors: run.consoleErrors,
  };
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
    `${meta.warmupRounds ? ` (after ${meta.warmupRounds} warm-up)` : ''}. In each round every candidate runs in a fresh ` +
    `page side by side with a fresh page of raw \`window.postMessage\` (whose row sums up all these pages), ` +
    `the two taking turns: ${1 + meta.steadyBursts} bursts of ${fmt.int(meta.events)} events each, fresh page being the ` +
    `first, ${meta.settleMs} ms after connecting, and events/s the ones after it; × raw is the median ratio of a ` +
    `burst to its raw partner's of the same turn. ${fmt.int(meta.roundTripCount)} round trips a page, ` +
    `in ${meta.roundTripTurns} turn${meta.roundTripTurns > 1 ? 's' : ''}. ${meta.browser}, ` +
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
    for (let r = 0; r < total; r++) {
      const warmup = r < WARMUP_ROUNDS;
      // Rotate the order each round, so that no candidate always runs first or after the same one.
      const order = CANDIDATES.map((_, i) => CANDIDATES[(i + r) % CANDIDATES.length]);
      const label = warmup ? 'warm-up' : `round ${r - WARMUP_ROUNDS + 1}/${ROUNDS}`;
      const parts = [];
      for (const [candidate, run] of await round(browser, order, r)) {
        if (!warmup) byId.get(candidate.id).runs.push({ round: r - WARMUP_ROUNDS + 1, ...run });
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
  // × raw: each burst's events/s over those of the burst that its raw partner page took in the
  // same turn, right before or after it; the median of these ratios over the rounds, of the
  // steady turns (`timesRaw`) and of the first (`firstTimesRaw`). The JSON also has the ratio
  // of the medians (`…OfMedians`), from which such drift does not cancel.
  for (const r of results) {
    const ratios = (turns) => (r.id === 'raw-window' ? 1 : median(pairedRatios(r.runs, turns)));
    r.median.timesRaw = ratios(steady);
    r.median.firstTimesRaw = ratios(fresh);
    const ofMedians = (key) => (r.median[key] === null || !rawResult.median[key] ? null : r.median[key] / rawResult.median[key]);
    r.median.timesRawOfMedians = ofMedians('eventsPerSec');
    r.median.firstTimesRawOfMedians = ofMedians('firstEventsPerSec');
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
    roundTripTurns: RT_TURNS,
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
