/**
 * A model that answers some calls with unusable 200s (an empty answer, prose without the
 * format) must not poison the LM cache: a rerun against the healthy server re-asks exactly
 * those calls and nothing it could already read.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCacheStore, OpenAICompatibleLM, type UsageSnapshot } from '../../../src/core/lm';
import { executeRun, type ModelConfig, type RunConfig, type RunEvent, type RunResult } from '../../../src/core/runner';
import { hashString32 } from '../../../src/core/util/random';
import { FileCacheStore } from '../../../src/node/file-cache-store';
import { fixtureData } from '../../fixtures/fixture-data';
import { irisHandler, irisRunConfig } from '../../fixtures/iris-world';
import { startFaultProxy } from '../../fixtures/fault-proxy';
import { startScriptedServer, type ChatCompletionBody, type ScriptedServer } from '../../fixtures/scripted-server';

const IRIS = fixtureData('iris/all.jsonl').text;

/** A task request's identity: its messages and response format (what the cache keys on, bar the model). */
function requestId(body: ChatCompletionBody): string {
  return JSON.stringify([body.messages, body.response_format ?? null, body.stop ?? null, body.max_tokens ?? null, body.temperature ?? null]);
}

function createLM(cfg: ModelConfig) {
  if (cfg.provider !== 'openai-compatible') throw new Error('openai-compatible only');
  return new OpenAICompatibleLM({ baseURL: cfg.baseURL, model: cfg.model, maxConcurrency: 4, backoffBaseMs: 1 });
}

