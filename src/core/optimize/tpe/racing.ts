/**
 * The end-of-budget race: when the sampler knows how many trials the search will run, it
 * spends the last ones re-evaluating the configurations that could still be the best, so that
 * the configuration with the best mean — what MIPROv2 keeps — is the truly best one and not
 * the luckiest.
 *
 * Reference: LUCB1 (Kalyanakrishnan, Tewari, Auer & Stone, "PAC subset selection in
 * stochastic multi-armed bandits", ICML 2012) for best-arm identification: each round, take
 * the empirical leader h and the challenger l with the highest upper confidence bound among
 * the others; stop when the leader's lower bound clears the challenger's upper bound,
 * otherwise sample them. LUCB1 samples both; we propose one configuration per trial, so we
 * take the one of the two with fewer evaluations (the wider interval). When the race is
 * decided, the trial goes back to TPE (a new configuration can still win and be confirmed),
 * except on the very last trial, where an unconfirmable newcomer could only take the lead
 * by luck: there the leader (or its challenger) is evaluated again.
 *
 * Intervals are `mean ± beta * sigma / sqrt(n)` with one noise level `sigma` shared by all
 * configurations (a minibatch score's noise depends on the batch, not much on the
 * configuration), estimated by {@link estimateNoise}.
 */
import { incumbent, type Observation } from './observations';

/** Pooled noise variance of one evaluation, and the degrees of freedom behind it. */
export interface NoiseEstimate {
  variance: number;
  df: number;
}

/**
 * Noise variance of one evaluation from the repeats seen so far, shrunk toward a
 * conservative prior. The prior is the variance of all single evaluations (as if every
 * difference between configurations were noise: an upper bound that needs no knowledge of
 * the score's scale or of the minibatch size), worth `priorDf` degrees of freedom; each
 * repeated evaluation adds one degree of freedom of within-configuration variance. So a
 * noiseless objective (repeats reproduce their value) drives the estimate toward 0, and a
 * noisy one converges to its pooled within-configuration variance.
 */
export function estimateNoise(observations: readonly Observation[], priorDf: number): NoiseEstimate {
  let n = 0;
  let sum = 0;
  let within = 0;
  let df = 0;
  for (const o of observations) {
    n += o.count;
    sum += o.value * o.count;
    within += o.m2;
    df += o.count - 1;
  }
  if (n < 2) return { variance: 0, df: 0 };
  const mean = sum / n;
  // Total sum of squares of the single evaluations = within + between (per-configuration means).
  let between = 0;
  for (const o of observations) between += o.count * (o.value - mean) * (o.value - mean);
  const prior = (within + between) / (n - 1);
  return { variance: (priorDf * prior + within) / (priorDf + df), df };
}

/** The race's verdict for one trial. */
export interface RaceStep {
  /** Configuration to evaluate again, or undefined when the race is decided and TPE may explore. */
  evaluate?: Observation;
  leader: Observation;
  /** The other configuration with the highest upper bound (undefined with a single configuration). */
  challenger?: Observation;
  /** Leader's lower bound minus the challenger's upper bound (> 0: decided). */
  margin: number;
}

/**
 * One LUCB step over the observed configurations. `last` forces an evaluation even when the
 * race is decided (nothing evaluated after this trial could be confirmed).
 */
export function raceStep(observations: readonly Observation[], sigma: number, beta: number, last: boolean): RaceStep | undefined {
  const leader = incumbent(observations);
  if (!leader) return undefined;
  const half = (o: Observation) => (beta * sigma) / Math.sqrt(o.count);
  let challenger: Observation | undefined;
  let best = -Infinity;
  for (const o of observations) {
    if (o === leader) continue;
    const ucb = o.value + half(o);
    // Strict `>`: of equal bounds, the configuration evaluated first (observations are chronological).
    if (ucb > best) {
      best = ucb;
      challenger = o;
    }
  }
  const margin = leader.value - half(leader) - best;
  if (margin > 0 && !last) return { leader, ...(challenger && { challenger }), margin };
  const evaluate = challenger && challenger.count < leader.count ? challenger : leader;
  return { evaluate, leader, ...(challenger && { challenger }), margin };
}
