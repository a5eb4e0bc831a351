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
import { minimumBudget, optimizerSettings, planOptimizer, type OptimizerSettings, type Plan } from '../optimize';
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
  const settings = withCallBudget(optimizerSettings(config.optimizer), config, latency);
  const predictors = resolveProgram(programFromConfig(config.program).spec).predictorIds.length;
  const base = planOptimizer(settings, { train: sizes.train, val: sizes.val, predictors });
  const optimized = settings.kind !== 'none';
  // The chosen program on val and test; the baseline on test too, unless it is the chosen one.
  const final = sizes.val + sizes.test * (optimized ? 2 : 1);
  const runs = base.taskProgramRuns;
  const plan: Plan = {
    ...base,
    taskProgramRuns: { ...runs, final, total: runs.total + final },
    taskCalls: base.taskCalls + final * predictors,
    teacherCalls: base.teacherProgramRunsMax * predictors,
    // An LLM judge scores every program run, the teacher's included.
    judgeCalls: config.metric.kind === 'llm_judge' ? runs.total + final + base.teacherProgramRunsMax : 0,
    notes: [...base.notes, `Then ${final} program runs score the result on validation${sizes.test ? ' and test (with the baseline)' : ''}${settings.kind === 'mipro_v2' && settings.budget ? ', outside the budget' : ''}.`],
  };
  const minutes = config.optimizer.kind === 'mipro_v2' ? config.optimizer.budget?.minutes : undefined;
  if (plan.budget && minutes !== undefined) plan.budget = { ...plan.budget, minutes };
  const estimate = estimatedSeconds(plan, effectiveLatency(settings, latency), { concurrency: taskConcurrency(config), predictors, val: sizes.val, test: sizes.test, optimized });
  if (estimate !== undefined) plan.estimatedSeconds = estimate;
  return plan;
}

/**
 * The optimizer's settings with a budget in minutes turned into calls, once, from the task
 * model's latency and the calls the search can run at once. Throws `CONFIG_INVALID` when
 * there is no latency to convert with.
 */
function withCallBudget(settings: OptimizerSettings, config: RunConfig, latency: PlanLatency): OptimizerSettings {
  if (settings.kind !== 'mipro_v2' || settings.budget?.minutes === undefined) return settings;
  const ms = effectiveLatency(settings, latency).task;
  if (ms === undefined || !(ms > 0)) {
    throw new PlaygroundError('CONFIG_INVALID', `A budget of ${settings.budget.minutes} minutes needs the task model's time per call to become a number of calls.`, {
      hint: 'Test the connection (or load the local model) first, pass --latency-ms to the runner, or give budget.taskCalls.',
    });
  }
  const predictors = resolveProgram(programFromConfig(config.program).spec).predictorIds.length;
  // A budgeted search scores 5 examples at a time; a program run is its predictors' calls in a row.
  const parallel = Math.min(taskConcurrency(config), 5);
  const calls = Math.floor(((settings.budget.minutes * 60_000) / ms) * parallel);
  const minimum = minimumBudget(settings, predictors);
  return { ...settings, budget: { taskCalls: Math.max(minimum, calls) } };
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
 * Wall time, counted in waves: an evaluation of k examples runs them `concurrency` at a time,
 * each program run its predictors' calls in a row; the teacher bootstraps one example at a
 * time, and proposer calls are sequential. Judge calls run alongside the task calls they score.
 */
function estimatedSeconds(plan: Plan, latency: PlanLatency, shape: Shape): number | undefined {
  if (latency.task === undefined) return undefined;
  const { concurrency: k, predictors: p } = shape;
  const waves = (evaluations: number, examples: number) => (evaluations > 0 && examples > 0 ? evaluations * Math.ceil(examples / evaluations / k) : 0);
  const runs = plan.taskProgramRuns;
  const search = waves(plan.trials, runs.search);
  const full = waves(plan.fullEvaluations, runs.fullEvaluations);
  const final = Math.ceil(shape.val / k) + (shape.optimized ? 2 : 1) * Math.ceil(shape.test / k);
  const teacherRuns = plan.budget?.teacherRunsExpected ?? plan.teacherProgramRunsMax;
  // A budget is spent whole: what bootstrapping leaves goes to more search.
  const budgetSearch = plan.budget ? Math.max(0, plan.budget.calls - teacherRuns * p) / p : 0;
  const searchWaves = plan.budget ? Math.ceil(budgetSearch / Math.min(k, 5)) : search;
  const ms =
    (searchWaves + full + final) * p * latency.task +
    teacherRuns * p * latency.task +
    plan.proposerCalls * (latency.proposer ?? latency.task) +
    ((plan.judgeCalls ?? 0) / k) * (latency.judge ?? latency.proposer ?? latency.task);
  return Math.round(ms / 1000);
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
