export { validateRunConfig, redactConfig, restoreSecrets } from './config';
export type { RunConfig, ModelConfig, DataConfig, ProgramConfig } from './config';
export { planRun } from './plan';
export type { RunSizes, PlanLatency } from './plan';
export { executeRun, prepareRun } from './run';
export type { RunEvent, RunResult, SplitScore, ObservedCall } from './run';
