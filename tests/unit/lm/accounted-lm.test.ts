import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PlaygroundError } from '../../../src/core/errors';
import { createAccountedLM, MemoryCacheStore, OpenAICompatibleLM, ScriptedLM, UsageMeter } from '../../../src/core/lm';
import type { LMRequest } from '../../../src/core/lm/types';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';

const ask = (content: string, extra: Partial<LMRequest> = {}): LMRequest => ({ messages: [{ role: 'user', content }], ...extra });
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createAccountedLM with a scripted model', () => {
  it('answers an identical request from the cache: one call, then cache hits', async () => {
    const inner = new ScriptedLM((r) => `answer to ${r.messages[0]!.content}`);
    const usage = new UsageMeter();
    const lm = createAccountedLM({ lm: inner, role: 'task', usage, cache: new MemoryCacheStore() });
    const first = await lm.call(ask('q1'));
    const second = await lm.call(ask('q1', { temperature: undefined }));
    expect(first.cached).toBeUndefined();
    expect(second.cached).toBe(true);
    expect(second.completions).toEqual(first.completions);
    expect(inner.calls).toBe(1);
    expect(usage.snapshot().task).toMatchObject({ calls: 1, cacheHits: 1, failures: 0 });
    expect(lm.id).toBe(inner.id);
    expect(lm.maxConcurrency).toBe(inner.maxConcurrency);
  });

  it('sends two concurrent identical requests once', async () => {
    const inner = new ScriptedLM(() => 'same', { latencyMs: 30 });
    const usage = new UsageMeter();
    const lm = createAccountedLM({ lm: inner, role: 'task', usage, cache: new MemoryCacheStore() });
    const results = await Promise.all([lm.call(ask('q')), lm.call(ask('q')), lm.call(ask('q'))]);
    expect(inner.calls).toBe(1);
    expect(results.map((r) => r.completions[0])).toEqual(['same', 'same', 'same']);
    expect(results.filter((r) => r.cached)).toHaveLength(2);
    expect(usage.snapshot().task).toMatchObject({ calls: 1, cacheHits: 2 });
  });

  it('shares in-flight requests across roles that use the same model', async () => {
    const inner = new ScriptedLM(() => 'x', { latencyMs: 20 });
    const usage = new UsageMeter();
    const cache = new MemoryCacheStore();
    const task = createAccountedLM({ lm: inner, role: 'task', usage, cache });
    const teacher = createAccountedLM({ lm: inner, role: 'teacher', usage, cache });
    await Promise.all([task.call(ask('q')), teacher.call(ask('q'))]);
    expect(inner.calls).toBe(1);
    const s = usage.snapshot();
    expect(s.task.calls + s.teacher.calls).toBe(1);
    expect(s.task.cacheHits + s.teacher.cacheHits).toBe(1);
  });

  it('makes a new entry for a new rollout id or different sampling parameters', async () => {
    const inner = new ScriptedLM(() => 'x');
    const usage = new UsageMeter();
    const lm = createAccountedLM({ lm: inner, role: 'proposer', usage, cache: new MemoryCacheStore() });
    await lm.call(ask('q', { temperature: 1 }));
    await lm.call(ask('q', { temperature: 1, rolloutId: 1 }));
    await lm.call(ask('q', { temperature: 1, rolloutId: 2 }));
    await lm.call(ask('q', { temperature: 0.5 }));
    await lm.call(ask('q', { temperature: 1, rolloutId: 1 }));
    expect(inner.calls).toBe(4);
    expect(usage.snapshot().proposer).toMatchObject({ calls: 4, cacheHits: 1 });
  });

  it('counts failures as calls, does not cache them, and tries again next time', async () => {
    let fail = true;
    const inner = new ScriptedLM(() => {
      if (fail) throw new PlaygroundError('LM_SERVER', 'boom');
      return 'ok';
    });
    const usage = new UsageMeter();
    const lm = createAccountedLM({ lm: inner, role: 'judge', usage, cache: new MemoryCacheStore() });
    await expect(lm.call(ask('q'))).rejects.toMatchObject({ code: 'LM_SERVER' });
    fail = false;
    expect((await lm.call(ask('q'))).completions).toEqual(['ok']);
    expect(inner.calls).toBe(2);
    expect(usage.snapshot().judge).toMatchObject({ calls: 2, failures: 1, cacheHits: 0 });
  });

  it('accounts tokens of sent requests only', async () => {
    const inner = new ScriptedLM(() => 'abcdefgh'); // 2 completion tokens
    const usage = new UsageMeter();
    const lm = createAccountedLM({ lm: inner, role: 'task', usage, cache: new MemoryCacheStore() });
    await lm.call(ask('1234567890123456')); // 4 prompt tokens
    await lm.call(ask('1234567890123456'));
    expect(usage.snapshot().task).toMatchObject({ calls: 1, cacheHits: 1, promptTokens: 4, completionTokens: 2 });
  });

  it('lets one caller give up without cancelling the request another caller still waits for', async () => {
    const inner = new ScriptedLM(() => 'shared', { latencyMs: 60 });
    const usage = new UsageMeter();
    const lm = createAccountedLM({ lm: inner, role: 'task', usage, cache: new MemoryCacheStore() });
    const ctrl = new AbortController();
    const quitter = lm.call(ask('q'), { signal: ctrl.signal });
    const stayer = lm.call(ask('q'));
    await tick(10);
    ctrl.abort();
    await expect(quitter).rejects.toMatchObject({ code: 'ABORTED' });
    expect((await stayer).completions).toEqual(['shared']);
    expect(inner.calls).toBe(1);
  });

  it('cancels the request when its only caller aborts, and a later identical call starts afresh', async () => {
    const inner = new ScriptedLM(() => 'late', { latencyMs: 200 });
    const usage = new UsageMeter();
    const lm = createAccountedLM({ lm: inner, role: 'task', usage, cache: new MemoryCacheStore() });
    const ctrl = new AbortController();
    const call = lm.call(ask('q'), { signal: ctrl.signal });
    await tick(10);
    const t0 = performance.now();
    ctrl.abort();
    await expect(call).rejects.toMatchObject({ code: 'ABORTED' });
    expect(performance.now() - t0).toBeLessThan(50);
    expect(usage.snapshot().task).toMatchObject({ calls: 0, failures: 0 });
    const fresh = inner.calls;
    await expect(lm.call(ask('q'))).resolves.toMatchObject({ completions: ['late'] });
    expect(inner.calls).toBe(fresh + 1);
  });

  it('keeps working when the cache store breaks', async () => {
    const inner = new ScriptedLM(() => 'ok');
    const broken = { get: () => Promise.reject(new Error('disk')), set: () => Promise.reject(new Error('disk')) };
    const lm = createAccountedLM({ lm: inner, role: 'task', usage: new UsageMeter(), cache: broken });
    expect((await lm.call(ask('q'))).completions).toEqual(['ok']);
  });
});

