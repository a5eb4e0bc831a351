/**
 * BootstrapFewShotWithRandomSearch (DSPy `teleprompt/random_search.py`): candidate programs
 * — zero-shot, labeled only, an unshuffled bootstrap, then `numCandidatePrograms` bootstraps
 * over seeded shuffles with random demo counts — each scored on the full validation set; the
 * best score wins (ties keep the earlier candidate).
 *
 * Checkpoints after every candidate hold the scores and states so far; a resumed run skips
 * the candidates already scored.
 */
import { PlaygroundError } from '../errors';
import { applyDemoSet, createDemoSet } from './demo-sets';
import { scoreCandidate } from './score';
import type { OptimizeContext, OptimizeResult, Plan, TrialRecord } from './types';
import type { ProgramState } from '../program/types';

export interface RandomSearchOptions {
  numCandidatePrograms?: number;
  maxBootstrappedDemos?: number;
  maxLabeledDemos?: number;
  maxRounds?: number;
  metricThreshold?: number;
}

export interface RandomSearchCheckpoint {
  optimizer: 'bootstrap_random_search';
  trials: TrialRecord[];
  states: ProgramState[];
}

const DEFAULTS = { numCandidatePrograms: 16, maxBootstrappedDemos: 4, maxLabeledDemos: 16, maxRounds: 1 };

export function planRandomSearch(opts: RandomSearchOptions, sizes: { train: number; val: number; predictors: number }): Plan {
  const o = { ...DEFAULTS, ...opts };
  const candidates = 3 + o.numCandidatePrograms;
  return {
    optimizer: 'bootstrap_random_search',
    trials: candidates,
    fullEvaluations: 0,
    taskProgramRuns: { search: candidates * sizes.val, fullEvaluations: 0, total: candidates * sizes.val },
    taskCalls: candidates * sizes.val * sizes.predictors,
    teacherProgramRunsMax: (candidates - 2) * sizes.train * o.maxRounds,
    proposerCalls: 0,
    notes: [`${candidates} candidate programs, each scored on all ${sizes.val} validation examples.`],
  };
}

export function validateRandomSearchOptions(opts: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const key of ['numCandidatePrograms', 'maxBootstrappedDemos', 'maxLabeledDemos', 'maxRounds']) {
    const v = opts[key];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 0)) problems.push(`${key}: must be an integer >= 0, but got ${JSON.stringify(v)}`);
  }
  return problems;
}

export async function randomSearch(ctx: OptimizeContext, opts: RandomSearchOptions, checkpoint?: RandomSearchCheckpoint): Promise<OptimizeResult> {
  const o = { ...DEFAULTS, ...opts };
  const plan = planRandomSearch(o, { train: ctx.trainset.length, val: ctx.valset.length, predictors: ctx.program.predictorIds.length });
  ctx.emit?.({ type: 'plan', plan });
  if (ctx.valset.length === 0) throw new PlaygroundError('OPTIMIZER_INVALID', 'Random search needs validation examples.', { hint: 'Give the validation split some rows.' });
  const trials = checkpoint?.trials.slice() ?? [];
  const states = checkpoint?.states.slice() ?? [];
  ctx.emit?.({ type: 'phase', phase: 'search', status: 'start' });
  for (let i = trials.length; i < plan.trials; i++) {
    const set = await createDemoSet(ctx, { count: plan.trials, ...o }, i);
    ctx.emit?.({ type: 'demo_set', set: i, kind: set.kind, demos: set.demos });
    const state = applyDemoSet(ctx.state, set);
    ctx.emit?.({ type: 'trial_start', trial: i, kind: 'candidate', params: { demos: i } });
    const s = await scoreCandidate(ctx, state, ctx.valset);
    const trial: TrialRecord = { index: i, kind: 'candidate', params: { demos: i }, score: s.score, n: s.n, calls: s.calls, errors: s.errors, durationMs: s.durationMs };
    const best = bestIndex(trials);
    trials.push(trial);
    states.push(state);
    ctx.emit?.({ type: 'trial_end', trial });
    if (best < 0 || s.score > trials[best]!.score) ctx.emit?.({ type: 'new_best', trial: i, score: s.score, params: trial.params });
    ctx.emit?.({ type: 'checkpoint', checkpoint: { optimizer: 'bootstrap_random_search', trials: trials.slice(), states: states.slice() } satisfies RandomSearchCheckpoint });
  }
  ctx.emit?.({ type: 'phase', phase: 'search', status: 'end' });
  const best = bestIndex(trials);
  return { state: states[best]!, trials, plan, valScore: trials[best]!.score };
}

function bestIndex(trials: readonly TrialRecord[]): number {
  let best = -1;
  trials.forEach((t, i) => {
    if (best < 0 || t.score > trials[best]!.score) best = i;
  });
  return best;
}
