/**
 * Validation and resolution of a ProgramSpec into an executable plan.
 *
 * A spec lists steps; each step input binds to a program input or to another step's output.
 * Explicit references (`"hop1.query"`) may point anywhere, so the execution order is a
 * topological order of the steps (stable: ties keep the listed order) and a reference loop is
 * a `PROGRAM_CYCLE`. Implicit bindings (an input with no `bind` entry) take the latest
 * *earlier-listed* step output of that name, else the program input of that name — DSPy's
 * "fields flow by name" habit, made explicit and checkable.
 */
import { PlaygroundError } from '../errors';
import { parseSignature, prependOutput } from '../signature/signature';
import type { FieldSpec, Signature } from '../signature/types';
import type { Binding, PredictorState, ProgramSpec, ProgramState, StepSpec } from './types';
import { isName } from '../util/names';

/** Where one value comes from, resolved. */
export type Source = { from: 'input'; field: string } | { from: 'step'; stepId: string; field: string };

/** A step ready to run: its resolved signature (predictors) and input sources. */
export interface ResolvedStep {
  spec: StepSpec;
  /** For predictors: the full signature (CoT includes `reasoning`). For retrieve: `query -> passages`. */
  signature: Signature;
  /** Step input name -> sources (several sources concatenate). */
  inputs: Record<string, Source[]>;
  isPredictor: boolean;
}

export interface ResolvedProgram {
  spec: ProgramSpec;
  /** Steps in execution order. */
  steps: ResolvedStep[];
  /** Program output name -> source. */
  outputs: Record<string, Source>;
  /** Ids of predictor steps, in execution order (what optimizers tune). */
  predictorIds: string[];
}

const REASONING_FIELD: FieldSpec = {
  name: 'reasoning',
  description: "${reasoning}",
};
const RETRIEVE_SIGNATURE: Signature = {
  instruction: 'Retrieve the passages most relevant to the query (BM25).',
  inputs: [{ name: 'query' }],
  outputs: [{ name: 'passages', type: 'list' }],
};

/** Validates a spec and resolves bindings and order. Throws typed `PROGRAM_*` errors. */
export function resolveProgram(spec: ProgramSpec): ResolvedProgram {
  checkShape(spec);
  const signatures = new Map(spec.steps.map((s) => [s.id, stepSignature(s)]));
  const inputNames = new Set(spec.inputs.map((f) => f.name));
  const resolveRef = refResolver(spec, signatures, inputNames);
  const resolved = new Map<string, ResolvedStep>();
  spec.steps.forEach((step, index) => resolved.set(step.id, resolveStep(step, index, signatures.get(step.id)!, resolveRef)));
  checkRetrieveInputs(spec, inputNames);
  const order = topologicalOrder(spec.steps, resolved);
  const outputs = resolveOutputs(spec, resolveRef);
  const steps = order.map((id) => resolved.get(id)!);
  return { spec, steps, outputs, predictorIds: steps.filter((s) => s.isPredictor).map((s) => s.spec.id) };
}

/** Resolves a reference where it is used; `implicitFrom`: a bare name may be an earlier step's output. */
type RefResolver = (ref: string, where: string, implicitFrom?: number) => Source;

function refResolver(spec: ProgramSpec, signatures: Map<string, Signature>, inputNames: Set<string>): RefResolver {
  return (ref, where, implicitFrom) => {
    const dot = ref.indexOf('.');
    if (dot < 0) {
      if (implicitFrom !== undefined) {
        for (let i = implicitFrom - 1; i >= 0; i--) {
          const s = spec.steps[i]!;
          if (signatures.get(s.id)!.outputs.some((f) => f.name === ref)) return { from: 'step', stepId: s.id, field: ref };
        }
      }
      if (inputNames.has(ref)) return { from: 'input', field: ref };
      throw unknownField(ref, where, spec, signatures);
    }
    const stepId = ref.slice(0, dot);
    const field = ref.slice(dot + 1);
    if (stepId === 'input' || stepId === 'inputs') {
      if (inputNames.has(field)) return { from: 'input', field };
      throw unknownField(ref, where, spec, signatures);
    }
    const sig = signatures.get(stepId);
    if (!sig || !sig.outputs.some((f) => f.name === field)) throw unknownField(ref, where, spec, signatures);
    return { from: 'step', stepId, field };
  };
}

