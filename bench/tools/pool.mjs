#!/usr/bin/env node
// node bench/tools/pool.mjs RUN.json...: pools the paired bursts of several bench runs (the JSON
// that bench/run.mjs writes) and prints, for each candidate, the median ratio of a burst to its
// raw partner's, with a 95% bootstrap interval of that median: for the steady bursts (the table's
// `× raw`) and for the fresh page's first. One run of 9 rounds moves by a few percent; the
// interval says how far the pooled figure can be trusted. No browser: it reads files only.
import fs from 'node:fs';
import { median, steady, fresh, pairedRatios } from '../ratios.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/tools/pool.mjs target/bench/latest.json [more runs...]');
  process.exit(64);
}
const runs = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));

// A fixed-seed generator (mulberry32), so that the same files always print the same interval.
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The median of `xs` and a 95% percentile-bootstrap interval of it. */
function withInterval(xs, resamples = 5000) {
  const next = random(1);
  const medians = [];
  for (let k = 0; k < resamples; k++) medians.push(median(xs.map(() => xs[Math.floor(next() * xs.length)])));
  medians.sort((a, b) => a - b);
  return { median: median(xs), low: medians[Math.floor(resamples * 0.025)], high: medians[Math.ceil(resamples * 0.975) - 1] };
}

const ids = [...new Set(runs.flatMap((r) => r.candidates.map((c) => c.id)))].filter((id) => id !== 'raw-window');
const columns = [['events/s', steady], ['fresh page', fresh]];
console.log(`${files.length} run${files.length > 1 ? 's' : ''}; × raw: median ratio of a burst to its raw partner's [95% interval]`);
for (const id of ids) {
  const cells = columns.map(([label, turns]) => {
    const ratios = pairedRatios(runs.flatMap((r) => r.candidates.filter((c) => c.id === id).flatMap((c) => c.runs)), turns);
    if (ratios.length === 0) return `${label}: no paired bursts`;
    const { median: m, low, high } = withInterval(ratios);
    return `${label} ${m.toFixed(2)}× [${low.toFixed(2)}, ${high.toFixed(2)}] of ${ratios.length}`;
  });
  console.log(`${id.padEnd(20)} ${cells.join('   ')}`);
}
