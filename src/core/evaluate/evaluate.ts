/**
 * Evaluation: run a program on examples, score each prediction, and summarize.
 *
 * Matches DSPy's Evaluate where it matters: a failed example (model error, metric error)
 * scores 0 and counts toward `maxErrors`; past the budget the evaluation stops with
 * `EVAL_ERROR_BUDGET` instead of grinding through a broken setup. An answer the adapter cannot
 * read is different: it is the model's answer, a bad one, so it scores 0 and is counted as
 * unreadable, never against the error budget (a small local model that breaks the format 30%
 * of the time must still finish its run, with its low scores explained). Only an evaluation
 * where nothing at all is readable stops, with `MODEL_UNREADABLE`. Unlike DSPy we keep every
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
  /** The program's answer could not be read (`error` is the adapter's `ADAPTER_PARSE`). */
  unreadable?: true;
  trace: TraceStep[];
}

export interface EvaluationResult {
  /** Mean score over all examples (failures count as 0), in [0, 1] for built-in metrics. */
  mean: number;
  /** 95% confidence interval of the mean. */
  ci95: { lo: number; hi: number };
  n: number;
  /** Failed examples (model or metric errors): what the error budget counts. */
  errors: number;
  /** Answers the adapter could not read: scored 0, not errors. */
  parseFailures: number;
  results: ExampleResult[];
}

/**
 * Answers that must all be unreadable, in a row from the start, before an evaluation stops with
 * `MODEL_UNREADABLE`. A model that breaks the format 70% of the time passes 20 such answers
 * with probability 0.08%; evaluations of fewer examples (a search's chunks) never stop for it.
 */
const UNREADABLE_STOP = 20;
const UNREADABLE_MIN = 10;

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
  let parseFailures = 0;
  let done = 0;
  let firstError: ErrorData | undefined;
  let firstUnreadable: ExampleResult | undefined;
  // Every finished answer unreadable, and enough of them to be sure.
  const unreadable = () => parseFailures === done && done >= Math.min(UNREADABLE_STOP, examples.length) && done >= UNREADABLE_MIN;

  const results = await mapPool(
    examples,
    concurrency,
    async (example) => {
      const result = await evaluateOne(program, state, example, metric, ctx, opts.omitTraces === true);
      if (result.unreadable) {
        parseFailures++;
        firstUnreadable ??= result;
      } else if (result.error) {
        errors++;
        firstError ??= result.error;
      }
      done++;
      opts.onProgress?.(done, examples.length, result);
      return result;
    },
    { ...(ctx.signal && { signal: ctx.signal }), shouldStop: () => errors > maxErrors || unreadable() },
  );
  throwIfAborted(ctx.signal);
  if (unreadable()) throw unreadableError(done, firstUnreadable);
  // Nothing scored at all is a failed evaluation whatever the budget: a 0% from dead calls is no score.
  if (errors > 0 && errors === examples.length) {
    throw new PlaygroundError('EVAL_ERROR_BUDGET', `Evaluation failed: all ${errors} examples failed. First error: ${firstError?.message ?? 'unknown'}`, {
      hint: firstError?.hint ?? 'Check the model connection, then run again.',
      details: { errors, maxErrors, firstError },
    });
  }
  if (errors > maxErrors) {
    throw new PlaygroundError('EVAL_ERROR_BUDGET', `Evaluation stopped: ${errors} examples failed, more than the budget of ${maxErrors}. First error: ${firstError?.message ?? 'unknown'}`, {
      hint: firstError?.hint ?? 'Check the model connection and the output format, or raise the error budget.',
      details: { errors, maxErrors, firstError },
    });
  }
  const finished = results as ExampleResult[];
  const stats = meanAndCI95(finished.map((r) => r.score));
  return { mean: stats.mean, ci95: { lo: stats.lo, hi: stats.hi }, n: finished.length, errors, parseFailures, results: finished };
}

function unreadableError(answers: number, first: ExampleResult | undefined): PlaygroundError {
  // The adapter's error carries the answer it could not read (`ParseFailureDetails`).
  const raw = (first?.error?.details as { completion?: unknown } | undefined)?.completion;
  return new PlaygroundError('MODEL_UNREADABLE', `None of the model's first ${answers} answers could be read: it does not answer in the format the program asks for, so nothing can be scored.`, {
    hint: "Give the model a JSON schema to follow (output mode json_schema), use a larger model, or check that the endpoint applies the model's chat template.",
    details: { answers, ...(first?.error && { firstError: first.error }), ...(typeof raw === 'string' && { firstAnswer: raw.slice(0, 500) }) },
  });
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
  if (run.error) return { ...base, score: 0, error: run.error, ...(run.error.code === 'ADAPTER_PARSE' && { unreadable: true as const }) };
  try {
    const score = await metric.score(example, run.prediction, { call, trace: run.trace, ...(ctx.signal && { signal: ctx.signal }) });
    return { ...base, score };
  } catch (err) {
    if (isAbortError(err)) throw err;
    return { ...base, score: 0, error: toErrorData(err) };
  }
}