describe('createAccountedLM over HTTP', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer({ handler: (b) => `re: ${b.messages?.[0]?.content}` });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());

  it('sends an identical request to the server once, sequentially and concurrently', async () => {
    const usage = new UsageMeter();
    const http = new OpenAICompatibleLM({ baseURL: server.url, model: 'scripted-model' });
    const lm = createAccountedLM({ lm: http, role: 'task', usage, cache: new MemoryCacheStore() });
    await lm.call(ask('a'));
    await lm.call(ask('a'));
    await Promise.all([lm.call(ask('b')), lm.call(ask('b')), lm.call(ask('b'))]);
    expect(server.requests.map((r) => (r.body as { messages: { content: string }[] }).messages[0]!.content)).toEqual(['a', 'b']);
    expect(usage.snapshot().task).toMatchObject({ calls: 2, cacheHits: 3, failures: 0 });
  });

  it('counts an HTTP failure once as a failed call', async () => {
    server.setHandler(() => ({ status: 400, body: { error: { message: 'nope' } } }));
    const usage = new UsageMeter();
    const http = new OpenAICompatibleLM({ baseURL: server.url, model: 'scripted-model' });
    const lm = createAccountedLM({ lm: http, role: 'teacher', usage, cache: new MemoryCacheStore() });
    await expect(lm.call(ask('z'))).rejects.toMatchObject({ code: 'LM_BAD_REQUEST' });
    expect(usage.snapshot().teacher).toMatchObject({ calls: 1, failures: 1, cacheHits: 0 });
  });
});
