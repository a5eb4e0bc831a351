/**
 * A program built from a DSPy file's own signature, for a file saved from a program other than
 * the workspace's (a fresh workspace has the default "question -> answer"). Loading state into
 * the current program (`fromDspyJson`) needs the same predictors and fields; a file that does
 * not fit it still says everything needed to rebuild a one-predictor program: the field names
 * (each field's default description is `${name}`, else its prefix is DSPy's `infer_prefix` of
 * the name), the instruction and the demos.
 *
 * What a saved file does not say, and is assumed: where inputs end. ChainOfThought's
 * `reasoning` field is the first output, so the fields before it are the inputs; a Predict
 * (or a ChainOfThought saved from a reasoning model, without `reasoning`) is read with its last
 * field as the one output. Field types are not saved: every field is text.
 */
import * as v from 'valibot';
import { PlaygroundError } from '../errors';
import type { PredictorStep, ProgramSpec, ProgramState } from '../program/types';
import { parseSignature } from '../signature';
import type { FieldSpec } from '../signature/types';
import { NAME_RE } from '../util/names';
import { dspyKeys, dspyPredictorKey, fromDspyJson, REASONING_PREFIX, SavedPredictSchema } from './dspy';

/** A program read from a DSPy file, and the signature it was read as (for the user to check). */
export interface DspyProgram {
  spec: ProgramSpec;
  state: ProgramState;
  /** The step's signature in the short form, e.g. `"question -> answer"`. */
  signature: string;
}

/**
 * Reads a DSPy file into `current` when it fits (same predictors, same field names); else
 * builds the program from the file (`built`). Throws `DSPY_INVALID` when the file neither
 * fits nor describes a one-predictor program, with the reason it does not fit `current`.
 * Without a `current` program (the workspace's does not build), the file's is built.
 */
export function readDspyProgram(json: unknown, current: ProgramSpec | undefined): { spec: ProgramSpec; state: ProgramState; built?: DspyProgram } {
  let fitError: unknown;
  try {
    if (current && sameFields(json, current)) return { spec: current, state: fromDspyJson(json, current) };
  } catch (err) {
    fitError = err;
  }
  let built: DspyProgram;
  try {
    built = programFromDspyJson(json);
  } catch (err) {
    throw fitError ?? err;
  }
  return { spec: built.spec, state: built.state, built };
}

/** Builds a one-predictor program (Predict or ChainOfThought) from a DSPy file's signature, instruction and demos. */
export function programFromDspyJson(json: unknown): DspyProgram {
  const entries = typeof json === 'object' && json !== null && !Array.isArray(json) ? Object.entries(json).filter(([k]) => k !== 'metadata') : [];
  if (entries.length !== 1) {
    throw invalid(`A program can be built from a DSPy file with one saved predictor, but this one has ${entries.length} (${entries.map(([k]) => k).join(', ') || 'none'}).`, 'Load it into the program it was saved from: build that program first (Steps), then import the file.');
  }
  const [key, raw] = entries[0]!;
  const parsed = v.safeParse(SavedPredictSchema, raw);
  if (!parsed.success) throw invalid(`The DSPy entry "${key}" is not a saved Predict.`, 'Export it from DSPy with program.save("program.json") (DSPy 2.5 or later).');
  const fields = parsed.output.signature.fields;
  const reasoning = fields.findIndex((f) => f.prefix.startsWith(REASONING_PREFIX) || f.description === '${reasoning}');
  const cot = key.endsWith('.predict') || reasoning >= 0;
  const named = fields.filter((_, i) => i !== reasoning).map(fieldOf);
  const split = reasoning >= 0 ? reasoning : named.length - 1;
  const inputs = named.slice(0, split);
  const outputs = named.slice(split);
  if (inputs.length === 0 || outputs.length === 0) {
    throw invalid(`The DSPy entry "${key}" has ${fields.length} field(s), too few for a signature with inputs and outputs.`, 'Export a program whose predictor has at least one input and one output.');
  }
  const id = stepId(key);
  const instruction = parsed.output.extended_signature?.instructions ?? parsed.output.signature.instructions;
  const step: PredictorStep = { id, kind: cot ? 'chain_of_thought' : 'predict', signature: { inputs, outputs, ...(instruction && { instruction }) } };
  const spec: ProgramSpec = { version: 1, name: id, inputs: inputs.map((f) => ({ ...f })), steps: [step], outputs: Object.fromEntries(outputs.map((f) => [f.name, `${id}.${f.name}`])) };
  // The file's entry under the key this step is saved under, so demos and the field check are read as for any file.
  const state = fromDspyJson({ [dspyPredictorKey(step)]: raw }, spec);
  return { spec, state, signature: `${inputs.map((f) => f.name).join(', ')} -> ${outputs.map((f) => f.name).join(', ')}` };
}

/** True when the file saves exactly `spec`'s predictors, each with the same field names. */
function sameFields(json: unknown, spec: ProgramSpec): boolean {
  if (typeof json !== 'object' || json === null) return true;
  const saved = json as Record<string, unknown>;
  const keys = [...dspyKeys(spec)];
  return spec.steps.every((step) => {
    if (step.kind === 'retrieve') return true;
    const raw = keys.filter(([, s]) => s === step).map(([key]) => saved[key]).find((x) => x !== undefined);
    const parsed = v.safeParse(SavedPredictSchema, raw);
    if (!parsed.success) return true; // fromDspyJson names what is wrong with it
    const names = parsed.output.signature.fields.filter((f) => !f.prefix.startsWith(REASONING_PREFIX)).map((f) => fieldOf(f).name);
    const sig = parseSignature(step.signature);
    const own = [...sig.inputs, ...sig.outputs].map((f) => f.name);
    return names.length === own.length && names.every((n, i) => n === own[i]);
  });
}

/** A field's name and description from its saved prefix and description. */
function fieldOf(f: { prefix: string; description: string }): FieldSpec {
  const fromDescription = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(f.description.trim())?.[1];
  if (fromDescription) return { name: fromDescription };
  const name = f.prefix.replace(/:\s*$/, '').trim().replace(/\s+/g, '_').toLowerCase();
  return { name, ...(f.description.trim() && { description: f.description.trim() }) };
}

/**
 * A step id from a DSPy parameter path: `generate.predict` -> `generate`, `qa.generate` ->
 * `qa_generate`, a list item `generate_query[0].predict` -> `generate_query_0`.
 */
function stepId(key: string): string {
  const id = key.replace(/\.predict$/, '').replace(/\[(\d+)\]/g, '_$1').replace(/[^A-Za-z0-9_]+/g, '_');
  return NAME_RE.test(id) ? id : `step_${id}`;
}

function invalid(message: string, hint: string): PlaygroundError {
  return new PlaygroundError('DSPY_INVALID', message, { hint });
}
