/**
 * Seeded train/val/test splits.
 *
 * DSPy users split by slicing an unshuffled list, and some tools ignore seed 0; here every
 * split is a seeded Fisher-Yates shuffle (`Rng`) followed by slicing, and 0 is a seed like any
 * other.
 */
import { PlaygroundError } from '../errors';
import { Rng } from '../util/random';
import type { DataSplits, Example, SplitFractions } from './types';

const NAMES = ['train', 'val', 'test'] as const;
type SplitName = (typeof NAMES)[number];

/**
 * Shuffles `examples` with `seed`, then takes train, val and test in that order.
 *
 * `sizes` holds either **fractions** (every value <= 1, summing to <= 1) or **counts** (when
 * any value is > 1; then every value must be a whole number, summing to <= the number of
 * examples). Rows left over are unused, which is how to subsample a large dataset; an omitted
 * `test` means no test split. Fractions become counts by largest remainder, so 0.5/0.5 of 5
 * rows is 3/2, not 2/2.
 *
 * Throws `DATA_EMPTY` with no examples and `DATA_SPLIT` for a negative or non-numeric size, a
 * total above 1 (or above the number of examples), a non-integer seed, or a requested split
 * (size > 0) that would get no rows.
 */
export function splitExamples(examples: Example[], sizes: SplitFractions, seed: number): DataSplits {
  if (examples.length === 0) throw new PlaygroundError('DATA_EMPTY', 'There are no examples to split.', { hint: 'Check that the mapping matches the data: rows missing a mapped value are dropped.' });
  if (!Number.isSafeInteger(seed)) throw new PlaygroundError('DATA_SPLIT', `The split seed must be an integer, but got ${String(seed)}.`, { hint: 'Use any whole number, e.g. 0.' });
  const counts = splitCounts(examples.length, sizes);
  const shuffled = new Rng(seed).shuffle(examples);
  const out: DataSplits = { train: [], val: [], test: [] };
  let at = 0;
  for (const name of NAMES) {
    out[name] = shuffled.slice(at, at + counts[name]);
    at += counts[name];
  }
  return out;
}

/** The number of rows each split gets from `n` examples (same rules as {@link splitExamples}). */
export function splitCounts(n: number, sizes: SplitFractions): Record<SplitName, number> {
  const requested = readSizes(sizes);
  const asCounts = NAMES.some((k) => requested[k] > 1);
  const counts = asCounts ? checkCounts(n, requested) : fractionsToCounts(n, requested);
  for (const name of NAMES) {
    if (requested[name] > 0 && counts[name] === 0) {
      throw new PlaygroundError('DATA_SPLIT', `The ${name} split (${requested[name]}) gets 0 of ${n} examples.`, {
        hint: n < NAMES.filter((k) => requested[k] > 0).length ? 'Add more examples.' : `Give ${name} a larger fraction or a count.`,
        details: { n, requested, counts },
      });
    }
  }
  return counts;
}

function readSizes(sizes: SplitFractions): Record<SplitName, number> {
  const out = { train: 0, val: 0, test: 0 };
  for (const name of NAMES) {
    const v: unknown = sizes[name];
    if (v === undefined && name === 'test') continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new PlaygroundError('DATA_SPLIT', `split.${name} must be a number >= 0 (a fraction or a count), but got ${JSON.stringify(v)}.`, {
        hint: 'For example { "train": 0.5, "val": 0.5 } or { "train": 20, "val": 100 }.',
      });
    }
    out[name] = v;
  }
  return out;
}

function checkCounts(n: number, requested: Record<SplitName, number>): Record<SplitName, number> {
  const bad = NAMES.find((k) => !Number.isInteger(requested[k]));
  if (bad) {
    throw new PlaygroundError('DATA_SPLIT', `split.${bad} is ${requested[bad]}, but with a size above 1 all sizes are counts and must be whole numbers.`, {
      hint: 'Use fractions everywhere (each <= 1) or counts everywhere.',
    });
  }
  const total = requested.train + requested.val + requested.test;
  if (total > n) {
    throw new PlaygroundError('DATA_SPLIT', `The split asks for ${total} examples (train ${requested.train}, val ${requested.val}, test ${requested.test}), but there are only ${n}.`, {
      hint: 'Lower the counts or add data.',
    });
  }
  return { ...requested };
}

function fractionsToCounts(n: number, requested: Record<SplitName, number>): Record<SplitName, number> {
  const sum = requested.train + requested.val + requested.test;
  if (sum > 1 + 1e-9) {
    throw new PlaygroundError('DATA_SPLIT', `The split fractions add up to ${+sum.toFixed(6)}, more than 1.`, {
      hint: 'Make train + val + test at most 1, or give counts instead of fractions.',
    });
  }
  const total = Math.min(n, Math.round(sum * n));
  const exact = NAMES.map((k) => requested[k] * n);
  const counts = exact.map((x) => Math.floor(x + 1e-9));
  // Largest remainder; ties go to a requested split that is still empty, then in order.
  for (let left = total - counts.reduce((a, b) => a + b, 0); left > 0; left--) {
    let best = -1;
    for (let i = 0; i < NAMES.length; i++) {
      if (requested[NAMES[i] as SplitName] === 0) continue;
      if (best === -1 || rank(i) > rank(best)) best = i;
    }
    if (best === -1) break;
    counts[best] = (counts[best] ?? 0) + 1;
    exact[best] = -Infinity;
  }
  return { train: counts[0] ?? 0, val: counts[1] ?? 0, test: counts[2] ?? 0 };

  function rank(i: number): number {
    const x = exact[i] ?? 0;
    return x - Math.floor(x) + (counts[i] === 0 ? 1e-6 : 0);
  }
}
