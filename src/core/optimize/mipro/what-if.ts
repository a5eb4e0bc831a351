/**
 * Teaching mode's what-if: what TPE would have picked at one of a run's search trials with
 * another good-group fraction (gamma) or another number of random startup trials. It replays
 * the search's own sampler call — the same history (the search trials before it that did not
 * fail, the default program, and the periodic full evaluations when the search tells them to
 * the sampler, mipro/settings.ts), the same 1-based trial number and so the same random
 * stream, the same trial budget when the run had one — so with no overrides it returns the recorded pick. No model
 * is called: TPE only reads the recorded scores.
 *
 * Covers MIPROv2's trial search (light / medium / heavy, or `numTrials`). A budgeted run
 * replaces the random startup by a design and learns from every chunk, so it is not replayed
 * here.
 */
import { PlaygroundError } from '../../errors';
import { OPTUNA_COMPATIBLE, type TpeExplanation } from '../tpe';
import { resolveOptions } from '../tpe/options';
import type { TrialKind, TrialRecord } from '../types';
import { samplerLearnsFrom } from './search';
import { TELL_FULL_EVALUATIONS } from './settings';
import { suggestTpe, type TpeSamplerSettings } from './tpe-sampler';

/**
 * The run's TPE sampler, as MIPROv2 made it. `trialBudget` (the plan's `trials`) only for runs
 * whose sampler was told it and so raced at the end: MIPROv2's trial search no longer does
 * (mipro-v2.ts), runs made before did, and their recorded explanations say so.
 */
export type WhatIfSampler = Required<Omit<TpeSamplerSettings, 'gammaFraction' | 'trialBudget'>> & Pick<TpeSamplerSettings, 'trialBudget'>;

/** A run's search as the what-if replays it. */
export interface WhatIfSearch {
  /** The search space in the run's order: parameter names and their numbers of choices. */
  space: readonly { name: string; n: number }[];
  /** The run's trial records (any order). */
  trials: readonly TrialRecord[];
  sampler: WhatIfSampler;
}

/** Settings to change; absent ones keep the run's. */
export interface WhatIfOverrides {
  gammaFraction?: number;
  nStartupTrials?: number;
}

/** What TPE picks at the trial, and the settings it picked with. */
export interface WhatIfPick {
  params: Record<string, number>;
  explanation: TpeExplanation;
  gammaFraction: number;
  nStartupTrials: number;
}

/**
 * What TPE picks at search trial `trial` (its record index, the `trial_start` event's `trial`,
 * and its kind: `minibatch`, or `full` when the search scored every trial on the whole
 * validation set) with `overrides`. Throws `OPTIMIZER_INVALID` for a trial the sampler did
 * not pick (the default program, a periodic full evaluation).
 */
export function whatIfPick(search: WhatIfSearch, trial: { index: number; kind: TrialKind }, overrides: WhatIfOverrides = {}): WhatIfPick {
  if (trial.kind !== 'minibatch' && trial.kind !== 'full') {
    throw new PlaygroundError('OPTIMIZER_INVALID', `Trial ${trial.index} is a ${trial.kind} trial: TPE did not pick it.`, { hint: 'Pick a search trial (one with a TPE explanation).' });
  }
  const before = search.trials.filter((tr) => tr.index < trial.index);
  // As runSearch: the search trials are the trials of the search's kind; in minibatch mode the
  // periodic full evaluations are learned from as the run's default switch says.
  const isSearch = (tr: TrialRecord) => tr.kind === trial.kind;
  const history = before
    .filter((tr) => samplerLearnsFrom(tr, trial.kind === 'minibatch', TELL_FULL_EVALUATIONS))
    .sort((a, b) => a.index - b.index)
    .map((tr) => ({ params: tr.params, value: tr.score }));
  const t = before.filter(isSearch).length + 1;
  const settings: TpeSamplerSettings = { ...search.sampler, ...definedOnly(overrides) };
  const resolved = resolveOptions({ ...(settings.optuna ? OPTUNA_COMPATIBLE : {}), ...definedOnly(overrides) });
  const { params, explanation } = suggestTpe(settings, search.space, history, t);
  if (!explanation) throw new PlaygroundError('INTERNAL', 'The TPE sampler returned no explanation when asked for one.');
  return { params, explanation, gammaFraction: resolved.gammaFraction, nStartupTrials: settings.nStartupTrials };
}

function definedOnly(o: WhatIfOverrides): WhatIfOverrides {
  return {
    ...(o.gammaFraction !== undefined && { gammaFraction: o.gammaFraction }),
    ...(o.nStartupTrials !== undefined && { nStartupTrials: o.nStartupTrials }),
  };
}
