/**
 * The Storage section's state against fake-indexeddb: the figures it shows, clearing the LM
 * cache, and deleting old runs, which keeps running, paused, interrupted, recent and open runs
 * and removes the others with their trials, events and traces.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CONFIG, freshDB } from './helpers';
import { EventLog, eventRow, IdbCacheStore, RunStore, TraceStore, TrialStore, type PromptLabDB, type RunRecord } from '../../../src/storage';
import type { StorageEstimateInfo } from '../../../src/storage/estimate';
import { StorageState, type StorageDeps } from '../../../src/ui/storage/storage-state.svelte';
import type { TrialRecord } from '../../../src/core/optimize/types';
import type { LMCallRecord } from '../../../src/core/program/types';
import type { LMResponse } from '../../../src/core/lm/types';
import type { RunStatus } from '../../../src/core/runner';

const DAY = 86_400_000;
const NOW = 100 * DAY;
const trial = (index: number): TrialRecord => ({ index, kind: 'full', params: {}, score: 0.5, n: 4, calls: { sent: 4, cacheHits: 0 }, errors: 0, durationMs: 1 });
const call: LMCallRecord = { model: 'm', messages: [{ role: 'user', content: 'q' }], completion: 'a', usage: { promptTokens: 3, completionTokens: 1 }, cached: false, durationMs: 5 };
const answer: LMResponse = { completions: ['a'], usage: { promptTokens: 3, completionTokens: 1 }, model: 'm' };

let db: PromptLabDB;
let estimate: StorageEstimateInfo;
beforeEach(async () => {
  db = await freshDB();
  estimate = { supported: true, usage: 2_500_000, quota: 10_000_000, persisted: false };
});

function state(deps: Partial<StorageDeps> = {}): StorageState {
  return new StorageState({ openDB: async () => db, estimate: async () => estimate, persist: async () => false, now: () => NOW, ...deps });
}

/** A stored run that finished `daysAgo` days before NOW, with 2 trials, 2 events and 3 traces. */
async function storeRun(id: string, status: RunStatus, daysAgo: number): Promise<RunRecord> {
  const at = NOW - daysAgo * DAY;
  const record: RunRecord = { id, name: id, config: CONFIG, status, createdAt: at, updatedAt: at };
  await db.put('runs', record);
  await new TrialStore(db).put(id, trial(0), trial(1));
  await new EventLog(db).append(eventRow(id, 0, { type: 'phase', phase: 'search', status: 'start' }), eventRow(id, 1, { type: 'trial_end', trial: trial(0) }));
  await new TraceStore(db).add(...[0, 1, 2].map((i) => ({ runId: id, stepId: 'generate', call, trialIndex: i, at })));
  return record;
}

async function logsOf(id: string): Promise<[number, number, number]> {
  return [await new TrialStore(db).count(id), (await new EventLog(db).list(id)).length, await new TraceStore(db).count(id)];
}

async function fillCache(n: number): Promise<{ entries: number; bytes: number }> {
  const cache = new IdbCacheStore(db);
  for (let i = 0; i < n; i++) await cache.set(`k${i}`, answer);
  await cache.flush();
  return cache.usage();
}

describe('StorageState figures', () => {
  it('shows usage and quota, persistence, the LM cache and the stored runs as text', async () => {
    const cache = await fillCache(3);
    await storeRun('a', 'completed', 1);
    await storeRun('b', 'running', 0);
    const s = state();
    await s.refresh();
    expect(s.figures?.cache).toEqual(cache);
    expect(s.figures?.runs).toMatchObject({ count: 2, kept: 1, trials: 4, events: 4, traces: 6, exact: true });
    // Small runs are measured whole: the bytes are exactly their records and logs as JSON.
    const rows = [...(await db.getAll('runs')), ...(await db.getAll('trials')), ...(await db.getAll('events')), ...(await db.getAll('traces'))];
    expect(s.figures?.runs.bytes).toBe(rows.reduce((n, r) => n + new TextEncoder().encode(JSON.stringify(r)).length, 0));

    expect(s.lines.site.value).toBe('2.4 MB of 9.5 MB used (25%)');
    expect(s.lines.site.note).toMatch(/^Not persistent/);
    expect(s.lines.canPersist).toBe(true);
    expect(s.lines.cache.value).toMatch(/^3 answers · \d+ B$/);
    expect(s.lines.runs.value).toMatch(/^2 runs · [\d.]+ KB$/);
    expect(s.lines.runs.note).toContain('6 traced LM calls');
  });

  it('estimates big runs from their first and last rows, and says "about"', async () => {
    await storeRun('big', 'completed', 1);
    await new TraceStore(db).add(...Array.from({ length: 40 }, (_, i) => ({ runId: 'big', stepId: 'generate', call, trialIndex: i, at: 1 })));
    const s = state();
    await s.refresh();
    expect(s.figures?.runs).toMatchObject({ traces: 43, exact: false });
    expect(s.lines.runs.value).toMatch(/^1 run · about /);
  });

  it('asks for persistence only when the browser can be asked, and reports a refusal', async () => {
    const persist = vi.fn(async () => false);
    const s = state({ persist });
    await s.askPersistence();
    expect(persist).toHaveBeenCalledTimes(1);
    expect(s.report).toMatch(/did not make storage persistent/);
    estimate = { supported: true, usage: 1, quota: 2, persisted: true };
    await s.refresh();
    expect(s.lines.canPersist).toBe(false);
    estimate = { supported: false };
    await s.refresh();
    expect(s.lines.site.value).toBe('Not reported by this browser');
    expect(s.lines.canPersist).toBe(false);
  });
});

