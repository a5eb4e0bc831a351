import { describe, expect, it } from 'vitest';
import { COMPLETED_MARKER } from '../../../src/core/adapter';
import { PlaygroundError } from '../../../src/core/errors';
import { MemoryCacheStore, ScriptedLM, UsageMeter, createAccountedLM, type LanguageModel } from '../../../src/core/lm';
import { createOutputChannel } from '../../../src/core/lm/output';
import { resolveProgram, runProgram } from '../../../src/core/program';
import type { ProgramState } from '../../../src/core/program/types';
import { answer, rejection, systemOf } from './scripted';
import { CORPUS, QA_PROGRAM, QUESTIONS, SHOUT, worldLM } from './world';

const program = resolveProgram(QA_PROGRAM);
const corpora = { wiki: CORPUS };
const australia = { question: 'What is the capital city of Australia?' };

describe('runProgram: query -> retrieve -> answer', () => {
  it('answers every capital question correctly from the retrieved passage', async () => {
    const { lm } = worldLM();
    for (const q of QUESTIONS) {
      const run = await runProgram(program, {}, { question: q.question }, { lm, corpora });
      expect(run.error).toBeUndefined();
      expect(run.prediction).toEqual({ answer: q.answer });
    }
    expect(lm.calls).toBe(2 * QUESTIONS.length);
  });

  it('answers from what retrieval found: without the fact in the corpus, the answer is wrong', async () => {
    const { lm } = worldLM();
    const withoutCanberra = CORPUS.filter((p) => !p.startsWith('Canberra'));
    const run = await runProgram(program, {}, australia, { lm, corpora: { wiki: withoutCanberra } });
    expect(run.prediction.answer).toBe('unknown');
  });

  it('traces every step with its inputs and outputs, in execution order', async () => {
    const { lm } = worldLM();
    const run = await runProgram(program, {}, australia, { lm, corpora });
    expect(run.trace.map((t) => [t.stepId, t.kind])).toEqual([
      ['make_query', 'chain_of_thought'],
      ['search', 'retrieve'],
      ['generate_answer', 'chain_of_thought'],
    ]);
    const [makeQuery, search, generate] = run.trace;
    expect(makeQuery!.inputs).toEqual(australia);
    expect(makeQuery!.outputs).toEqual({ reasoning: 'Search for the content words.', query: 'capital city Australia' });
    expect(search!.inputs).toEqual({ query: 'capital city Australia' });
    expect(search!.outputs.passages).toHaveLength(2);
    expect((search!.outputs.passages as string[])[0]).toMatch(/^Canberra/);
    expect(search!.lm).toBeUndefined();
    expect(generate!.inputs).toEqual({ context: search!.outputs.passages, question: australia.question });
    expect(generate!.outputs.answer).toBe('Canberra');
    expect(generate!.outputs.reasoning).toContain('Canberra is the capital city');
    for (const t of run.trace) {
      expect(t.error).toBeUndefined();
      expect(t.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("records each predictor call exactly as the model received and answered it", async () => {
    const { lm, completions } = worldLM({ id: 'world-model' });
    const run = await runProgram(program, {}, australia, { lm, corpora });
    const calls = run.trace.filter((t) => t.lm);
    expect(calls.map((t) => t.stepId)).toEqual(['make_query', 'generate_answer']);
    calls.forEach((t, i) => {
      expect(t.lm!.messages).toStrictEqual(lm.requests[i]!.messages);
      expect(t.lm!.completion).toBe(completions[i]);
      expect(t.lm!.model).toBe('world-model');
      expect(t.lm!.cached).toBe(false);
      expect(t.lm!.usage.promptTokens).toBeGreaterThan(0);
    });
    // The answer step saw the passages retrieval returned, as the adapter renders a list.
    expect(lm.requests[1]!.messages.at(-1)!.content).toContain(JSON.stringify(run.trace[1]!.outputs.passages).replace(/","/g, '", "'));
  });

  it('marks calls answered from the cache, and a cached run sends no request', async () => {
    const { lm: inner } = worldLM();
    const usage = new UsageMeter();
    const lm = createAccountedLM({ lm: inner, role: 'task', usage, cache: new MemoryCacheStore() });
    const first = await runProgram(program, {}, australia, { lm, corpora });
    const second = await runProgram(program, {}, australia, { lm, corpora });
    expect(second.prediction).toEqual(first.prediction);
    expect(inner.calls).toBe(2);
    expect(first.trace.filter((t) => t.lm).map((t) => t.lm!.cached)).toEqual([false, false]);
    expect(second.trace.filter((t) => t.lm).map((t) => t.lm!.cached)).toEqual([true, true]);
    expect(second.trace[2]!.lm!.completion).toBe(first.trace[2]!.lm!.completion);
    expect(usage.snapshot().task).toMatchObject({ calls: 2, cacheHits: 2 });
  });
});

describe('runProgram: state changes the prompt', () => {
  it('puts the state instruction in the system message, and the model follows it', async () => {
    const { lm } = worldLM();
    const state: ProgramState = { generate_answer: { instruction: `Answer with the city. ${SHOUT}`, demos: [] } };
    const run = await runProgram(program, state, australia, { lm, corpora });
    expect(run.prediction.answer).toBe('CANBERRA');
    expect(systemOf(lm.requests[1]!)).toContain(`your objective is: \n        Answer with the city. ${SHOUT}`);
    // The other predictor keeps its signature's default instruction.
    expect(systemOf(lm.requests[0]!)).not.toContain(SHOUT);
    expect(systemOf(lm.requests[0]!)).toContain('Given the fields `question`, produce the fields `query`.');
  });

  it('renders each demo as a user turn and an assistant turn before the real question', async () => {
    const { lm } = worldLM();
    const demo = { fields: { context: ['Madrid is the capital of Spain.'], question: 'What is the capital of Spain?', reasoning: 'The passage says so.', answer: 'Madrid' } };
    const state: ProgramState = { generate_answer: { instruction: 'Answer with the city.', demos: [demo] } };
    await runProgram(program, state, australia, { lm, corpora });
    const messages = lm.requests[1]!.messages;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[1]!.content).toBe('[[ ## context ## ]]\n["Madrid is the capital of Spain."]\n\n[[ ## question ## ]]\nWhat is the capital of Spain?');
    expect(messages[2]!.content).toBe(`[[ ## reasoning ## ]]\nThe passage says so.\n\n[[ ## answer ## ]]\nMadrid\n\n${COMPLETED_MARKER}\n`);
    expect(messages[3]!.content).toContain(australia.question);
    // Without the demo the same call has two messages.
    expect(lm.requests[0]!.messages.map((m) => m.role)).toEqual(['system', 'user']);
  });
});

describe('runProgram: failures', () => {
  it('returns ADAPTER_PARSE with the failed step and its LM call in the trace', async () => {
    const garbled = 'The capital is probably Canberra, I think.';
    const lm = new ScriptedLM((req) => (req.messages.at(-1)!.content.includes('`[[ ## query ## ]]`') ? answer({ reasoning: 'r', query: 'capital Australia' }) : garbled));
    const run = await runProgram(program, {}, australia, { lm, corpora });
    expect(run.error?.code).toBe('ADAPTER_PARSE');
    expect(run.error?.details).toMatchObject({ completion: garbled, missing: ['reasoning', 'answer'] });
    expect(run.prediction).toEqual({});
    expect(run.trace.map((t) => t.stepId)).toEqual(['make_query', 'search', 'generate_answer']);
    const failed = run.trace[2]!;
    expect(failed.error?.code).toBe('ADAPTER_PARSE');
    expect(failed.outputs).toEqual({});
    expect(failed.inputs.question).toBe(australia.question);
    expect(failed.lm?.completion).toBe(garbled);
    expect(failed.lm?.messages).toStrictEqual(lm.requests[1]!.messages);
  });

  it('stops at the first failing step: later steps do not run', async () => {
    const lm = new ScriptedLM(() => 'no markers here');
    const run = await runProgram(program, {}, australia, { lm, corpora });
    expect(run.error?.code).toBe('ADAPTER_PARSE');
    expect(run.trace.map((t) => t.stepId)).toEqual(['make_query']);
    expect(lm.calls).toBe(1);
  });

  it('returns an LM error (not a throw) with the failed step in the trace', async () => {
    const lm = new ScriptedLM(() => {
      throw new PlaygroundError('LM_SERVER', 'The model server answered 503 Service Unavailable.');
    });
    const run = await runProgram(program, {}, australia, { lm, corpora });
    expect(run.error?.code).toBe('LM_SERVER');
    expect(run.trace).toHaveLength(1);
    expect(run.trace[0]!.error).toEqual(run.error);
  });

  it('says when an unreadable answer was cut off at its token cap, and reports the answer to the model\'s channel', async () => {
    const answered: { unreadable?: unknown; cached?: boolean }[] = [];
    const output = createOutputChannel({ requested: 'chat', maxReasoningTokens: 32, onAnswer: (c) => answered.push({ unreadable: c.unreadable, cached: c.response.cached }) });
    const lm: LanguageModel = {
      id: 'cut',
      maxConcurrency: 1,
      output,
      call: async (req) => ({ completions: ['[[ ## query ## ]]\nthe capital of'], finishReasons: ['length'], usage: { promptTokens: 10, completionTokens: req.maxTokens ?? 0 }, model: 'cut' }),
    };
    const run = await runProgram(program, {}, australia, { lm, corpora });
    expect(run.error?.code).toBe('ADAPTER_PARSE');
    expect(run.error?.message).toMatch(/cut off at its limit of \d+ tokens/);
    expect(run.error?.hint).toMatch(/maxReasoningTokens/);
    expect(run.error?.details).toMatchObject({ cutOff: true, completion: '[[ ## query ## ]]\nthe capital of' });
    expect(run.trace[0]!.lm).toMatchObject({ finishReason: 'length', maxTokens: expect.any(Number) });
    expect(answered).toEqual([{ unreadable: expect.objectContaining({ code: 'ADAPTER_PARSE' }), cached: undefined }]);
  });

  it('returns PROGRAM_MISSING_INPUT without calling the model when an input is missing', async () => {
    const { lm } = worldLM();
    const run = await runProgram(program, {}, { query: 'capital Australia' }, { lm, corpora });
    expect(run.error?.code).toBe('PROGRAM_MISSING_INPUT');
    expect(run.error?.details).toEqual({ input: 'question' });
    expect(run.trace).toEqual([]);
    expect(lm.calls).toBe(0);
  });

  it('returns PROGRAM_MISSING_CORPUS at the retrieve step when the named corpus is not given', async () => {
    const { lm } = worldLM();
    const run = await runProgram(program, {}, australia, { lm, corpora: { other: CORPUS } });
    expect(run.error?.code).toBe('PROGRAM_MISSING_CORPUS');
    expect(run.error?.details).toEqual({ step: 'search', corpus: 'wiki' });
    expect(run.trace.map((t) => [t.stepId, t.error?.code])).toEqual([
      ['make_query', undefined],
      ['search', 'PROGRAM_MISSING_CORPUS'],
    ]);
    expect(lm.calls).toBe(1);
  });

  it('throws ABORTED when cancelled before it starts', async () => {
    const { lm } = worldLM();
    const controller = new AbortController();
    controller.abort();
    const err = await rejection(runProgram(program, {}, australia, { lm, corpora, signal: controller.signal }));
    expect(err.code).toBe('ABORTED');
    expect(lm.calls).toBe(0);
  });

  it('throws ABORTED when cancelled during an LM call, and makes no further call', async () => {
    const controller = new AbortController();
    const { lm } = worldLM({ latencyMs: 50 });
    const pending = runProgram(program, {}, australia, { lm, corpora, signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    const err = await rejection(pending);
    expect(err.code).toBe('ABORTED');
    expect(lm.calls).toBe(1);
  });
});

describe('runProgram: request parameters', () => {
  it('passes temperature, max tokens and rollout id to every predictor call', async () => {
    const { lm } = worldLM();
    const run = await runProgram(program, {}, australia, { lm, corpora, temperature: 0.7, maxTokens: 256, rolloutId: 3 });
    expect(lm.requests).toHaveLength(2);
    for (const req of lm.requests) expect(req).toMatchObject({ temperature: 0.7, maxTokens: 256, rolloutId: 3 });
    expect(run.trace.filter((t) => t.lm).map((t) => t.lm!.temperature)).toEqual([0.7, 0.7]);
  });

  it('defaults to temperature 0 with no rollout id, a token cap from the signature and a stop at the completed marker', async () => {
    const { lm } = worldLM();
    await runProgram(program, {}, australia, { lm, corpora });
    const req = lm.requests[0]!;
    expect(req.temperature).toBe(0);
    expect('rolloutId' in req).toBe(false);
    expect(req.stop).toEqual(['[[ ## completed ## ]]']);
    expect(req.responseFormat).toBeUndefined();
    expect(req.maxTokens).toBeGreaterThan(0);
  });

  it('a different rollout id is a different cache entry (deliberate resampling)', async () => {
    const { lm: inner } = worldLM();
    const lm = createAccountedLM({ lm: inner, role: 'teacher', usage: new UsageMeter(), cache: new MemoryCacheStore() });
    await runProgram(program, {}, australia, { lm, corpora, temperature: 1, rolloutId: 1 });
    await runProgram(program, {}, australia, { lm, corpora, temperature: 1, rolloutId: 1 });
    expect(inner.calls).toBe(2);
    await runProgram(program, {}, australia, { lm, corpora, temperature: 1, rolloutId: 2 });
    expect(inner.calls).toBe(4);
  });
});
