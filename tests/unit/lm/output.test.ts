/**
 * `auto` output: the first call asks for a JSON schema while the others wait; a refusal turns
 * the model to chat for good (and is remembered), an answer confirms the schema, any other
 * failure decides nothing.
 */
import { describe, expect, it } from 'vitest';
import { createOutputChannel, OutputProbe, type OutputDecision, type OutputMemory } from '../../../src/core/lm/output';
import type { ResolvedOutput } from '../../../src/core/lm';

class MapMemory implements OutputMemory {
  readonly map = new Map<string, ResolvedOutput>();
  async get(id: string) {
    return this.map.get(id);
  }
  async set(id: string, output: ResolvedOutput) {
    this.map.set(id, output);
  }
}

describe('OutputProbe', () => {
  it('lets one call probe while the others wait, then gives them all chat after a refusal', async () => {
    const memory = new MapMemory();
    const decisions: OutputDecision[] = [];
    const probe = new OutputProbe('m', memory, (d) => decisions.push(d));
    const first = await probe.begin();
    expect(first.output).toBe('json_schema');
    let waited: ResolvedOutput | undefined;
    const second = probe.begin().then((t) => (waited = t.output));
    await Promise.resolve();
    await Promise.resolve();
    expect(waited).toBeUndefined();
    expect(first.settle('refused', 'HTTP 400: response_format is not supported')).toBe('chat');
    await second;
    expect(waited).toBe('chat');
    expect(probe.output).toBe('chat');
    expect(memory.map.get('m')).toBe('chat');
    expect(decisions).toEqual([{ modelId: 'm', output: 'chat', reason: 'HTTP 400: response_format is not supported', remembered: false }]);
  });

  it('confirms the schema when the first call is answered, and remembers it', async () => {
    const memory = new MapMemory();
    const probe = new OutputProbe('m', memory);
    const turn = await probe.begin();
    expect(turn.settle('accepted')).toBeUndefined();
    expect((await probe.begin()).output).toBe('json_schema');
    expect(memory.map.get('m')).toBe('json_schema');
  });

  it('decides nothing on another failure: the next call probes again', async () => {
    const probe = new OutputProbe('m');
    const first = await probe.begin();
    const next = probe.begin();
    expect(first.settle('failed')).toBeUndefined();
    const second = await next;
    expect(second.output).toBe('json_schema');
    expect(probe.output).toBeUndefined();
    second.settle('accepted');
    expect(probe.output).toBe('json_schema');
  });

  it('starts from what an earlier run found, without probing', async () => {
    const memory = new MapMemory();
    memory.map.set('m', 'chat');
    const decisions: OutputDecision[] = [];
    const probe = new OutputProbe('m', memory, (d) => decisions.push(d));
    const [a, b] = await Promise.all([probe.begin(), probe.begin()]);
    expect([a.output, b.output]).toEqual(['chat', 'chat']);
    expect(decisions).toEqual([{ modelId: 'm', output: 'chat', remembered: true }]);
  });

  it('a memory that cannot be read or written costs nothing but the probe', async () => {
    const broken: OutputMemory = { get: () => Promise.reject(new Error('disk')), set: () => Promise.reject(new Error('disk')) };
    const probe = new OutputProbe('m', broken);
    const turn = await probe.begin();
    expect(turn.output).toBe('json_schema');
    turn.settle('refused');
    expect((await probe.begin()).output).toBe('chat');
  });

  it('a caller waiting for the probe can give up', async () => {
    const probe = new OutputProbe('m');
    await probe.begin();
    const controller = new AbortController();
    const waiting = probe.begin(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('createOutputChannel', () => {
  it('a fixed mode never waits and never retries', async () => {
    const channel = createOutputChannel({ requested: 'chat' });
    const turn = await channel.begin();
    expect(turn.output).toBe('chat');
    expect(turn.settle('refused')).toBeUndefined();
    expect(channel.current()).toBe('chat');
    expect(channel.maxReasoningTokens).toBe(256);
  });

  it('auto reads the shared probe', async () => {
    const probe = new OutputProbe('m');
    const task = createOutputChannel({ requested: 'auto', probe });
    const teacher = createOutputChannel({ requested: 'auto', probe, maxReasoningTokens: 64 });
    expect(task.current()).toBeUndefined();
    (await task.begin()).settle('refused');
    expect(teacher.current()).toBe('chat');
    expect(teacher.maxReasoningTokens).toBe(64);
    expect(() => createOutputChannel({ requested: 'auto' })).toThrow(RangeError);
  });
});
