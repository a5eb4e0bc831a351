/** Scoring a candidate program state on examples, with the calls it issued. */
import type { Example } from '../data/types';
import { evaluate } from '../evaluate/evaluate';
import type { ProgramState } from '../program/types';
import type { OptimizeContext } from './types';

/** What a trial records of its evaluation (every optimizer's `TrialRecord` takes these fields). */
export interface CandidateScore {
  score: number;
  n: number;
  errors: number;
  /** Answers that could not be read (scored 0); absent when there were none. */
  parseFailures?: number;
  calls: { sent: number; cacheHits: number };
  durationMs: number;
}

/**
 * Evaluates `state` on `examples` with the task model as search trial `trialIndex` (its calls
 * are traced under it); `label` names the progress events. Optimizers run trials one at a
 * time, so usage deltas are this trial's.
 */
export async function scoreCandidate(ctx: OptimizeContext, state: ProgramState, examples: readonly Example[], trialIndex: number, label = 'trial'): Promise<CandidateScore> {
  const before = ctx.usage?.().task;
  const started = performance.now();
  const result = await evaluate({
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
  const after = ctx.usage?.().task;
  const calls = before && after ? { sent: after.calls - before.calls, cacheHits: after.cacheHits - before.cacheHits } : { sent: 0, cacheHits: 0 };
  return { score: result.mean, n: result.n, errors: result.errors, ...(result.parseFailures > 0 && { parseFailures: result.parseFailures }), calls, durationMs: performance.now() - started };
}
