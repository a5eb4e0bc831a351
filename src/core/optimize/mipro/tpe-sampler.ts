/** Our TPE sampler behind the search's Sampler interface, with randomness derived from (seed, trial). */
import { Rng } from '../../util/random';
import { OPTUNA_COMPATIBLE, TpeSampler } from '../tpe';
import type { Sampler } from './sampler';

export function createTpeSampler(opts: { seed: number; multivariate: boolean; nStartupTrials: number; optuna?: boolean; trialBudget?: number }): Sampler {
  let tpe: TpeSampler | undefined;
  return {
    suggest(params, history, trial) {
      if (params.length === 0) return { params: {} };
      // `trialBudget` counts search trials; the history can hold more (the default program's score), so the sampler gets the history length of the last trial.
      const trialBudget = opts.trialBudget === undefined ? undefined : Math.max(1, opts.trialBudget + history.length - (trial - 1));
      const base = opts.optuna ? OPTUNA_COMPATIBLE : {};
      tpe ??= new TpeSampler(params.map((p) => ({ name: p.name, choices: p.n })), { ...base, multivariate: opts.multivariate, nStartupTrials: opts.nStartupTrials, ...(!opts.optuna && { trialBudget }) });
      return tpe.suggest(history, new Rng(`tpe:${opts.seed}:${trial}`), { explain: true });
    },
  };
}
