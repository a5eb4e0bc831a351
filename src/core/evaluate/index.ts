export { evaluate } from './evaluate';
export { createJudge } from './judge';
export type { EvaluationResult, ExampleResult } from './evaluate';
