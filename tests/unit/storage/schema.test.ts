import { afterEach, describe, expect, it } from 'vitest';
import { freshDB } from './helpers';
import { DB_VERSION, openPromptLabDB, STORE_NAMES } from '../../../src/storage';
import type { PlaygroundError } from '../../../src/core/errors';

describe('schema', () => {
  it('creates every store with its key path and indexes from an empty database', async () => {
    const db = await freshDB();
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
    const tx = db.transaction([...STORE_NAMES]);
    const shape = (name: (typeof STORE_NAMES)[number]) => {
      const s = tx.objectStore(name);
      return { keyPath: s.keyPath, auto: s.autoIncrement, indexes: [...s.indexNames].map((i) => [i, s.index(i as never).keyPath]) };
    };
    expect(shape('runs')).toEqual({ keyPath: 'id', auto: false, indexes: [['createdAt', 'createdAt'], ['status', 'status']] });
    expect(shape('trials')).toEqual({ keyPath: ['runId', 'index'], auto: false, indexes: [['runId', 'runId']] });
    expect(shape('events')).toEqual({ keyPath: 'id', auto: true, indexes: [['runSeq', ['runId', 'seq']]] });
    expect(shape('traces')).toEqual({ keyPath: 'id', auto: true, indexes: [['runId', 'runId']] });
    expect(shape('lmCache')).toEqual({ keyPath: 'key', auto: false, indexes: [['lastUsed', 'lastUsed']] });
    expect(shape('settings')).toEqual({ keyPath: null, auto: false, indexes: [] });
    db.close();
  });

  it('reopening an existing database keeps its data (no migration runs again)', async () => {
    const name = `reopen-${process.pid}`;
    const db = await openPromptLabDB(name);
    await db.put('settings', 'dark', 'theme');
    db.close();
    const again = await openPromptLabDB(name);
    expect(await again.get('settings', 'theme')).toBe('dark');
    again.close();
  });
});

describe('openPromptLabDB without IndexedDB', () => {
  const saved = globalThis.indexedDB;
  afterEach(() => {
    globalThis.indexedDB = saved;
  });

  it('fails with STORAGE_UNAVAILABLE and a hint about private windows', async () => {
    // @ts-expect-error simulating a browser session without IndexedDB
    delete globalThis.indexedDB;
    const err = (await openPromptLabDB('x').catch((e: unknown) => e)) as PlaygroundError;
    expect(err.code).toBe('STORAGE_UNAVAILABLE');
    expect(err.hint).toMatch(/private/i);
  });
});
