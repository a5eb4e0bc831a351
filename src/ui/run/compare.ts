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
    const sa = a.result.details[key];
    const sb = b.result.details[key];
    return sa || sb ? [scoreRow(label, sa, sb)] : [];
  });
  const agreement = agreementOf(exampleOutcomes(a.result), exampleOutcomes(b.result));
  return { a, b, predictors, scores, ...(agreement && { agreement }) };
}

function scoreRow(label: string, a: SplitScore | undefined, b: SplitScore | undefined): ScoreRow {
  if (!a || !b) return { label, ...(a && { a }), ...(b && { b }) };
  const d = (b.mean - a.mean) * 100;
  const overlap = a.ci95.lo <= b.ci95.hi && b.ci95.lo <= a.ci95.hi;
  return { label, a, b, delta: `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(1)} points`, overlap };
}

/** "61.0% (95% CI 48.2% – 72.6%)". */
export function scoreText(s: SplitScore | undefined): string {
  return s ? `${pct(s.mean)} (95% CI ${pct(s.ci95.lo)} – ${pct(s.ci95.hi)})` : '—';
}

/** Per split, example key -> score, as a result records them (an optional field, absent in older results). */
type Outcomes = Map<string, Map<string, number>>;

/**
 * A result's per-example outcomes, read defensively: results may carry an optional
 * `examples` list of `{ split, id | exampleId | index, score }` (older results do not).
 */
function exampleOutcomes(result: RunSummary): Outcomes | undefined {
  const list = (result as { examples?: unknown }).examples;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const out: Outcomes = new Map();
  for (const e of list as Record<string, unknown>[]) {
    const key = e.id ?? e.exampleId ?? e.index;
    if (typeof e.score !== 'number' || (typeof key !== 'string' && typeof key !== 'number')) continue;
    const split = typeof e.split === 'string' ? e.split : 'val';
    const m = out.get(split) ?? new Map<string, number>();
    m.set(String(key), e.score);
    out.set(split, m);
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
