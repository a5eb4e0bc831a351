/**
 * The run's plan: what a run will cost before it starts, computed in one place for every
 * host. The headless runner prints it, the optimizer worker emits it as a run's `plan` event
 * (the run view's Progress reads that), and the setup screen shows it before Start. So a user
 * sees one number for the task calls of a run, and the calls sent land at or below it.
 *
 * Counts are upper bounds (see `Plan`): the optimizer's own phases (optimize/), then the
 * final scoring — the chosen program on validation and test, and the baseline on test.
 */
import { DEFAULT_MAX_CONCURRENCY } from '../lm';
import { PlaygroundError } from '../errors';
import { minimumBudget, optimizerSettings, planOptimizer, type BudgetedSettings, type OptimizerSettings, type Plan, type PlanSizes } from '../optimize';
import { resolveProgram } from '../program/resolve';
import { programFromConfig, type ModelConfig, type RunConfig } from './config';

/** Examples per split after parsing and mapping (what the data produced, not the fractions asked for). */
export interface RunSizes {
  train: number;
  val: number;
  test: number;
}

/** Assumed milliseconds per LM call, per role, for the time estimate. Without `task`, no estimate. */
export interface PlanLatency {
  task?: number;
  proposer?: number;
  judge?: number;
}

/** The plan of `config` on data of `sizes`. Throws `OPTIMIZER_INVALID` / `PROGRAM_INVALID` for a bad config. */
export function planRun(config: RunConfig, sizes: RunSizes, latency: PlanLatency = {}): Plan {
  const predictors = resolveProgram(programFromConfig(config.program).spec).predictorIds.length;
  const given = optimizerSettings(config.optimizer);
  const shape: Shape = { concurrency: taskConcurrency(config), predictors, val: sizes.val, test: sizes.test, optimized: given.kind !== 'none' };
  const { settings, unusedMinutes } = withCallBudget(given, { train: sizes.train, val: sizes.val, predictors }, shape, effectiveLatency(given, latency));
  const base = planOptimizer(settings, { train: sizes.train, val: sizes.val, predictors });
  // The chosen program on val and test; the baseline on test too, unless it is the chosen one.
  const final = sizes.val + sizes.test * (shape.optimized ? 2 : 1);
  const runs = base.taskProgramRuns;
  const plan: Plan = {
    ...base,
    taskProgramRuns: { ...runs, final, total: runs.total + final },
    taskCalls: base.taskCalls + final * predictors,
    teacherCalls: base.teacherProgramRunsMax * predictors,
    // An LLM judge scores every program run, the teacher's included.
    judgeCalls: config.metric.kind === 'llm_judge' ? runs.total + final + base.teacherProgramRunsMax : 0,
    notes: [...base.notes, `Then ${final} program runs score the result on validation${sizes.test ? ' and test (with the baseline)' : ''}${takesBudget(settings) && settings.budget ? ', outside the budget' : ''}.`],
  };
  const minutes = takesBudget(given) ? given.budget?.minutes : undefined;
  if (plan.budget && minutes !== undefined) plan.budget = { ...plan.budget, minutes };
  if (unusedMinutes) plan.notes.push(given.kind === 'opro' ? `${minutes} minutes are more than the ${given.rounds} rounds take, so the budget stops there. More rounds would let it use the time.` : `${minutes} minutes are more than this search can use: every configuration on every validation example takes less, so the budget stops there. More validation rows would let it use the time.`);
  const ms = effectiveLatency(given, latency);
  if (ms.task !== undefined) plan.estimatedSeconds = Math.round((optimizerMs(plan, ms, shape) + finalMs(ms, shape)) / 1000);
  return plan;
}

/**
 * The optimizer's settings with a budget in minutes turned into calls, once: the most calls
 * whose estimated optimization time (`optimizerMs`, the final scoring apart) fits the minutes,
 * from the task model's latency and the calls the search can run at once. So the plan's
 * estimate of a minutes budget is those minutes, plus the final scoring it shows apart. Never
 * less than the smallest workable budget. Throws `CONFIG_INVALID` when there is no latency to
 * convert with.
 */
