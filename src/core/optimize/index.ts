/**
 * Optimizers: LabeledFewShot, BootstrapFewShot, BootstrapFewShotWithRandomSearch and MIPROv2,
 * behind one entry point so the runner and the worker treat them alike.
 */
import { PlaygroundError } from '../errors';
import { bootstrapFewShot, type BootstrapOptions } from './bootstrap';
import { labeledFewShot } from './demos';
import { createTpeSampler, miproV2, planMipro, resolveSettings, validateMiproOptions, type MiproCheckpoint, type MiproOptions } from './mipro';
import { planRandomSearch, randomSearch, validateRandomSearchOptions, type RandomSearchCheckpoint, type RandomSearchOptions } from './random-search';
import type { OptimizeContext, OptimizeResult, Plan } from './types';

export type * from './types';
export { bootstrapFewShot } from './bootstrap';
export type { BootstrapOptions, BootstrapResult } from './bootstrap';
export { labeledFewShot, labeledDemo, tracedDemo } from './demos';
export { createDemoSets, applyDemoSet } from './demo-sets';
export type { DemoSet } from './demo-sets';
export { randomSearch } from './random-search';
export type { RandomSearchOptions, RandomSearchCheckpoint } from './random-search';
export * from './mipro';

export const OPTIMIZER_KINDS = ['labeled_few_shot', 'bootstrap_few_shot', 'bootstrap_random_search', 'mipro_v2'] as const;
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];

export interface PlanSizes {
  train: number;
  val: number;
  predictors: number;
  concurrency?: number;
}

/** Problems with an optimizer's options (empty when valid). */
export function validateOptimizerOptions(kind: string, options: Record<string, unknown>): string[] {
  const { kind: _k, seed: _s, ...rest } = options;
  switch (kind) {
    case 'labeled_few_shot':
      return rest.k !== undefined && !(Number.isInteger(rest.k) && (rest.k as number) >= 0) ? [`k: must be an integer >= 0, but got ${JSON.stringify(rest.k)}`] : [];
    case 'bootstrap_few_shot':
    case 'bootstrap_random_search':
      return validateRandomSearchOptions(rest);
    case 'mipro_v2':
      return validateMiproOptions(rest);
    default:
      return [`kind: must be one of ${OPTIMIZER_KINDS.join(', ')}, but got ${JSON.stringify(kind)}`];
  }
}

/** The plan (counts and estimated time) of an optimizer before it runs. */
export function planOptimizer(kind: OptimizerKind, options: Record<string, unknown>, sizes: PlanSizes): Plan {
  const empty = (optimizer: string, teacher: number, notes: string[]): Plan => ({
    optimizer, trials: 0, fullEvaluations: 0, taskProgramRuns: { search: 0, fullEvaluations: 0, total: 0 }, taskCalls: 0, teacherProgramRunsMax: teacher, proposerCalls: 0, notes,
  });
  switch (kind) {
    case 'labeled_few_shot':
      return empty(kind, 0, ['Samples labeled demos; no model calls.']);
    case 'bootstrap_few_shot':
      return empty(kind, sizes.train * ((options.maxRounds as number | undefined) ?? 1), ['Runs the teacher over the trainset until it has enough demos.']);
    case 'bootstrap_random_search':
      return planRandomSearch(options as RandomSearchOptions, sizes);
    case 'mipro_v2':
      return planMipro(resolveSettings(options as MiproOptions, sizes.predictors), sizes, (options as MiproOptions).latencyMs);
  }
}

/** Runs an optimizer. `checkpoint` (from a `checkpoint` event) resumes an interrupted run. */
export async function runOptimizer(kind: string, ctx: OptimizeContext, options: Record<string, unknown>, checkpoint?: unknown): Promise<OptimizeResult> {
  const problems = validateOptimizerOptions(kind, options);
  if (problems.length) {
    throw new PlaygroundError('OPTIMIZER_INVALID', `Options for ${kind}: ${problems.join('; ')}`, { hint: 'Fix the listed options.', details: { problems } });
  }
  switch (kind as OptimizerKind) {
    case 'labeled_few_shot':
      return { state: labeledFewShot(ctx.program, ctx.state, ctx.trainset, (options.k as number | undefined) ?? 16, ctx.seed), trials: [] };
    case 'bootstrap_few_shot': {
      ctx.emit?.({ type: 'phase', phase: 'bootstrap', status: 'start' });
      const r = await bootstrapFewShot(ctx, options as BootstrapOptions);
      ctx.emit?.({ type: 'phase', phase: 'bootstrap', status: 'end' });
      return { state: r.state, trials: [] };
    }
    case 'bootstrap_random_search':
      return randomSearch(ctx, options as RandomSearchOptions, checkpoint as RandomSearchCheckpoint | undefined);
    case 'mipro_v2':
      return miproV2(ctx, options as MiproOptions, createTpeSampler, checkpoint as MiproCheckpoint | undefined);
  }
}
