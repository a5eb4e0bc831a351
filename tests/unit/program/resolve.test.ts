import { describe, expect, it } from 'vitest';
import { initialState, predictorState, resolveProgram } from '../../../src/core/program';
import type { ProgramSpec, StepSpec } from '../../../src/core/program/types';
import { thrown } from './scripted';

const q = [{ name: 'question' }];

function spec(steps: StepSpec[], outputs: Record<string, string> = { answer: 'answer' }, inputs = q): ProgramSpec {
  return { version: 1, inputs, steps, outputs };
}

const answerStep: StepSpec = { id: 'generate', kind: 'predict', signature: 'question -> answer' };

describe('resolveProgram: validation errors', () => {
  it('rejects a program without steps (PROGRAM_INVALID)', () => {
    expect(thrown(() => resolveProgram(spec([]))).code).toBe('PROGRAM_INVALID');
  });

  it('rejects two steps with one id (PROGRAM_INVALID, naming the id)', () => {
    const err = thrown(() => resolveProgram(spec([answerStep, { ...answerStep }])));
    expect(err.code).toBe('PROGRAM_INVALID');
    expect(err.details).toMatchObject({ step: 'generate' });
  });

  it('rejects step ids that are not identifiers or are reserved', () => {
    for (const id of ['has space', '1st', 'input', 'inputs', '']) {
      expect(thrown(() => resolveProgram(spec([{ ...answerStep, id }]))).code, id).toBe('PROGRAM_INVALID');
    }
  });

  it.each([0, -1, 1.5, 101, Number.NaN])('rejects a retrieve step with k = %s (PROGRAM_INVALID)', (k) => {
    const steps: StepSpec[] = [{ id: 'search', kind: 'retrieve', k, corpus: { from: 'corpus', name: 'wiki' }, bind: { query: 'question' } }];
    const err = thrown(() => resolveProgram(spec(steps, { passages: 'search.passages' })));
    expect(err.code).toBe('PROGRAM_INVALID');
    expect(err.details).toMatchObject({ step: 'search' });
  });

  it('accepts k at both ends of its range', () => {
    for (const k of [1, 100]) {
      const steps: StepSpec[] = [{ id: 'search', kind: 'retrieve', k, corpus: { from: 'corpus', name: 'wiki' }, bind: { query: 'question' } }];
      expect(resolveProgram(spec(steps, { passages: 'search.passages' })).steps).toHaveLength(1);
    }
  });

  it('rejects a program with no outputs (PROGRAM_INVALID)', () => {
    expect(thrown(() => resolveProgram(spec([answerStep], {}))).code).toBe('PROGRAM_INVALID');
  });

  it('rejects an unknown step kind and duplicate program inputs (PROGRAM_INVALID)', () => {
    const odd = { id: 'x', kind: 'summarize', signature: 'a -> b' } as unknown as StepSpec;
    expect(thrown(() => resolveProgram(spec([odd], { b: 'x.b' }))).code).toBe('PROGRAM_INVALID');
    expect(thrown(() => resolveProgram(spec([answerStep], undefined, [{ name: 'question' }, { name: 'question' }]))).code).toBe('PROGRAM_INVALID');
  });

  it('rejects an empty list binding (PROGRAM_INVALID)', () => {
    const steps: StepSpec[] = [{ ...answerStep, bind: { question: [] } }];
    expect(thrown(() => resolveProgram(spec(steps))).code).toBe('PROGRAM_INVALID');
  });

  it('rejects a binding to a field nobody produces (PROGRAM_UNKNOWN_FIELD), listing what is available', () => {
    const steps: StepSpec[] = [
      { id: 'rewrite', kind: 'predict', signature: 'question -> query' },
      { id: 'generate', kind: 'predict', signature: 'query -> answer', bind: { query: 'rewrite.search_terms' } },
    ];
    const err = thrown(() => resolveProgram(spec(steps)));
    expect(err.code).toBe('PROGRAM_UNKNOWN_FIELD');
    expect(err.details).toMatchObject({ ref: 'rewrite.search_terms' });
    expect(err.details?.available).toEqual(['question', 'rewrite.query', 'generate.answer']);
  });

  it('rejects references to a missing step, a missing program input and an unbound implicit input', () => {
    const cases: StepSpec[][] = [
      [{ ...answerStep, bind: { question: 'nowhere.question' } }],
      [{ ...answerStep, bind: { question: 'input.topic' } }],
      [{ id: 'generate', kind: 'predict', signature: 'question, topic -> answer' }],
    ];
    for (const steps of cases) expect(thrown(() => resolveProgram(spec(steps))).code).toBe('PROGRAM_UNKNOWN_FIELD');
  });

  it('rejects binding a name that is not one of the step inputs (PROGRAM_UNKNOWN_FIELD)', () => {
    const steps: StepSpec[] = [{ ...answerStep, bind: { question: 'question', context: 'question' } }];
    const err = thrown(() => resolveProgram(spec(steps)));
    expect(err.code).toBe('PROGRAM_UNKNOWN_FIELD');
    expect(err.details).toEqual({ step: 'generate', field: 'context' });
  });

  it('rejects retrieval from a per-example input the program does not declare (PROGRAM_UNKNOWN_FIELD)', () => {
    const steps: StepSpec[] = [{ id: 'search', kind: 'retrieve', k: 3, corpus: { from: 'input', field: 'paragraphs' }, bind: { query: 'question' } }];
    const err = thrown(() => resolveProgram(spec(steps, { passages: 'search.passages' })));
    expect(err.code).toBe('PROGRAM_UNKNOWN_FIELD');
    expect(err.details).toEqual({ step: 'search', field: 'paragraphs' });
    // Declaring the input makes the same program valid.
    expect(() => resolveProgram(spec(steps, { passages: 'search.passages' }, [...q, { name: 'paragraphs' }]))).not.toThrow();
  });

  it('rejects two steps that use each other (PROGRAM_CYCLE) and names the loop', () => {
    const steps: StepSpec[] = [
      { id: 'draft', kind: 'predict', signature: 'question, critique -> draft', bind: { critique: 'review.critique' } },
      { id: 'review', kind: 'predict', signature: 'draft -> critique', bind: { draft: 'draft.draft' } },
    ];
    const err = thrown(() => resolveProgram(spec(steps, { answer: 'draft.draft' })));
    expect(err.code).toBe('PROGRAM_CYCLE');
    expect(err.details?.cycle).toEqual(['draft', 'review', 'draft']);
  });

  it('rejects a self-loop and a three-step loop (PROGRAM_CYCLE)', () => {
    const self: StepSpec[] = [{ id: 'refine', kind: 'predict', signature: 'draft -> answer', bind: { draft: 'refine.answer' } }];
    expect(thrown(() => resolveProgram(spec(self))).details?.cycle).toEqual(['refine', 'refine']);
    const three: StepSpec[] = [
      { id: 'a', kind: 'predict', signature: 'z -> x', bind: { z: 'c.z' } },
      { id: 'b', kind: 'predict', signature: 'x -> y', bind: { x: 'a.x' } },
      { id: 'c', kind: 'predict', signature: 'y -> z', bind: { y: 'b.y' } },
    ];
    const err = thrown(() => resolveProgram(spec(three, { z: 'c.z' }, [])));
    expect(err.code).toBe('PROGRAM_CYCLE');
    expect(err.details?.cycle).toEqual(['a', 'c', 'b', 'a']);
  });

  it('rejects an output nobody produces (PROGRAM_UNREACHABLE_OUTPUT)', () => {
    for (const source of ['generate.rationale', 'summary', 'ghost.answer']) {
      const err = thrown(() => resolveProgram(spec([answerStep], { answer: source })));
      expect(err.code, source).toBe('PROGRAM_UNREACHABLE_OUTPUT');
      expect(err.details).toEqual({ output: 'answer', source });
    }
  });
});

