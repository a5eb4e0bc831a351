/**
 * The "Try the program" panel's state and helpers: without a task model nothing is sent and
 * the error names the model to set up; a failed try keeps what was typed; a late answer of an
 * older try never replaces a newer one's; the requests that cross to the worker are plain
 * data; long-text fields get a multi-line box; a run's try compares its optimized program
 * with the program it started from, on its task model with the key put back from Models.
 */
import { describe, expect, it } from 'vitest';
import { buildFromTemplate, initialState, resolveProgram } from '../../../src/core/program';
import type { RunSummary, TryAnswer, TryRequest } from '../../../src/core/runner';
import { ModelsState } from '../../../src/ui/setup/models-state.svelte';
import type { Outcome } from '../../../src/ui/state/outcome';
import { runTarget, shareTarget } from '../../../src/ui/try/targets';
import { TryState, type TryTarget } from '../../../src/ui/try/try-state.svelte';
import { isMultiline, lastLineIndex } from '../../../src/ui/try/try-view';

const spec = buildFromTemplate({ template: 'chain_of_thought', signature: 'question, context -> answer' });
const state = initialState(resolveProgram(spec));
const model = { provider: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:9/v1', model: 'm' };
const target: TryTarget = { spec, states: { current: state }, model };
const answer = (text: string): TryAnswer[] => [{ which: 'current', prediction: { answer: text }, trace: [] }];

/** A runner whose answers the test releases one by one. */
function heldRunner() {
  const calls: { request: TryRequest; resolve: (o: Outcome<TryAnswer[]>) => void }[] = [];
  const runner = (request: TryRequest) => new Promise<Outcome<TryAnswer[]>>((resolve) => calls.push({ request, resolve }));
  return { calls, runner };
}

describe('TryState', () => {
  it('sends nothing without a task model, and names the model the program was optimized with', async () => {
    const { calls, runner } = heldRunner();
    const s = new TryState(runner);
    s.values.question = 'Why?';
    await s.run({ ...target, model: undefined, wantedModel: 'task-model' });
    expect(calls).toHaveLength(0);
    expect(s.error?.code).toBe('CONFIG_INVALID');
    expect(s.error?.message).toContain('task-model');
    expect(s.values.question).toBe('Why?');
  });

  it('keeps what was typed through a failure, and drops a late answer of an older try', async () => {
    const { calls, runner } = heldRunner();
    const s = new TryState(runner);
    s.values.question = 'first';
    const first = s.run(target);
    expect(s.running).toBe(true);
    s.values.question = 'second';
    const second = s.run(target);
    expect(calls.map((c) => c.request.inputs.question)).toEqual(['first', 'second']);
    // Every input is sent, the empty ones as empty text; the request is plain data.
    expect(calls[0]!.request.inputs).toEqual({ question: 'first', context: '' });
    expect(structuredClone(calls[1]!.request)).toEqual(calls[1]!.request);
    calls[1]!.resolve({ ok: false, error: { code: 'LM_AUTH', message: '401', hint: 'check the key' } });
    await second;
    calls[0]!.resolve({ ok: true, value: answer('stale') });
    await first;
    expect(s.answers).toBeUndefined();
    expect(s.error?.code).toBe('LM_AUTH');
    expect(s.running).toBe(false);
    expect(s.values.question).toBe('second');
  });
});

describe('try helpers', () => {
  it('gives long-text fields a multi-line box and short ones a line', () => {
    expect(isMultiline({ name: 'context' })).toBe(true);
    expect(isMultiline({ name: 'passages' })).toBe(true);
    expect(isMultiline({ name: 'notes_text' })).toBe(true);
    expect(isMultiline({ name: 'q', description: 'a long document to summarize' })).toBe(true);
    expect(isMultiline({ name: 'items', type: 'list' })).toBe(true);
    expect(isMultiline({ name: 'question' })).toBe(false);
    expect(isMultiline({ name: 'petal_length', type: 'number' })).toBe(false);
    expect(isMultiline({ name: 'context', type: 'number' })).toBe(false);
    expect(lastLineIndex([{ name: 'question' }, { name: 'context' }])).toBe(0);
    expect(lastLineIndex([{ name: 'context' }])).toBe(-1);
  });

  it("compares a run's optimized program with the program it started from, on its task model with the key from Models", () => {
    const models = new ModelsState();
    models.endpoints[0]!.apiKey = 'sk-test';
    const optimized = { [spec.steps[0]!.id]: { instruction: 'Answer well.', demos: [] } };
    const config = { program: { spec }, models: { task: { provider: 'openai-compatible', baseURL: 'https://api.openai.com/v1', model: 'gpt-4o-mini' } } };
    const result = { program: { spec, state: optimized }, config } as unknown as RunSummary;
    const t = runTarget(result, undefined, models);
    expect(t.states).toEqual({ optimized, baseline: state });
    expect(t.model).toMatchObject({ model: 'gpt-4o-mini', apiKey: 'sk-test' });
    // Without its key, a service that needs one is not set up: the try names the model instead.
    models.endpoints[0]!.apiKey = '';
    expect(runTarget(result, undefined, models).model).toBeUndefined();
    expect(runTarget(result, undefined, models).wantedModel).toBe('gpt-4o-mini');
    const shared = shareTarget({ v: 1, spec, state: optimized, meta: { model: 'task-model' } }, models);
    expect(shared.model).toBeUndefined();
    expect(shared.wantedModel).toBe('task-model');
  });
});
