/**
 * A budgeted run's pace: the task and teacher calls it has used, counted as its budget counts
 * them (`CallBudget`: every call made, sent or answered by the cache), and the time left,
 * re-estimated from the wall time per call measured so far rather than the latency the plan
 * assumed. The run view and the headless runner show the same figures.
 */
import type { UsageSnapshot } from '../lm';

/** Calls used at a moment (ms since the epoch). */
export interface CallsAt {
  at: number;
  used: number;
}

/** Task and teacher calls made, sent or answered by the cache: what a budget counts. */
export function budgetCallsUsed(usage: UsageSnapshot): number {
  return usage.task.calls + usage.task.cacheHits + usage.teacher.calls + usage.teacher.cacheHits;
}

/**
 * Seconds left: the calls left times the wall time per call measured from `from` to the last
 * report `last`, less the time since that report (so the estimate counts down between
 * reports). Undefined until a call was made after `from`.
 */
export function budgetSecondsLeft(total: number, last: CallsAt, from: CallsAt | undefined, now: number): number | undefined {
  if (!from) return undefined;
  const calls = last.used - from.used;
  const elapsed = last.at - from.at;
  if (calls <= 0 || elapsed <= 0) return undefined;
  const left = (Math.max(0, total - last.used) * elapsed) / calls - Math.max(0, now - last.at);
  return Math.max(0, Math.round(left / 1000));
}
