/**
 * DSPy JSON interop: the file `program.save("x.json")` writes and `program.load("x.json")` reads.
 *
 * What DSPy 2.6 writes (`BaseModule.save` -> `dump_state` over `named_parameters()`):
 * - one key per parameter path, in attribute order. A `dspy.Predict` attribute `generate` is
 *   `"generate"`; a `dspy.ChainOfThought` wraps a Predict named `predict`, so it is
 *   `"generate.predict"`; a `dspy.Retrieve` is `"retrieve": { "k": 3 }`;
 * - a Predict's state is `{ traces: [], train: [], demos, signature: { instructions, fields },
 *   lm }`; demos are flat dicts of field values (`Example.toDict()`), bootstrapped ones
 *   carrying `"augmented": true` (BootstrapFewShot builds them as
 *   `Example(augmented=True, **inputs, **outputs)`); `fields` lists `{ prefix, description }`
 *   for inputs then outputs. Field defaults come from `infer_prefix(name) + ":"` and
 *   `"${name}"`; ChainOfThought prepends `reasoning` with prefix
 *   `"Reasoning: Let's think step by step in order to"` and description `"${reasoning}"`;
 * - `metadata.dependency_versions` with exactly `python`, `dspy` and `cloudpickle` (DSPy's
 *   `load` looks each saved key up in its own table, so extra keys break older versions).
 *
 * We add `metadata.adapter` ('ChatAdapter' or 'JSONAdapter'): the adapter the program was
 * optimized with, since its demos and instruction were chosen for that answer format. DSPy
 * never reads it: `BaseModule.load` reads `metadata.dependency_versions` only, and
 * `load_state` looks up each parameter's own key, so an extra key under `metadata` is safe
 * (unlike one inside `dependency_versions`). DSPy does not write it; a user sets the adapter
 * with `dspy.configure(adapter=...)`.
 *
 * DSPy's `load_state` zips saved fields onto the signature by position and raises on a missing
 * predictor key; we check both up front and say which key is wrong. We never read `lm`: model
 * configurations do not cross into PromptLab from files.
 */
import * as v from 'valibot';
import { PlaygroundError } from '../errors';
import type { ResolvedOutput } from '../lm/types';
import { JsonValueSchema, SCHEMA_LIMITS } from '../program/schema';
import { issuesToMessages } from '../util/schema-issues';
import { assertRunnableProgram } from './program-check';
import type { Demo, PredictorStep, ProgramSpec, ProgramState, StepSpec } from '../program/types';
import { parseSignature, prependOutput } from '../signature';
import type { FieldSpec, Signature } from '../signature/types';

/** One `{ prefix, description }` entry of a saved DSPy signature. */
export interface DspyField {
  prefix: string;
  description: string;
}

/** A saved `dspy.Predict`. */
export interface DspyPredictState {
  traces: unknown[];
  train: unknown[];
  demos: Record<string, unknown>[];
  signature: { instructions: string; fields: DspyField[] };
  lm: Record<string, unknown> | null;
}

/** A saved `dspy.Retrieve` (DSPy 2.5 / 2.6). */
export interface DspyRetrieveState {
  k: number;
}

/** The DSPy adapter that asks for answers in a PromptLab output mode. */
export type DspyAdapter = 'ChatAdapter' | 'JSONAdapter';

export interface DspyMetadata {
  dependency_versions: Record<string, string>;
  /** PromptLab's addition: the adapter the program was optimized with (DSPy ignores it). */
  adapter?: DspyAdapter;
}

/** The whole file: predictor paths plus `metadata`. */
export interface DspyProgramJson {
  [key: string]: DspyPredictState | DspyRetrieveState | DspyMetadata;
  metadata: DspyMetadata;
}

/** The versions written when the caller gives none: the DSPy 2.6 line this format matches. */
const DSPY_DEFAULT_VERSIONS: Readonly<Record<string, string>> = { python: '3.11', dspy: '2.6.27', cloudpickle: '3.1' };

/** ChainOfThought's rationale field, as DSPy declares it. */
const DSPY_REASONING: FieldSpec = { name: 'reasoning', description: '${reasoning}' };
/** The prefix DSPy gives ChainOfThought's rationale field. */
export const REASONING_PREFIX = "Reasoning: Let's think step by step in order to";