/** One step with each input bound to its sources (by default, the field of the same name). */
function resolveStep(step: StepSpec, index: number, signature: Signature, resolveRef: RefResolver): ResolvedStep {
  const inputs: Record<string, Source[]> = {};
  for (const name of Object.keys(step.bind ?? {})) {
    if (!signature.inputs.some((f) => f.name === name)) {
      throw new PlaygroundError('PROGRAM_UNKNOWN_FIELD', `Step "${step.id}" binds "${name}", which is not one of its inputs.`, {
        hint: `Its inputs are: ${signature.inputs.map((f) => f.name).join(', ')}.`,
        details: { step: step.id, field: name },
      });
    }
  }
  for (const field of signature.inputs) {
    const binding: Binding | undefined = step.bind?.[field.name];
    const where = `input "${field.name}" of step "${step.id}"`;
    const refs = binding === undefined ? [field.name] : Array.isArray(binding) ? binding : [binding];
    if (refs.length === 0) {
      throw new PlaygroundError('PROGRAM_INVALID', `The binding for ${where} is an empty list.`, {
        hint: 'Name at least one source, e.g. "question" or "retrieve.passages".',
        details: { step: step.id, field: field.name },
      });
    }
    inputs[field.name] = refs.map((r) => resolveRef(r, where, binding === undefined ? index : undefined));
  }
  return { spec: step, signature, inputs, isPredictor: step.kind !== 'retrieve' };
}

function checkRetrieveInputs(spec: ProgramSpec, inputNames: Set<string>): void {
  for (const s of spec.steps) {
    if (s.kind === 'retrieve' && s.corpus.from === 'input' && !inputNames.has(s.corpus.field)) {
      throw new PlaygroundError('PROGRAM_UNKNOWN_FIELD', `Step "${s.id}" retrieves from input "${s.corpus.field}", which is not a program input.`, {
        hint: `Program inputs are: ${[...inputNames].join(', ') || '(none)'}.`,
        details: { step: s.id, field: s.corpus.field },
      });
    }
  }
}

function resolveOutputs(spec: ProgramSpec, resolveRef: RefResolver): Record<string, Source> {
  const outputNames = Object.keys(spec.outputs);
  if (outputNames.length === 0) {
    throw new PlaygroundError('PROGRAM_INVALID', 'The program declares no outputs.', {
      hint: 'Name at least one output, e.g. { "answer": "generate.answer" }.',
    });
  }
  const outputs: Record<string, Source> = {};
  for (const name of outputNames) {
    try {
      outputs[name] = resolveRef(spec.outputs[name]!, `program output "${name}"`, spec.steps.length);
    } catch (err) {
      if (!(err instanceof PlaygroundError)) throw err;
      throw new PlaygroundError('PROGRAM_UNREACHABLE_OUTPUT', `Program output "${name}" (from "${spec.outputs[name]}") is not produced by any step.`, {
        hint: err.hint ?? 'Point it at a step output such as "generate.answer".',
        details: { output: name, source: spec.outputs[name] },
      });
    }
  }
  return outputs;
}

/** The signature a step runs with (ChainOfThought adds `reasoning` before the other outputs). */
export function stepSignature(step: StepSpec): Signature {
  if (step.kind === 'retrieve') return RETRIEVE_SIGNATURE;
  const sig = parseSignature(step.signature);
  return step.kind === 'chain_of_thought' ? prependOutput(sig, REASONING_FIELD) : sig;
}

/** The state of an unoptimized program: each predictor's own instruction and no demos. */
export function initialState(program: ResolvedProgram): ProgramState {
  const state: ProgramState = {};
  for (const step of program.steps) {
    if (step.isPredictor) state[step.spec.id] = { instruction: step.signature.instruction, demos: [] };
  }
  return state;
}

