/**
 * A DSPy Python file for a program: the code side of what {@link toDspyJson} saves.
 *
 * DSPy's `program.load("x.json")` fills a module's predictors from the file by their
 * parameter paths, so the code must build predictors under the same names the JSON uses:
 * a `dspy.Predict` attribute `generate` is saved as `"generate"`, a `dspy.ChainOfThought`
 * attribute `generate` as `"generate.predict"` (its inner Predict), a `dspy.Retrieve`
 * attribute `retrieve` as `"retrieve"`. The file has
 * - one `dspy.Signature` class per predictor step: the instruction as its docstring, each
 *   field as a typed `dspy.InputField` / `dspy.OutputField` with the prefix and description
 *   the JSON has (ChainOfThought adds `reasoning` itself, as the JSON's first output);
 * - a `dspy.Module` whose `__init__` makes the predictors under the step ids and whose
 *   `forward` runs the steps in the program's order, wired as the ProgramSpec binds them
 *   (several sources of one input are joined into one list, as PromptLab joins them);
 * - `program.load(...)` with the JSON's file name.
 *
 * User text (the program's name, instructions, descriptions, labels) appears only inside
 * string literals ({@link pyString}); names are identifiers by construction (NAME_RE), and a
 * name that is a Python keyword is written as a string (`getattr`, `**{...}`) instead.
 */
import { PlaygroundError } from '../errors';
import { annotationName, kindOf } from '../adapter/field-types';
import { resolveProgram, stepSignature, type ResolvedStep, type Source } from '../program/resolve';
import type { PredictorStep, ProgramSpec, ProgramState } from '../program/types';
import type { FieldSpec } from '../signature/types';
import { dspyAdapterLine, inferPrefix, type DspyAdapter } from './dspy';
import { isPythonKeyword, pyDocstring, pyString } from './python-text';

/** Options of {@link toDspyPython}. */
export interface DspyPythonOptions {
  /** The exported JSON's file name, loaded at the end (default `program.json`). */
  jsonFile?: string;
  /** The adapter to configure (default ChatAdapter, DSPy's own default). */
  adapter?: DspyAdapter;
}

/**
 * Names a `dspy.Module` has itself: a predictor under one of them would replace a method
 * (`forward`, `load`) or DSPy's own state, so such a step cannot be exported as it is.
 */
const MODULE_ATTRIBUTES = new Set([
  'forward', 'aforward', 'acall', 'load', 'save', 'load_state', 'dump_state', 'named_parameters', 'named_sub_modules',
  'parameters', 'deepcopy', 'reset_copy', 'named_predictors', 'predictors', 'set_lm', 'get_lm', 'map_named_predictors',
  'inspect_history', 'batch', 'callbacks', 'history',
]);

/** Module-level names of the file, which classes and locals must not take. */
const FILE_NAMES = ['dspy', 'self', 'program', 'Program', 'Any', 'Literal', '_concat'];

const HEADER = [
  '# A DSPy program exported from PromptLab: its signatures and how its steps are wired.',
  '# Its optimized instructions and demos are in the DSPy JSON file that PromptLab exports',
  '# (Export DSPy JSON); program.load(...) at the end puts them into the predictors.',
  '# Written for DSPy 2.6 (pip install "dspy>=2.6,<3").',
];

const CONCAT_HELPER = [
  'def _concat(*values):',
  '    """Several sources of one input as one list, without repeats (as PromptLab joins them)."""',
  '    merged = []',
  '    for value in values:',
  '        for item in value if isinstance(value, list) else [value]:',
  '            if item not in merged:',
  '                merged.append(item)',
  '    return merged',
];

/**
 * The Python file for `spec` (`state` gives each predictor's instruction, as the JSON does).
 * Throws `DSPY_INVALID` for a step id DSPy's Module uses itself or an input named `self`, and
 * the program's own errors for a program that does not resolve.
 */
