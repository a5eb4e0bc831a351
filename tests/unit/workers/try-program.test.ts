/**
 * "Try the program" in the optimizer worker's service, in Node (fake IndexedDB, the scripted
 * OpenAI-compatible server as the task model): one typed input runs through the optimized
 * program and its baseline, each answer with its reasoning and its calls' messages exactly
 * as sent; the same input again answers from the LM cache runs use, sending nothing; the key
 * reaches the server and nothing stored; a 401 and an unreadable answer come back as typed
 * errors on the answers.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildFromTemplate, initialState, resolveProgram, type ProgramState } from '../../../src/core/program';
import type { TryAnswer, TryRequest } from '../../../src/core/runner';
import { openPromptLabDB } from '../../../src/storage';
import { createOptimizerService } from '../../../src/workers/optimizer-service';
import { IRIS_SIGNATURE, irisHandler } from '../../fixtures/iris-world';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';

const KEY = 'sk-live-NEVER-STORE-ME-7';
const RULE = 'Decide by petal length: under 2.5 cm is setosa, under 4.9 cm is versicolor, otherwise virginica.';
const spec = buildFromTemplate({ template: 'chain_of_thought', signature: IRIS_SIGNATURE });
const stepId = spec.steps[0]!.id;
const baseline = initialState(resolveProgram(spec));
const optimized: ProgramState = { [stepId]: { instruction: RULE, demos: [] } };
const flower = { sepal_length: '6.3', sepal_width: '3.3', petal_length: '6.0', petal_width: '2.5' };

function request(url: string, inputs: Record<string, string> = flower): TryRequest {
  return { spec, states: { optimized, baseline }, inputs, model: { provider: 'openai-compatible', baseURL: url, model: 'task-model', apiKey: KEY, output: 'chat', maxRetries: 0 } };
}

function answers(out: { ok: boolean; value?: TryAnswer[]; error?: unknown }): TryAnswer[] {
  expect(out.ok, JSON.stringify(out.error)).toBe(true);
  return out.value!;
}

describe('try the program (optimizer service)', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer({ handler: irisHandler });
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => {
    server.setHandler(irisHandler);
    server.reset();
  });

  it('answers with the optimized program and the baseline, each with its reasoning and messages as sent', async () => {
    const service = createOptimizerService(() => openPromptLabDB('try-both'));
    const [opt, base] = answers(await service.tryProgram(request(server.url)));
    expect(opt!.which).toBe('optimized');
    expect(opt!.prediction).toEqual({ species: 'virginica' });
    expect(opt!.reasoning).toBeTruthy();
    expect(base!.which).toBe('baseline');
    expect(base!.prediction).toEqual({ species: 'setosa' });
    // The messages exactly as sent: the optimized instruction is in the optimized call only.
    const sent = server.requests.map((r) => JSON.stringify((r.body as { messages: unknown }).messages));
    expect(sent).toEqual([JSON.stringify(opt!.trace[0]!.lm!.messages), JSON.stringify(base!.trace[0]!.lm!.messages)]);
    expect(opt!.trace[0]!.lm!.messages[0]!.content).toContain(RULE);
    expect(base!.trace[0]!.lm!.messages[0]!.content).not.toContain(RULE);
    // Typed text becomes the number a dataset row would hold, so the prompt reads "6.0" as 6.
    expect(opt!.trace[0]!.inputs.petal_length).toBe(6);
  });

  it('answers the same input again from the cache, sending nothing, and stores no key', async () => {
    const service = createOptimizerService(() => openPromptLabDB('try-cache'));
    answers(await service.tryProgram(request(server.url)));
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    // A fresh service (a reloaded page's worker) reads the same IndexedDB cache.
    const again = createOptimizerService(() => openPromptLabDB('try-cache'));
    const [opt, base] = answers(await again.tryProgram(request(server.url)));
    expect(server.requests).toHaveLength(2);
    expect(opt!.trace[0]!.lm!.cached).toBe(true);
    expect(base!.trace[0]!.lm!.cached).toBe(true);
    expect(opt!.prediction).toEqual({ species: 'virginica' });
    const db = await openPromptLabDB('try-cache');
    const stored = JSON.stringify([await db.getAll('lmCache'), await db.getAll('traces'), await db.getAll('runs')]);
    db.close();
    expect(stored).toContain('virginica');
    expect(stored).not.toContain(KEY);
    expect(JSON.stringify([opt, base])).not.toContain(KEY);
  });

  it('gives a 401 and an unreadable answer back as typed errors on the answers, and caches neither', async () => {
    const service = createOptimizerService(() => openPromptLabDB('try-errors'));
    server.setHandler(() => ({ status: 401 }));
    const [opt401, base401] = answers(await service.tryProgram(request(server.url)));
    expect(opt401!.error?.code).toBe('LM_AUTH');
    expect(base401!.error?.code).toBe('LM_AUTH');
    expect(opt401!.prediction).toEqual({});

    server.setHandler(() => 'I think it is a flower.');
    const [unreadable] = answers(await service.tryProgram(request(server.url, { ...flower, petal_length: '1.1' })));
    expect(unreadable!.error?.code).toBe('ADAPTER_PARSE');
    // The answer that could not be read is kept, for the user to see what the model said.
    expect(unreadable!.trace[0]!.lm!.completion).toBe('I think it is a flower.');

    server.setHandler(irisHandler);
    const before = server.requests.length;
    const [ok] = answers(await service.tryProgram(request(server.url, { ...flower, petal_length: '1.1' })));
    expect(server.requests.length).toBe(before + 2);
    expect(ok!.prediction).toEqual({ species: 'setosa' });
  });

  it('runs only the states it is given (the workspace has one program)', async () => {
    const service = createOptimizerService(() => openPromptLabDB('try-one'));
    const out = answers(await service.tryProgram({ ...request(server.url), states: { current: optimized } }));
    expect(out.map((a) => a.which)).toEqual(['current']);
    expect(server.requests).toHaveLength(1);
  });
});
