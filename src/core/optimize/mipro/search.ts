/**
 * MIPROv2's search phase: Bayesian optimization (TPE) over one instruction index and one
 * demo-set index per predictor, scored on seeded minibatches of the validation set, with
 * periodic full evaluations of the configuration whose *mean* minibatch score is best among
 * those not yet fully evaluated. The winner is the best *full* evaluation: minibatch scores
 * never pick it (DSPy `_optimize_prompt_parameters`). The sampler learns from the default
 * program's evaluation, the search trials and the periodic full evaluations, as DSPy's Optuna
 * study does since 2.6.1 ({@link samplerLearnsFrom}; measured both ways in the README).
 *
 * Every random draw is derived from (seed, trial index), and the search state is plain data
 * after every trial, so a run resumed from a checkpoint continues exactly where it stopped.
 */
import type { Example } from '../../data/types';
import { throwIfAborted } from '../../errors';
import type { ProgramState } from '../../program/types';
import { Rng } from '../../util/random';
import type { DemoSet } from '../demo-sets';
import { configKey, groupByConfig } from '../config-groups';
import { checkFailureStreak, scoreCandidate, stopRequested } from '../score';
import type { OptimizeContext, TrialRecord } from '../types';
import type { Sampler } from './sampler';
import type { MiproRunSettings } from './settings';

/** The search's whole state at a trial boundary. */
export interface SearchState {
  trials: TrialRecord[];
  /** Minibatch trials done (trial 0, the default program's full evaluation, is not one). */
  minibatchTrials: number;
  /** Full-evaluation score per configuration key. */
  fullScores: Record<string, number>;
  best: { key: string; score: number; trial: number; params: Record<string, number> } | null;
}

export interface SearchSpace {
  params: { name: string; n: number }[];
  instructions: Record<string, string[]>;
  demoSets: DemoSet[];
  /** The predictors searched; the others keep the program's instruction and demos. */
  predictors: string[];
}

export function emptySearchState(): SearchState {
  return { trials: [], minibatchTrials: 0, fullScores: {}, best: null };
}

/** The program state a parameter choice stands for (a predictor not searched as the program has it). */
export function stateFor(ctx: OptimizeContext, space: SearchSpace, params: Record<string, number>): ProgramState {
  const state: ProgramState = {};
  for (const id of ctx.program.predictorIds) {
    if (!space.predictors.includes(id)) {
      state[id] = { instruction: ctx.state[id]?.instruction ?? '', demos: ctx.state[id]?.demos ?? [] };
      continue;
    }
    const instruction = space.instructions[id]![params[`${id}.instruction`] ?? 0]!;
    const set = space.demoSets[params[`${id}.demos`] ?? 0];
    state[id] = { instruction, demos: set?.demos[id] ?? [] };
  }
  return state;
}

/** Runs (or continues) the search until `settings.numTrials` minibatch trials are done, or `ctx.stop` ends it early. */
export async function runSearch(
  ctx: OptimizeContext,
  settings: MiproRunSettings,
  space: SearchSpace,
  valset: readonly Example[],
  sampler: Sampler,
  state: SearchState,
  checkpoint: (s: SearchState) => void,
): Promise<SearchState> {
  // Minibatching needs a validation set larger than a minibatch (35 by default): at val <= 35
  // every trial is a full evaluation. DSPy switches it off at val <= 50 under auto and refuses a
  // minibatch larger than the validation set otherwise; here the run goes on, and says so.
  const minibatch = settings.minibatch && valset.length > settings.minibatchSize;
  const defaultParams = Object.fromEntries(space.params.map((p) => [p.name, 0]));
  if (state.trials.length === 0) {
    await fullEvaluation(ctx, space, valset, state, defaultParams, 'default', []);
    checkpoint(state);
  }
  while (state.minibatchTrials < settings.numTrials) {
    throwIfAborted(ctx.signal);
    if (stopRequested(ctx)) break;
    const t = state.minibatchTrials + 1;
    const history = samplerHistory(state.trials, minibatch, settings.tellFullEvaluations);
    const { params, explanation } = sampler.suggest(space.params, history, t);
    const index = state.trials.length;
    ctx.emit?.({ type: 'trial_start', trial: index, kind: minibatch ? 'minibatch' : 'full', params, ...(explanation !== undefined && { explanation }) });
    if (minibatch) {
      const batch = new Rng(`minibatch:${ctx.seed}:${t}`).sample(valset, settings.minibatchSize);
      const s = await scoreCandidate(ctx, stateFor(ctx, space, params), batch, index, `trial ${t}`);
      const trial: TrialRecord = { index, kind: 'minibatch', params, ...s };
      state.trials.push(trial);
      state.minibatchTrials = t;
      ctx.emit?.({ type: 'trial_end', trial });
      checkFailureStreak(state.trials, settings.maxFailedTrials);
      // Stopped early, the search keeps the best full evaluation it has and spends no more calls.
      if ((t % settings.minibatchFullEvalSteps === 0 || t === settings.numTrials) && !stopRequested(ctx)) await periodicFullEvaluation(ctx, space, valset, state);
    } else {
      state.minibatchTrials = t;
      await fullEvaluation(ctx, space, valset, state, params, 'full', []);
      checkFailureStreak(state.trials, settings.maxFailedTrials);
    }
    ctx.emit?.({ type: 'progress', phase: 'search', done: t, total: settings.numTrials });
    checkpoint(state);
  }
  return state;
}