/** The key DSPy saves a step under: `"<id>.predict"` for ChainOfThought, `"<id>"` otherwise. */
export function dspyPredictorKey(step: StepSpec): string {
  return step.kind === 'chain_of_thought' ? `${step.id}.predict` : step.id;
}

/** DSPy's `infer_prefix`: `question` -> `Question`, `some_field` / `someField` -> `Some Field`, `HTMLParser` -> `HTML Parser`. */
export function inferPrefix(name: string): string {
  const snake = name
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([a-zA-Z])(\d)/g, '$1_$2')
    .replace(/(\d)([a-zA-Z])/g, '$1_$2');
  return snake
    .split('_')
    .map((w) => (isUpper(w) ? w : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()))
    .join(' ');
}

/**
 * DSPy's counterpart of an output mode: `chat` is ChatAdapter's `[[ ## field ## ]]` sections;
 * `json` and `json_schema` are JSONAdapter (which asks for a schema when the model supports
 * structured outputs, and for a JSON object otherwise).
 */
export function dspyAdapter(output: ResolvedOutput): DspyAdapter {
  return output === 'chat' ? 'ChatAdapter' : 'JSONAdapter';
}

/** The Python line that makes DSPy ask for answers as `adapter` does. */
export function dspyAdapterLine(adapter: DspyAdapter): string {
  return `dspy.configure(adapter=dspy.${adapter}())`;
}

/**
 * Exports a program's state as the JSON DSPy's `program.save("x.json")` writes, naming the
 * adapter in `metadata.adapter` when the output mode it was optimized with is known.
 */
export function toDspyJson(
  spec: ProgramSpec,
  state: ProgramState,
  opts: { dependencyVersions?: Record<string, string>; output?: ResolvedOutput } = {},
): DspyProgramJson {
  const out: Record<string, DspyPredictState | DspyRetrieveState | DspyMetadata> = {};
  for (const step of spec.steps) {
    if (step.kind === 'retrieve') {
      out[step.id] = { k: step.k };
      continue;
    }
    const sig = dspySignature(step);
    const own = state[step.id];
    out[dspyPredictorKey(step)] = {
      traces: [],
      train: [],
      demos: (own?.demos ?? []).map((d) => demoToDspy(d, sig)),
      signature: { instructions: own?.instruction ?? sig.instruction, fields: fieldsOf(sig).map(dspyField) },
      lm: null,
    };
  }
  const metadata: DspyMetadata = { dependency_versions: { ...DSPY_DEFAULT_VERSIONS, ...opts.dependencyVersions } };
  if (opts.output) metadata.adapter = dspyAdapter(opts.output);
  return { ...out, metadata };
}

/**
 * Reads a DSPy-saved program into this program's state. Accepts both `"x.predict"` and `"x"`
 * for ChainOfThought steps (DSPy <= 2.5 saved CoT under `"x"`). Throws `DSPY_INVALID` naming
 * the key and the problem.
 */
