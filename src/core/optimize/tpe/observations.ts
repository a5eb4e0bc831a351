/**
 * From a trial history to the two groups TPE fits: the "good" (below, in Optuna's
 * minimizing terms) and the "bad" (above) observations, with their kernel weights.
 *
 * Reference: Optuna 3.x `optuna/samplers/_tpe/sampler.py` — `default_gamma`,
 * `default_weights`, `_split_observation_pairs`. Optuna ranks trials with a stable sort
 * (ties keep the earlier trial), takes the best `gamma(n)` as good, and keeps each group in
 * chronological order so that `default_weights` ramps down the oldest ones.
 *
 * Our change (`aggregate`): repeated evaluations of one configuration become one observation
 * whose value is the mean of its evaluations and whose kernel weight is multiplied by the
 * count. Optuna treats each evaluation as an independent point, so one lucky minibatch of a
 * configuration that later scored poorly still sits in the good group; the mean is the better
 * estimate (its noise shrinks as 1/sqrt(count)) and the count says how much evidence it carries.
 */
import { groupByConfig } from '../config-groups';
import type { TpeTrial } from './types';

/** One point the estimators are fitted on. */
export interface Observation {
  config: number[];
  /** Mean value of its evaluations. */
  value: number;
  /** Number of evaluations merged into it (1 without aggregation). */
  count: number;
  /** Sum of squared deviations of its evaluations from their mean (0 for a single one): the noise seen in repeats. */
  m2: number;
  /** History index of its first evaluation (ranks ties and orders chronologically). */
  first: number;
}

/** Optuna's default `gamma`: the number of good observations out of `n`. */
export function defaultGamma(n: number, fraction = 0.1, max = 25): number {
  return Math.min(Math.ceil(fraction * n), max);
}

/**
 * Optuna's `default_weights`: all ones up to 25 observations; beyond that the oldest
 * `n - 25` get a linear ramp from `1/n` up to 1 (numpy `linspace(1/n, 1, n - 25)`).
 */
export function defaultWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const out: number[] = [];
  for (let i = 0; i < ramp; i++) out.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) out.push(1);
  return out;
}

/** Stable key of a configuration vector (the sampler's own sets of seen configurations). */
export function vectorKey(config: readonly number[]): string {
  return config.join(',');
}

/** Turns the history into observations, in chronological order of first evaluation. */
export function collectObservations(
  history: readonly TpeTrial[],
  names: readonly string[],
  aggregate: boolean,
): Observation[] {
  const vector = (trial: TpeTrial) => names.map((name) => trial.params[name] as number);
  if (!aggregate) return history.map((trial, index) => ({ config: vector(trial), value: trial.value, count: 1, m2: 0, first: index }));
  return groupByConfig(history, (t) => t.value).map((g) => ({ config: vector(g.items[0]!), value: g.mean, count: g.items.length, m2: g.m2, first: g.first }));
}

/** Best first (maximizing); ties keep the earlier observation, like Optuna's stable sort. */
function rankBestFirst(observations: readonly Observation[]): Observation[] {
  return observations.slice().sort((a, b) => b.value - a.value || a.first - b.first);
}

/** The observation with the highest mean (ties: the one evaluated first), if any. */
export function incumbent(observations: readonly Observation[]): Observation | undefined {
  return rankBestFirst(observations)[0];
}

/** The two groups, each in chronological order, with kernel weights. */
export interface Split {
  below: Observation[];
  above: Observation[];
  belowWeights: number[];
  aboveWeights: number[];
}

/** Splits into the best `nBelow` and the rest; weights are Optuna's ramp times the count. */
export function splitObservations(observations: readonly Observation[], nBelow: number): Split {
  const ranked = rankBestFirst(observations);
  const byTime = (a: Observation, b: Observation) => a.first - b.first;
  const below = ranked.slice(0, nBelow).sort(byTime);
  const above = ranked.slice(nBelow).sort(byTime);
  const weigh = (group: Observation[]) => {
    const ramp = defaultWeights(group.length);
    return group.map((o, i) => (ramp[i] as number) * o.count);
  };
  return { below, above, belowWeights: weigh(below), aboveWeights: weigh(above) };
}
