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
  /** `startup`: uniform random; `confirm`: re-evaluating the best-mean configuration; `tpe`: argmax of l/g. */
  mode: 'startup' | 'confirm' | 'tpe';
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
}

/** What `suggest` returns. */
export interface TpeSuggestion {
  params: Record<string, number>;
  explanation?: TpeExplanation;
}
