export { validateRunConfig, assertRunConfig, programFromConfig, redactConfig, restoreSecrets } from './config';
export type { RunConfig, ModelConfig, DataConfig, ProgramConfig, OptimizerConfig } from './config';
export { executeRun, prepareRun, evaluateSplit, taskContext } from './run';
export type { RunHost, RunEvent, RunResult, PreparedRun, SplitScore, ObservedCall } from './run';