describe('unusable answers stay out of the LM cache', () => {
  let server: ScriptedServer;
  let healthy = false;
  const unusable = new Set<string>();
  beforeAll(async () => {
    server = await startScriptedServer({
      handler: (body, ctx) => {
        const task = body.model === 'task-model';
        if (task && !healthy && hashString32(requestId(body)) % 10 < 3) {
          unusable.add(requestId(body));
          // Half empty answers, half prose: both 200s the program cannot read.
          return hashString32(requestId(body)) % 2 === 0 ? '' : 'I am not sure which flower this is.';
        }
        return irisHandler(body, ctx);
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function twice(optimizer: RunConfig['optimizer']): Promise<{ first: RunResult; second: RunResult; firstIds: string[]; secondIds: string[] }> {
    const base = irisRunConfig(IRIS, server.url);
    const cfg: RunConfig = { ...base, optimizer, models: { ...base.models, task: { ...base.models.task, output: 'chat' } } };
    const dir = mkdtempSync(join(tmpdir(), 'cache-poison-'));
    const ids = () => server.requests.map((r) => r.body as ChatCompletionBody).filter((b) => b?.model === 'task-model').map(requestId);
    healthy = false;
    unusable.clear();
    server.reset();
    let cache = await FileCacheStore.open(dir);
    const first = await executeRun(cfg, { createLM, cache });
    await cache.close();
    const firstIds = ids();
    healthy = true;
    server.reset();
    cache = await FileCacheStore.open(dir);
    const second = await executeRun(cfg, { createLM, cache });
    await cache.close();
    return { first, second, firstIds, secondIds: ids() };
  }

  it('an evaluation rerun re-asks exactly the calls that were unusable', async () => {
    const { first, second, secondIds } = await twice({ kind: 'none' });
    expect(first.usage.task.parseFailures).toBeGreaterThan(5);
    expect(unusable.size).toBe(first.usage.task.parseFailures);
    expect(new Set(secondIds)).toEqual(unusable);
    expect(second.usage.task.parseFailures).toBe(0);
    expect(second.scores.val).toBeGreaterThan(first.scores.val);
  });

  it('an optimizer rerun never re-asks a call whose answer it could read', async () => {
    const { first, secondIds, firstIds } = await twice({ kind: 'mipro_v2', auto: 'light', numTrials: 4 });
    expect(first.usage.task.parseFailures + first.usage.teacher.parseFailures).toBeGreaterThan(5);
    const readable = new Set(firstIds.filter((id) => !unusable.has(id)));
    expect(secondIds.filter((id) => readable.has(id))).toEqual([]);
    expect(secondIds.some((id) => unusable.has(id))).toBe(true);
  });

  it('a run resumed after the server recovered takes the path of the uninterrupted run: its checkpoints carry the unreadable answers', async () => {
    const base = irisRunConfig(IRIS, server.url);
    const cfg: RunConfig = { ...base, optimizer: { kind: 'mipro_v2', auto: 'light', numTrials: 6 }, models: { ...base.models, task: { ...base.models.task, output: 'chat' } } };
    const isCheckpoint = (e: RunEvent) => e.type === 'optimizer' && e.event.type === 'checkpoint';
    // Reference: the server recovers at the third checkpoint, and the run goes on.
    healthy = false;
    let seen = 0;
    const reference = await executeRun(cfg, { createLM, onEvent: (e) => { if (isCheckpoint(e) && ++seen === 3) healthy = true; } });
    expect(reference.usage.task.parseFailures + reference.usage.teacher.parseFailures).toBeGreaterThan(3);

    // Interrupted at the third checkpoint, resumed once the server has recovered.
    healthy = false;
    seen = 0;
    const cache = new MemoryCacheStore();
    const controller = new AbortController();
    let saved: { checkpoint: unknown; usage: UsageSnapshot } | undefined;
    const onEvent = (e: RunEvent) => {
      if (!isCheckpoint(e) || ++seen !== 3 || e.type !== 'optimizer') return;
      saved = { checkpoint: (e.event as { checkpoint: unknown }).checkpoint, usage: e.usage! };
      controller.abort();
    };
    await expect(executeRun(cfg, { createLM, cache, onEvent, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    healthy = true;
    const resumed = await executeRun(cfg, { createLM, cache, checkpoint: saved!.checkpoint, usage: saved!.usage });
    const path = (r: RunResult) => r.trials.map((t) => ({ index: t.index, params: t.params, score: t.score, parseFailures: t.parseFailures }));
    expect(path(resumed)).toEqual(path(reference));
    expect(resumed.program.state).toEqual(reference.program.state);
    expect(resumed.scores).toEqual(reference.scores);
  });

  it('refresh asks every call again once and overwrites the cached answers', async () => {
    const base = irisRunConfig(IRIS, server.url);
    const cfg: RunConfig = { ...base, optimizer: { kind: 'none' }, models: { ...base.models, task: { ...base.models.task, output: 'chat' } } };
    const cache = new MemoryCacheStore();
    healthy = false;
    const stale = await executeRun(cfg, { createLM, cache });
    expect(stale.usage.task.parseFailures).toBeGreaterThan(0);
    healthy = true;
    server.reset();
    const refreshed = await executeRun(cfg, { createLM, cache, refresh: true });
    const sent = server.requests.filter((r) => (r.body as ChatCompletionBody).model === 'task-model').length;
    // Every call asked again, each once: the test split repeats the validation's baseline calls.
    expect(sent).toBe(refreshed.usage.task.calls);
    expect(sent).toBe(stale.usage.task.calls);
    expect(refreshed.usage.task.parseFailures).toBe(0);
    server.reset();
    const after = await executeRun(cfg, { createLM, cache });
    expect(server.requests).toHaveLength(0);
    expect(after.scores).toEqual(refreshed.scores);
  });

  it('through the fault proxy: 30% unusable 200s, then recovery; the rerun re-asks exactly those calls', async () => {
    healthy = true;
    const proxy = await startFaultProxy({ target: server.url, rate: 0.3, faults: ['empty-200', 'wrong-format-200'], seed: 3 });
    try {
      const base = irisRunConfig(IRIS, proxy.url);
      const cfg: RunConfig = { ...base, optimizer: { kind: 'none' }, models: { ...base.models, task: { ...base.models.task, output: 'chat' } } };
      const dir = mkdtempSync(join(tmpdir(), 'cache-poison-proxy-'));
      let cache = await FileCacheStore.open(dir);
      const first = await executeRun(cfg, { createLM, cache });
      await cache.close();
      const spoiled = new Set(proxy.requests.filter((r) => r.fault).map((r) => requestId(r.body!)));
      expect(spoiled.size).toBeGreaterThan(5);
      expect(first.usage.task.parseFailures).toBe(spoiled.size);

      proxy.recover();
      proxy.reset();
      cache = await FileCacheStore.open(dir);
      const second = await executeRun(cfg, { createLM, cache });
      await cache.close();
      expect(new Set(proxy.requests.map((r) => requestId(r.body!)))).toEqual(spoiled);
      expect(proxy.received).toBe(spoiled.size);
      expect(second.usage.task.parseFailures).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});
