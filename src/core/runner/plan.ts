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
import { optimizerSettings, planOptimizer, type Plan } from '../optimize';
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
  const settings = optimizerSettings(config.optimizer);
  const predictors = resolveProgram(programFromConfig(config.program).spec).predictorIds.length;
  const base = planOptimizer(settings, { train: sizes.train, val: sizes.val, predictors });
  const optimized = settings.kind !== 'none';
  // The chosen program on val and test; the baseline on test too, unless it is the chosen one.
  const final = sizes.val + sizes.test * (optimized ? 2 : 1);
  const runs = base.taskProgramRuns;
  const teacherCalls = base.teacherProgramRunsMax * predictors;
  const plan: Plan = {
    ...base,
    taskProgramRuns: { ...runs, final, total: runs.total + final },
    taskCalls: base.taskCalls + final * predictors,
    teacherCalls,
    // An LLM judge scores every program run, the teacher's included.
    judgeCalls: config.metric.kind === 'llm_judge' ? runs.total + final + base.teacherProgramRunsMax : 0,
    notes: [...base.notes, `Then ${final} program runs score the result on validation${sizes.test ? ' and test (with the baseline)' : ''}.`],
  };
  const legacy = settings.kind === 'mipro_v2' ? settings.latencyMs : undefined;
  // A config's own latencyMs (headless runner configs) wins over the host's assumption.
  const estimate = estimatedSeconds(plan, { ...latency, ...legacy }, taskConcurrency(config));
  if (estimate !== undefined) plan.estimatedSeconds = estimate;
  return plan;
}

/**
 * Wall time: task calls run `concurrency` at a time; the teacher bootstraps one example at a
 * time, and proposer calls are sequential. Judge calls run alongside the task calls they score.
 */
function estimatedSeconds(plan: Plan, latency: PlanLatency, concurrency: number): number | undefined {
  if (latency.task === undefined) return undefined;
  const ms =
    (plan.taskCalls / concurrency) * latency.task +
    (plan.teacherCalls ?? 0) * latency.task +
    plan.proposerCalls * (latency.proposer ?? latency.task) +
    ((plan.judgeCalls ?? 0) / concurrency) * (latency.judge ?? latency.proposer ?? latency.task);
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