describe('resolveProgram: bindings', () => {
  it('binds an unlisted input to the latest earlier step output of that name', () => {
    const steps: StepSpec[] = [
      { id: 'first', kind: 'predict', signature: 'question -> query' },
      { id: 'check', kind: 'predict', signature: 'query -> verdict' },
      { id: 'second', kind: 'predict', signature: 'question, verdict -> query' },
      { id: 'generate', kind: 'predict', signature: 'question, query -> answer' },
    ];
    const p = resolveProgram(spec(steps));
    const byId = Object.fromEntries(p.steps.map((s) => [s.spec.id, s.inputs]));
    expect(byId.check!.query).toEqual([{ from: 'step', stepId: 'first', field: 'query' }]);
    expect(byId.second!.verdict).toEqual([{ from: 'step', stepId: 'check', field: 'verdict' }]);
    expect(byId.generate!.query).toEqual([{ from: 'step', stepId: 'second', field: 'query' }]);
    expect(byId.generate!.question).toEqual([{ from: 'input', field: 'question' }]);
  });

  it('falls back to the program input when no earlier step produces the name (a later one does not count)', () => {
    const steps: StepSpec[] = [
      { id: 'generate', kind: 'predict', signature: 'question -> answer' },
      { id: 'rephrase', kind: 'predict', signature: 'answer -> question' },
    ];
    const p = resolveProgram(spec(steps));
    expect(p.steps.map((s) => s.spec.id)).toEqual(['generate', 'rephrase']);
    expect(p.steps[0]!.inputs.question).toEqual([{ from: 'input', field: 'question' }]);
  });

  it('follows explicit `step.field` and `input.field` references over by-name binding', () => {
    const steps: StepSpec[] = [
      { id: 'clarify', kind: 'predict', signature: 'topic -> question' },
      { id: 'original', kind: 'predict', signature: 'question -> answer', bind: { question: 'input.question' } },
      { id: 'clarified', kind: 'predict', signature: 'question -> answer', bind: { question: 'clarify.question' } },
      { id: 'implicit', kind: 'predict', signature: 'question -> answer' },
    ];
    const p = resolveProgram(spec(steps, { answer: 'original.answer' }, [...q, { name: 'topic' }]));
    const byId = Object.fromEntries(p.steps.map((s) => [s.spec.id, s.inputs.question]));
    expect(byId.original).toEqual([{ from: 'input', field: 'question' }]);
    expect(byId.clarified).toEqual([{ from: 'step', stepId: 'clarify', field: 'question' }]);
    expect(byId.implicit).toEqual([{ from: 'step', stepId: 'clarify', field: 'question' }]);
    expect(p.outputs.answer).toEqual({ from: 'step', stepId: 'original', field: 'answer' });
  });

  it('accepts `inputs.field` as well as `input.field`', () => {
    const p = resolveProgram(spec([{ ...answerStep, bind: { question: 'inputs.question' } }]));
    expect(p.steps[0]!.inputs.question).toEqual([{ from: 'input', field: 'question' }]);
  });

  it('keeps every source of a list binding, in order', () => {
    const steps: StepSpec[] = [
      { id: 'hop1', kind: 'retrieve', k: 2, corpus: { from: 'corpus', name: 'wiki' }, bind: { query: 'question' } },
      { id: 'hop2', kind: 'retrieve', k: 2, corpus: { from: 'corpus', name: 'wiki' }, bind: { query: 'question' } },
      { id: 'generate', kind: 'predict', signature: 'context: list, question -> answer', bind: { context: ['hop1.passages', 'hop2.passages', 'question'] } },
    ];
    const p = resolveProgram(spec(steps));
    expect(p.steps[2]!.inputs.context).toEqual([
      { from: 'step', stepId: 'hop1', field: 'passages' },
      { from: 'step', stepId: 'hop2', field: 'passages' },
      { from: 'input', field: 'question' },
    ]);
  });

  it('a bare output name resolves to the last step producing it', () => {
    const steps: StepSpec[] = [
      { id: 'draft', kind: 'predict', signature: 'question -> answer' },
      { id: 'polish', kind: 'predict', signature: 'question, draft -> answer', bind: { draft: 'draft.answer' } },
    ];
    expect(resolveProgram(spec(steps)).outputs.answer).toEqual({ from: 'step', stepId: 'polish', field: 'answer' });
  });
});