function withCallBudget(settings: OptimizerSettings, sizes: PlanSizes, shape: Shape, latency: PlanLatency): { settings: OptimizerSettings; unusedMinutes?: boolean } {
  if (!takesBudget(settings) || settings.budget?.minutes === undefined) return { settings };
  const ms = latency.task;
  if (ms === undefined || !(ms > 0)) {
    throw new PlaygroundError('CONFIG_INVALID', `A budget of ${settings.budget.minutes} minutes needs the task model's time per call to become a number of calls.`, {
      hint: 'Test the connection (or load the local model) first, pass --latency-ms to the runner, or give budget.taskCalls.',
    });
  }
  const limit = settings.budget.minutes * 60_000;
  const withCalls = (taskCalls: number): OptimizerSettings => ({ ...settings, budget: { taskCalls } });
  const fits = (calls: number) => optimizerMs(planOptimizer(withCalls(calls), sizes), latency, shape) <= limit;
  const lo = minimumBudget(settings, sizes);
  const cap = usableCalls(planOptimizer(withCalls(Number.MAX_SAFE_INTEGER), sizes), sizes.predictors);
  if (!fits(lo)) return { settings: withCalls(lo) };
  // Past what the search space holds more calls change nothing: the budget stops there.
  if (cap > lo && fits(cap)) return { settings: withCalls(cap), unusedMinutes: true };
  return { settings: withCalls(largestFitting(lo, Math.max(lo, cap), fits)) };
}

/** True for the optimizers that take the shared `budget` option. */
function takesBudget(settings: OptimizerSettings): settings is BudgetedSettings {
  return settings.kind === 'mipro_v2' || settings.kind === 'opro';
}

/** The largest calls in [lo, hi) that `fits`, given that `lo` fits and the estimate grows with the calls (bisection). */
function largestFitting(lo: number, hi: number, fits: (calls: number) => boolean): number {
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The most calls a budgeted plan's run can make: its teacher's at most, and every configuration on every validation example. */
function usableCalls(plan: Plan, predictors: number): number {
  return plan.teacherProgramRunsMax * predictors + (plan.budget?.searchRunsMax ?? Infinity) * predictors;
}

/** The host's latency, unless the config brings its own (headless runner configs' `latencyMs`). */
function effectiveLatency(settings: OptimizerSettings, latency: PlanLatency): PlanLatency {
  const legacy = settings.kind === 'mipro_v2' ? settings.latencyMs : undefined;
  return { ...latency, ...legacy };
}

interface Shape {
  concurrency: number;
  predictors: number;
  val: number;
  test: number;
  optimized: boolean;
}

/**
 * The optimizer's wall time, counted in waves: an evaluation of k examples runs them
 * `concurrency` at a time, each program run its predictors' calls in a row; the teacher
 * bootstraps one example at a time, and proposer calls are sequential. Judge calls run
 * alongside the task calls they score. A budget is spent whole (what bootstrapping leaves goes
 * to more search), less the share of its calls the run's own cache is expected to answer.
 */
function optimizerMs(plan: Plan, latency: PlanLatency, { concurrency: k, predictors: p }: Shape): number {
  const task = latency.task ?? 0;
  const waves = (evaluations: number, examples: number) => (evaluations > 0 && examples > 0 ? evaluations * Math.ceil(examples / evaluations / k) : 0);
  const runs = plan.taskProgramRuns;
  const teacherRuns = plan.budget?.teacherRunsExpected ?? plan.teacherProgramRunsMax;
  let searchWaves = waves(plan.trials, runs.search);
  let fullWaves = waves(plan.fullEvaluations, runs.fullEvaluations);
  if (plan.budget) {
    // A budget's calls pay for its full evaluations too (OPRO's; MIPROv2's budgeted search has none).
    fullWaves = 0;
    const searchRuns = Math.min(Math.max(0, plan.budget.calls - teacherRuns * p) / p, plan.budget.searchRunsMax ?? Infinity);
    searchWaves = (searchRuns * (plan.budget.sentShare ?? 1)) / Math.min(k, plan.budget.chunk ?? 5);
  }
  return (
    (searchWaves + fullWaves) * p * task +
    teacherRuns * p * task +
    plan.proposerCalls * (latency.proposer ?? task) +
    ((plan.judgeCalls ?? 0) / k) * (latency.judge ?? latency.proposer ?? task)
  );
}

/** The final scoring: the chosen program on validation and test, the baseline on test. */
function finalMs(latency: PlanLatency, { concurrency: k, predictors: p, val, test, optimized }: Shape): number {
  return (Math.ceil(val / k) + (optimized ? 2 : 1) * Math.ceil(test / k)) * p * (latency.task ?? 0);
}

/** Task calls in flight at once: the config's `concurrency`, capped by what the task model allows. */
function taskConcurrency(config: RunConfig): number {
  const model = modelConcurrency(config.models.task);
  return Math.max(1, Math.min(config.concurrency ?? model, model));
}

function modelConcurrency(model: ModelConfig): number {
  // A local model answers one call at a time (web-llm queues requests to a loaded model).
  if (model.provider !== 'openai-compatible') return 1;
  return model.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
}
