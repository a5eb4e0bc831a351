/** TPE sampler for categorical search spaces (MIPROv2's Bayesian search), hand-written after Optuna's. */
export { TpeSampler, OPTUNA_COMPATIBLE } from './sampler';
export { CategoricalParzenEstimator } from './parzen';
export { defaultGamma, defaultWeights } from './observations';
export type { CategoricalParam, TpeTrial, TpeOptions, TpeExplanation } from './types';
