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
  return (await askFields(opts))[opts.signature.outputs[0]!.name] ?? '';
}

/** Runs a one-step Predict with the proposer and returns every output field as trimmed text. */
export async function askFields(opts: AskOptions): Promise<Record<string, string>> {
  const outs = opts.signature.outputs.map((f) => f.name);
  const program = resolveProgram({
    version: 1,
    inputs: opts.signature.inputs.map((f) => ({ name: f.name })),
    steps: [{ id: 'propose', kind: 'predict', signature: opts.signature }],
    outputs: Object.fromEntries(outs.map((o) => [o, `propose.${o}`])),
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
  return Object.fromEntries(outs.map((o) => [o, String(run.prediction[o] ?? '').trim()]));
}
