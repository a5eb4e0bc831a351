import type { TpeExplanation } from '../tpe';

/** The search's view of a sampler: suggest a configuration given the history. */
export interface Sampler {
  /**
   * Suggests one configuration. `trial` is the 1-based search trial number; a sampler must
   * derive any randomness from its seed and `trial`, so the same history gives the same answer.
   */
  suggest(
    params: readonly { name: string; n: number }[],
    history: readonly { params: Record<string, number>; value: number }[],
    trial: number,
  ): { params: Record<string, number>; explanation?: TpeExplanation };
}
