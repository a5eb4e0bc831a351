export { validateRunConfig, assertRunConfig, programFromConfig, redactConfig, restoreSecrets } from './config';
export type { RunConfig, ModelConfig, DataConfig, ProgramConfig } from './config';
export type { OptimizerConfig } from '../optimize';
export { planRun } from './plan';
export type { RunSizes, PlanLatency } from './plan';
export { executeRun, prepareRun, evaluateSplit, summaryOf, taskContext } from './run';
export type { RunHost, RunEvent, RunResult, RunSummary, PreparedRun, SplitScore, ObservedCall } from './run';
export type { RunStatus } from './status';
