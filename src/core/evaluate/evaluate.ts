/**
 * Evaluation: run a program on examples, score each prediction, and summarize.
 *
 * Matches DSPy's Evaluate where it matters: a failed example (model error, unparseable
 * output) scores 0 and counts toward `maxErrors`; past the budget the evaluation stops with
 * `EVAL_ERROR_BUDGET` instead of grinding through a broken setup. Unlike DSPy we keep every
 * per-example result (prediction, score, error, trace) and report a 95% confidence interval,
 * because a mean over 35 examples is noisy and users deserve to see how noisy.
 */
import { PlaygroundError, isAbortError, throwIfAborted, toErrorData, type ErrorData } from '../errors';
import type { Example } from '../data/types';
import type { Metric } from '../metric';
import { meanAndCI95 } from '../metric/stats';
import { runProgram, type RunContext } from '../program/run';
import type { ResolvedProgram } from '../program/resolve';
import type { ProgramState, TraceStep } from '../program/types';
import { mapPool } from '../util/pool';

export interface ExampleResult {
  exampleId: string;
  prediction: Record<string, unknown>;
  score: number;
  error?: ErrorData;
  trace: TraceStep[];
}

export interface EvaluationResult {
  /** Mean score over all examples (failures count as 0), in [0, 1] for built-in metrics. */
  mean: number;
  /** 95% confidence interval of the mean. */
  ci95: { lo: number; hi: number };
  n: number;
  errors: number;
  results: ExampleResult[];
}

export interface EvaluateOptions {
  program: ResolvedProgram;
  state: ProgramState;
  examples: readonly Example[];
  metric: Metric;
  ctx: RunContext;
  /** Calls in flight at once (default: the LM's own `maxConcurrency`). */
  concurrency?: number;
  /** Failed examples tolerated before giving up (default: 10% of examples, at least 5). */
  maxErrors?: number;
  /** Called after each example. */
  onProgress?: (done: number, total: number, result: ExampleResult) => void;
  /** Drop traces from results (saves memory in long searches). Default false. */
  omitTraces?: boolean;
}

/** Runs and scores `program` on `examples`. Throws `EVAL_ERROR_BUDGET` past the error budget and `ABORTED` on cancel. */
export async function evaluate(opts: EvaluateOptions): Promise<EvaluationResult> {
  const { program, state, examples, metric, ctx } = opts;
  const maxErrors = opts.maxErrors ?? Math.max(5, Math.ceil(examples.length * 0.1));
  const concurrency = opts.concurrency ?? ctx.lm.maxConcurrency;
  let errors = 0;
  let done = 0;
  let firstError: ErrorData | undefined;

  const results = await mapPool(
    examples,
    concurrency,
    async (example) => {
      const result = await evaluateOne(program, state, example, metric, ctx, opts.omitTraces === true);
      if (result.error) {
        errors++;
        firstError ??= result.error;
      }
      done++;
      opts.onProgress?.(done, examples.length, result);
      return result;
    },
    { ...(ctx.signal && { signal: ctx.signal }), shouldStop: () => errors > maxErrors },
  );
  throwIfAborted(ctx.signal);
  if (errors > maxErrors) {
    throw new PlaygroundError('EVAL_ERROR_BUDGET', `Evaluation stopped: ${errors} examples failed, more than the budget of ${maxErrors}. First error: ${firstError?.message ?? 'unknown'}`, {
      hint: firstError?.hint ?? 'Check the model connection and the output format, or raise the error budget.',
      details: { errors, maxErrors, firstError },
    });
  }
  const finished = results as ExampleResult[];
  const stats = meanAndCI95(finished.map((r) => r.score));
  return { mean: stats.mean, ci95: { lo: stats.lo, hi: stats.hi }, n: finished.length, errors, results: finished };
}

/** Runs and scores one example. Model and parse failures score 0 and carry `error`. */
async function evaluateOne(
  program: ResolvedProgram,
  state: ProgramState,
  example: Example,
  metric: Metric,
  ctx: RunContext,
  omitTrace = false,
): Promise<ExampleResult> {
  const call = { ...ctx.call, exampleId: example.id };
  const run = await runProgram(program, state, example.inputs, { ...ctx, call });
  const base = { exampleId: example.id, prediction: run.prediction, trace: omitTrace ? [] : run.trace };
  if (run.error) return { ...base, score: 0, error: run.error };
  try {
    const score = await metric.score(example, run.prediction, { call, ...(ctx.signal && { signal: ctx.signal }) });
    return { ...base, score };
  } catch (err) {
    if (isAbortError(err)) throw err;
    return { ...base, score: 0, error: toErrorData(err) };
  }
}
