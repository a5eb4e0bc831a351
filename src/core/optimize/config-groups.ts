/**
 * Repeated evaluations of one configuration, grouped: MIPROv2 picks the best-mean minibatch
 * configuration for a full evaluation, TPE merges repeats into one observation, and teaching
 * mode draws each configuration's minibatch scores as a cloud. One definition of "the same
 * configuration" and of its mean serves all three.
 */
import { canonicalJson } from '../util/hash';

/** The evaluations of one configuration. */
export interface ConfigGroup<T> {
  /** {@link configKey} of the parameters. */
  key: string;
  params: Record<string, number>;
  /** The grouped items, in the order given. */
  items: T[];
  /** Mean of the values. */
  mean: number;
  /** Sum of squared deviations from the mean (Welford), for the variance of repeats. */
  m2: number;
  /** Position of the group's first item in the input. */
  first: number;
}

/** The stable key of a parameter choice (the same choice, whatever the key order). */
export function configKey(params: Record<string, number>): string {
  return canonicalJson(params);
}

/** Groups `items` by their parameters, in order of first appearance, with the mean of `value`. */
export function groupByConfig<T extends { params: Record<string, number> }>(items: readonly T[], value: (item: T) => number): ConfigGroup<T>[] {
  const groups = new Map<string, ConfigGroup<T>>();
  const sums = new Map<string, number>();
  items.forEach((item, index) => {
    const key = configKey(item.params);
    const x = value(item);
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { key, params: item.params, items: [item], mean: x, m2: 0, first: index });
      sums.set(key, x);
      return;
    }
    // Welford's update for m2; the mean stays the plain sum / count.
    g.items.push(item);
    const before = g.mean;
    const sum = sums.get(key)! + x;
    sums.set(key, sum);
    g.mean = sum / g.items.length;
    g.m2 += (x - before) * (x - g.mean);
  });
  return [...groups.values()];
}
