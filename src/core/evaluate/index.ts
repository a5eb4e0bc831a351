export { evaluate, evaluateOne } from './evaluate';
export { createJudge, DEFAULT_JUDGE_SIGNATURE } from './judge';
export type { JudgeOptions } from './judge';
export type { EvaluateOptions, EvaluationResult, ExampleResult } from './evaluate';
