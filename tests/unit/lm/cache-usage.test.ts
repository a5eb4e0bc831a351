import { describe, expect, it } from 'vitest';
import { cacheKey, emptyUsage, MemoryCacheStore, ScriptedLM, UsageMeter } from '../../../src/core/lm';
import type { LMRequest, LMResponse, UsageSnapshot } from '../../../src/core/lm/types';

const base: LMRequest = { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] };
const response = (text: string): LMResponse => ({ completions: [text], usage: { promptTokens: 1, completionTokens: 1 }, model: 'm' });

describe('cacheKey', () => {
  it('treats undefined parameters, defaults and key order as the same request', () => {
    const k = cacheKey('m', base);
    expect(cacheKey('m', { ...base, temperature: undefined, seed: undefined })).toBe(k);
    expect(cacheKey('m', { ...base, n: 1 })).toBe(k);
    expect(cacheKey('m', { ...base, stop: [] })).toBe(k);
    expect(cacheKey('m', { stop: undefined, messages: base.messages.map((m) => ({ content: m.content, role: m.role })) })).toBe(k);
  });

  it('changes with the model, every message, every sampling parameter and the rollout id', () => {
    const k = cacheKey('m', base);
    const variants: [string, LMRequest][] = [
      ['other-model', base],
      ['m', { ...base, messages: [...base.messages, { role: 'assistant', content: '' }] }],
      ['m', { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi!' }] }],
      ['m', { messages: [{ role: 'user', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] }],
      ['m', { ...base, temperature: 0 }],
      ['m', { ...base, maxTokens: 100 }],
      ['m', { ...base, n: 2 }],
      ['m', { ...base, seed: 0 }],
      ['m', { ...base, stop: ['\n'] }],
      ['m', { ...base, rolloutId: 0 }],
      ['m', { ...base, rolloutId: '0' }],
    ];
    const keys = variants.map(([model, r]) => cacheKey(model, r));
    expect(keys).not.toContain(k);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is stable across calls (a fixed value, so persisted caches stay valid)', () => {
    expect(cacheKey('m', base)).toBe(cacheKey('m', structuredClone(base)));
    expect(cacheKey('m', base)).toMatch(/^[0-9a-f]{28}$/);
  });
});

describe('MemoryCacheStore', () => {
  it('evicts the least recently used entry past its bound', async () => {
    const store = new MemoryCacheStore(2);
    await store.set('a', response('A'));
    await store.set('b', response('B'));
    await store.get('a'); // a is now the most recent
    await store.set('c', response('C'));
    expect(await store.get('b')).toBeUndefined();
    expect((await store.get('a'))?.completions).toEqual(['A']);
    expect((await store.get('c'))?.completions).toEqual(['C']);
    expect(store.size).toBe(2);
  });

  it('returns copies, so a caller mutating an answer cannot corrupt the cache', async () => {
    const store = new MemoryCacheStore();
    await store.set('a', response('A'));
    (await store.get('a'))!.completions.push('junk');
    expect((await store.get('a'))!.completions).toEqual(['A']);
  });
});

describe('UsageMeter', () => {
  it('counts per role and sums tokens', () => {
    const meter = new UsageMeter();
    meter.recordCall('task', { promptTokens: 10, completionTokens: 2 });
    meter.recordCall('task', { promptTokens: 5, completionTokens: 1 });
    meter.recordCacheHit('task');
    meter.recordFailure('proposer');
    meter.recordParseFailure('task');
    const s = meter.snapshot();
    expect(s.task).toEqual({ calls: 2, attempts: 2, cacheHits: 1, failures: 0, parseFailures: 1, promptTokens: 15, completionTokens: 3 });
    expect(s.proposer).toEqual({ calls: 1, attempts: 1, cacheHits: 0, failures: 1, parseFailures: 0, promptTokens: 0, completionTokens: 0 });
    expect(s.judge).toEqual(emptyUsage().judge);
    expect(meter.total()).toMatchObject({ calls: 3, failures: 1, cacheHits: 1, parseFailures: 1 });
  });

  it('snapshots are plain copies and restore continues from them', () => {
    const meter = new UsageMeter();
    meter.recordCall('teacher', { promptTokens: 7, completionTokens: 7 });
    const saved: UsageSnapshot = JSON.parse(JSON.stringify(meter.snapshot()));
    saved.teacher.calls = 99; // mutating a snapshot must not touch the meter
    expect(meter.snapshot().teacher.calls).toBe(1);
    const resumed = new UsageMeter();
    resumed.restore(saved);
    resumed.recordCall('teacher', { promptTokens: 1, completionTokens: 1 });
    expect(resumed.snapshot().teacher).toMatchObject({ calls: 100, promptTokens: 8 });
  });

  it('tells listeners about every change until they unsubscribe', () => {
    const seen: number[] = [];
    const meter = new UsageMeter();
    const stop = meter.subscribe((s) => seen.push(s.judge.cacheHits));
    meter.recordCacheHit('judge');
    meter.recordCacheHit('judge');
    stop();
    meter.recordCacheHit('judge');
    expect(seen).toEqual([1, 2]);
  });
});

describe('ScriptedLM', () => {
  it('answers from the prompt, counts calls, estimates tokens and repeats a single answer for n > 1', async () => {
    const lm = new ScriptedLM((r) => (r.messages.some((m) => m.content.includes('RULE')) ? 'right' : 'wrong'), { id: 'rules' });
    expect((await lm.call({ messages: [{ role: 'system', content: 'RULE: x' }] })).completions).toEqual(['right']);
    const many = await lm.call({ messages: [{ role: 'user', content: '12345678' }], n: 3 });
    expect(many.completions).toEqual(['wrong', 'wrong', 'wrong']);
    expect(many.usage).toEqual({ promptTokens: 2, completionTokens: 6 });
    expect(lm.calls).toBe(2);
    expect(lm.requests[1]!.n).toBe(3);
    expect(lm.id).toBe('rules');
  });

  it('honours abort during its latency', async () => {
    const lm = new ScriptedLM(() => 'x', { latencyMs: 500 });
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 20);
    await expect(lm.call({ messages: [] }, { signal: ctrl.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
