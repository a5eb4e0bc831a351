/**
 * Ready-made programs. Each template turns a user's signature into a ProgramSpec, the same
 * data a hand-built program is, so templates are only a starting point for the editor.
 *
 * - `predict`: one Predict step.
 * - `chain_of_thought`: one ChainOfThought step (DSPy's `dspy.ChainOfThought(sig)`).
 * - `classify`: ChainOfThought whose output is a labels field.
 * - `rag`: retrieve passages for the first input, then ChainOfThought over `context`
 *   (DSPy's RAG tutorial: `context, question -> answer`).
 * - `multi_hop`: generate a query, retrieve, generate a second query from the first hop's
 *   passages, retrieve again, answer from both hops' passages (DSPy's SimplifiedBaleen).
 */
import { PlaygroundError } from '../errors';
import { parseSignature } from '../signature/signature';
import type { FieldSpec, Signature, SignatureInput } from '../signature/types';
import type { ProgramSpec, RetrieveStep, StepSpec } from './types';

export const TEMPLATE_NAMES = ['predict', 'chain_of_thought', 'classify', 'rag', 'multi_hop'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export interface TemplateOptions {
  template: TemplateName;
  /** The task's signature, e.g. "question -> answer". For RAG a `context` input is added if missing. */
  signature: string | SignatureInput;
  /** Label sets per output field (classify; also allowed for the others). */
  labels?: Record<string, string[]>;
  instruction?: string;
  /** Passages per retrieval (rag, multi_hop). Default 3. */
  k?: number;
  /** Where passages come from (rag, multi_hop). Default: the named corpus "passages". */
  corpus?: RetrieveStep['corpus'];
  name?: string;
}

/** Builds a ProgramSpec from a template. Throws `PROGRAM_UNKNOWN_TEMPLATE` or signature errors. */
export function buildFromTemplate(opts: TemplateOptions): ProgramSpec {
  const base: SignatureInput = typeof opts.signature === 'string' ? { signature: opts.signature } : { ...opts.signature };
  if (typeof base !== 'string') {
    if (opts.labels) base.labels = { ...(base.labels ?? {}), ...opts.labels };
    if (opts.instruction) base.instruction = opts.instruction;
  }
  const sig = parseSignature(base);
  const name = opts.name ?? opts.template;
  switch (opts.template) {
    case 'predict':
      return single(name, 'predict', 'predict', sig);
    case 'chain_of_thought':
      return single(name, 'generate', 'chain_of_thought', sig);
    case 'classify':
      if (!sig.outputs.some((f) => f.type === 'labels')) {
        throw new PlaygroundError('PROGRAM_INVALID', 'The classify template needs an output with labels.', {
          hint: 'Give labels, e.g. "text -> label: labels(positive|negative)" or a "labels" option.',
        });
      }
      return single(name, 'classify', 'chain_of_thought', sig);
    case 'rag':
      return rag(name, sig, opts);
    case 'multi_hop':
      return multiHop(name, sig, opts);
    default:
      throw new PlaygroundError('PROGRAM_UNKNOWN_TEMPLATE', `Unknown program template "${String(opts.template)}".`, {
        hint: `Templates are: ${TEMPLATE_NAMES.join(', ')}.`,
        details: { template: opts.template },
      });
  }
}

function single(name: string, id: string, kind: 'predict' | 'chain_of_thought', sig: Signature): ProgramSpec {
  return {
    version: 1,
    name,
    inputs: sig.inputs.map(copyField),
    steps: [{ id, kind, signature: toInput(sig) }],
    outputs: Object.fromEntries(sig.outputs.map((f) => [f.name, `${id}.${f.name}`])),
  };
}

function rag(name: string, sig: Signature, opts: TemplateOptions): ProgramSpec {
  const programInputs = sig.inputs.filter((f) => f.name !== 'context');
  const query = firstInput(programInputs, 'rag');
  const answer: Signature = { ...sig, inputs: [contextField(), ...programInputs] };
  const steps: StepSpec[] = [
    { id: 'retrieve', kind: 'retrieve', k: opts.k ?? 3, corpus: opts.corpus ?? { from: 'corpus', name: 'passages' }, bind: { query: query.name } },
    { id: 'generate_answer', kind: 'chain_of_thought', signature: toInput(answer), bind: { context: 'retrieve.passages' } },
  ];
  return finishRetrieval(name, programInputs, steps, answer, 'generate_answer', opts);
}

function multiHop(name: string, sig: Signature, opts: TemplateOptions): ProgramSpec {
  const programInputs = sig.inputs.filter((f) => f.name !== 'context');
  const question = firstInput(programInputs, 'multi_hop');
  const corpus = opts.corpus ?? { from: 'corpus' as const, name: 'passages' };
  const k = opts.k ?? 3;
  const queryOut: FieldSpec = { name: 'query', description: 'a search query that finds the missing information' };
  const hop1: Signature = { instruction: '', inputs: [{ ...question }], outputs: [queryOut] };
  const hop2: Signature = { instruction: '', inputs: [contextField(), { ...question }], outputs: [queryOut] };
  const answer: Signature = { ...sig, inputs: [contextField(), ...programInputs] };
  const steps: StepSpec[] = [
    { id: 'generate_query_1', kind: 'chain_of_thought', signature: toInput(hop1) },
    { id: 'retrieve_1', kind: 'retrieve', k, corpus, bind: { query: 'generate_query_1.query' } },
    { id: 'generate_query_2', kind: 'chain_of_thought', signature: toInput(hop2), bind: { context: 'retrieve_1.passages' } },
    { id: 'retrieve_2', kind: 'retrieve', k, corpus, bind: { query: 'generate_query_2.query' } },
    { id: 'generate_answer', kind: 'chain_of_thought', signature: toInput(answer), bind: { context: ['retrieve_1.passages', 'retrieve_2.passages'] } },
  ];
  return finishRetrieval(name, programInputs, steps, answer, 'generate_answer', opts);
}

function finishRetrieval(name: string, inputs: FieldSpec[], steps: StepSpec[], answer: Signature, answerId: string, opts: TemplateOptions): ProgramSpec {
  const corpusField = opts.corpus?.from === 'input' ? opts.corpus.field : undefined;
  const allInputs = inputs.map(copyField);
  if (corpusField && !allInputs.some((f) => f.name === corpusField)) allInputs.push({ name: corpusField, type: 'list', description: 'passages to retrieve from' });
  return {
    version: 1,
    name,
    inputs: allInputs,
    steps,
    outputs: Object.fromEntries(answer.outputs.map((f) => [f.name, `${answerId}.${f.name}`])),
  };
}

function firstInput(inputs: FieldSpec[], template: string): FieldSpec {
  const first = inputs[0];
  if (!first) {
    throw new PlaygroundError('PROGRAM_INVALID', `The ${template} template needs an input besides "context" (e.g. "question -> answer").`, {
      hint: 'Add the question field to the signature.',
    });
  }
  return first;
}

/** A string field: passages (a list) render as DSPy does for `context`, `[1] «...»` one per line. */
function contextField(): FieldSpec {
  return { name: 'context', description: 'may contain relevant facts' };
}

function copyField(f: FieldSpec): FieldSpec {
  return { ...f, ...(f.labels && { labels: f.labels.slice() }) };
}

/** A resolved signature as the structured input form (so specs are self-describing JSON). */
function toInput(sig: Signature): SignatureInput {
  const out: SignatureInput = { inputs: sig.inputs.map(copyField), outputs: sig.outputs.map(copyField) };
  // An empty instruction means "use the default": keep specs free of boilerplate.
  if (sig.instruction && !sig.instruction.startsWith('Given the fields')) out.instruction = sig.instruction;
  return out;
}
