/**
 * Numeric answers, GSM8K-style: the answer is the **last number** in the text (DSPy's GSM8K
 * metric and the GSM8K paper's parser do the same), so "... so she has 18 apples." reads 18.
 * We also accept thousands separators ("1,234"), currency and percent signs ("$1,234.50",
 * "50%"), a Unicode minus, and compare with a tolerance.
 */
import { toText } from './text';

// A sign only counts at the start of a number (not in "2-3" or "x-1"); commas only in proper
// thousands groups, so the list "1,2,3" reads as three numbers.
const NUMBER = /(?:(?<![\p{L}\p{N}.])[-\u2212])?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|(?<![\p{L}\p{N}])\.\d+/gu;

/** The last number in the text, or undefined when there is none. Numbers pass through. */
export function extractLastNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const matches = toText(value).match(NUMBER);
  const last = matches?.[matches.length - 1];
  if (last === undefined) return undefined;
  const n = Number(last.replace(/,/g, '').replace('\u2212', '-'));
  return Number.isFinite(n) ? n : undefined;
}

/**
 * 1 when the last number of the prediction equals the gold number within `tolerance`
 * (absolute, or relative to |gold| when `relative`), else 0. A tiny slack (1e-9, scaled) absorbs
 * floating-point noise, so 0.1 + 0.2 matches 0.3 at tolerance 0. No number in the prediction
 * scores 0. Gold may be a list of acceptable answers.
 */
export function numericMatch(prediction: unknown, gold: unknown, tolerance = 0, relative = false): number {
  const p = extractLastNumber(prediction);
  if (p === undefined) return 0;
  const golds = Array.isArray(gold) ? gold : [gold];
  let best = 0;
  for (const g of golds) {
    const gn = extractLastNumber(g);
    if (gn === undefined) continue;
    const allowed = (relative ? tolerance * Math.abs(gn) : tolerance) + 1e-9 * Math.max(1, Math.abs(gn));
    if (Math.abs(p - gn) <= allowed) best = 1;
  }
  return best;
}
