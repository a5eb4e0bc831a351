/**
 * MIPROv2's budget menu: DSPy's sizes (light / medium / heavy, the `auto` option) and budgets
 * in minutes, which the run turns into task and teacher calls once, when it is planned,
 * through the task model's time per call (core `planRun`). One menu, one choice: a budget
 * replaces `auto` (the core's schema refuses both at once).
 *
 * The comparison plans every choice on the same data, models and latency, so the setup can
 * show what each would cost before anything runs.
 */
import type { MiproAuto, OptimizerConfig, Plan } from '../../core/optimize';
import { planRun, type PlanLatency, type RunConfig, type RunSizes } from '../../core/runner';

/** The menu, in order: the auto sizes, then the minutes. */
export const BUDGET_CHOICES = [
  { value: 'light', label: 'Light', auto: 'light' },
  { value: 'medium', label: 'Medium', auto: 'medium' },
  { value: 'heavy', label: 'Heavy', auto: 'heavy' },
  { value: '5min', label: '5 min', minutes: 5 },
  { value: '10min', label: '10 min', minutes: 10 },
  { value: '30min', label: '30 min', minutes: 30 },
] as const satisfies readonly ({ value: string; label: string } & ({ auto: MiproAuto } | { minutes: number }))[];

export type BudgetChoice = (typeof BUDGET_CHOICES)[number]['value'];

/** The minutes the menu offers. */
export type BudgetMinutes = Extract<(typeof BUDGET_CHOICES)[number], { minutes: number }>['minutes'];

/** The choice a draft's `auto` and `minutes` stand for (minutes win; `null` means auto). */
export function budgetChoiceOf(draft: { auto: MiproAuto; minutes: BudgetMinutes | null }): BudgetChoice {
  const byMinutes = BUDGET_CHOICES.find((c) => 'minutes' in c && c.minutes === draft.minutes);
  return byMinutes?.value ?? draft.auto;
}

/** The draft fields a choice sets: `auto` stays as it was when minutes are chosen, so going back to auto finds it. */
export function draftOf(choice: BudgetChoice, auto: MiproAuto): { auto: MiproAuto; minutes: BudgetMinutes | null } {
  const c = choiceInfo(choice);
  return 'minutes' in c ? { auto, minutes: c.minutes } : { auto: c.auto, minutes: null };
}

/** `optimizer` sized by `choice`: `auto`, or `budget: { minutes }` without `auto`. Other kinds are returned as they are. */
export function withBudgetChoice(optimizer: OptimizerConfig, choice: BudgetChoice): OptimizerConfig {
  if (optimizer.kind !== 'mipro_v2') return optimizer;
  const { auto: _auto, budget: _budget, ...rest } = optimizer;
  const c = choiceInfo(choice);
  return 'minutes' in c ? { ...rest, budget: { minutes: c.minutes } } : { ...rest, auto: c.auto };
}

/** One row of the plan comparison. */
export interface PlanRow {
  choice: BudgetChoice;
  label: string;
  /** The plan of this choice; absent when it cannot be planned (`problem` says why). */
  plan?: Plan;
  /** Task and teacher calls, the final scoring included: an upper bound. */
  calls?: number;
  problem?: string;
}

/** Every choice planned on `sizes` with `latency` (MIPROv2 configs only; empty otherwise). */
export function planComparison(config: RunConfig, sizes: RunSizes, latency: PlanLatency): PlanRow[] {
  if (config.optimizer.kind !== 'mipro_v2') return [];
  return BUDGET_CHOICES.map(({ value, label }) => {
    try {
      const plan = planRun({ ...config, optimizer: withBudgetChoice(config.optimizer, value) }, sizes, latency);
      return { choice: value, label, plan, calls: taskAndTeacherCalls(plan) };
    } catch (err) {
      return { choice: value, label, problem: err instanceof Error ? err.message : String(err) };
    }
  });
}

/**
 * Task and teacher calls of a plan. A budget already counts the teacher's calls (they share
 * it); otherwise the teacher's bootstrapping comes on top of the task calls.
 */
export function taskAndTeacherCalls(plan: Plan): number {
  return plan.budget ? plan.taskCalls : plan.taskCalls + (plan.teacherCalls ?? 0);
}

function choiceInfo(choice: BudgetChoice): (typeof BUDGET_CHOICES)[number] {
  // The menu holds every value of the type, so the lookup always finds one.
  return BUDGET_CHOICES.find((c) => c.value === choice)!;
}
