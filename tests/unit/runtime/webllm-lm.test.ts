import { describe, expect, it } from 'vitest';
import { PlaygroundError } from '../../../src/core/errors';
import { WebLLMModel, type LoadProgress } from '../../../src/runtime/webllm-lm';
import type { WebGPUStatus } from '../../../src/runtime/webgpu';
import { FakeEngine, type Step } from './fake-engine';

const MODEL = 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC';
const msgs = [
  { role: 'system' as const, content: 'sys' },
  { role: 'user' as const, content: 'hi' },
];

async function loaded(steps: Step[] = [], opts: { callTimeoutMs?: number; autoReload?: boolean } = {}) {
  const engines: FakeEngine[] = [];
  const model = new WebLLMModel(MODEL, {
    ...opts,
    createEngine: () => {
      const e = new FakeEngine(engines.length === 0 ? steps : []);
      engines.push(e);
      return e;
    },
  });
  await model.load();
  return { model, engines, engine: engines[0]! };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlaygroundError);
  return (err as PlaygroundError).code;
}

describe('WebLLMModel calls', () => {
  it('maps the request to web-llm fields and returns completions and usage', async () => {
    const { model, engine } = await loaded([{ answer: 'hello', finish: 'length' }]);
    expect(model.maxConcurrency).toBe(1);
    expect(model.id).toBe(`webllm:${MODEL}`);
    const res = await model.call({ messages: msgs, temperature: 0.7, maxTokens: 64, seed: 3, stop: ['[[ ## completed ## ]]'], rolloutId: 2 });
    expect(engine.requests[0]).toEqual({ messages: msgs, temperature: 0.7, max_tokens: 64, seed: 3, stop: ['[[ ## completed ## ]]'], stream: false });
    expect(res).toEqual({ completions: ['hello'], usage: { promptTokens: 11, completionTokens: 7 }, model: MODEL, finishReasons: ['length'] });
  });

  it('asks for n completions and returns them all', async () => {
    const { model, engine } = await loaded([{ answer: 'a' }]);
    const res = await model.call({ messages: msgs, n: 3 });
    expect(engine.requests[0]!.n).toBe(3);
    expect(res.completions).toEqual(['a#0', 'a#1', 'a#2']);
  });

  it('abort interrupts the generation and rejects with ABORTED at once', async () => {
    const { model, engine } = await loaded([{ hang: true }]);
    const ctrl = new AbortController();
    const p = model.call({ messages: msgs }, { signal: ctrl.signal });
    setTimeout(() => ctrl.abort(), 10);
    expect(await codeOf(p)).toBe('ABORTED');
    expect(engine.interrupts).toBe(1);
  });

  it('an already-aborted signal sends nothing', async () => {
    const { model, engine } = await loaded();
    const ctrl = new AbortController();
    ctrl.abort();
    expect(await codeOf(model.call({ messages: msgs }, { signal: ctrl.signal }))).toBe('ABORTED');
    expect(engine.requests).toHaveLength(0);
  });

  it('a generation that never returns times out with MODEL_TIMEOUT and is interrupted', async () => {
    const { model, engine } = await loaded([{ hang: true }], { callTimeoutMs: 30 });
    expect(await codeOf(model.call({ messages: msgs }))).toBe('MODEL_TIMEOUT');
    expect(engine.interrupts).toBe(1);
  });

  it.each([
    ['Error: Prompt tokens exceed context window size: number of prompt tokens: 5000; context window size: 4096', 'LM_CONTEXT_LENGTH'],
    ['QuotaExceededError: The quota has been exceeded.', 'STORAGE_QUOTA'],
    ['Error: something odd in the pipeline', 'LM_SERVER'],
  ])('maps the string error %j to %s', async (text, code) => {
    const { model } = await loaded([{ throws: text }]);
    expect(await codeOf(model.call({ messages: msgs }))).toBe(code);
  });

  it('translates responseFormat into web-llm\'s response_format: the schema as a string, JSON mode as any object, nothing otherwise', async () => {
    const { model, engine } = await loaded();
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
    await model.call({ messages: msgs, responseFormat: { type: 'json_schema', name: 'outputs', schema, strict: true } });
    await model.call({ messages: msgs, responseFormat: { type: 'json_object' } });
    await model.call({ messages: msgs });
    expect(engine.requests[0]!.response_format).toEqual({ type: 'json_object', schema: JSON.stringify(schema) });
    expect(typeof engine.requests[0]!.response_format!.schema).toBe('string');
    // web-llm 0.2.86 fails a json_object without a schema (see webllm-validation.test.ts).
    expect(engine.requests[1]!.response_format).toEqual({ type: 'json_object', schema: '{"type":"object"}' });
    expect(engine.requests[2]).not.toHaveProperty('response_format');
  });

  it.each([
    ['GrammarMatcherInitError: Failed to initialize the grammar matcher for response format `json_object`: Aborted(). Build with -sASSERTIONS for more info.'],
    ['GrammarMatcherInitError: Failed to initialize the grammar matcher for response format `json_object`: Cannot pass non-string to std::string'],
    // xgrammar running out of its own (wasm) memory on a schema is still the format failing.
    ['GrammarMatcherInitError: Failed to initialize the grammar matcher for response format `json_object`: Aborted(OOM). Build with -sASSERTIONS for more info.'],
    ['InvalidResponseFormatError: JSON schema is only supported with `json_object` response format.'],
    ['InvalidResponseFormatGrammarError: When ResponseFormat.type is `grammar`, ResponseFormat.grammar needs to be specified.\nWhen ResponseFormat.grammar is specified, ResponseFormat.type needs to be grammar.'],
    ['CustomResponseFormatError: When using Hermes-2-Pro function calling via ChatCompletionRequest.tools, cannot specify customized response_format. We will set it for you internally. Currently set to: {"type":"json_object"}'],
  ])('a refused response format (%j) is LM_FORMAT_UNSUPPORTED, naming the model, without a reload', async (text) => {
    const { model, engines } = await loaded([{ throws: text }]);
    const err = await model.call({ messages: msgs, responseFormat: { type: 'json_object' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlaygroundError);
    expect((err as PlaygroundError).code).toBe('LM_FORMAT_UNSUPPORTED');
    expect((err as PlaygroundError).message).toContain(MODEL);
    expect((err as PlaygroundError).hint).toMatch(/"chat".*"auto"/);
    expect(engines).toHaveLength(1);
  });

  it.each([
    ['Error: Failed to allocate 2 GB: out of memory', 'MODEL_OUT_OF_MEMORY'],
    ['Error: Prompt tokens exceed context window size: number of prompt tokens: 5000; context window size: 4096', 'LM_CONTEXT_LENGTH'],
    ['Error: Expect grammar matcher to be initialized.', 'LM_SERVER'],
    ['Error: something odd in the pipeline', 'LM_SERVER'],
  ])('with a response format asked for, other failures keep their codes: %j is %s', async (text, code) => {
    const { model } = await loaded([{ throws: text }], { autoReload: false });
    expect(await codeOf(model.call({ messages: msgs, responseFormat: { type: 'json_object' } }))).toBe(code);
  });

  it('a worker that dies mid-call is MODEL_ENGINE_DIED even when its reason mentions the grammar', async () => {
    const { model, engine } = await loaded([{ hang: true }], { autoReload: false });
    const p = model.call({ messages: msgs, responseFormat: { type: 'json_object' } });
    setTimeout(() => engine.kill('RuntimeError: unreachable in GrammarMatcherInitError handler'), 5);
    expect(await codeOf(p)).toBe('MODEL_ENGINE_DIED');
  });

  it('device lost during a call: reloads the engine once and continues', async () => {
    const { model, engines } = await loaded([{ throws: 'Error: Device was lost. This can happen due to insufficient memory' }]);
    const res = await model.call({ messages: msgs });
    expect(res.completions).toEqual(['ok']);
    expect(engines).toHaveLength(2);
    expect(engines[0]!.disposed).toBe(true);
    expect(engines[1]!.reloads).toEqual([MODEL]);
  });

  it('device lost without auto reload: MODEL_DEVICE_LOST', async () => {
    const { model } = await loaded([{ throws: 'Error: Device was lost.' }], { autoReload: false });
    expect(await codeOf(model.call({ messages: msgs }))).toBe('MODEL_DEVICE_LOST');
  });

  it('a dying worker rejects a pending call promptly (no hang), and the next call reloads', async () => {
    const { model, engine, engines } = await loaded([{ hang: true }], { autoReload: false });
    const p = model.call({ messages: msgs });
    const t0 = Date.now();
    setTimeout(() => engine.kill('out of memory in worker'), 5);
    expect(await codeOf(p)).toBe('MODEL_ENGINE_DIED');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(model.state).toBe('failed');
    expect(await codeOf(model.call({ messages: msgs }))).toBe('MODEL_ENGINE_DIED');
    await model.reload();
    expect(engines).toHaveLength(2);
    expect((await model.call({ messages: msgs })).completions).toEqual(['ok']);
  });
});

describe('WebLLMModel loading', () => {
  const gpu = (over: Partial<WebGPUStatus>): WebGPUStatus => ({ available: true, shaderF16: false, limits: { maxBufferSize: 0, maxStorageBufferBindingSize: 0, maxComputeWorkgroupStorageSize: 0 }, ...over });

  it('reports progress from 0 to 1 and passes the cache backend and custom models', async () => {
    const engine = new FakeEngine();
    const events: LoadProgress[] = [];
    const model = new WebLLMModel(MODEL, { createEngine: () => engine });
    const modelList = [{ model: 'http://127.0.0.1:1/m', model_id: MODEL, model_lib: 'http://127.0.0.1:1/m.wasm' }];
    await model.load({ onProgress: (p) => events.push(p), appConfig: { model_list: modelList }, cacheBackend: 'indexeddb' });
    expect(model.state).toBe('ready');
    expect(engine.configs).toEqual([{ modelList, cacheBackend: 'indexeddb' }]);
    expect(events.map((e) => e.progress)).toEqual([0, 0.5, 1, 1]);
  });

  it('refuses to start without WebGPU, or an f16 model without shader-f16, before creating a worker', async () => {
    let created = 0;
    const make = (id: string) => new WebLLMModel(id, { createEngine: () => (created++, new FakeEngine()) });
    expect(await codeOf(make(MODEL).load({ gpu: gpu({ available: false, reason: 'no-api' }) }))).toBe('WEBGPU_UNAVAILABLE');
    expect(await codeOf(make('Qwen2.5-0.5B-Instruct-q4f16_1-MLC').load({ gpu: gpu({}) }))).toBe('WEBGPU_UNAVAILABLE');
    expect(created).toBe(0);
  });

  it('a load without progress times out with MODEL_TIMEOUT and ends the worker', async () => {
    const engine = new FakeEngine();
    engine.reloadBehaviour = 'hang';
    const model = new WebLLMModel(MODEL, { createEngine: () => engine, loadStallTimeoutMs: 60 });
    const err = await model.load().catch((e: unknown) => e);
    expect((err as PlaygroundError).code).toBe('MODEL_TIMEOUT');
    expect((err as PlaygroundError).details).toMatchObject({ phase: 'load' });
    expect(engine.disposed).toBe(true);
    expect(model.state).toBe('failed');
  });

  it('a slow engine start does not count against the load stall: the model is requested with the whole stall budget left', async () => {
    const engine = new FakeEngine();
    engine.configureBehaviour = { delayMs: 150 };
    const model = new WebLLMModel(MODEL, { createEngine: () => engine, loadStallTimeoutMs: 60 });
    await model.load();
    expect(engine.reloads).toEqual([MODEL]);
    expect(model.state).toBe('ready');
  });

  it('an engine that never starts times out with MODEL_TIMEOUT in the start phase, before any model request, and is ended', async () => {
    const engine = new FakeEngine();
    engine.configureBehaviour = 'hang';
    const model = new WebLLMModel(MODEL, { createEngine: () => engine, loadStallTimeoutMs: 10, engineStartTimeoutMs: 60 });
    const err = await model.load().catch((e: unknown) => e);
    expect((err as PlaygroundError).code).toBe('MODEL_TIMEOUT');
    expect((err as PlaygroundError).details).toMatchObject({ phase: 'start', timeoutMs: 60 });
    expect(engine.reloads).toEqual([]);
    expect(engine.disposed).toBe(true);
  });

  it.each([
    ["TypeError: Failed to execute 'add' on 'Cache': Request failed", 'MODEL_LOAD_FAILED'],
    ['Error: Cannot fetch http://127.0.0.1/x/resolve/main/mlc-chat-config.json', 'MODEL_LOAD_FAILED'],
    ['CompileError: WebAssembly.Module(): expected magic word 00 61 73 6d', 'MODEL_LOAD_FAILED'],
    ['Error: The WebGPU device was lost while loading the model. This issue often occurs due to running out of memory (OOM).', 'MODEL_OUT_OF_MEMORY'],
    ['Error: This model requires WebGPU extension shader-f16, which is not enabled in this browser.', 'WEBGPU_UNAVAILABLE'],
    ['Error: WebGPU is not supported in your current environment', 'WEBGPU_UNAVAILABLE'],
    ['QuotaExceededError: storage full', 'STORAGE_QUOTA'],
  ])('maps the load error %j to %s', async (text, code) => {
    const engine = new FakeEngine();
    engine.reloadBehaviour = { throws: text };
    const model = new WebLLMModel(MODEL, { createEngine: () => engine });
    const err = await model.load().catch((e: unknown) => e);
    expect((err as PlaygroundError).code).toBe(code);
    expect((err as PlaygroundError).hint).toBeTruthy();
  });

  it('calls before loading fail with a clear code, not a hang', async () => {
    const model = new WebLLMModel(MODEL, { createEngine: () => new FakeEngine() });
    expect(await codeOf(model.call({ messages: msgs }))).toBe('MODEL_LOAD_FAILED');
  });
});
