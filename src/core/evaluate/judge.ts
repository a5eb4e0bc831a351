/**
 * LLM-as-judge: a signature run by the judge model. The default asks whether a prediction
 * means the same as the gold answer, given the example's inputs, and reads a boolean verdict.
 * A custom signature may return a number in [0, 1] instead (clamped). Its inputs are filled
 * by name from the example's inputs and labels and from the prediction as `predicted_<field>`.
 *
 * A **rubric** replaces the default signature's instruction. With `gold: false` the judge is
 * a rubric judge for data without answers: its signature has no gold input at all (it reads
 * the task's inputs and the prediction only), and its instruction is the rubric, or
 * {@link DEFAULT_RUBRIC}.
 */
import { PlaygroundError } from '../errors';
import type { LanguageModel } from '../lm/types';
import type { JudgeFn } from '../metric/metric';
import { resolveProgram, stepSignature } from '../program/resolve';
import { runProgram } from '../program/run';
import type { StepSpec } from '../program/types';
import type { SignatureInput } from '../signature/types';

const DEFAULT_JUDGE_SIGNATURE = {
  instruction:
    'You are a careful grader. Decide whether the predicted answer is correct: it must mean the same as the gold answer for this task input. Ignore differences in wording, case and formatting.',
  inputs: [
    { name: 'task_input', description: 'the inputs the answer was given' },
    { name: 'gold_answer', description: 'the reference answer' },
    { name: 'predicted_answer', description: 'the answer to grade' },
  ],
  outputs: [{ name: 'correct', type: 'boolean', description: 'true if the predicted answer is correct' }],
} satisfies SignatureInput;

/** The rubric a judge without a gold answer grades by when none is given (the UI's prefilled text). */
export const DEFAULT_RUBRIC =
  'You are a careful grader. There is no reference answer: judge the predicted answer on its own. It passes when it answers exactly what the task input asks, is consistent with the information in the input, and is clear and specific. A vague, evasive, off-topic or self-contradicting answer fails.';

/** The signature of a judge without a gold answer: the task's inputs and the prediction, under `rubric`. */
function rubricSignature(rubric: string): SignatureInput {
  return {
    instruction: rubric,
    inputs: [
      { name: 'task_input', description: 'the inputs the answer was given' },
      { name: 'predicted_answer', description: 'the answer to grade' },
    ],
    outputs: [{ name: 'passes', type: 'boolean', description: 'true if the answer meets the rubric' }],
  };
}

/** The judge's signature and its verdict field's default, from the options. */
function judgeSignature(opts: JudgeOptions): { signature: SignatureInput; verdict?: string } {
  if (opts.signature !== undefined) return { signature: opts.signature };
  if (opts.gold === false) return { signature: rubricSignature(opts.rubric ?? DEFAULT_RUBRIC), verdict: 'passes' };
  const signature = opts.rubric === undefined ? DEFAULT_JUDGE_SIGNATURE : { ...DEFAULT_JUDGE_SIGNATURE, instruction: opts.rubric };
  return { signature, verdict: 'correct' };
}

export interface JudgeOptions {
  /** The judge model (already accounted under the `judge` role). */
  lm: LanguageModel;
  /** Prediction field to judge. */
  field: string;
  signature?: SignatureInput;
  verdictField?: string;
  /** The judge's instruction in place of the default one (not with `signature`). */
  rubric?: string;
  /** False: no gold answer reaches the judge (see the file comment). Default true. */
  gold?: boolean;
}

/** Builds the `judge` function that `createMetric` needs for `llm_judge` metrics. */
export function createJudge(opts: JudgeOptions): JudgeFn {
  const custom = opts.signature !== undefined;
  const chosen = judgeSignature(opts);
  const step: StepSpec = { id: 'judge', kind: 'chain_of_thought', signature: chosen.signature };
  const sig = stepSignature(step);
  const verdict = opts.verdictField ?? chosen.verdict ?? sig.outputs.find((f) => f.name !== 'reasoning')?.name;
  if (!verdict || !sig.outputs.some((f) => f.name === verdict)) {
    throw new PlaygroundError('METRIC_INVALID', `The judge's verdict field "${String(verdict)}" is not an output of its signature.`, {
      hint: `Outputs are: ${sig.outputs.map((f) => f.name).join(', ')}.`,
    });
  }
  const program = resolveProgram({
    version: 1,
    name: 'judge',
    inputs: sig.inputs.map((f) => ({ ...f })),
    steps: [step],
    outputs: { verdict: `judge.${verdict}` },
  });

  return async (example, prediction, { signal, call } = {}) => {
    const inputs = custom
      ? { ...example.inputs, ...example.labels, ...prefixed(prediction) }
      : {
          task_input: example.inputs,
          ...(opts.gold !== false && { gold_answer: example.labels[opts.field] }),
          predicted_answer: prediction[opts.field],
        };
    const run = await runProgram(program, {}, inputs, { lm: opts.lm, ...(call && { call }), ...(signal && { signal }) });
    if (run.error) throw new PlaygroundError(run.error.code, `The judge failed: ${run.error.message}`, run.error.hint ? { hint: run.error.hint } : {});
    return toScore(run.prediction.verdict);
  };
}

function prefixed(prediction: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(prediction).map(([k, v]) => [`predicted_${k}`, v]));
}

function toScore(v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isFinite(v)) return Math.min(1, Math.max(0, v));
  if (typeof v === 'string') return /^(yes|true|correct|1)$/i.test(v.trim()) ? 1 : 0;
  return 0;
}
