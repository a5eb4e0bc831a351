/**
 * Optimizers: LabeledFewShot, BootstrapFewShot, BootstrapFewShotWithRandomSearch, MIPROv2 and
 * OPRO (module- and program-level), behind one entry point so the runner and the worker treat them alike. Their options, types
 * and defaults come from one schema (options.ts).
 */
import { bootstrapFewShot } from './bootstrap';
import { labeledFewShot } from './demos';
import { budgetedShape, createTpeSampler, minimumBudget as minimumMiproBudget, miproRunSettings, miproV2, planBudgeted, planMipro } from './mipro';
import { minimumOproBudget, opro, planOpro } from './opro';
import { optimizerSettings, type OptimizerSettings, type SettingsOf } from './options';
import { planRandomSearch, randomSearch } from './random-search';
import type { OptimizeContext, OptimizeResult, Plan, PlanSizes } from './types';

export type * from './types';
export { OPTIMIZER_KINDS, parseOptimizerConfig, optimizerSettings, defaultSettings } from './options';
export type { OptimizerConfig, OptimizerSettings, OptimizerKind, MiproAuto, MiproMode } from './options';
export type { TpeExplanation } from './tpe';
export { configKey, groupByConfig } from './config-groups';
export type { MiproCheckpoint } from './mipro';
export { whatIfPick } from './mipro/what-if';
export type { WhatIfSearch, WhatIfOverrides } from './mipro/what-if';
export type { OproCheckpoint } from './opro';
export { bootstrapFewShot, rejectionReason } from './bootstrap';
export { labeledFewShot } from './demos';

/** The plan (counts) of an optimizer before it runs; `planRun` adds the final scoring and time. */
export function planOptimizer(settings: OptimizerSettings, sizes: PlanSizes): Plan {
  switch (settings.kind) {
    case 'none':
      return emptyPlan('none', 0, []);
    case 'labeled_few_shot':
      return emptyPlan(settings.kind, 0, ['Samples labeled demos; no model calls.']);
    case 'bootstrap_few_shot':
      return emptyPlan(settings.kind, sizes.train * settings.maxRounds, ['Runs the teacher over the trainset until it has enough demos.']);
    case 'bootstrap_random_search':
      return planRandomSearch(settings, sizes);
    case 'mipro_v2':
      if (settings.budget?.taskCalls !== undefined) return planBudgeted(settings, budgetedShape(settings, settings.budget.taskCalls, sizes), sizes);
      return planMipro(miproRunSettings(settings, sizes.predictors), sizes);
    case 'opro':
      return planOpro(settings, sizes);
  }
}

/** The optimizers that take a `budget`. */
export type BudgetedSettings = SettingsOf<'mipro_v2'> | SettingsOf<'opro'>;

/** The smallest budget (task and teacher calls) an optimizer that takes one can run a program of `sizes` with. */
export function minimumBudget(settings: BudgetedSettings, sizes: PlanSizes): number {
  return settings.kind === 'opro' ? minimumOproBudget(settings, sizes) : minimumMiproBudget(settings, sizes.predictors);
}

/**
 * Runs the optimizer `kind` with `options` (validated here: `OPTIMIZER_INVALID` lists every
 * problem). `checkpoint` (from a `checkpoint` event) resumes an interrupted run.
 */
export async function runOptimizer(kind: string, ctx: OptimizeContext, options: Record<string, unknown> = {}, checkpoint?: unknown): Promise<OptimizeResult> {
  const settings = optimizerSettings({ ...options, kind });
  const sizes = { train: ctx.trainset.length, val: ctx.valset.length, predictors: ctx.program.predictorIds.length };
  switch (settings.kind) {
    case 'none':
      return { state: ctx.state, trials: [] };
    case 'labeled_few_shot':
      return { state: labeledFewShot(ctx.program, ctx.state, ctx.trainset, settings.k, ctx.seed), trials: [], plan: planOptimizer(settings, sizes) };
    case 'bootstrap_few_shot': {
      ctx.emit?.({ type: 'phase', phase: 'bootstrap', status: 'start' });
      const r = await bootstrapFewShot(ctx, settings);
      ctx.emit?.({ type: 'phase', phase: 'bootstrap', status: 'end' });
      return { state: r.state, trials: [], plan: planOptimizer(settings, sizes) };
    }
    case 'bootstrap_random_search':
      return randomSearch(ctx, settings, checkpoint);
    case 'mipro_v2':
      return miproV2(ctx, settings, createTpeSampler, checkpoint);
    case 'opro':
      return opro(ctx, settings, checkpoint);
  }
}

function emptyPlan(optimizer: string, teacher: number, notes: string[]): Plan {
  return { optimizer, trials: 0, fullEvaluations: 0, taskProgramRuns: { search: 0, fullEvaluations: 0, total: 0 }, taskCalls: 0, teacherProgramRunsMax: teacher, proposerCalls: 0, notes };
}
