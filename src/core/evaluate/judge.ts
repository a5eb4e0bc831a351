/**
 * LLM-as-judge: a signature run by the judge model. The default asks whether a prediction
 * means the same as the gold answer, given the example's inputs, and reads a boolean verdict.
 * A custom signature may return a number in [0, 1] instead (clamped). Its inputs are filled
 * by name from the example's inputs and labels and from the prediction as `predicted_<field>`.
 */
import type { Example } from '../data/types';
import { PlaygroundError } from '../errors';
import type { LanguageModel } from '../lm/types';
import type { JudgeFn } from '../metric/metric';
import { resolveProgram, stepSignature } from '../program/resolve';
import { runProgram } from '../program/run';
import type { StepSpec } from '../program/types';
import type { SignatureInput } from '../signature/types';

const DEFAULT_JUDGE_SIGNATURE: SignatureInput = {
  instruction:
    'You are a careful grader. Decide whether the predicted answer is correct: it must mean the same as the gold answer for this task input. Ignore differences in wording, case and formatting.',
  inputs: [
    { name: 'task_input', description: 'the inputs the answer was given' },
    { name: 'gold_answer', description: 'the reference answer' },
    { name: 'predicted_answer', description: 'the answer to grade' },
  ],
  outputs: [{ name: 'correct', type: 'boolean', description: 'true if the predicted answer is correct' }],
};

export interface JudgeOptions {
  /** The judge model (already accounted under the `judge` role). */
  lm: LanguageModel;
  /** Prediction field to judge. */
  field: string;
  signature?: SignatureInput;
  verdictField?: string;
}

/** Builds the `judge` function that `createMetric` needs for `llm_judge` metrics. */
export function createJudge(opts: JudgeOptions): JudgeFn {
  const custom = opts.signature !== undefined;
  const step: StepSpec = { id: 'judge', kind: 'chain_of_thought', signature: opts.signature ?? DEFAULT_JUDGE_SIGNATURE };
  const sig = stepSignature(step);
  const verdict = opts.verdictField ?? (custom ? sig.outputs.find((f) => f.name !== 'reasoning')?.name : 'correct');
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
          gold_answer: example.labels[opts.field],
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
