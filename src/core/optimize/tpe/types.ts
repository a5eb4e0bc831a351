/** Plain-data types of the TPE sampler (they cross worker boundaries and go into checkpoints). */

/** One categorical parameter: `choices` unordered options, indexed 0..choices-1. */
export interface CategoricalParam {
  name: string;
  choices: number;
}

/** One finished evaluation: the chosen index per parameter and its score (higher is better). */
export interface TpeTrial {
  params: Record<string, number>;
  value: number;
}

/** Sampler settings. Defaults give our noise-aware TPE; {@link OPTUNA_COMPATIBLE} gives Optuna's. */
export interface TpeOptions {
  /** Joint Parzen estimator over all parameters (Optuna `multivariate=True`, as MIPROv2). Default true. */
  multivariate?: boolean;
  /** Trials sampled uniformly at random before TPE starts. Default 10 (Optuna's). */
  nStartupTrials?: number;
  /** Candidates drawn from l(x); the one with the largest l(x)/g(x) wins. Default 24. */
  nEiCandidates?: number;
  /** Weight of the uniform prior kernel (and the smoothing of every kernel). Default 1. */
  priorWeight?: number;
  /** Good group size = min(ceil(gammaFraction * n), gammaMax). Defaults 0.1 and 25 (Optuna's). */
  gammaFraction?: number;
  gammaMax?: number;
  /** Merge repeated evaluations of a configuration into one observation (mean, weighted by count). Default true. */
  aggregateRepeats?: boolean;
  /**
   * Re-evaluate the best-mean configuration until it has this many evaluations before
   * proposing new ones. 1 never re-evaluates on purpose (Optuna). Default 2.
   */
  confirmEvaluations?: number;
  /**
   * Among the candidates drawn from l(x), prefer the best one that was never evaluated, as
   * long as it looks more like the good group than the bad one (l > g). Re-evaluations are
   * then decided by `confirmEvaluations`, not by TPE re-proposing its good group. Default true.
   */
  preferUnseen?: boolean;
  /**
   * Total number of trials the search will run, when known up front (MIPROv2's `num_trials`).
   * Enables the end-of-budget race (`raceFraction`). Default undefined: no race.
   */
  trialBudget?: number;
  /**
   * Fraction of `trialBudget` (rounded up) spent at the end racing the best configurations: each
   * of those trials re-evaluates the leader or its strongest challenger until the leader's
   * lower confidence bound clears every other upper bound. 0 disables the race. Default 0.2.
   */
  raceFraction?: number;
  /** Width of the race's confidence intervals, in standard errors of a configuration's mean. Default 1. */
  raceBeta?: number;
  /**
   * Degrees of freedom of the noise prior (the variance of all single scores) against the
   * within-configuration variance of repeats; see `estimateNoise` in racing.ts. Default 2.
   */
  noisePriorDf?: number;
}

/** Per-parameter view of the two densities (marginals in multivariate mode). */
export interface TpeParamExplanation {
  /** l(x): density of the good group over the choices (sums to 1). */
  good: number[];
  /** g(x): density of the bad group over the choices (sums to 1). */
  bad: number[];
}

/** One candidate drawn from l(x), with its scores. */
export interface TpeCandidate {
  params: Record<string, number>;
  logL: number;
  logG: number;
}

/** Why `suggest` returned what it did (teaching mode; computed only when asked for). */
export interface TpeExplanation {
  /**
   * `startup`: uniform random; `confirm`: re-evaluating the best-mean configuration; `race`:
   * end of the budget, re-evaluating the leader or its closest challenger; `tpe`: argmax of l/g.
   */
  mode: 'startup' | 'confirm' | 'race' | 'tpe';
  /** Trials in the history. */
  trials: number;
  /** Observations fitted (distinct configurations when repeats are merged). */
  observations: number;
  /** Observations in the good group (the split). */
  good: number;
  bad: number;
  params: Record<string, TpeParamExplanation>;
  /** Multivariate: the joint candidates. Independent: per parameter, see `perParam`. */
  candidates: TpeCandidate[];
  /** Index into `candidates` of the chosen one (-1 when not from TPE). */
  chosen: number;
  /** log l(x) - log g(x) of the returned configuration (sum over parameters in independent mode). */
  chosenScore: number;
  /** The race's state (only in `race` mode, and in `tpe` mode during a decided race). */
  race?: TpeRaceExplanation;
}

/** Where the end-of-budget race stands. */
export interface TpeRaceExplanation {
  /** Trials left in the budget, this one included. */
  remaining: number;
  /** Estimated noise (standard deviation) of one evaluation. */
  sigma: number;
  leader: TpeRaceEntry;
  challenger?: TpeRaceEntry;
  /** Leader's lower bound minus the challenger's upper bound; > 0 means the race is decided. */
  margin: number;
}

/** A configuration in the race: its mean score and number of evaluations. */
export interface TpeRaceEntry {
  params: Record<string, number>;
  mean: number;
  count: number;
}

/** What `suggest` returns. */
export interface TpeSuggestion {
  params: Record<string, number>;
  explanation?: TpeExplanation;
}
