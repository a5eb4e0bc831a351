import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ScriptedLM } from '../../../src/core/lm';
import { TEMPLATE_NAMES, buildFromTemplate, initialState, resolveProgram, retrievePassages, runProgram, type TemplateName } from '../../../src/core/program';
import { ProgramSpecSchema } from '../../../src/core/program/schema';
import { answer, askedOutputs, block, lastUser, thrown, passages } from './scripted';
import { CORPUS } from './world';

function build(template: TemplateName, signature = 'question -> answer') {
  return buildFromTemplate(template === 'classify' ? { template, signature: 'text -> sentiment', labels: { sentiment: ['positive', 'negative'] } } : { template, signature });
}

describe('buildFromTemplate', () => {
  it.each(TEMPLATE_NAMES)('%s builds a valid, JSON-only spec that resolves', (template) => {
    const spec = build(template);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    expect(v.safeParse(ProgramSpecSchema, spec).success).toBe(true);
    const program = resolveProgram(spec);
    expect(program.predictorIds.length).toBeGreaterThan(0);
    expect(Object.keys(initialState(program))).toEqual(program.predictorIds);
  });

  it('makes the expected steps for each template', () => {
    const shape = (t: TemplateName) => resolveProgram(build(t)).steps.map((s) => `${s.spec.id}:${s.spec.kind}`);
    expect(shape('predict')).toEqual(['predict:predict']);
    expect(shape('chain_of_thought')).toEqual(['generate:chain_of_thought']);
    expect(shape('classify')).toEqual(['classify:chain_of_thought']);
    expect(shape('rag')).toEqual(['retrieve:retrieve', 'generate_answer:chain_of_thought']);
    expect(shape('multi_hop')).toEqual([
      'generate_query_1:chain_of_thought',
      'retrieve_1:retrieve',
      'generate_query_2:chain_of_thought',
      'retrieve_2:retrieve',
      'generate_answer:chain_of_thought',
    ]);
  });

  it("returns the signature's outputs from the last predictor", () => {
    const spec = buildFromTemplate({ template: 'chain_of_thought', signature: 'question -> answer, confidence: number' });
    expect(spec.outputs).toEqual({ answer: 'generate.answer', confidence: 'generate.confidence' });
    expect(build('multi_hop').outputs).toEqual({ answer: 'generate_answer.answer' });
  });

  it('carries the instruction into the initial state', () => {
    const program = resolveProgram(buildFromTemplate({ template: 'predict', signature: 'question -> answer', instruction: 'Answer in one word.' }));
    expect(initialState(program)).toEqual({ predict: { instruction: 'Answer in one word.', demos: [] } });
  });

  it('classify: labels become a labels output; inline labels work too', () => {
    const withOption = resolveProgram(build('classify'));
    expect(withOption.steps[0]!.signature.outputs[1]).toMatchObject({ name: 'sentiment', type: 'labels', labels: ['positive', 'negative'] });
    const inline = resolveProgram(buildFromTemplate({ template: 'classify', signature: 'text -> sentiment: labels(positive|negative)' }));
    expect(inline.steps[0]!.signature.outputs.map((f) => f.name)).toEqual(['reasoning', 'sentiment']);
  });

  it('classify without labels is PROGRAM_INVALID', () => {
    expect(thrown(() => buildFromTemplate({ template: 'classify', signature: 'text -> sentiment' })).code).toBe('PROGRAM_INVALID');
  });

  it('an unknown template is PROGRAM_UNKNOWN_TEMPLATE', () => {
    const err = thrown(() => buildFromTemplate({ template: 'react' as TemplateName, signature: 'question -> answer' }));
    expect(err.code).toBe('PROGRAM_UNKNOWN_TEMPLATE');
    expect(err.details).toEqual({ template: 'react' });
  });

  it('rag and multi_hop need an input besides context (PROGRAM_INVALID)', () => {
    for (const template of ['rag', 'multi_hop'] as const) {
      expect(thrown(() => buildFromTemplate({ template, signature: 'context -> answer' })).code).toBe('PROGRAM_INVALID');
    }
  });
});