describe('StorageState actions', () => {
  it('clears the LM cache after confirmation, reports what it freed and refreshes', async () => {
    const cache = await fillCache(5);
    const onEstimate = vi.fn();
    const s = state({ onEstimate });
    await s.askClearCache();
    expect(s.pending).toEqual({ kind: 'clear-cache', ...cache });
    expect(s.question?.action).toBe('Clear the cache');
    expect(await new IdbCacheStore(db).usage()).toEqual(cache);
    await s.confirm();
    expect(await new IdbCacheStore(db).usage()).toEqual({ entries: 0, bytes: 0 });
    expect(s.report).toMatch(/^Cleared the LM cache: 5 answers, \d+ B freed\.$/);
    expect(s.figures?.cache).toEqual({ entries: 0, bytes: 0 });
    expect(s.lines.cache.value).toBe('Empty');
    // The refresh after the action passed its estimate on (the header shows the same usage).
    expect(onEstimate).toHaveBeenCalledWith(estimate);
    await s.askClearCache();
    expect(s.pending).toBeUndefined();
    expect(s.report).toBe('The LM cache is already empty.');
  });

  it('deletes finished runs past the age with their logs, and keeps running, paused, interrupted, recent and open runs', async () => {
    await storeRun('old-done', 'completed', 10);
    await storeRun('old-failed', 'failed', 8);
    await storeRun('old-running', 'running', 10);
    await storeRun('old-paused', 'paused', 10);
    await storeRun('old-interrupted', 'interrupted', 10);
    await storeRun('recent-done', 'completed', 2);
    await storeRun('old-open', 'cancelled', 10);
    const s = state({ openRunId: () => 'old-open' });
    s.age = '7d';
    await s.askDeleteRuns();
    expect(s.pending).toMatchObject({ kind: 'delete-runs', ids: ['old-failed', 'old-done'] });
    expect(s.question?.action).toBe('Delete 2 runs');
    // Nothing is deleted before the confirmation.
    expect(await db.count('runs')).toBe(7);

    expect(await s.confirm()).toEqual({ runsDeleted: 2 });
    expect(s.report).toMatch(/^Deleted 2 runs, [\d.]+ KB\.$/);
    expect((await db.getAllKeys('runs')).sort()).toEqual(['old-interrupted', 'old-open', 'old-paused', 'old-running', 'recent-done']);
    for (const gone of ['old-done', 'old-failed']) expect(await logsOf(gone)).toEqual([0, 0, 0]);
    for (const kept of ['old-running', 'old-paused', 'old-interrupted', 'recent-done', 'old-open']) expect(await logsOf(kept)).toEqual([2, 2, 3]);
    expect(s.figures?.runs.count).toBe(5);

    s.age = 'all';
    await s.askDeleteRuns();
    expect(s.pending).toMatchObject({ ids: ['recent-done'] });
    s.cancel();
    expect(s.pending).toBeUndefined();
    expect(await db.count('runs')).toBe(5);
  });

  it('keeps a run that started running again between the question and the confirmation', async () => {
    await storeRun('a', 'failed', 40);
    await storeRun('b', 'completed', 40);
    const s = state();
    s.age = '30d';
    await s.askDeleteRuns();
    await new RunStore(db).setStatus('a', 'running');
    expect(await s.confirm()).toEqual({ runsDeleted: 1 });
    expect(s.report).toMatch(/^Deleted 1 run, .*1 run kept/);
    expect(await db.getAllKeys('runs')).toEqual(['a']);
  });

  it('says so when no run is old enough', async () => {
    await storeRun('a', 'completed', 0.5);
    const s = state();
    s.age = '1d';
    await s.askDeleteRuns();
    expect(s.pending).toBeUndefined();
    expect(s.report).toBe('No runs finished over 1 day ago.');
  });
});

describe('StorageState refresh', () => {
  it('drops a slower, older refresh instead of overwriting newer figures', async () => {
    let release: (e: StorageEstimateInfo) => void = () => undefined;
    const slow = new Promise<StorageEstimateInfo>((r) => (release = r));
    const calls = [slow, Promise.resolve<StorageEstimateInfo>({ supported: true, usage: 2, quota: 4 })];
    const s = state({ estimate: () => calls.shift()! });
    const first = s.refresh();
    await s.refresh();
    release({ supported: true, usage: 1, quota: 4 });
    await first;
    expect(s.figures?.estimate.usage).toBe(2);
  });
});

describe('StorageState errors', () => {
  it('shows a database that does not open as a typed error, and clears it when a later read works', async () => {
    const openDB = vi.fn().mockRejectedValueOnce(new DOMException('denied', 'InvalidStateError')).mockResolvedValue(db);
    const s = state({ openDB });
    await s.refresh();
    expect(s.error?.code).toBe('STORAGE_IO');
    expect(s.error?.message).toContain('read what is stored');
    expect(s.error?.hint).toBeTruthy();
    await s.refresh();
    expect(s.error).toBeUndefined();
    expect(s.figures?.runs.count).toBe(0);
    expect(openDB).toHaveBeenCalledTimes(2);
  });

  it('keeps the typed error of a failed delete, with the report of what was freed before it', async () => {
    await storeRun('a', 'completed', 40);
    await storeRun('b', 'completed', 40);
    const s = state();
    s.age = 'all';
    await s.askDeleteRuns();
    const spy = vi.spyOn(RunStore.prototype, 'deleteIf').mockResolvedValueOnce({ trials: 2, events: 2, traces: 3 }).mockRejectedValueOnce(new DOMException('disk', 'UnknownError'));
    try {
      expect(await s.confirm()).toEqual({ runsDeleted: 1 });
    } finally {
      spy.mockRestore();
    }
    expect(s.error).toMatchObject({ code: 'STORAGE_IO' });
    expect(s.report).toMatch(/^Deleted 1 run, .*1 run kept/);
  });
});
