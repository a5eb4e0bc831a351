import { beforeEach, describe, expect, it } from 'vitest';
import { CONFIG, failWrites, freshDB } from './helpers';
import { EventLog, RunStore, TraceStore, TrialStore, eventRow, type PromptLabDB } from '../../../src/storage';
import { redactConfig, type RunConfig } from '../../../src/core/runner/config';
import type { PlaygroundError } from '../../../src/core/errors';
import type { TrialRecord } from '../../../src/core/optimize/types';
import type { LMCallRecord } from '../../../src/core/program/types';

const trial = (index: number, score = 0.5): TrialRecord => ({ index, kind: 'minibatch', params: { 'p.instruction': index % 3 }, score, n: 35, calls: { sent: 35, cacheHits: 0 }, errors: 0, durationMs: 10 });
const call: LMCallRecord = { model: 'm', messages: [{ role: 'user', content: 'q' }], completion: 'a', usage: { promptTokens: 3, completionTokens: 1 }, cached: false, durationMs: 5 };

let db: PromptLabDB;
let clock: number;
let runs: RunStore;
beforeEach(async () => {
  db = await freshDB();
  clock = 1000;
  runs = new RunStore(db, () => clock++);
});

describe('RunStore', () => {
  it('creates, reads, lists newest first (optionally by status) and updates runs', async () => {
    const a = await runs.create({ config: CONFIG, name: 'a' });
    const b = await runs.create({ config: CONFIG, name: 'b', status: 'paused' });
    const c = await runs.create({ config: CONFIG, name: 'c' });
    expect(a.status).toBe('running');
    expect(await runs.get(b.id)).toEqual(b);
    expect((await runs.list()).map((r) => r.name)).toEqual(['c', 'b', 'a']);
    expect((await runs.list({ status: 'running' })).map((r) => r.name)).toEqual(['c', 'a']);
    expect((await runs.list({ limit: 1 })).map((r) => r.name)).toEqual(['c']);

    await runs.saveCheckpoint(a.id, { trial: 4, state: { x: [1, 2] } });
    const failed = await runs.setStatus(c.id, 'failed', { code: 'LM_NETWORK', message: 'down' });
    expect(failed?.error?.code).toBe('LM_NETWORK');
    const got = await runs.get(a.id);
    expect(got?.checkpoint).toEqual({ trial: 4, state: { x: [1, 2] } });
    expect(got!.updatedAt).toBeGreaterThan(a.updatedAt);
    expect(got!.createdAt).toBe(a.createdAt);
  });

  it('does not recreate a run deleted meanwhile when an update arrives', async () => {
    const a = await runs.create({ config: CONFIG });
    await runs.delete(a.id);
    expect(await runs.saveCheckpoint(a.id, { trial: 1 })).toBeUndefined();
    expect(await runs.get(a.id)).toBeUndefined();
  });

  it('refuses a config holding an API key or a header value, and accepts the redacted one', async () => {
    const withKey: RunConfig = { ...CONFIG, models: { task: { provider: 'openai-compatible', baseURL: 'https://api.openai.com/v1', model: 'gpt', apiKey: 'sk-secret', headers: { 'X-Org': 'o' } } } };
    const err = (await runs.create({ config: withKey }).catch((e: unknown) => e)) as PlaygroundError;
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.details?.fields).toEqual(['config.models.task.apiKey', 'config.models.task.headers.X-Org']);
    expect(await runs.list()).toEqual([]);

    const ok = await runs.create({ config: redactConfig(withKey) });
    expect(JSON.stringify(await runs.get(ok.id))).not.toContain('sk-secret');
    const leak = await runs.update(ok.id, { checkpoint: { models: { proposer: { apiKey: 'sk-2' } } } }).catch((e: PlaygroundError) => e.code);
    expect(leak).toBe('CONFIG_INVALID');
  });

  it('deletes a run with its trials, events and traces, and leaves other runs alone', async () => {
    const a = await runs.create({ config: CONFIG });
    const b = await runs.create({ config: CONFIG });
    const trials = new TrialStore(db);
    const events = new EventLog(db);
    const traces = new TraceStore(db);
    for (const id of [a.id, b.id]) {
      await trials.put(id, trial(0), trial(1), trial(2));
      await events.append(eventRow(id, 0, { type: 'phase', phase: 'search', status: 'start' }), eventRow(id, 1, { type: 'trial_end', trial: trial(0) }));
      await traces.add({ runId: id, stepId: 'generate', call }, { runId: id, stepId: 'generate', call, trialIndex: 1 });
    }
    expect(await runs.delete(a.id)).toEqual({ trials: 3, events: 2, traces: 2 });
    expect(await runs.get(a.id)).toBeUndefined();
    expect(await trials.count(a.id)).toBe(0);
    expect(await events.list(a.id)).toEqual([]);
    expect(await traces.count(a.id)).toBe(0);
    expect(await trials.count(b.id)).toBe(3);
    expect((await events.list(b.id)).length).toBe(2);
    expect(await traces.count(b.id)).toBe(2);
  });

  it('marks running runs of dead tabs interrupted on startup, keeping live tabs and other statuses', async () => {
    const orphan = await runs.create({ config: CONFIG });
    const deadTab = await runs.create({ config: CONFIG, ownerTab: 'tab-dead' });
    const liveTab = await runs.create({ config: CONFIG, ownerTab: 'tab-live' });
    const paused = await runs.create({ config: CONFIG, status: 'paused' });
    const done = await runs.create({ config: CONFIG, status: 'completed' });
    const changed = await runs.markInterruptedOnStartup({ liveTabs: new Set(['tab-live']) });
    expect(changed.sort()).toEqual([orphan.id, deadTab.id].sort());
    const status = async (id: string) => (await runs.get(id))?.status;
    expect(await status(orphan.id)).toBe('interrupted');
    expect(await status(deadTab.id)).toBe('interrupted');
    expect(await status(liveTab.id)).toBe('running');
    expect(await status(paused.id)).toBe('paused');
    expect(await status(done.id)).toBe('completed');
    expect(await runs.markInterruptedOnStartup({ liveTabs: new Set(['tab-live']) })).toEqual([]);
  });

  it('without Web Locks no tab is known alive, so every running run becomes interrupted', async () => {
    const a = await runs.create({ config: CONFIG, ownerTab: 'me' });
    expect(await runs.markInterruptedOnStartup()).toEqual([a.id]);
  });

  it('surfaces a full disk on a run write as STORAGE_QUOTA and writes nothing', async () => {
    const a = await runs.create({ config: CONFIG });
    const spy = failWrites('runs', 'put');
    try {
      const err = (await runs.saveCheckpoint(a.id, { trial: 9 }).catch((e: unknown) => e)) as PlaygroundError;
      expect(err.code).toBe('STORAGE_QUOTA');
      expect(err.hint).toMatch(/clear the LM cache/i);
      expect(err.details?.action).toContain(a.id);
    } finally {
      spy.mockRestore();
    }
    expect((await runs.get(a.id))?.checkpoint).toBeUndefined();
    const addSpy = failWrites('runs', 'add');
    try {
      expect(await runs.create({ config: CONFIG }).catch((e: PlaygroundError) => e.code)).toBe('STORAGE_QUOTA');
    } finally {
      addSpy.mockRestore();
    }
  });
});
