/**
 * BootstrapFewShotWithRandomSearch (DSPy `teleprompt/random_search.py`): candidate programs
 * — zero-shot, labeled only, an unshuffled bootstrap, then `numCandidatePrograms` bootstraps
 * over seeded shuffles with random demo counts — each scored on the full validation set; the
 * best score wins (ties keep the earlier candidate).
 *
 * Checkpoints after every candidate hold the scores and states so far; a resumed run skips
 * the candidates already scored. `ctx.stop` ends the search before the next candidate, with
 * the best scored so far.
 */
import { PlaygroundError } from '../errors';
import { applyDemoSet, createDemoSet } from './demo-sets';
import { checkFailureStreak, scoreCandidate, searchOutcome, stopRequested } from './score';

/** Candidates in a row whose calls failed before the search stops (as MIPROv2's default). */
const MAX_FAILED_CANDIDATES = 3;
import type { RandomSearchSettings } from './options';
import type { OptimizeContext, OptimizeResult, Plan, PlanSizes, TrialRecord } from './types';
import type { ProgramState } from '../program/types';

interface RandomSearchCheckpoint {
  optimizer: 'bootstrap_random_search';
  trials: TrialRecord[];
  states: ProgramState[];
}

/** The plan: zero-shot, labeled and unshuffled candidates plus `numCandidatePrograms` shuffled ones. */
export function planRandomSearch(o: RandomSearchSettings, sizes: PlanSizes): Plan {
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

export async function randomSearch(ctx: OptimizeContext, o: RandomSearchSettings, stored?: unknown): Promise<OptimizeResult> {
  const checkpoint = stored === undefined ? undefined : randomSearchCheckpoint(stored);
  const plan = planRandomSearch(o, { train: ctx.trainset.length, val: ctx.valset.length, predictors: ctx.program.predictorIds.length });
  if (ctx.valset.length === 0) throw new PlaygroundError('OPTIMIZER_INVALID', 'Random search needs validation examples.', { hint: 'Give the validation split some rows.' });
  const trials = checkpoint?.trials.slice() ?? [];
  const states = checkpoint?.states.slice() ?? [];
  ctx.emit?.({ type: 'phase', phase: 'search', status: 'start' });
  for (let i = trials.length; i < plan.trials; i++) {
    if (stopRequested(ctx)) break;
    const set = await createDemoSet(ctx, { count: plan.trials, ...o }, i);
    ctx.emit?.({ type: 'demo_set', set: i, kind: set.kind, demos: set.demos });
    const state = applyDemoSet(ctx.state, set);
    ctx.emit?.({ type: 'trial_start', trial: i, kind: 'candidate', params: { demos: i } });
    const s = await scoreCandidate(ctx, state, ctx.valset, i);
    const trial: TrialRecord = { index: i, kind: 'candidate', params: { demos: i }, ...s };
    const best = bestIndex(trials);
    trials.push(trial);
    states.push(state);
    ctx.emit?.({ type: 'trial_end', trial });
    checkFailureStreak(trials, MAX_FAILED_CANDIDATES);
    if (!s.failed && (best < 0 || s.score > trials[best]!.score)) ctx.emit?.({ type: 'new_best', trial: i, score: s.score, params: trial.params });
    ctx.emit?.({ type: 'checkpoint', checkpoint: { optimizer: 'bootstrap_random_search', trials: trials.slice(), states: states.slice() } satisfies RandomSearchCheckpoint });
  }
  ctx.emit?.({ type: 'phase', phase: 'search', status: 'end' });
  const best = bestIndex(trials);
  const outcome = searchOutcome(ctx, trials[best], () => trials[best]!);
  if (best < 0 || !outcome) throw new PlaygroundError('OPTIMIZER_ERROR_BUDGET', 'Every candidate failed: their calls failed past the error budget.', { hint: 'Check the task model and its endpoint, then run again.' });
  return { state: states[best]!, trials, plan, ...outcome };
}

/** A stored checkpoint of random search, or `OPTIMIZER_INVALID`. */
function randomSearchCheckpoint(stored: unknown): RandomSearchCheckpoint {
  if (typeof stored === 'object' && stored !== null) {
    const cp: Partial<Record<keyof RandomSearchCheckpoint, unknown>> = stored;
    if (cp.optimizer === 'bootstrap_random_search' && Array.isArray(cp.trials) && Array.isArray(cp.states)) return { optimizer: 'bootstrap_random_search', trials: cp.trials, states: cp.states };
  }
  throw new PlaygroundError('OPTIMIZER_INVALID', 'The stored checkpoint was not made by random search, so the run cannot resume from it.', {
    hint: 'Start a new run with the same settings: answers already received come from the cache.',
  });
}

function bestIndex(trials: readonly TrialRecord[]): number {
  let best = -1;
  trials.forEach((t, i) => {
    if (!t.failed && (best < 0 || t.score > trials[best]!.score)) best = i;
  });
  return best;
}
