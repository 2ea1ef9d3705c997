// `make bench` in its quick mode (BENCH_QUICK=1: one round, 200 events, 20 round trips), on ports
// of its own: every candidate connects, delivers every event valid and in order, completes its
// round trips, and lands in the JSON. No timing is asserted: the figures are for reading. Then
// the options for comparing builds (BENCH_ONLY, BENCH_BUILD_B).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CANDIDATES = ['raw-window', 'raw-port', 'deskbridge-seed', 'deskbridge', 'penpal', 'post-robot'];

/** Run bench/run.mjs in quick mode on ports of its own with `env` added; its exit code and output. */
function runBench(env, out) {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bench/run.mjs'], {
      cwd: root,
      env: {
        ...process.env,
        BENCH_QUICK: '1',
        BENCH_OUT_DIR: out,
        BENCH_HOST_ADDR: '127.0.0.1:8750',
        BENCH_WORKSTATION_ADDR: 'localhost:8751',
        BENCH_HOSTILE_ADDR: '127.0.0.1:8752',
        ...env,
      },
    }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
}

test('the benchmark harness runs every candidate end to end (quick mode)', { timeout: 120_000 }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbridge-bench-'));
  try {
    const { code, stdout, stderr } = await runBench({}, out);
    assert.equal(code, 0, `bench/run.mjs failed:\n${stdout}\n${stderr}`);

    const report = JSON.parse(fs.readFileSync(path.join(out, 'latest.json'), 'utf8'));
    assert.deepEqual(report.candidates.map((c) => c.id), CANDIDATES);
    assert.equal(report.events, 200);
    for (const c of report.candidates) {
      // Each candidate runs beside a page of raw window.postMessage of its own.
      assert.equal(c.runs.length, c.id === 'raw-window' ? CANDIDATES.length - 1 : 1, c.id);
      const [run] = c.runs;
      if (c.id !== 'raw-window') assert.equal(run.rawBurstRates.length, 2, `${c.id}: its raw partner's bursts`);
      assert.deepEqual(run.problems, [], c.id);
      assert.equal(run.bursts.length, 2, `${c.id}: a fresh page's burst, then a steady one`);
      for (const b of run.bursts) {
        assert.equal(b.valid, 200, `${c.id}: events validated`);
        assert.equal(b.invalid, 0, c.id);
        assert.equal(b.inOrder, true, c.id);
      }
      assert.equal(run.roundTrips.length, 20, `${c.id}: round trips completed`);
      assert.ok(run.startupMs > 0 && run.firstEventsPerSec > 0 && run.eventsPerSec > 0, c.id);
      assert.ok(c.median.timesRaw > 0 && c.median.firstTimesRaw > 0, `${c.id}: ratios to raw`);
      assert.equal(c.gzipBytes > 0, !c.id.startsWith('raw-'), `${c.id}: library bytes`);
      // The printed table has a row for it.
      assert.ok(stdout.split('\n').some((l) => l.startsWith(`| ${c.name}`)), `${c.id} in the table`);
    }
    // A deskbridge host said which protocol it settled on: 1 with the seed peer, 2 with a DeskFrame.
    const ready = (id) => report.candidates.find((c) => c.id === id).runs[0].ready;
    assert.deepEqual(ready('deskbridge-seed')?.protocol, 1);
    assert.deepEqual(ready('deskbridge')?.protocol, 2);
    assert.ok(fs.readdirSync(out).some((f) => /^bench-.*\.json$/.test(f)), 'timestamped copy');
    // bench/tools/pool.mjs reads the run back: a row for every candidate but raw, with the ratio
    // of its one paired steady burst and its interval.
    const pooled = await new Promise((resolve, reject) => execFile(process.execPath,
      ['bench/tools/pool.mjs', path.join(out, 'latest.json')], { cwd: root },
      (error, stdout) => (error ? reject(error) : resolve(stdout))));
    for (const c of report.candidates.filter((x) => x.id !== 'raw-window')) {
      const ratio = c.runs[0].burstRates[1] / c.runs[0].rawBurstRates[1];
      assert.match(pooled, new RegExp(`^${c.id} +events/s ${ratio.toFixed(2)}× \\[`, 'm'), pooled);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('BENCH_ONLY and BENCH_BUILD_B refuse what they cannot run, before starting a browser', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbridge-bench-'));
  try {
    const unknown = await runBench({ BENCH_ONLY: 'deskbridge-seed,nonesuch' }, out);
    assert.equal(unknown.code, 64);
    assert.match(unknown.stderr, /nonesuch/);
    const outside = await runBench({ BENCH_BUILD_B: 'pkg' }, out);
    assert.equal(outside.code, 64);
    assert.match(outside.stderr, /under target\//);
    const partial = await runBench({ BENCH_ONLY: 'deskbridge', BENCH_README: '1' }, out);
    assert.equal(partial.code, 64, 'a partial run never replaces the README table');
    assert.equal(fs.readdirSync(out).length, 0, 'nothing was measured');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('BENCH_BUILD_B measures the other build in the same run: a broken copy fails, this build passes', { timeout: 120_000 }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbridge-bench-'));
  const copy = fs.mkdtempSync(path.join(root, 'target', 'bench-build-b-'));
  try {
    fs.cpSync(path.join(root, 'pkg'), copy, { recursive: true });
    // The copy's host page build throws as it loads: its candidate can only pass if it is not
    // what the page loaded.
    fs.appendFileSync(path.join(copy, 'web/host.js'), '\nthrow new Error("build B is broken on purpose");\n');
    const { code, stdout, stderr } = await runBench({
      BENCH_BUILD_B: path.relative(root, copy),
      BENCH_ONLY: 'deskbridge-seed,deskbridge-seed-b',
    }, out);
    assert.equal(code, 1, `${stdout}\n${stderr}`);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'latest.json'), 'utf8'));
    assert.deepEqual(report.candidates.map((c) => c.id), ['raw-window', 'deskbridge-seed', 'deskbridge-seed-b']);
    const byId = Object.fromEntries(report.candidates.map((c) => [c.id, c]));
    assert.equal(byId['deskbridge-seed'].failedRuns, 0);
    assert.equal(byId['deskbridge-seed-b'].failedRuns, 1);
    assert.match(stderr, /deskbridge-seed-b: .*broken on purpose/);
    const { median } = byId['deskbridge-seed'];
    assert.ok(median.timesRawOfMedians > 0 && median.firstTimesRawOfMedians > 0, 'the ratios of medians are in the JSON');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(copy, { recursive: true, force: true });
  }
});