/**
 * Whether the sampler learns from trial `tr`: the default program's full evaluation and the
 * search trials (`minibatch`, or `full` when every trial is a full evaluation), and, when
 * `tellFullEvaluations`, the periodic full evaluations too (DSPy adds them to its Optuna study
 * since 2.6.1; before, Optuna never saw them). A failed trial says nothing about its
 * configuration (Optuna leaves failed trials out too). Teaching mode's what-if replays it.
 */
export function samplerLearnsFrom(tr: TrialRecord, minibatch: boolean, tellFullEvaluations: boolean): boolean {
  if (tr.failed) return false;
  return tr.kind === 'default' || tr.kind === (minibatch ? 'minibatch' : 'full') || (tellFullEvaluations && tr.kind === 'full');
}

function samplerHistory(trials: readonly TrialRecord[], minibatch: boolean, tellFullEvaluations: boolean): { params: Record<string, number>; value: number }[] {
  return trials.filter((tr) => samplerLearnsFrom(tr, minibatch, tellFullEvaluations)).map((tr) => ({ params: tr.params, value: tr.score }));
}

/** Full evaluation of the best-mean configuration not yet fully evaluated (if any). */
export async function periodicFullEvaluation(ctx: OptimizeContext, space: SearchSpace, valset: readonly Example[], state: SearchState): Promise<void> {
  const groups = groupByConfig(state.trials.filter((tr) => tr.kind === 'minibatch' && !tr.failed), (tr) => tr.score);
  let pick: (typeof groups)[number] | undefined;
  for (const g of groups) {
    if (g.key in state.fullScores) continue;
    // Ties keep the configuration tried first (groups come in order of first appearance).
    if (!pick || g.mean > pick.mean) pick = g;
  }
  if (pick) await fullEvaluation(ctx, space, valset, state, pick.params, 'full', pick.items.map((tr) => tr.index));
}

/** Scores `params` on the whole validation subsample as trial `kind`; a better score than any before becomes `state.best`. */
export async function fullEvaluation(
  ctx: OptimizeContext,
  space: SearchSpace,
  valset: readonly Example[],
  state: SearchState,
  params: Record<string, number>,
  kind: 'default' | 'full',
  ofTrials: number[],
): Promise<void> {
  const index = state.trials.length;
  if (kind === 'default' || ofTrials.length > 0) ctx.emit?.({ type: 'trial_start', trial: index, kind, params });
  const s = await scoreCandidate(ctx, stateFor(ctx, space, params), valset, index, kind === 'default' ? 'default program' : 'full evaluation');
  const trial: TrialRecord = { index, kind, params, ...s, ...(ofTrials.length && { ofTrials }) };
  state.trials.push(trial);
  ctx.emit?.({ type: 'trial_end', trial });
  // A failed full evaluation leaves its configuration unscored: a later one may check it again.
  if (s.failed) return;
  const key = configKey(params);
  state.fullScores[key] = s.score;
  if (!state.best || s.score > state.best.score) {
    state.best = { key, score: s.score, trial: index, params };
    ctx.emit?.({ type: 'new_best', trial: index, score: s.score, params });
  }
}