describe('resolveProgram: order and predictors', () => {
  it('runs a step after the step it depends on even when listed before it', () => {
    const steps: StepSpec[] = [
      { id: 'generate', kind: 'chain_of_thought', signature: 'context: list, question -> answer', bind: { context: 'search.passages' } },
      { id: 'note', kind: 'predict', signature: 'question -> note' },
      { id: 'search', kind: 'retrieve', k: 3, corpus: { from: 'corpus', name: 'wiki' }, bind: { query: 'question' } },
    ];
    const p = resolveProgram(spec(steps, { answer: 'generate.answer' }));
    const order = p.steps.map((s) => s.spec.id);
    expect([...order].sort()).toEqual(['generate', 'note', 'search']);
    expect(order.indexOf('search')).toBeLessThan(order.indexOf('generate'));
    // predictorIds follow the execution order.
    expect(p.predictorIds).toEqual(order.filter((id) => id !== 'search'));
  });

  it('keeps the listed order for independent steps', () => {
    const steps: StepSpec[] = ['c', 'a', 'b'].map((id) => ({ id, kind: 'predict', signature: `question -> ${id}_out` }) as StepSpec);
    const p = resolveProgram(spec(steps, { out: 'b.b_out' }));
    expect(p.steps.map((s) => s.spec.id)).toEqual(['c', 'a', 'b']);
  });

  it('lists predictor steps only (retrieve steps are not tuned)', () => {
    const steps: StepSpec[] = [
      { id: 'make_query', kind: 'predict', signature: 'question -> query' },
      { id: 'search', kind: 'retrieve', k: 3, corpus: { from: 'corpus', name: 'wiki' } },
      { id: 'generate', kind: 'chain_of_thought', signature: 'passages: list, question -> answer' },
    ];
    const p = resolveProgram(spec(steps));
    expect(p.predictorIds).toEqual(['make_query', 'generate']);
    expect(p.steps.map((s) => s.isPredictor)).toEqual([true, false, true]);
    // by-name: retrieve's `query` comes from make_query, generate's `passages` from search
    expect(p.steps[1]!.inputs.query).toEqual([{ from: 'step', stepId: 'make_query', field: 'query' }]);
    expect(p.steps[2]!.inputs.passages).toEqual([{ from: 'step', stepId: 'search', field: 'passages' }]);
  });

  it('ChainOfThought adds `reasoning` as the first output; Predict does not', () => {
    const steps: StepSpec[] = [
      { id: 'cot', kind: 'chain_of_thought', signature: 'question -> answer, confidence: number' },
      { id: 'plain', kind: 'predict', signature: 'question -> verdict' },
    ];
    const p = resolveProgram(spec(steps, { answer: 'cot.answer' }));
    expect(p.steps[0]!.signature.outputs.map((f) => f.name)).toEqual(['reasoning', 'answer', 'confidence']);
    expect(p.steps[1]!.signature.outputs.map((f) => f.name)).toEqual(['verdict']);
    // reasoning is a real output: later steps and program outputs may use it
    expect(resolveProgram(spec(steps, { why: 'cot.reasoning' })).outputs.why).toEqual({ from: 'step', stepId: 'cot', field: 'reasoning' });
  });

  it('initial state: each predictor keeps its own instruction and has no demos', () => {
    const steps: StepSpec[] = [
      { id: 'generate', kind: 'predict', signature: { signature: 'question -> answer', instruction: 'Answer briefly.' } },
      { id: 'search', kind: 'retrieve', k: 1, corpus: { from: 'corpus', name: 'wiki' }, bind: { query: 'generate.answer' } },
    ];
    const p = resolveProgram(spec(steps));
    const state = initialState(p);
    expect(state).toEqual({ generate: { instruction: 'Answer briefly.', demos: [] } });
    expect(predictorState(p, {}, 'generate')).toEqual({ instruction: 'Answer briefly.', demos: [] });
    const tuned = { generate: { instruction: 'Answer in one word.', demos: [] } };
    expect(predictorState(p, tuned, 'generate').instruction).toBe('Answer in one word.');
  });
});