export function toDspyPython(spec: ProgramSpec, state: ProgramState | undefined, opts: DspyPythonOptions = {}): string {
  const program = resolveProgram(spec);
  checkNames(spec);
  const names = new NameTable(FILE_NAMES);
  const classes = new Map(program.steps.filter((s) => s.isPredictor).map((s) => [s.spec.id, names.take(className(s.spec.id))]));
  const kinds = new Set(program.steps.filter((s) => s.isPredictor).flatMap((s) => stepSignatureFields(s).map(kindOf)));
  const typing = [...(kinds.has('json') ? ['Any'] : []), ...(kinds.has('labels') ? ['Literal'] : [])];
  const needsConcat = program.steps.some((s) => Object.values(s.inputs).some((sources) => sources.length > 1));
  const lines = [
    ...HEADER,
    '',
    ...(spec.name ? [pyString(`${spec.name} (a program exported from PromptLab)`), ''] : []),
    ...(typing.length > 0 ? [`from typing import ${typing.join(', ')}`, ''] : []),
    'import dspy',
    '',
    '# Set your model here, e.g. dspy.configure(lm=dspy.LM("openai/gpt-4o-mini")).',
    dspyAdapterLine(opts.adapter ?? 'ChatAdapter'),
    ...(needsConcat ? ['', '', ...CONCAT_HELPER] : []),
  ];
  for (const step of program.steps) {
    if (step.isPredictor) lines.push('', '', ...signatureClass(step.spec as PredictorStep, classes.get(step.spec.id)!, state));
  }
  lines.push('', '', ...moduleClass(program.spec, program.steps, program.outputs, classes));
  lines.push('', '', 'program = Program()', `program.load(${pyString(opts.jsonFile ?? 'program.json')})`, '');
  lines.push(`# prediction = program(${spec.inputs.map((f) => (isPythonKeyword(f.name) ? `**{${pyString(f.name)}: ...}` : `${f.name}=...`)).join(', ')})`, '');
  return lines.join('\n');
}

/** The fields a step's own signature declares (ChainOfThought's `reasoning` is DSPy's to add). */
function stepSignatureFields(step: ResolvedStep): FieldSpec[] {
  const sig = stepSignature(step.spec);
  const own = step.spec.kind === 'chain_of_thought' ? sig.outputs.slice(1) : sig.outputs;
  return [...sig.inputs, ...own];
}

function checkNames(spec: ProgramSpec): void {
  if (spec.inputs.some((f) => f.name === 'self')) {
    throw new PlaygroundError('DSPY_INVALID', 'Program input "self" cannot be passed to a DSPy module: program(self=...) clashes with the module itself.', {
      hint: 'Rename the input (e.g. "self_text") in the Program step, then export again.',
      details: { input: 'self' },
    });
  }
  for (const step of spec.steps) {
    if (MODULE_ATTRIBUTES.has(step.id) || /^__.*__$/.test(step.id)) {
      throw new PlaygroundError('DSPY_INVALID', `Step "${step.id}" cannot be a predictor of a DSPy module: dspy.Module has its own "${step.id}".`, {
        hint: `Rename the step (e.g. "${step.id.replace(/^_+|_+$/g, '') || 'step'}_step") in the Program step, then export again.`,
        details: { step: step.id },
      });
    }
  }
}

/** `generate_answer` -> `GenerateAnswer`, the way DSPy's examples name signatures. */
function className(id: string): string {
  const camel = id
    .split('_')
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return /^[A-Za-z]/.test(camel) ? camel : `Step${camel}`;
}

function signatureClass(step: PredictorStep, name: string, state: ProgramState | undefined): string[] {
  const sig = stepSignature(step);
  const instruction = state?.[step.id]?.instruction ?? sig.instruction;
  const outputs = step.kind === 'chain_of_thought' ? sig.outputs.slice(1) : sig.outputs;
  const fields = [...sig.inputs.map((f) => fieldLine(f, 'InputField')), ...outputs.map((f) => fieldLine(f, 'OutputField'))];
  if (fields.some((f) => f.keyword)) {
    // A keyword cannot be a class attribute: DSPy's functional form takes the fields as a dict.
    const entries = fields.map((f) => `        ${pyString(f.name)}: (${f.type}, ${f.field}),`);
    return [`${name} = dspy.Signature(`, '    {', ...entries, '    },', `    ${pyString(instruction)},`, ')'];
  }
  return [`class ${name}(dspy.Signature):`, `    ${pyDocstring(instruction)}`, '', ...fields.map((f) => `    ${f.name}: ${f.type} = ${f.field}`)];
}

/** One field: its name, annotation and `dspy.XField(...)` call. */
function fieldLine(f: FieldSpec, kind: 'InputField' | 'OutputField'): { name: string; type: string; field: string; keyword: boolean } {
  const args = [`prefix=${pyString(`${inferPrefix(f.name)}:`)}`];
  if (f.description !== undefined && f.description !== `\${${f.name}}`) args.push(`desc=${pyString(f.description)}`);
  return { name: f.name, type: pyAnnotation(f), field: `dspy.${kind}(${args.join(', ')})`, keyword: isPythonKeyword(f.name) };
}

/** The annotation, with labels as Python string literals. */
function pyAnnotation(f: FieldSpec): string {
  if (kindOf(f) === 'labels') return `Literal[${(f.labels ?? []).map(pyString).join(', ')}]`;
  return annotationName(f);
}

