/**
 * Schema migrations on databases as users have them: a version-1 database (written here with
 * the raw v1 layout, not with `upgradeSchema`, so the test keeps describing what is in the wild)
 * opens in the current version with every run, log, cache entry and setting kept.
 */
import 'fake-indexeddb/auto';
import { openDB, type IDBPDatabase } from 'idb';
import { describe, expect, it } from 'vitest';
import { CONFIG } from './helpers';
import type { LMResponse } from '../../../src/core/lm/types';
import { DB_VERSION, EventLog, IdbCacheStore, openPromptLabDB, RunStore, SettingsStore, STORE_NAMES, TraceStore, TrialStore } from '../../../src/storage';

let counter = 0;
const dbName = () => `migration-${process.pid}-${counter++}`;

/** The layout version 1 created (frozen: it must not follow later changes of the schema). */
function createV1Layout(db: IDBPDatabase): void {
  db.createObjectStore('datasets', { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
  db.createObjectStore('programs', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
  const runs = db.createObjectStore('runs', { keyPath: 'id' });
  runs.createIndex('status', 'status');
  runs.createIndex('createdAt', 'createdAt');
  db.createObjectStore('trials', { keyPath: ['runId', 'index'] }).createIndex('runId', 'runId');
  db.createObjectStore('events', { keyPath: 'id', autoIncrement: true }).createIndex('runSeq', ['runId', 'seq']);
  db.createObjectStore('traces', { keyPath: 'id', autoIncrement: true }).createIndex('runId', 'runId');
  db.createObjectStore('lmCache', { keyPath: 'key' }).createIndex('lastUsed', 'lastUsed');
  db.createObjectStore('settings');
  db.createObjectStore('meta');
}

const run = { id: 'run-1', name: 'old run', config: CONFIG, status: 'completed', createdAt: 10, updatedAt: 20 };
const trial = { runId: 'run-1', index: 0, kind: 'full', params: {}, score: 0.5, n: 4, calls: { sent: 4, cacheHits: 0 }, errors: 0, durationMs: 3 };
const event = { runId: 'run-1', seq: 0, event: { type: 'phase', phase: 'search', status: 'start' }, at: 11 };
const trace = { runId: 'run-1', stepId: 'generate', messages: [{ role: 'user', content: 'q' }], completion: 'a', model: 'm', usage: { promptTokens: 3, completionTokens: 1 }, cached: false, at: 12 };
const answer: LMResponse = { completions: ['a'], usage: { promptTokens: 3, completionTokens: 1 }, model: 'm' };

async function writeV1(name: string): Promise<void> {
  const db = await openDB(name, 1, { upgrade: createV1Layout });
  const tx = db.transaction(['datasets', 'programs', 'runs', 'trials', 'events', 'traces', 'lmCache', 'settings', 'meta'], 'readwrite');
  await Promise.all([
    tx.objectStore('datasets').put({ id: 'd', name: 'iris', format: 'csv', text: 'a\n1', columns: ['a'], createdAt: 1, size: 3 }),
    tx.objectStore('programs').put({ id: 'p', name: 'qa', spec: {}, createdAt: 1, updatedAt: 1 }),
    tx.objectStore('runs').put(run),
    tx.objectStore('trials').put(trial),
    tx.objectStore('events').add(event),
    tx.objectStore('traces').add(trace),
    tx.objectStore('lmCache').put({ key: 'k1', value: answer, size: 40, lastUsed: 5 }),
    tx.objectStore('meta').put(40, 'lmCache.bytes'),
    tx.objectStore('settings').put({ data: { text: 'a\n1' } }, 'workspace'),
    tx.objectStore('settings').put('sk-remembered', 'apiKey:openai'),
    tx.done,
  ]);
  db.close();
}

describe('migration from version 1', () => {
  it('keeps runs, trials, events, traces, cache entries and settings, and removes datasets and programs', async () => {
    const name = dbName();
    await writeV1(name);
    const db = await openPromptLabDB(name);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
    expect(db.objectStoreNames.contains('datasets' as never)).toBe(false);
    expect(db.objectStoreNames.contains('programs' as never)).toBe(false);

    // Read through the stores, so the indexes they use are checked too.
    const runs = new RunStore(db);
    expect(await runs.list()).toEqual([run]);
    expect(await runs.list({ status: 'completed' })).toHaveLength(1);
    const { runId: _r, ...trialRecord } = trial;
    expect(await new TrialStore(db).list('run-1')).toEqual([trialRecord]);
    expect(await new EventLog(db).list('run-1')).toMatchObject([event]);
    expect(await new EventLog(db).nextSeq('run-1')).toBe(1);
    expect(await new TraceStore(db).list('run-1')).toMatchObject([trace]);
    const cache = new IdbCacheStore(db);
    expect(await cache.usage()).toEqual({ entries: 1, bytes: 40 });
    expect(await cache.get('k1')).toEqual(answer);
    const settings = new SettingsStore(db);
    expect(await settings.get('workspace')).toEqual({ data: { text: 'a\n1' } });
    expect(await settings.getApiKey('openai')).toBe('sk-remembered');

    // The migrated database works as a new one: deleting a run takes its logs.
    expect(await runs.delete('run-1')).toEqual({ trials: 1, events: 1, traces: 1 });
    db.close();
  });

  it('reopens at the current version without running the migration again', async () => {
    const name = dbName();
    await writeV1(name);
    (await openPromptLabDB(name)).close();
    const again = await openPromptLabDB(name);
    expect(await new RunStore(again).get('run-1')).toEqual(run);
    again.close();
  });
});

/** A version-2 database: the v1 layout without datasets and programs, trials kept three times. */
async function writeV2(name: string): Promise<void> {
  const db = await openDB(name, 2, {
    upgrade(d) {
      createV1Layout(d);
      d.deleteObjectStore('datasets');
      d.deleteObjectStore('programs');
    },
  });
  const { runId: _r, ...t0 } = trial;
  const t1 = { ...t0, index: 1, kind: 'minibatch', score: 0.75 };
  const tx = db.transaction(['runs', 'trials', 'events'], 'readwrite');
  await Promise.all([
    // The run's result still carries its trials, and trial 1 is in no trials row (a row lost to a crash).
    tx.objectStore('runs').put({ ...run, result: { version: 1, scores: { val: 0.5 }, trials: [t0, t1] } }),
    tx.objectStore('trials').put(trial),
    tx.objectStore('events').add(event),
    tx.objectStore('events').add({ runId: 'run-1', seq: 1, event: { type: 'optimizer', event: { type: 'trial_end', trial: t0 } }, at: 12 }),
    tx.objectStore('events').add({ runId: 'run-1', seq: 2, event: { type: 'optimizer', event: { type: 'trial_end', trial: t1 } }, at: 13 }),
    tx.done,
  ]);
  db.close();
}

describe('migration from version 2', () => {
  it('keeps each trial once, in the trials store, and reads the log and the run as before', async () => {
    const name = dbName();
    await writeV2(name);
    const db = await openPromptLabDB(name);
    const { runId: _r, ...t0 } = trial;
    const t1 = { ...t0, index: 1, kind: 'minibatch', score: 0.75 };
    expect(await new TrialStore(db).list('run-1')).toEqual([t0, t1]);
    // The log reads exactly as it was written, trials put back in place.
    expect((await new EventLog(db).list('run-1')).map((r) => r.event)).toEqual([
      event.event,
      { type: 'optimizer', event: { type: 'trial_end', trial: t0 } },
      { type: 'optimizer', event: { type: 'trial_end', trial: t1 } },
    ]);
    // What IndexedDB holds: references in the log, no trials in the run's result.
    expect((await db.getAll('events')).map((r) => r.event.type)).toEqual(['phase', 'trial_end_ref', 'trial_end_ref']);
    expect((await new RunStore(db).get('run-1'))!.result).toEqual({ version: 1, scores: { val: 0.5 } });
    db.close();
  });
});
