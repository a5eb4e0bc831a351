/**
 * The local model's warm-up: after a model loads, one short call is timed and reported as the
 * model's measured latency (what the plan turns minutes into calls with). A model that cannot
 * answer it fails its load and is unloaded.
 */
import { describe, expect, it } from 'vitest';
import { PlaygroundError } from '../../../src/core/errors';
import { ScriptedLM } from '../../../src/core/lm';
import type { ModelConfig } from '../../../src/core/runner';
import { LocalModelState } from '../../../src/ui/setup/local-models.svelte';

/** A loaded model answering after `latencyMs`, or failing, that records its unloads. */
function fakeModel(answer: () => string, latencyMs = 20) {
  const lm = new ScriptedLM(answer, { latencyMs });
  let unloaded = 0;
  return { model: Object.assign(lm, { unload: async () => void unloaded++ }), unloads: () => unloaded };
}

describe('local model warm-up', () => {
  it('times one short call after loading and reports it as the model\'s latency', async () => {
    const { model } = fakeModel(() => 'ok');
    const measured: [ModelConfig, number][] = [];
    const local = new LocalModelState({ open: async () => model, onLatency: (m, ms) => measured.push([m, ms]) });
    expect(await local.load('SmolLM2')).toBe(model);
    expect(local.status).toBe('ready');
    expect(model.calls).toBe(1);
    expect(model.requests[0]).toMatchObject({ maxTokens: 8, temperature: 0 });
    expect(local.warmUpMs).toBeGreaterThanOrEqual(15);
    expect(measured).toEqual([[{ provider: 'webllm', model: 'SmolLM2' }, local.warmUpMs]]);
    // Loading the same model again reuses it: no second warm-up.
    await local.load('SmolLM2');
    expect(model.calls).toBe(1);
  });

  it('fails the load, and frees the model, when it cannot answer the warm-up call', async () => {
    const { model, unloads } = fakeModel(() => {
      throw new PlaygroundError('MODEL_DEVICE_LOST', 'The GPU device was lost.');
    });
    const measured: number[] = [];
    const local = new LocalModelState({ open: async () => model, onLatency: (_m, ms) => measured.push(ms) });
    expect(await local.load('SmolLM2')).toBeUndefined();
    expect(local.status).toBe('failed');
    expect(local.error?.code).toBe('MODEL_DEVICE_LOST');
    expect(local.loadedId).toBe('');
    expect(unloads()).toBe(1);
    expect(measured).toEqual([]);
  });
});
