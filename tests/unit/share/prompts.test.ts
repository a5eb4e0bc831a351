/**
 * The rendered-prompt export gives, for one input, the messages each predictor step sends:
 * compared with the requests a scripted model receives when the program runs on that input.
 * Steps that wait for earlier outputs carry placeholders that, filled as the note says, give
 * the messages sent; with the run's trace every step is exact.
 */
import { describe, expect, it } from 'vitest';
import { formatFieldValue } from '../../../src/core/adapter';
import { createOutputChannel } from '../../../src/core/lm/output';
import type { LanguageModel, LMRequest } from '../../../src/core/lm';
import { buildFromTemplate, resolveProgram, runProgram, type ProgramSpec, type ProgramState } from '../../../src/core/program';
import { renderPrompts, type PromptStep } from '../../../src/core/share';
import { typedInputs } from '../../../src/core/signature';
import { CORPUS, worldLM } from '../program/world';

const corpora = { passages: CORPUS };
const australia = { question: 'What is the capital city of Australia?' };
const RAG = buildFromTemplate({ template: 'rag', signature: 'question -> answer' });
const MULTI_HOP = buildFromTemplate({ template: 'multi_hop', signature: 'question -> answer' });

const RAG_STATE: ProgramState = {
  generate_answer: {
    instruction: 'Answer with the city only.\nUse the passages.',
    demos: [
      { fields: { context: ['Paris is the capital of France.'], question: 'What is the capital of France?', reasoning: 'The passage says so.', answer: 'Paris' }, augmented: true },
      { fields: { question: 'What is the capital of Spain?', answer: 'Madrid' } },
    ],
  },
};

const HOP_STATE: ProgramState = {
  generate_query_2: { instruction: 'Search for what the first passages leave out.', demos: [] },
  generate_answer: { instruction: 'Answer from both hops.', demos: [{ fields: { question: 'What is the capital of Spain?', answer: 'Madrid' } }] },
};

/** Runs `spec` on the world's scripted model and returns its trace and the requests it received. */
async function run(spec: ProgramSpec, state: ProgramState, inputs: Record<string, unknown>, lm?: LanguageModel & { requests?: LMRequest[] }) {
  const world = worldLM();
  const model = lm ?? world.lm;
  const result = await runProgram(resolveProgram(spec), state, inputs, { lm: model, corpora });
  expect(result.error).toBeUndefined();
  return { trace: result.trace, requests: world.lm.requests };
}

/** The OpenAI request parts of a step as our client sends them. */
function sent(req: LMRequest): Pick<PromptStep, 'messages' | 'max_tokens' | 'stop' | 'temperature'> {
  return { messages: req.messages, max_tokens: req.maxTokens!, temperature: req.temperature!, ...(req.stop && { stop: req.stop }) };
}

describe('rendered prompt export', () => {
  it('gives every step exactly what the program sends when nothing waits for a model (retrieval from the question)', async () => {
    const { requests } = await run(RAG, RAG_STATE, australia);
    const out = renderPrompts(RAG, RAG_STATE, australia, { corpora, modelHint: 'qwen2.5-7b-instruct' });
    expect(out.steps).toHaveLength(1);
    expect(out.steps[0]).toEqual({ step: 'generate_answer', ...sent(requests[0]!), exact: true });
    expect(out.steps[0]!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(out).toMatchObject({ model_hint: 'qwen2.5-7b-instruct', adapter: 'ChatAdapter', output: 'chat', inputs: australia });
    expect(out.note).toContain('[[ ## completed ## ]]');
    expect(out.note).not.toContain('placeholder');
  });

  it('renders the first step exactly and later steps with placeholders that, filled as the note says, are the messages sent', async () => {
    const { trace, requests } = await run(MULTI_HOP, HOP_STATE, australia);
    const out = renderPrompts(MULTI_HOP, HOP_STATE, australia, { corpora });
    expect(out.steps.map((s) => [s.step, s.exact])).toEqual([['generate_query_1', true], ['generate_query_2', false], ['generate_answer', false]]);
    expect(out.steps[0]).toEqual({ step: 'generate_query_1', ...sent(requests[0]!), exact: true });
    expect(out.steps[1]!.placeholders).toEqual([{ text: '{{retrieve_1.passages}}', input: 'context', from: ['retrieve_1.passages'] }]);
    expect(out.steps[2]!.placeholders).toEqual([{ text: '{{retrieve_1.passages + retrieve_2.passages}}', input: 'context', from: ['retrieve_1.passages', 'retrieve_2.passages'] }]);
    expect(out.note).toContain('{{step.field}}');
    const program = resolveProgram(MULTI_HOP);
    out.steps.forEach((step, i) => {
      const traced = trace.filter((t) => t.lm)[i]!;
      const signature = program.steps.find((s) => s.spec.id === step.step)!.signature;
      let messages = JSON.stringify(step.messages);
      for (const p of step.placeholders ?? []) {
        const field = signature.inputs.find((f) => f.name === p.input)!;
        messages = messages.split(JSON.stringify(p.text).slice(1, -1)).join(JSON.stringify(formatFieldValue(traced.inputs[p.input], field)).slice(1, -1));
      }
      expect(JSON.parse(messages)).toEqual(requests[i]!.messages);
      expect(step.max_tokens).toBe(requests[i]!.maxTokens);
    });
  });

  it('with the run\'s trace of that input, every step has the messages it sent', async () => {
    const { trace, requests } = await run(MULTI_HOP, HOP_STATE, australia);
    const out = renderPrompts(MULTI_HOP, HOP_STATE, australia, { corpora, trace });
    expect(out.steps).toEqual(requests.map((r, i) => ({ step: trace.filter((t) => t.lm)[i]!.stepId, ...sent(r), exact: true, from_trace: true })));
  });

  it('asks for the JSON schema the program sends in json_schema mode, with the JSONAdapter messages', async () => {
    const world = worldLM();
    const lm: LanguageModel = { id: 'json', maxConcurrency: 1, output: createOutputChannel({ requested: 'json_schema' }), call: (r, o) => world.lm.call(r, o) };
    await runProgram(resolveProgram(RAG), RAG_STATE, australia, { lm, corpora });
    const req = world.lm.requests[0]!;
    const out = renderPrompts(RAG, RAG_STATE, australia, { corpora, output: 'json_schema' });
    expect(req.responseFormat?.type).toBe('json_schema');
    const format = req.responseFormat as { name: string; schema: unknown; strict: boolean };
    expect(out.steps[0]).toEqual({ step: 'generate_answer', ...sent(req), response_format: { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, strict: format.strict } }, exact: true });
    expect(out.adapter).toBe('JSONAdapter');
    expect(out.note).toMatch(/JSON object/);
  });

  it('waits for an input that is not given, and for passages that are not at hand', () => {
    const out = renderPrompts(RAG, undefined, {}, {});
    expect(out.steps[0]!.placeholders?.map((p) => p.text)).toEqual(['{{retrieve.passages}}', '{{question}}']);
    expect(out.steps[0]!.messages.at(-1)!.content).toContain('[[ ## question ## ]]\n{{question}}');
  });

  it('types the form\'s text as Try does: numbers for number fields, text for the rest', () => {
    const fields = [{ name: 'n', type: 'number' as const }, { name: 'x' }, { name: 'blank', type: 'number' as const }];
    expect(typedInputs(fields, { n: '5.1', x: '5.1', blank: ' ' })).toEqual({ n: 5.1, x: '5.1', blank: ' ' });
  });
});
