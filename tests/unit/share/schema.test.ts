import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { issuesToMessages } from '../../../src/core/util/schema-issues';
import {
  MetricSpecSchema,
  ProgramSpecSchema,
  ProgramStateSchema,
  SCHEMA_LIMITS,
  StepSpecSchema,
} from '../../../src/core/program/schema';
import { RAG_SPEC, RAG_STATE } from './fixtures';

const problems = (schema: v.GenericSchema, value: unknown, root?: string): string[] => {
  const r = v.safeParse(schema, value, { abortEarly: false });
  return r.success ? [] : issuesToMessages(r.issues, root);
};

describe('program schemas', () => {
  it('accept a multi-step spec with every step kind, and its state', () => {
    expect(problems(ProgramSpecSchema, RAG_SPEC)).toEqual([]);
    expect(problems(ProgramStateSchema, RAG_STATE)).toEqual([]);
  });

  it('report a bad step kind with its path and the allowed kinds', () => {
    const spec = { ...RAG_SPEC, steps: [RAG_SPEC.steps[0], { id: 'x', kind: 'foo', signature: 'a -> b' }] };
    expect(problems(ProgramSpecSchema, spec)).toEqual([
      'steps[1].kind: must be one of predict, chain_of_thought, retrieve, but got "foo"',
    ]);
  });

  it('list every structural problem, each with a readable path', () => {
    const spec = {
      version: 1,
      apiKey: 'sk-123',
      inputs: [{ name: 'two words' }],
      steps: [
        { id: 'a', kind: 'predict', signature: { inputs: [5], instruction: 'x'.repeat(SCHEMA_LIMITS.instructionChars + 1) } },
        { id: 'r', kind: 'retrieve', k: 0, corpus: { from: 'input', field: 'docs' } },
        { id: 'b', kind: 'chain_of_thought', signature: 'q -> a', bind: { q: ['a.out', 3] } },
      ],
      outputs: { answer: 'a..b' },
    };
    expect(problems(ProgramSpecSchema, spec)).toEqual([
      'inputs[0].name: must be a name of letters, digits and underscores (e.g. "passage_count"), but got "two words"',
      'steps[0].signature.instruction: must have at most 20000 characters, but has 20001',
      'steps[0].signature.inputs[0]: must be a string or an object, but got 5',
      'steps[1].k: must be at least 1, but got 0',
      'steps[2].bind.q[1]: must be a string, but got 3',
      'outputs.answer: must be a field name or "step.field" (e.g. "generate.answer"), but got "a..b"',
      'apiKey: is not an allowed key here',
    ]);
  });

  it('cap list sizes against abuse (steps, demos)', () => {
    const step = { id: 's', kind: 'predict', signature: 'a -> b' };
    const spec = { ...RAG_SPEC, steps: Array.from({ length: SCHEMA_LIMITS.steps + 1 }, () => step) };
    expect(problems(ProgramSpecSchema, spec)).toEqual([`steps: must have at most ${SCHEMA_LIMITS.steps} items, but has ${SCHEMA_LIMITS.steps + 1}`]);
    const demos = Array.from({ length: SCHEMA_LIMITS.demos + 1 }, () => ({ fields: { a: 'x' } }));
    expect(problems(ProgramStateSchema, { s: { instruction: 'i', demos } }, 'state')).toEqual([
      `state.s.demos: must have at most ${SCHEMA_LIMITS.demos} items, but has ${SCHEMA_LIMITS.demos + 1}`,
    ]);
  });

  it('accept only plain JSON data as demo values', () => {
    const bad = { s: { instruction: 'i', demos: [{ fields: { when: new Date(0), fn: () => 1, ok: [1, 'x', null, { y: true }] } }] } };
    const lines = problems(ProgramStateSchema, bad);
    expect(lines.map((l) => l.split(':')[0])).toEqual(['s.demos[0].fields.when', 's.demos[0].fields.fn']);
    let deep: unknown = 'leaf';
    for (let i = 0; i < SCHEMA_LIMITS.valueDepth + 2; i++) deep = [deep];
    expect(problems(ProgramStateSchema, { s: { instruction: 'i', demos: [{ fields: { deep } }] } })).toHaveLength(1);
  });

  it('reject reserved object keys as names', () => {
    expect(problems(StepSpecSchema, { id: '__proto__', kind: 'predict', signature: 'a -> b' })).toEqual([
      'id: must not be the reserved name "__proto__"',
    ]);
  });

  it('validate metric specs by kind', () => {
    expect(problems(MetricSpecSchema, { kind: 'numeric', field: 'answer', tolerance: 0.01 })).toEqual([]);
    expect(problems(MetricSpecSchema, { kind: 'llm_judge', field: 'answer', signature: 'question, answer, prediction -> correct: bool' })).toEqual([]);
    expect(problems(MetricSpecSchema, { kind: 'numeric', field: 'answer', tolerance: -1 })).toEqual(['tolerance: must be at least 0, but got -1']);
    expect(problems(MetricSpecSchema, { kind: 'bleu', field: 'answer' })[0]).toMatch(/^kind: must be one of exact_match, contains, f1, numeric, one_of_labels, formatted_answer, llm_judge/);
  });

  it('say when the top level is not an object', () => {
    expect(problems(ProgramSpecSchema, 5)).toEqual(['(top level): must be an object, but got 5']);
    expect(problems(ProgramSpecSchema, { version: 1, inputs: [], steps: [] })).toEqual(['outputs: is required but missing']);
  });
});
