/**
 * Text metrics, after the SQuAD v1.1 evaluation script (also what DSPy's `answer_exact_match`
 * and F1 use): normalize by lowercasing, deleting punctuation, removing the articles a/an/the
 * and collapsing whitespace. We also fold accents (NFKD, combining marks removed) so "café"
 * matches "cafe", and treat Unicode punctuation and symbols like ASCII ones. One deliberate
 * change: a decimal point between digits is kept, because SQuAD's rule makes "3.5" equal "35"
 * (thousands commas are still deleted, so "1,000" equals "1000").
 *
 * Every function takes the prediction and gold as `unknown` values: numbers and booleans are
 * compared as text, and a gold **array** is a list of acceptable answers (the best match wins).
 */

/** SQuAD-style normalization (see the file comment). */
export function normalizeText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/(?!(?<=\d)\.(?=\d))[\p{P}\p{S}]/gu, '')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** 1 when the normalized prediction equals the (any) normalized gold answer, else 0. */
export function exactMatch(prediction: unknown, gold: unknown): number {
  const p = normalizeText(toText(prediction));
  return bestOf(gold, (g) => (p === normalizeText(g) ? 1 : 0));
}

/**
 * 1 when the normalized gold appears in the normalized prediction as whole words ("paris" is in
 * "it is paris france", but "no" is not in "not sure"). An empty gold never matches.
 */
export function contains(prediction: unknown, gold: unknown): number {
  const p = tokens(toText(prediction));
  return bestOf(gold, (g) => (containsSequence(p, tokens(g)) ? 1 : 0));
}

/** SQuAD token F1: harmonic mean of token precision and recall (bag of words, with counts). */
export function tokenF1(prediction: unknown, gold: unknown): number {
  const p = tokens(toText(prediction));
  return bestOf(gold, (g) => f1(p, tokens(g)));
}

/**
 * 1 when the prediction is one of the gold labels after normalization (so case, quotes and a
 * trailing period do not matter). With `labels` (the allowed set), a longer answer that names
 * exactly one allowed label as whole words ("The answer is Yes.") counts as that label; an
 * answer naming several labels counts as none.
 */
export function oneOfLabels(prediction: unknown, gold: unknown, labels?: readonly string[]): number {
  const label = resolveLabel(toText(prediction), labels);
  return bestOf(gold, (g) => (label === normalizeText(g) ? 1 : 0));
}

function resolveLabel(prediction: string, labels: readonly string[] | undefined): string {
  const p = normalizeText(prediction);
  if (!labels || labels.length === 0) return p;
  const allowed = [...new Set(labels.map(normalizeText).filter((l) => l !== ''))];
  if (allowed.includes(p)) return p;
  const words = p.split(' ');
  const named = allowed.filter((l) => containsSequence(words, l.split(' ')));
  return named.length === 1 ? (named[0] as string) : p;
}

/** Text form of a prediction or gold value (lists are joined with ", "). */
export function toText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.map(toText).join(', ');
  return JSON.stringify(v);
}

/** The best score over the gold answers (a single value or a list of acceptable ones). */
function bestOf(gold: unknown, score: (gold: string) => number): number {
  const golds = Array.isArray(gold) ? gold.map(toText) : [toText(gold)];
  let best = 0;
  for (const g of golds) best = Math.max(best, score(g));
  return best;
}

function tokens(s: string): string[] {
  const n = normalizeText(s);
  return n === '' ? [] : n.split(' ');
}

function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0) return false;
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((t, j) => haystack[i + j] === t)) return true;
  }
  return false;
}

function f1(pred: readonly string[], gold: readonly string[]): number {
  // SQuAD v2 convention: two empty answers agree; one empty answer scores 0.
  if (pred.length === 0 || gold.length === 0) return pred.length === gold.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of gold) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of pred) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / pred.length;
  const recall = same / gold.length;
  return (2 * precision * recall) / (precision + recall);
}
