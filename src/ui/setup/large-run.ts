/**
 * When a planned run is large enough to deserve a second look (a user with a local model and
 * ten minutes), and the split that makes it smaller: each split capped at a row count, the rows
 * still chosen by the split seed, so the capped run is as reproducible as the full one.
 */
import type { SplitFractions } from '../../core/data';
import type { Plan } from '../../core/optimize';
import type { RunSizes } from '../../core/runner';
import { taskAndTeacherCalls } from './budget-choices';

/** Above either, the plan says the run is large. */
const LARGE_RUN = { calls: 2000, seconds: 30 * 60 };

/** The cap offered: enough rows to choose between prompts with a useful interval, few enough to run. */
const SPLIT_CAP = { train: 200, val: 300, test: 300 };

export interface LargeRun {
  calls: number;
  seconds?: number;
  /** The capped split (row counts), when capping changes anything. */
  capped?: SplitFractions;
}

/** What makes `plan` large, and the capped split; undefined for a run under both thresholds. */
export function largeRun(plan: Plan & RunSizes): LargeRun | undefined {
  const calls = taskAndTeacherCalls(plan);
  const seconds = plan.estimatedSeconds;
  if (calls <= LARGE_RUN.calls && (seconds === undefined || seconds <= LARGE_RUN.seconds)) return undefined;
  const capped = { train: Math.min(plan.train, SPLIT_CAP.train), val: Math.min(plan.val, SPLIT_CAP.val), test: Math.min(plan.test, SPLIT_CAP.test) };
  const changes = capped.train < plan.train || capped.val < plan.val || capped.test < plan.test;
  return { calls, ...(seconds !== undefined && { seconds }), ...(changes && { capped }) };
}