export function fromDspyJson(json: unknown, spec: ProgramSpec): ProgramState {
  if (!isPlainObject(json)) {
    throw invalid('The DSPy file is not a JSON object of saved predictors.', 'Export it from DSPy with program.save("program.json").', {});
  }
  // Keys are matched to step ids: a program with repeated ids or dangling bindings has no sound state to load.
  assertRunnableProgram(spec, 'DSPY_INVALID', 'This program cannot take a DSPy file', 'Fix the program, then load the file again.');
  const byKey = dspyKeys(spec);
  const expectedKeys = spec.steps.map(dspyPredictorKey);
  const hasRetrieve = spec.steps.some((s) => s.kind === 'retrieve');
  const found = new Map<string, string>();
  for (const key of Object.keys(json)) {
    if (key === 'metadata') continue;
    const step = byKey.get(key);
    // A retriever's settings are no predictor state: one the steps do not name (DSPy's
    // SimplifiedBaleen shares one `retrieve` between hops) is left out, as `k` always is.
    if (!step && hasRetrieve && isSavedRetrieve(json[key])) continue;
    if (!step) {
      throw invalid(`The DSPy file has a predictor "${key}", which this program does not have.`, `This program's predictors are: ${expectedKeys.join(', ')}. Load the file into the program it was saved from.`, { key, expected: expectedKeys });
    }
    const earlier = found.get(step.id);
    if (earlier !== undefined) {
      throw invalid(`The DSPy file saves step "${step.id}" twice, as "${earlier}" and "${key}".`, 'Keep one of the two entries.', { key, other: earlier });
    }
    found.set(step.id, key);
  }
  const missing = spec.steps.filter((s) => s.kind !== 'retrieve' && !found.has(s.id)).map(dspyPredictorKey);
  if (missing.length > 0) {
    throw invalid(`The DSPy file has no entry for ${missing.map((k) => `"${k}"`).join(', ')}.`, `This program's predictors are: ${expectedKeys.join(', ')}. Load the file into the program it was saved from.`, { missing, expected: expectedKeys });
  }

  const state: ProgramState = {};
  for (const step of spec.steps) {
    const key = found.get(step.id);
    if (key === undefined || step.kind === 'retrieve') continue;
    state[step.id] = readPredictor(key, json[key], step);
  }
  return state;
}

/**
 * Every key a DSPy file may save a step under: its own key, `"<id>"` also for ChainOfThought
 * (DSPy <= 2.5), and list items. A DSPy module that keeps its predictors in a list
 * (`self.generate_query = [dspy.ChainOfThought(...), ...]`) saves them as
 * `"generate_query[0].predict"`, `"generate_query[1].predict"`; our steps cannot be a list,
 * so such a list is steps `generate_query_<n>`: item `[i]` is the i-th of them by number
 * (`generate_query_1`, `generate_query_2` or `generate_query_0`, `generate_query_1`).
 */
export function dspyKeys(spec: ProgramSpec): Map<string, StepSpec> {
  const byKey = new Map<string, StepSpec>();
  const lists = new Map<string, { n: number; step: StepSpec }[]>();
  for (const step of spec.steps) {
    byKey.set(step.id, step);
    if (step.kind === 'chain_of_thought') byKey.set(`${step.id}.predict`, step);
    const item = /^(.+)_(\d+)$/.exec(step.id);
    if (item) lists.set(item[1]!, [...(lists.get(item[1]!) ?? []), { n: Number(item[2]), step }]);
  }
  for (const [name, items] of lists) {
    items.sort((a, b) => a.n - b.n);
    items.forEach(({ step }, i) => {
      byKey.set(`${name}[${i}]`, step);
      if (step.kind === 'chain_of_thought') byKey.set(`${name}[${i}].predict`, step);
    });
  }
  return byKey;
}

/** A saved `dspy.Retrieve`: `{ "k": 3 }` and nothing else. */
function isSavedRetrieve(raw: unknown): boolean {
  return isPlainObject(raw) && Object.keys(raw).length === 1 && Number.isInteger(raw.k);
}

/**
 * The adapter a file names in `metadata.adapter`: PromptLab's exports do, DSPy's own files
 * do not (undefined then, as for any other value: the file still loads, only the hint is lost).
 */
export function dspyFileAdapter(json: unknown): DspyAdapter | undefined {
  const adapter = isPlainObject(json) && isPlainObject(json.metadata) ? json.metadata.adapter : undefined;
  return adapter === 'ChatAdapter' || adapter === 'JSONAdapter' ? adapter : undefined;
}

/** A saved `dspy.Predict`'s state, as far as it is read (also by dspy-program.ts). */
export const SavedPredictSchema = v.looseObject({
  demos: v.pipe(v.array(v.record(v.string(), v.unknown())), v.maxLength(SCHEMA_LIMITS.demos)),
  signature: v.looseObject({
    instructions: v.pipe(v.string(), v.maxLength(SCHEMA_LIMITS.instructionChars)),
    fields: v.pipe(v.array(v.looseObject({ prefix: v.string(), description: v.string() })), v.maxLength(SCHEMA_LIMITS.fields)),
  }),
  // DSPy <= 2.5 kept ChainOfThought's reasoning-extended signature here.
  extended_signature: v.optional(v.looseObject({ instructions: v.pipe(v.string(), v.maxLength(SCHEMA_LIMITS.instructionChars)) })),
});

