export { validateRunConfig, assertRunConfig, programFromConfig, redactConfig, restoreSecrets } from './config';
export type { RunConfig, ModelConfig, DataConfig, ProgramConfig } from './config';
export type { OptimizerConfig } from '../optimize';
export { planRun } from './plan';
export type { RunSizes, PlanLatency } from './plan';
export { executeRun, prepareRun, evaluateSplit, taskContext } from './run';
export type { RunHost, RunEvent, RunResult, PreparedRun, SplitScore, ObservedCall } from './run';
export type { RunStatus } from './status';
