/**
 * The local model as the optimizer worker reaches it: createModel's webllm client (optimizer
 * worker) -> comlink -> the page's bridge -> WebLLMModel -> the engine. comlink copies the
 * request with the structured clone algorithm; `structuredClone` stands in for it here.
 */
import { describe, expect, it } from 'vitest';
import type { LMRequest } from '../../../src/core/lm/types';
import type { LocalModelBridge } from '../../../src/protocol/optimizer';
import { createLocalModelBridge } from '../../../src/runtime/local-model-bridge';
import { WebLLMModel } from '../../../src/runtime/webllm-lm';
import { createModel } from '../../../src/workers/run-models';
import { FakeEngine } from './fake-engine';

const MODEL = 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC';

/** A bridge whose calls cross a (simulated) worker boundary both ways. */
function overBoundary(bridge: LocalModelBridge): LocalModelBridge {
  return {
    call: async (request) => structuredClone(await bridge.call(structuredClone(request))),
    interrupt: () => bridge.interrupt(),
  };
}

async function localModel() {
  const engine = new FakeEngine([{ answer: '{"answer": "4"}' }, { answer: '{}' }, { answer: 'x' }]);
  const model = new WebLLMModel(MODEL, { createEngine: () => engine });
  await model.load();
  return { engine, lm: createModel({ provider: 'webllm', model: MODEL }, overBoundary(createLocalModelBridge(model))) };
}

describe('responseFormat through the page bridge', () => {
  it('reaches web-llm as response_format; context and rollout id stay behind', async () => {
    const { engine, lm } = await localModel();
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
    const base: LMRequest = { messages: [{ role: 'user', content: '2+2?' }], rolloutId: 3, context: { phase: 'search', trialIndex: 1 } };
    const res = await lm.call({ ...base, responseFormat: { type: 'json_schema', name: 'outputs', schema, strict: true } });
    await lm.call({ ...base, responseFormat: { type: 'json_object' } });
    await lm.call(base);
    expect(res.completions).toEqual(['{"answer": "4"}']);
    expect(engine.requests.map((r) => r.response_format)).toEqual([{ type: 'json_object', schema: JSON.stringify(schema) }, { type: 'json_object', schema: '{"type":"object"}' }, undefined]);
    expect(engine.requests[2]).not.toHaveProperty('response_format');
    // What goes on to web-llm's worker is cloneable as it is (the schema is already a string).
    expect(structuredClone(engine.requests[0])).toEqual(engine.requests[0]);
    for (const r of engine.requests) expect(Object.keys(r).filter((k) => k === 'rolloutId' || k === 'context')).toEqual([]);
  });

  it("a refused format comes back across the boundary as LM_FORMAT_UNSUPPORTED, the code the engine's fallback looks for", async () => {
    const engine = new FakeEngine([{ throws: 'GrammarMatcherInitError: Failed to initialize the grammar matcher for response format `json_object`: Aborted(). Build with -sASSERTIONS for more info.' }]);
    const model = new WebLLMModel(MODEL, { createEngine: () => engine });
    await model.load();
    const lm = createModel({ provider: 'webllm', model: MODEL }, overBoundary(createLocalModelBridge(model)));
    await expect(lm.call({ messages: [{ role: 'user', content: 'hi' }], responseFormat: { type: 'json_object' } })).rejects.toMatchObject({ code: 'LM_FORMAT_UNSUPPORTED' });
  });
});