function moduleClass(spec: ProgramSpec, steps: readonly ResolvedStep[], outputs: Record<string, Source>, classes: Map<string, string>): string[] {
  const locals = new NameTable([...FILE_NAMES, 'inputs']);
  const inputLocals = new Map(spec.inputs.map((f) => [f.name, locals.take(f.name)]));
  const stepLocals = new Map(steps.map((s) => [s.spec.id, locals.take(s.spec.id)]));
  const read = (src: Source): string => (src.from === 'input' ? inputLocals.get(src.field)! : attribute(stepLocals.get(src.stepId)!, src.field));
  const value = (sources: readonly Source[]): string => (sources.length === 1 ? read(sources[0]!) : `_concat(${sources.map(read).join(', ')})`);
  // Predictors in the listed order, as the JSON saves them (DSPy saves attributes in the order they are set).
  const listed = spec.steps.map((listedStep) => steps.find((s) => s.spec.id === listedStep.id)!);
  const firstRetrieve = listed.find((s) => s.spec.kind === 'retrieve');
  const init = listed.flatMap((s) => predictorInit(s, classes, s === firstRetrieve));
  const renamed = spec.inputs.some((f) => inputLocals.get(f.name) !== f.name);
  const params = renamed ? ['self', '**inputs'] : ['self', ...spec.inputs.map((f) => f.name)];
  const unpack = renamed ? spec.inputs.map((f) => `        ${inputLocals.get(f.name)} = inputs[${pyString(f.name)}]`) : [];
  const body = steps.map((s) => `        ${stepLocals.get(s.spec.id)} = ${stepCall(s, value)}`);
  const result = callArgs(Object.entries(outputs).map(([name, src]) => [name, read(src)]));
  return [
    'class Program(dspy.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    ...init,
    '',
    `    def forward(${params.join(', ')}):`,
    ...unpack,
    ...body,
    `        return dspy.Prediction(${result})`,
  ];
}

/** `self.<id> = dspy.<Kind>(...)`; the first retrieve step says where its passages come from. */
function predictorInit(step: ResolvedStep, classes: Map<string, string>, explain: boolean): string[] {
  const s = step.spec;
  if (s.kind === 'retrieve') {
    const from = s.corpus.from === 'input' ? `each example's input "${s.corpus.field}"` : 'the passages you gave it';
    const note = [`        # PromptLab searched ${from} with BM25. dspy.Retrieve asks the`, '        # retriever you configure for its k passages: dspy.configure(rm=...).'];
    return [...(explain ? note : []), `        ${setAttribute(s.id, `dspy.Retrieve(k=${s.k})`)}`];
  }
  const kind = s.kind === 'chain_of_thought' ? 'ChainOfThought' : 'Predict';
  return [`        ${setAttribute(s.id, `dspy.${kind}(${classes.get(s.id)!})`)}`];
}

/** The call that runs one step in `forward`. */
function stepCall(step: ResolvedStep, value: (sources: readonly Source[]) => string): string {
  const predictor = isPythonKeyword(step.spec.id) ? `getattr(self, ${pyString(step.spec.id)})` : `self.${step.spec.id}`;
  if (step.spec.kind === 'retrieve') return `${predictor}(${value(step.inputs.query!)})`;
  return `${predictor}(${callArgs(step.signature.inputs.map((f) => [f.name, value(step.inputs[f.name]!)]))})`;
}

/** Keyword arguments, or a `**{...}` dict when a name is a Python keyword. */
function callArgs(pairs: readonly (readonly [string, string])[]): string {
  if (pairs.some(([name]) => isPythonKeyword(name))) return `**{${pairs.map(([name, v]) => `${pyString(name)}: ${v}`).join(', ')}}`;
  return pairs.map(([name, v]) => `${name}=${v}`).join(', ');
}

function setAttribute(name: string, value: string): string {
  return isPythonKeyword(name) ? `setattr(self, ${pyString(name)}, ${value})` : `self.${name} = ${value}`;
}

/** A field of a prediction: `x.answer`, or `x["from"]` for a keyword. */
function attribute(object: string, field: string): string {
  return isPythonKeyword(field) ? `${object}[${pyString(field)}]` : `${object}.${field}`;
}

/** Python names in use; {@link take} gives the wanted one or a free variant of it. */
class NameTable {
  private readonly used: Set<string>;

  constructor(reserved: readonly string[]) {
    this.used = new Set(reserved);
  }

  take(wanted: string): string {
    let name = isPythonKeyword(wanted) ? `${wanted}_` : wanted;
    for (let i = 2; this.used.has(name); i++) name = `${wanted}_${i}`;
    this.used.add(name);
    return name;
  }
}
