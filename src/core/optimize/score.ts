/** Scoring a candidate program state on examples, with the calls it issued. */
import type { Example } from '../data/types';
import { evaluate } from '../evaluate/evaluate';
import type { ProgramState } from '../program/types';
import { PlaygroundError, type ErrorData } from '../errors';
import type { OptimizeContext, OptimizeResult, TrialRecord } from './types';

/** What a trial records of its evaluation (every optimizer's `TrialRecord` takes these fields). */
export interface CandidateScore {
  score: number;
  n: number;
  errors: number;
  /** Answers that could not be read (scored 0); absent when there were none. */
  parseFailures?: number;
  calls: { sent: number; cacheHits: number };
  durationMs: number;
  /** The evaluation stopped: its calls failed past the error budget (score 0). */
  failed?: ErrorData;
}

/**
 * Evaluates `state` on `examples` with the task model as search trial `trialIndex` (its calls
 * are traced under it); `label` names the progress events. Optimizers run trials one at a
 * time, so usage deltas are this trial's.
 */
export async function scoreCandidate(ctx: OptimizeContext, state: ProgramState, examples: readonly Example[], trialIndex: number, label = 'trial'): Promise<CandidateScore> {
  const before = ctx.usage?.().task;
  const started = performance.now();
  const callsSince = () => {
    const after = ctx.usage?.().task;
    return before && after ? { sent: after.calls - before.calls, cacheHits: after.cacheHits - before.cacheHits } : { sent: 0, cacheHits: 0 };
  };
  let result: Awaited<ReturnType<typeof evaluate>>;
  try {
    result = await evaluate({
    program: ctx.program,
    state,
    examples,
    metric: ctx.metric,
    ctx: { lm: ctx.lms.task, call: { phase: 'search', trialIndex }, ...(ctx.corpora && { corpora: ctx.corpora }), ...(ctx.signal && { signal: ctx.signal }) },
    ...(ctx.concurrency !== undefined && { concurrency: ctx.concurrency }),
    ...(ctx.maxErrors !== undefined && { maxErrors: ctx.maxErrors }),
    omitTraces: true,
    onProgress: (done, total) => ctx.emit?.({ type: 'progress', phase: label, done, total }),
    });
  } catch (err) {
    // One candidate whose calls failed (a flaky endpoint for a minute) is a failed trial, not a failed search.
    if (!(err instanceof PlaygroundError && err.code === 'EVAL_ERROR_BUDGET')) throw err;
    const errors = typeof err.details?.errors === 'number' ? err.details.errors : examples.length;
    return { score: 0, n: examples.length, errors, calls: callsSince(), durationMs: performance.now() - started, failed: err.toData() };
  }
  return { score: result.mean, n: result.n, errors: result.errors, ...(result.parseFailures > 0 && { parseFailures: result.parseFailures }), calls: callsSince(), durationMs: performance.now() - started };
}

/**
 * Counts failed trials in a row; past `max` the search stops with `OPTIMIZER_ERROR_BUDGET`
 * (the model or endpoint is down, not one candidate unlucky). Its count is derived from the
 * trials, so a resumed search counts on from its checkpoint.
 */
export function checkFailureStreak(trials: readonly TrialRecord[], max: number): void {
  let streak = 0;
  for (let i = trials.length - 1; i >= 0 && trials[i]!.failed; i--) streak++;
  if (streak < max) return;
  const last = trials[trials.length - 1]!.failed!;
  throw new PlaygroundError('OPTIMIZER_ERROR_BUDGET', `The search stopped: ${streak} trials in a row failed. Last: ${last.message}`, {
    hint: last.hint ?? 'Check the task model and its endpoint, then resume the run.',
    details: { failedTrials: streak, maxFailedTrials: max, lastError: last },
  });
}

/** True once the run asked the search to stop early (`ctx.stop`): it ends at this trial boundary. */
export function stopRequested(ctx: OptimizeContext): boolean {
  return ctx.stop?.aborted === true;
}

/**
 * The result fields of a search that ended with `best` (a trial or configuration scored on
 * `measured`): `stoppedEarly` when `ctx.stop` ended it. Stopped with nothing scored, the run
 * has nothing to keep: `ABORTED`, as a cancel always was.
 */
export function searchOutcome(ctx: OptimizeContext, best: { score: number } | null | undefined, measured: () => { n: number; errors: number }): Pick<OptimizeResult, 'valScore' | 'valMeasured' | 'stoppedEarly'> | undefined {
  const stopped = stopRequested(ctx);
  if (!best) {
    if (stopped) throw new PlaygroundError('ABORTED', 'The run was cancelled before any program was scored, so there is nothing to keep.');
    return undefined;
  }
  const { n, errors } = measured();
  return { valScore: best.score, valMeasured: { n, errors }, ...(stopped && { stoppedEarly: true as const }) };
}
