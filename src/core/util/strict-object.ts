/**
 * Strict objects that name *every* unknown key, each with the allowed key it was probably
 * meant to be (`optimiser: is not an allowed key here; did you mean "optimizer"?`).
 *
 * valibot's own `strictObject` stops at the first unknown key and cannot know the allowed
 * ones when the issue is turned into text, so a config with two typos took two runs to fix and
 * neither said what was meant. Here the object is checked loosely for its known keys, then one
 * pass reports each key the entries lack. A parse that succeeds therefore has no unknown key,
 * which is what the strict type this returns promises.
 */
import * as v from 'valibot';

/** What every unknown-key line starts with (schema-issues.ts prints raw-check issues as they are). */
const UNKNOWN_KEY = 'is not an allowed key here';

/** A strict object schema over `entries` whose unknown-key issues suggest the nearest key. */
export function strictObject<const E extends v.ObjectEntries>(entries: E): v.StrictObjectSchema<E, undefined> {
  const allowed = Object.keys(entries);
  const schema = v.pipe(
    v.looseObject(entries),
    v.rawCheck(({ dataset, addIssue }) => {
      const input = dataset.value;
      if (typeof input !== 'object' || input === null || Array.isArray(input)) return;
      for (const key of Object.keys(input)) {
        if (Object.prototype.hasOwnProperty.call(entries, key)) continue;
        const near = nearestKey(key, allowed);
        addIssue({
          message: `${UNKNOWN_KEY}${near ? `; did you mean "${near}"?` : ''}`,
          path: [{ type: 'object', origin: 'key', input: input as Record<string, unknown>, key, value: (input as Record<string, unknown>)[key] }],
        });
      }
    }),
  );
  // The pipe keeps `entries` (so `variant` can dispatch on it) and refuses every key outside
  // them, so its successful outputs are exactly the strict object's.
  return schema as unknown as v.StrictObjectSchema<E, undefined>;
}

/**
 * The allowed key closest to `key`, ignoring case, when it is near enough to be a typo: at
 * most 1 edit for keys up to 4 characters, 2 up to 8, 3 beyond (a swap of two neighbours is
 * one edit, as in `numTrails`). Ties go to the first key in the schema's order.
 */
function nearestKey(key: string, allowed: readonly string[]): string | undefined {
  const limit = key.length <= 4 ? 1 : key.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of allowed) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i]!;
    const prev = rows[i - 1]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}
