// What bench/run.mjs reports and bench/tools/pool.mjs pools, computed in one place: medians, and
// the ratio of each burst to the burst its raw partner page took in the same turn.

/** The median of `values` (the mean of the middle two for an even count); null for none. */
export function median(values) {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Of a page's burst rates, in the order taken: the steady ones (all after the first). */
export const steady = (rates) => rates.slice(1);
/** Of a page's burst rates: the fresh page's, the first. */
export const fresh = (rates) => rates.slice(0, 1);

/**
 * Each burst's events/s over its raw partner's in the same turn, for the bursts `turns` picks
 * (`steady` or `fresh`), over the runs that succeeded and had a raw partner.
 */
export function pairedRatios(runs, turns) {
  return runs
    .filter((run) => run.ok && run.rawBurstRates)
    .flatMap((run) => turns(run.burstRates).map((rate, i) => rate / turns(run.rawBurstRates)[i]));
}
