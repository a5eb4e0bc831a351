/**
 * Program and module descriptions for the proposer, rendered from the ProgramSpec.
 *
 * DSPy shows the proposer the program's Python source and asks an LM to describe it. Our
 * programs are data, so the structure is rendered exactly and for free: the steps in order,
 * each with its kind, fields and where its inputs come from.
 */
import type { ResolvedProgram, ResolvedStep, Source } from '../../program/resolve';

const KIND_NAMES = { predict: 'Predict', chain_of_thought: 'ChainOfThought', retrieve: 'Retrieve (BM25)' } as const;

export function programSummary(program: ResolvedProgram): string {
  const spec = program.spec;
  const lines = [
    `Program${spec.name ? ` "${spec.name}"` : ''}${spec.description ? `: ${spec.description}` : ''}`,
    `Inputs: ${spec.inputs.map((f) => f.name).join(', ') || '(none)'}`,
    'Steps, in order:',
    ...program.steps.map((s, i) => `${i + 1}. ${stepLine(s)}`),
    `Returns: ${Object.entries(program.outputs).map(([n, src]) => `${n} (from ${sourceText(src)})`).join(', ')}`,
  ];
  return lines.join('\n');
}

export function moduleDescription(program: ResolvedProgram, stepId: string): string {
  const step = program.steps.find((s) => s.spec.id === stepId)!;
  const position = program.steps.indexOf(step) + 1;
  const consumers = program.steps.filter((s) => Object.values(s.inputs).some((srcs) => srcs.some((src) => src.from === 'step' && src.stepId === stepId)));
  const returned = Object.entries(program.outputs).filter(([, src]) => src.from === 'step' && src.stepId === stepId).map(([n]) => n);
  const parts = [
    `Step ${position} of ${program.steps.length}, "${stepId}", a ${KIND_NAMES[step.spec.kind]} module: ${stepLine(step)}.`,
    step.spec.description ? `Its purpose: ${step.spec.description}` : '',
    consumers.length ? `Its outputs feed: ${consumers.map((c) => c.spec.id).join(', ')}.` : '',
    returned.length ? `It produces the program's final ${returned.join(', ')}.` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

function stepLine(step: ResolvedStep): string {
  const sig = step.signature;
  const ins = sig.inputs.map((f) => `${f.name} <- ${step.inputs[f.name]!.map(sourceText).join(' + ')}`).join(', ');
  const outs = sig.outputs.map((f) => f.name + (f.type === 'labels' && f.labels ? ` (one of ${f.labels.join(', ')})` : '')).join(', ');
  return `${step.spec.id} [${KIND_NAMES[step.spec.kind]}] (${ins}) -> ${outs}`;
}

function sourceText(src: Source): string {
  return src.from === 'input' ? `input ${src.field}` : `${src.stepId}.${src.field}`;
}
