export { evaluate } from './evaluate';
export { createJudge, DEFAULT_RUBRIC } from './judge';
export type { EvaluationResult, ExampleResult } from './evaluate';