function readPredictor(key: string, raw: unknown, step: PredictorStep): ProgramState[string] {
  const parsed = v.safeParse(SavedPredictSchema, raw, { abortEarly: false });
  if (!parsed.success) {
    const problems = issuesToMessages(parsed.issues, key);
    throw invalid(`The DSPy entry "${key}" is not a saved Predict: ${problems[0]}.`, 'Export it from DSPy with program.save("program.json") (DSPy 2.5 or later).', { key, problems });
  }
  const saved = parsed.output;
  const sig = dspySignature(step);
  const names = fieldsOf(sig).map((f) => f.name);
  // A CoT step saved from a reasoning model has no `reasoning` field; anything else must line
  // up one to one, because DSPy itself matches saved fields to the signature by position.
  const fieldCounts = step.kind === 'chain_of_thought' ? [names.length, names.length - 1] : [names.length];
  if (!fieldCounts.includes(saved.signature.fields.length)) {
    const prefixes = saved.signature.fields.map((f) => f.prefix).join(' ');
    throw invalid(
      `The DSPy entry "${key}" has ${saved.signature.fields.length} fields (${prefixes}), but step "${step.id}" has ${names.length} (${names.join(', ')}).`,
      'The file was saved from a program with a different signature for this step; load it into the program it came from.',
      { key, saved: saved.signature.fields.length, expected: names },
    );
  }
  const demos = saved.demos.map((d, i) => demoFromDspy(d, names, `${key}.demos[${i}]`));
  return { instruction: saved.extended_signature?.instructions ?? saved.signature.instructions, demos };
}

function demoFromDspy(raw: Record<string, unknown>, names: string[], where: string): Demo {
  const fields: Record<string, unknown> = {};
  for (const name of names) {
    if (!Object.hasOwn(raw, name)) continue;
    if (!v.is(JsonValueSchema, raw[name])) {
      throw invalid(`The DSPy demo ${where}.${name} is not plain JSON data within the size limits.`, 'Keep demo values to text, numbers, lists and objects.', { key: where, field: name });
    }
    fields[name] = raw[name];
  }
  if (Object.keys(fields).length === 0) {
    throw invalid(`The DSPy demo ${where} has none of the step's fields (${names.join(', ')}); it has ${Object.keys(raw).join(', ') || 'no fields'}.`, 'The file was saved from a program with different field names for this step.', { key: where, expected: names });
  }
  const demo: Demo = { fields };
  if (raw['augmented'] === true) demo.augmented = true;
  return demo;
}

function demoToDspy(demo: Demo, sig: Signature): Record<string, unknown> {
  const out: Record<string, unknown> = demo.augmented ? { augmented: true } : {};
  // Signature order first (inputs, then outputs), as DSPy's bootstrapped demos are built.
  for (const f of fieldsOf(sig)) if (Object.hasOwn(demo.fields, f.name)) out[f.name] = demo.fields[f.name];
  for (const [k, value] of Object.entries(demo.fields)) if (!Object.hasOwn(out, k)) out[k] = value;
  return out;
}

function dspySignature(step: PredictorStep): Signature {
  const sig = parseSignature(step.signature);
  return step.kind === 'chain_of_thought' ? prependOutput(sig, DSPY_REASONING) : sig;
}

function fieldsOf(sig: Signature): FieldSpec[] {
  return [...sig.inputs, ...sig.outputs];
}

function dspyField(f: FieldSpec): DspyField {
  if (f === DSPY_REASONING) return { prefix: REASONING_PREFIX, description: f.description! };
  return { prefix: `${inferPrefix(f.name)}:`, description: f.description ?? `\${${f.name}}` };
}

function isUpper(word: string): boolean {
  return word !== word.toLowerCase() && word === word.toUpperCase();
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function invalid(message: string, hint: string, details: Record<string, unknown>): PlaygroundError {
  return new PlaygroundError('DSPY_INVALID', message, { hint, details });
}
