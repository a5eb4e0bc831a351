/** Our TPE sampler behind the search's Sampler interface, with randomness derived from (seed, trial). */
import { Rng } from '../../util/random';
import { TpeSampler } from '../tpe';
import type { Sampler } from './sampler';

export function createTpeSampler(opts: { seed: number; multivariate: boolean; nStartupTrials: number; budget?: number }): Sampler {
  let tpe: TpeSampler | undefined;
  return {
    suggest(params, history, trial) {
      if (params.length === 0) return { params: {} };
      // `budget` counts search trials; the history can hold more (the default program's score), so the sampler gets the history length of the last trial.
      const budget = opts.budget === undefined ? undefined : Math.max(1, opts.budget + history.length - (trial - 1));
      tpe ??= new TpeSampler(params.map((p) => ({ name: p.name, choices: p.n })), { multivariate: opts.multivariate, nStartupTrials: opts.nStartupTrials, budget });
      return tpe.suggest(history, new Rng(`tpe:${opts.seed}:${trial}`), { explain: true });
    },
  };
}
