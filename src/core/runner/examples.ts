/**
 * Per-example outcomes of a run's final scoring: for each example of a scored split, its
 * inputs and gold labels, and what the optimized program (and, where it was scored there, the
 * baseline) answered and scored. This is what lets a user see *which* examples the
 * optimization fixed or broke, not only the mean. Compact on purpose: no traces (the stored
 * LM calls hold those, found again by example id and phase).
 */
import type { Example } from '../data/types';
import type { ExampleResult } from '../evaluate';

/** One program's answer to one example in the final scoring. */
export interface ExampleAnswer {
  prediction: Record<string, unknown>;
  /** The metric's score; failed and unreadable answers score 0. */
  score: number;
  /** The answer could not be read (scored 0). */
  unreadable?: true;
  /** Why the example failed (a model or metric error), without the error's details. */
  error?: { code: string; message: string };
}

/** One example of a scored split, with both programs' answers. */
export interface ExampleOutcome {
  id: string;
  inputs: Record<string, unknown>;
  labels: Record<string, unknown>;
  optimized: ExampleAnswer;
  /** Absent where the baseline was not scored (the validation split). */
  baseline?: ExampleAnswer;
}

/** Per split, in split order. A split the run did not score is absent. */
export interface ExampleOutcomes {
  val?: ExampleOutcome[];
  test?: ExampleOutcome[];
}

/**
 * The outcomes of `examples` from the optimized program's `optimized` results and, when given,
 * the baseline's. Results are matched by example id, so their order does not matter.
 */
export function exampleOutcomes(examples: readonly Example[], optimized: readonly ExampleResult[], baseline?: readonly ExampleResult[]): ExampleOutcome[] {
  const opt = byId(optimized);
  const base = baseline && byId(baseline);
  const out: ExampleOutcome[] = [];
  for (const e of examples) {
    const o = opt.get(e.id);
    if (!o) continue;
    const b = base?.get(e.id);
    out.push({ id: e.id, inputs: e.inputs, labels: e.labels, optimized: answerOf(o), ...(b && { baseline: answerOf(b) }) });
  }
  return out;
}

function byId(results: readonly ExampleResult[]): Map<string, ExampleResult> {
  return new Map(results.map((r) => [r.exampleId, r]));
}

function answerOf(r: ExampleResult): ExampleAnswer {
  return {
    prediction: r.prediction,
    score: r.score,
    ...(r.unreadable && { unreadable: true as const }),
    ...(r.error && { error: { code: r.error.code, message: r.error.message } }),
  };
}
