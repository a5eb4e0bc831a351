/**
 * The latency probe: one tiny call sent to the raw model, timed; what Test connection, the
 * local model's warm-up and the headless runner measure a model's time per call with.
 */
import { describe, expect, it } from 'vitest';
import { probeLatency, ScriptedLM } from '../../../src/core/lm';

describe('probeLatency', () => {
  it('sends one short request and reports its round trip and the answer', async () => {
    const lm = new ScriptedLM(() => 'ok', { latencyMs: 30 });
    const probe = await probeLatency(lm);
    expect(lm.calls).toBe(1);
    expect(lm.requests[0]).toMatchObject({ temperature: 0, maxTokens: 8 });
    expect(probe.reply).toBe('ok');
    // The scripted model waits 30 ms; timers may fire a little early, never much.
    expect(probe.latencyMs).toBeGreaterThanOrEqual(25);
  });

  it('rejects as the model does, and reports at least 1 ms for an instant answer', async () => {
    await expect(probeLatency(new ScriptedLM(() => { throw new Error('down'); }))).rejects.toThrow('down');
    expect((await probeLatency(new ScriptedLM(() => 'ok'))).latencyMs).toBeGreaterThanOrEqual(1);
  });
});
