export { miproV2 } from './mipro-v2';
export type { MiproCheckpoint } from './mipro-v2';
export { resolveSettings, planMipro, validateMiproOptions, AUTO_SETTINGS } from './settings';
export type { MiproOptions, MiproSettings, MiproAuto, MiproMode } from './settings';
export type { Sampler } from './sampler';
export { configKey, stateFor } from './search';
export type { SearchState, SearchSpace } from './search';
export { createTpeSampler } from './tpe-sampler';
