// `make bench` in its quick mode (BENCH_QUICK=1: one round, 200 events, 20 round trips), on ports
// of its own: every candidate connects, delivers every event valid and in order, completes its
// round trips, and lands in the JSON. No timing is asserted: the figures are for reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CANDIDATES = ['raw-window', 'raw-port', 'deskbridge-seed', 'deskbridge', 'penpal', 'post-robot'];

test('the benchmark harness runs every candidate end to end (quick mode)', { timeout: 120_000 }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbridge-bench-'));
  try {
    const { code, stdout, stderr } = await new Promise((resolve) => {
      execFile(process.execPath, ['bench/run.mjs'], {
        cwd: root,
        env: {
          ...process.env,
          BENCH_QUICK: '1',
          BENCH_OUT_DIR: out,
          BENCH_HOST_ADDR: '127.0.0.1:8750',
          BENCH_WORKSTATION_ADDR: 'localhost:8751',
          BENCH_HOSTILE_ADDR: '127.0.0.1:8752',
        },
      }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
    });
    assert.equal(code, 0, `bench/run.mjs failed:\n${stdout}\n${stderr}`);

    const report = JSON.parse(fs.readFileSync(path.join(out, 'latest.json'), 'utf8'));
    assert.deepEqual(report.candidates.map((c) => c.id), CANDIDATES);
    assert.equal(report.events, 200);
    for (const c of report.candidates) {
      assert.equal(c.runs.length, 1, c.id);
      const [run] = c.runs;
      assert.deepEqual(run.problems, [], c.id);
      assert.equal(run.eventsValid, 200, `${c.id}: events validated`);
      assert.equal(run.eventsInvalid, 0, c.id);
      assert.equal(run.inOrder, true, c.id);
      assert.equal(run.roundTrips.length, 20, `${c.id}: round trips completed`);
      assert.ok(run.startupMs > 0 && run.eventsPerSec > 0, c.id);
      assert.equal(c.gzipBytes > 0, !c.id.startsWith('raw-'), `${c.id}: library bytes`);
      // The printed table has a row for it.
      assert.ok(stdout.split('\n').some((l) => l.startsWith(`| ${c.name}`)), `${c.id} in the table`);
    }
    // A deskbridge host said which protocol it settled on: 1 with the seed peer, 2 with a DeskFrame.
    const ready = (id) => report.candidates.find((c) => c.id === id).runs[0].ready;
    assert.deepEqual(ready('deskbridge-seed')?.protocol, 1);
    assert.deepEqual(ready('deskbridge')?.protocol, 2);
    assert.ok(fs.readdirSync(out).some((f) => /^bench-.*\.json$/.test(f)), 'timestamped copy');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
