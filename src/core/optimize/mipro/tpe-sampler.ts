/** Our TPE sampler behind the search's Sampler interface, with randomness derived from (seed, trial). */
import { Rng } from '../../util/random';
import { OPTUNA_COMPATIBLE, TpeSampler } from '../tpe';
import type { TpeSuggestion, TpeTrial } from '../tpe/types';
import type { Sampler } from './sampler';

/** What a run's TPE sampler is made of (MIPROv2's settings, plus the what-if's gamma). */
export interface TpeSamplerSettings {
  seed: number;
  multivariate: boolean;
  nStartupTrials: number;
  optuna?: boolean;
  /** Search trials the run will make (the plan's `trials`); enables the end-of-budget race. */
  trialBudget?: number;
  /** Good-group fraction; the sampler's default (Optuna's 0.1) when absent. */
  gammaFraction?: number;
}

/**
 * The suggestion the search gets at 1-based search trial `trial` from `history` (the trials it
 * learns from, in order). Pure: the same arguments always give the same suggestion, which is
 * what lets teaching mode's what-if re-derive a recorded pick.
 */
export function suggestTpe(settings: TpeSamplerSettings, params: readonly { name: string; n: number }[], history: readonly TpeTrial[], trial: number): TpeSuggestion {
  // `trialBudget` counts search trials; the history can hold more (the default program's
  // score) or fewer (failed trials are left out), so the sampler, which counts the trials
  // left as budget - history length, is told budget + history length - trials done.
  const trialBudget = settings.trialBudget === undefined ? undefined : Math.max(1, settings.trialBudget + history.length - (trial - 1));
  const tpe = new TpeSampler(params.map((p) => ({ name: p.name, choices: p.n })), {
    ...(settings.optuna ? OPTUNA_COMPATIBLE : {}),
    multivariate: settings.multivariate,
    nStartupTrials: settings.nStartupTrials,
    ...(settings.gammaFraction !== undefined && { gammaFraction: settings.gammaFraction }),
    ...(!settings.optuna && { trialBudget }),
  });
  return tpe.suggest(history, new Rng(`tpe:${settings.seed}:${trial}`), { explain: true });
}

/** The search's TPE sampler: {@link suggestTpe} at every trial (no state between trials). */
export function createTpeSampler(settings: TpeSamplerSettings): Sampler {
  return {
    suggest(params, history, trial) {
      if (params.length === 0) return { params: {} };
      return suggestTpe(settings, params, history, trial);
    },
  };
}
