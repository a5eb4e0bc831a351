/**
 * Demos from labeled examples and from successful traces.
 *
 * A labeled demo carries the example's values for the predictor's fields (inputs and gold
 * labels); a bootstrapped ("augmented") demo carries what the predictor actually received
 * and produced in a trace that passed the metric. The adapter drops demos with no input or
 * no output of the signature, as DSPy's ChatAdapter does, so a labeled example that says
 * nothing about an intermediate step (e.g. a search query) does not confuse it.
 */
import type { Example } from '../data/types';
import type { ResolvedProgram } from '../program/resolve';
import type { Demo, ProgramState, TraceStep } from '../program/types';
import { Rng } from '../util/random';

/** A labeled demo of `example` for one predictor (only the predictor's own fields). */
export function labeledDemo(program: ResolvedProgram, stepId: string, example: Example): Demo {
  const step = program.steps.find((s) => s.spec.id === stepId)!;
  const fields: Record<string, unknown> = {};
  for (const f of [...step.signature.inputs, ...step.signature.outputs]) {
    const v = example.inputs[f.name] ?? example.labels[f.name];
    if (v !== undefined) fields[f.name] = v;
  }
  return { fields, exampleId: example.id };
}

/** The augmented demo a successful trace step gives its predictor. */
export function tracedDemo(step: TraceStep, exampleId: string): Demo {
  return { fields: { ...step.inputs, ...step.outputs }, augmented: true, exampleId };
}

/** True when a labeled demo of this example would show at least one input and one output of the step. */
export function isUsefulDemo(program: ResolvedProgram, stepId: string, demo: Demo): boolean {
  const step = program.steps.find((s) => s.spec.id === stepId)!;
  return step.signature.inputs.some((f) => demo.fields[f.name] !== undefined) && step.signature.outputs.some((f) => demo.fields[f.name] !== undefined);
}

/**
 * LabeledFewShot: up to `k` labeled demos per predictor, a seeded sample of the trainset
 * (DSPy samples with `random.Random(0)`; we take the run's seed so seeds actually vary it).
 */
export function labeledFewShot(program: ResolvedProgram, base: ProgramState, trainset: readonly Example[], k: number, seed: number): ProgramState {
  const chosen = new Rng(`labeled:${seed}`).sample(trainset, k);
  return withDemos(program, base, (stepId) => chosen.map((ex) => labeledDemo(program, stepId, ex)).filter((d) => isUsefulDemo(program, stepId, d)));
}

/** A copy of `base` whose predictors get demos from `demosFor`. */
export function withDemos(program: ResolvedProgram, base: ProgramState, demosFor: (stepId: string) => Demo[]): ProgramState {
  const state: ProgramState = {};
  for (const id of program.predictorIds) {
    const own = base[id] ?? { instruction: program.steps.find((s) => s.spec.id === id)!.signature.instruction, demos: [] };
    state[id] = { instruction: own.instruction, demos: demosFor(id) };
  }
  return state;
}
