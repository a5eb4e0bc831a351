/**
 * Mean and 95% confidence interval of per-example scores, for honest score displays
 * (a minibatch of 35 is noisy, and the UI shows how noisy).
 *
 * - Scores that are all exactly 0 or 1 (pass/fail metrics) use the **Wilson score interval**:
 *   the t-interval collapses to zero width at 35/35 correct, which claims certainty we do not
 *   have, while Wilson gives [0.90, 1].
 * - Other scores use Student's t-interval, mean ± t(0.975, n-1) · s/√n, with s the sample
 *   standard deviation; t comes from a table up to 30 degrees of freedom and a Cornish-Fisher
 *   expansion beyond (error < 1e-4). When every score is in [0, 1] the interval is clamped to it.
 * - One non-binary score gives no spread: the interval is [0, 1] for scores in [0, 1], else
 *   just the score. No scores give `{ mean: 0, lo: 0, hi: 0, n: 0 }` (not NaN, which would
 *   poison comparisons and JSON).
 */

export interface MeanCI {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

const Z = 1.959963984540054;
// t(0.975, df) for df = 1..30.
const T_TABLE = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101,
  2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Mean and 95% interval of `scores` (see the file comment for the method). */
export function meanAndCI95(scores: readonly number[]): MeanCI {
  const n = scores.length;
  if (n === 0) return { mean: 0, lo: 0, hi: 0, n: 0 };
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  if (scores.every((s) => s === 0 || s === 1)) return { mean, ...wilson(mean, n), n };
  const unit = scores.every((s) => s >= 0 && s <= 1);
  if (n === 1) return unit ? { mean, lo: 0, hi: 1, n } : { mean, lo: mean, hi: mean, n };
  const variance = scores.reduce((a, s) => a + (s - mean) ** 2, 0) / (n - 1);
  const half = tCritical(n - 1) * Math.sqrt(variance / n);
  const lo = mean - half;
  const hi = mean + half;
  return unit ? { mean, lo: Math.max(0, lo), hi: Math.min(1, hi), n } : { mean, lo, hi, n };
}

/**
 * A 95% interval from a mean score in [0, 1] and its count alone (the per-example scores are
 * gone, e.g. a search's measure of its best program): Wilson's, exact for pass/fail metrics.
 */
export function scoreInterval(mean: number, n: number): { lo: number; hi: number } {
  return n > 0 ? wilson(Math.min(1, Math.max(0, mean)), n) : { lo: 0, hi: 0 };
}

/** Two-sided 95% critical value of Student's t with `df` degrees of freedom. */
export function tCritical(df: number): number {
  if (df < 1) return Infinity;
  const tabled = T_TABLE[Math.floor(df) - 1];
  if (tabled !== undefined) return tabled;
  const z = Z;
  return (
    z +
    (z ** 3 + z) / (4 * df) +
    (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) +
    (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3)
  );
}

function wilson(p: number, n: number): { lo: number; hi: number } {
  const z2 = Z * Z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (Z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At p = 0 or 1 the bound is exactly 0 or 1; say so instead of 0.9999999999999999.
  return { lo: p === 0 ? 0 : Math.max(0, center - half), hi: p === 1 ? 1 : Math.min(1, center + half) };
}
