/**
 * A budgeted run's progress: the task and teacher calls it has used of its budget, and the
 * time left, re-estimated as the run goes from the pace it has measured (wall time per call
 * so far), not from the latency it was planned with. Minutes were turned into calls once, at
 * the plan, with a short probe's latency; the pace of real calls is what says how long the
 * rest will take.
 *
 * Calls used are counted as the budget counts them (core `budgetCallsUsed`, shared with the
 * headless runner): every task and teacher call made, sent or answered by the cache, as the
 * optimizer's checkpoints report usage. The final scoring after the search is outside the
 * budget, and so is outside this count.
 */
import type { UsageSnapshot } from '../../core/lm';
import type { Plan } from '../../core/optimize';
import { budgetCallsUsed, budgetSecondsLeft, type CallsAt } from '../../core/runner';

/** What the run view shows of a budget. */
export interface BudgetView {
  /** The budget: task and teacher calls. */
  total: number;
  /** The minutes it came from, when it was given in minutes. */
  minutes?: number;
  /** Calls used so far; undefined until the optimizer first reports (or for runs stored before it did). */
  used?: number;
  /** The optimizer is done with its budget (the final scoring may still run). */
  over: boolean;
  /** Seconds left in the budget at the pace so far; undefined until there is a pace. */
  secondsLeft?: number;
}

/** What the view is computed from (a run snapshot's fields). */
export interface BudgetSource {
  plan?: Plan;
  running: boolean;
  over: boolean;
  /** The optimizer's last usage report and when it came. */
  optimizerUsage?: { usage: UsageSnapshot; at: number };
  /** Where the pace is measured from (see {@link budgetSecondsLeft}). */
  paceFrom?: CallsAt;
}

/** A budgeted run's budget, calls used and time left at `now`; undefined for a run without a budget. */
export function budgetView(source: BudgetSource, now: number): BudgetView | undefined {
  const budget = source.plan?.budget;
  if (!budget) return undefined;
  const report = source.optimizerUsage;
  const used = report ? budgetCallsUsed(report.usage) : undefined;
  const view: BudgetView = { total: budget.calls, over: source.over, ...(budget.minutes !== undefined && { minutes: budget.minutes }), ...(used !== undefined && { used }) };
  if (!source.running || source.over || !report || used === undefined) return view;
  const secondsLeft = budgetSecondsLeft(budget.calls, { at: report.at, used }, source.paceFrom, now);
  return secondsLeft === undefined ? view : { ...view, secondsLeft };
}