describe('rag template', () => {
  it('adds a `context` input to the answer step, bound to the retrieved passages', () => {
    const spec = buildFromTemplate({ template: 'rag', signature: 'question -> answer', k: 4 });
    expect(spec.inputs.map((f) => f.name)).toEqual(['question']);
    const program = resolveProgram(spec);
    const [retrieve, generate] = program.steps;
    expect(retrieve!.spec).toMatchObject({ k: 4, corpus: { from: 'corpus', name: 'passages' } });
    expect(retrieve!.inputs.query).toEqual([{ from: 'input', field: 'question' }]);
    expect(generate!.signature.inputs.map((f) => f.name)).toEqual(['context', 'question']);
    expect(generate!.inputs.context).toEqual([{ from: 'step', stepId: 'retrieve', field: 'passages' }]);
  });

  it('keeps a single context input when the signature already names it, and other inputs stay program inputs', () => {
    const spec = buildFromTemplate({ template: 'rag', signature: 'context, question, audience -> answer' });
    expect(spec.inputs.map((f) => f.name)).toEqual(['question', 'audience']);
    const generate = resolveProgram(spec).steps[1]!;
    expect(generate.signature.inputs.map((f) => f.name)).toEqual(['context', 'question', 'audience']);
  });

  it('declares the per-example corpus field as a program input', () => {
    const spec = buildFromTemplate({ template: 'rag', signature: 'question -> answer', corpus: { from: 'input', field: 'paragraphs' } });
    expect(spec.inputs.map((f) => f.name)).toEqual(['question', 'paragraphs']);
  });
});

describe('multi_hop template', () => {
  // Hop 1 searches the question's country; hop 2 follows the first passage's city to what it is known for.
  const queries: Record<string, string> = { '1': 'capital Australia', '2': 'Ottawa River' };
  const lm = new ScriptedLM((req) => {
    const user = lastUser(req);
    if (askedOutputs(req).includes('query')) {
      const hop = block(user, 'context') === undefined ? '1' : '2';
      return answer({ reasoning: `Hop ${hop}.`, query: queries[hop]! });
    }
    const context = passages(block(user, 'context'));
    return answer({ reasoning: `Saw ${context.length} passages.`, answer: context.map((p) => p.split(' ')[0]).join(', ') });
  });
  const program = resolveProgram(buildFromTemplate({ template: 'multi_hop', signature: 'question -> answer', k: 2 }));

  it("answers over both hops' passages, concatenated in hop order", async () => {
    const run = await runProgram(program, {}, { question: 'What is the capital of Australia?' }, { lm, corpora: { passages: CORPUS } });
    expect(run.error).toBeUndefined();
    const hop1 = retrievePassages(CORPUS, 'capital Australia', 2);
    const hop2 = retrievePassages(CORPUS, 'Ottawa River', 2);
    expect(hop1.some((p) => hop2.includes(p))).toBe(false);
    const byId = Object.fromEntries(run.trace.map((t) => [t.stepId, t]));
    expect(byId.retrieve_1!.outputs.passages).toEqual(hop1);
    expect(byId.retrieve_2!.outputs.passages).toEqual(hop2);
    expect(byId.generate_query_2!.inputs.context).toEqual(hop1);
    expect(byId.generate_answer!.inputs.context).toEqual([...hop1, ...hop2]);
    expect(run.prediction.answer).toBe([...hop1, ...hop2].map((p) => p.split(' ')[0]).join(', '));
  });

  it('drops a passage both hops found, keeping its first position', async () => {
    queries['2'] = 'Sydney Opera House';
    try {
      const run = await runProgram(program, {}, { question: 'What is the capital of Australia?' }, { lm, corpora: { passages: CORPUS } });
      const hop1 = run.trace[1]!.outputs.passages as string[];
      const hop2 = run.trace[3]!.outputs.passages as string[];
      const shared = hop2.filter((p) => hop1.includes(p));
      expect(shared.length).toBeGreaterThan(0);
      expect(run.trace[4]!.inputs.context).toEqual([...hop1, ...hop2.filter((p) => !hop1.includes(p))]);
    } finally {
      queries['2'] = 'Ottawa River';
    }
  });
});