/** A predictor's state from `state`, falling back to its signature's instruction and no demos. */
export function predictorState(program: ResolvedProgram, state: ProgramState, stepId: string): PredictorState {
  const own = state[stepId];
  if (own) return own;
  const step = program.steps.find((s) => s.spec.id === stepId);
  return { instruction: step?.signature.instruction ?? '', demos: [] };
}

function checkShape(spec: ProgramSpec): void {
  if (!spec || !Array.isArray(spec.steps) || spec.steps.length === 0) {
    throw new PlaygroundError('PROGRAM_INVALID', 'The program has no steps.', {
      hint: 'Start from a template (predict, chain_of_thought, classify, rag, multi_hop) or add a step.',
    });
  }
  const seenInputs = new Set<string>();
  for (const f of spec.inputs ?? []) {
    if (!isName(f.name) || seenInputs.has(f.name)) {
      throw new PlaygroundError('PROGRAM_INVALID', `Program input "${f.name}" is ${seenInputs.has(f.name) ? 'declared twice' : 'not a valid name'}.`, {
        hint: 'Input names use letters, digits and underscores and must be distinct.',
        details: { input: f.name },
      });
    }
    seenInputs.add(f.name);
  }
  const seen = new Set<string>();
  for (const step of spec.steps) {
    if (!isName(step.id ?? '') || step.id === 'input' || step.id === 'inputs') {
      throw new PlaygroundError('PROGRAM_INVALID', `Step id "${step.id}" is not a valid id.`, {
        hint: 'Use letters, digits and underscores, e.g. "generate_answer" ("input" is reserved).',
        details: { step: step.id },
      });
    }
    if (seen.has(step.id)) {
      throw new PlaygroundError('PROGRAM_INVALID', `Two steps share the id "${step.id}".`, {
        hint: 'Give every step a distinct id.',
        details: { step: step.id },
      });
    }
    seen.add(step.id);
    if (step.kind === 'retrieve' && (!Number.isInteger(step.k) || step.k < 1 || step.k > 100)) {
      throw new PlaygroundError('PROGRAM_INVALID', `Retrieve step "${step.id}" has k = ${String(step.k)}; k must be an integer from 1 to 100.`, {
        hint: 'Typical values are 3 to 7.',
        details: { step: step.id, k: step.k },
      });
    }
    if (step.kind !== 'retrieve' && step.kind !== 'predict' && step.kind !== 'chain_of_thought') {
      throw new PlaygroundError('PROGRAM_INVALID', `Step "${(step as StepSpec).id}" has unknown kind "${String((step as { kind: unknown }).kind)}".`, {
        hint: 'Kinds are predict, chain_of_thought and retrieve.',
      });
    }
  }
}

function topologicalOrder(steps: readonly StepSpec[], resolved: Map<string, ResolvedStep>): string[] {
  const deps = new Map<string, Set<string>>();
  for (const s of steps) {
    const d = new Set<string>();
    for (const sources of Object.values(resolved.get(s.id)!.inputs)) {
      for (const src of sources) if (src.from === 'step') d.add(src.stepId);
    }
    deps.set(s.id, d);
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    const st = state.get(id);
    if (st === 'done') return;
    if (st === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      throw new PlaygroundError('PROGRAM_CYCLE', `Steps depend on each other in a loop: ${cycle.join(' -> ')}.`, {
        hint: 'A step can only use outputs of steps that do not (directly or indirectly) use its own outputs.',
        details: { cycle },
      });
    }
    state.set(id, 'visiting');
    // Visit dependencies in listed order so ties keep the spec's order.
    for (const s of steps) if (deps.get(id)!.has(s.id)) visit(s.id, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const s of steps) visit(s.id, []);
  return order;
}

function unknownField(ref: string, where: string, spec: ProgramSpec, signatures: Map<string, Signature>): PlaygroundError {
  const available = [
    ...spec.inputs.map((f) => f.name),
    ...spec.steps.flatMap((s) => signatures.get(s.id)!.outputs.map((f) => `${s.id}.${f.name}`)),
  ];
  return new PlaygroundError('PROGRAM_UNKNOWN_FIELD', `The ${where} refers to "${ref}", which is neither a program input nor a step output.`, {
    hint: `Available: ${available.join(', ')}.`,
    details: { ref, available },
  });
}
