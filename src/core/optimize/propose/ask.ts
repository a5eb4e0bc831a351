/** One call to the proposer model with a signature, through the regular program machinery (so it is traced, cached and parsed the same way). */
import { PlaygroundError } from '../../errors';
import type { LanguageModel } from '../../lm/types';
import { resolveProgram } from '../../program/resolve';
import { runProgram } from '../../program/run';
import type { SignatureInput } from '../../signature/types';

export interface AskOptions {
  lm: LanguageModel;
  signature: SignatureInput & { inputs: { name: string }[]; outputs: { name: string }[] };
  inputs: Record<string, unknown>;
  temperature?: number;
  rolloutId?: string;
  signal?: AbortSignal;
}

/** Runs a one-step Predict with the proposer and returns its first output field as text. */
export async function ask(opts: AskOptions): Promise<string> {
  const out = opts.signature.outputs[0]!.name;
  const program = resolveProgram({
    version: 1,
    inputs: opts.signature.inputs.map((f) => ({ name: f.name })),
    steps: [{ id: 'propose', kind: 'predict', signature: opts.signature }],
    outputs: { [out]: `propose.${out}` },
  });
  const run = await runProgram(program, {}, opts.inputs, {
    lm: opts.lm,
    call: { phase: 'propose' },
    ...(opts.temperature !== undefined && { temperature: opts.temperature }),
    ...(opts.rolloutId !== undefined && { rolloutId: opts.rolloutId }),
    ...(opts.signal && { signal: opts.signal }),
  });
  if (run.error) {
    throw new PlaygroundError(run.error.code, `The proposer model failed: ${run.error.message}`, {
      hint: run.error.hint ?? 'Try a stronger proposer model (an API model works best).',
      ...(run.error.details && { details: run.error.details }),
    });
  }
  return String(run.prediction[out] ?? '').trim();
}
