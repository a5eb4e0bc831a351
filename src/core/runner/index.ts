export { assertRunConfig, validateRunConfig, redactConfig, restoreSecrets, missingKeys, withKeys } from './config';
export type { RunConfig, ModelConfig, DataConfig, ProgramConfig, MissingKey } from './config';
export { planRun } from './plan';
export type { RunSizes, PlanLatency } from './plan';
export { executeRun, prepareRun, summaryOf } from './run';
export type { RunEvent, RunHost, RunResult, RunSummary, SplitScore, ObservedCall } from './run';
export type { RunStatus } from './status';
export { budgetCallsUsed, budgetSecondsLeft } from './budget-pace';
export type { CallsAt } from './budget-pace';
