/**
 * Two finished runs side by side: per predictor, the diff between their final instructions
 * and their demos; their scores with 95% intervals; and, when both results recorded
 * per-example outcomes, how often they agree on the examples they share.
 */
import type { RunSummary, SplitScore } from '../../core/runner';
import { pct, programDiff, type PredictorDiff } from './view-models';

/** One side of a comparison. */
export interface ComparedRun {
  id: string;
  name: string;
  result: RunSummary;
}

/** One split's scores in both runs. */
export interface ScoreRow {
  label: string;
  a?: SplitScore;
  b?: SplitScore;
  /** "+4.0 points" (b minus a), when both have the split. */
  delta?: string;
  /** Whether the two 95% intervals overlap (the difference may be noise). */
  overlap?: boolean;
}

/** How two runs did on the examples both scored. */
export interface Agreement {
  split: string;
  shared: number;
  bothRight: number;
  bothWrong: number;
  onlyA: number;
  onlyB: number;
}

/** The comparison view's model. */
export interface Comparison {
  a: ComparedRun;
  b: ComparedRun;
  /** Per predictor of B: A's final state as "before", B's as "after". */
  predictors: PredictorDiff[];
  scores: ScoreRow[];
  /** Per split with outcomes in both runs; `undefined` when either run recorded none. */
  agreement?: Agreement[];
}

const SPLITS = [
  ['val', 'Validation'],
  ['test', 'Test'],
  ['baselineTest', 'Baseline (test)'],
] as const;

/** The comparison of run `a` (left, "before") with run `b` (right, "after"). */
export function compareRuns(a: ComparedRun, b: ComparedRun): Comparison {
  const predictors = programDiff(b.result.program.spec, b.result.program.state, a.result.program.state);
  const scores = SPLITS.flatMap(([key, label]) => {
    const sa = splitOf(a.result, key);
    const sb = splitOf(b.result, key);
    return sa || sb ? [scoreRow(label, sa, sb)] : [];
  });
  const agreement = agreementOf(exampleOutcomes(a.result), exampleOutcomes(b.result));
  return { a, b, predictors, scores, ...(agreement && { agreement }) };
}

/** A split's score; a run without an optimizer has no baseline of its own (the runner repeats its test score). */
function splitOf(result: RunSummary, key: (typeof SPLITS)[number][0]): SplitScore | undefined {
  return key === 'baselineTest' && result.config.optimizer.kind === 'none' ? undefined : result.details[key];
}

function scoreRow(label: string, a: SplitScore | undefined, b: SplitScore | undefined): ScoreRow {
  if (!a || !b) return { label, ...(a && { a }), ...(b && { b }) };
  const d = (b.mean - a.mean) * 100;
  const overlap = a.ci95.lo <= b.ci95.hi && b.ci95.lo <= a.ci95.hi;
  return { label, a, b, delta: `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(1)} points`, overlap };
}

/** "95% CI 48.2% – 72.6%, n = 40". */
export function ciText(s: SplitScore): string {
  return `95% CI ${pct(s.ci95.lo)} – ${pct(s.ci95.hi)}, n = ${s.n}`;
}

/** Per split, example key -> score, as a result records them (an optional field, absent in older results). */
type Outcomes = Map<string, Map<string, number>>;

/**
 * A result's per-example outcomes, read defensively: newer results carry an optional
 * `examples` field, per split a list of `{ id, optimized: { score } }`; older ones have none.
 */
function exampleOutcomes(result: RunSummary): Outcomes | undefined {
  const field = (result as { examples?: unknown }).examples;
  if (typeof field !== 'object' || field === null) return undefined;
  const out: Outcomes = new Map();
  for (const [split, list] of Object.entries(field)) {
    if (!Array.isArray(list)) continue;
    const scores = new Map<string, number>();
    for (const e of list as { id?: unknown; optimized?: { score?: unknown } }[]) {
      if (typeof e?.id === 'string' && typeof e.optimized?.score === 'number') scores.set(e.id, e.optimized.score);
    }
    if (scores.size) out.set(split, scores);
  }
  return out.size ? out : undefined;
}

/** Agreement per split both runs scored; an example passes at a score of 0.5 or more. */
function agreementOf(a: Outcomes | undefined, b: Outcomes | undefined): Agreement[] | undefined {
  if (!a || !b) return undefined;
  const out: Agreement[] = [];
  for (const [split, ma] of a) {
    const mb = b.get(split);
    if (!mb) continue;
    const row: Agreement = { split, shared: 0, bothRight: 0, bothWrong: 0, onlyA: 0, onlyB: 0 };
    for (const [key, sa] of ma) {
      const sb = mb.get(key);
      if (sb === undefined) continue;
      row.shared++;
      const ra = sa >= 0.5;
      const rb = sb >= 0.5;
      if (ra && rb) row.bothRight++;
      else if (!ra && !rb) row.bothWrong++;
      else if (ra) row.onlyA++;
      else row.onlyB++;
    }
    if (row.shared > 0) out.push(row);
  }
  return out;
}
