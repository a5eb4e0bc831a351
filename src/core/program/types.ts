import type { ErrorData } from '../errors';
import type { LMCallRecord } from '../lm/types';

export type { LMCallRecord };
import type { FieldSpec, SignatureInput } from '../signature/types';

/**
 * Where a step input comes from: a program input (`"question"`) or an earlier step's output
 * (`"hop1.query"`).
 */
export type SourceRef = string;

/** A binding: one source, or several whose values are concatenated as one list (e.g. passages of two hops). */
export type Binding = SourceRef | SourceRef[];

interface StepBase {
  /** Unique within the program; letters, digits, underscores. Also the predictor's name in exports. */
  id: string;
  /** Optional description of what this step does (shown to the proposer). */
  description?: string;
  /**
   * Step input name -> source. Inputs not listed bind by name: to the latest earlier step
   * output of that name, else to the program input of that name.
   */
  bind?: Record<string, Binding>;
}

/** An LM call with a signature (DSPy's Predict). */
export interface PredictStep extends StepBase {
  kind: 'predict';
  signature: SignatureInput;
}

/** Predict with a `reasoning` output before the others (DSPy's ChainOfThought). */
export interface ChainOfThoughtStep extends StepBase {
  kind: 'chain_of_thought';
  signature: SignatureInput;
}

/**
 * BM25 retrieval. Input `query`; output `passages` (a list of strings), `k` of them.
 * The corpus is either a named corpus supplied at run time, or a per-example input field that
 * holds a list of passages (e.g. HotPotQA's distractor paragraphs).
 */
export interface RetrieveStep extends StepBase {
  kind: 'retrieve';
  k: number;
  corpus: { from: 'corpus'; name: string } | { from: 'input'; field: string };
}

export type StepSpec = PredictStep | ChainOfThoughtStep | RetrieveStep;
export type PredictorStep = PredictStep | ChainOfThoughtStep;

/** A program as data: inputs, steps in order, and which fields it returns. */
export interface ProgramSpec {
  version: 1;
  name?: string;
  description?: string;
  inputs: FieldSpec[];
  steps: StepSpec[];
  /**
   * Output name -> source. A bare field name resolves to the last step producing it.
   * Example: `{ "answer": "generate.answer" }` or `{ "answer": "answer" }`.
   */
  outputs: Record<string, SourceRef>;
}

/** A demonstration for one predictor: values of its input and output fields. */
export interface Demo {
  fields: Record<string, unknown>;
  /** True for demos bootstrapped from a successful trace (DSPy's `augmented`). */
  augmented?: boolean;
  /** The training example it came from (so a teacher never sees its own answer as a demo). */
  exampleId?: string;
}

/** What an optimizer changes, per predictor step. */
export interface PredictorState {
  instruction: string;
  demos: Demo[];
}

/** Per predictor step id, its instruction and demos. */
export type ProgramState = Record<string, PredictorState>;

/** One step of a program run. */
export interface TraceStep {
  stepId: string;
  kind: StepSpec['kind'];
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  lm?: LMCallRecord;
  /** Set when the step failed; the run stops there. */
  error?: ErrorData;
  durationMs: number;
}

/** A program run: its outputs and its trace. A failed run has `error` and the trace up to the failure. */
export interface ProgramRun {
  prediction: Record<string, unknown>;
  trace: TraceStep[];
  error?: ErrorData;
}
