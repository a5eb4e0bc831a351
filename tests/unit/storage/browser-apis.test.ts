import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONFIG, failWrites, freshDB } from './helpers';
import { isQuotaError, liveTabIds, requestPersistence, RunStore, storageEstimate, tabLockName } from '../../../src/storage';
import type { PlaygroundError } from '../../../src/core/errors';

afterEach(() => {
  vi.unstubAllGlobals();
});

function stubStorage(persisted: boolean, grant = true) {
  const persist = vi.fn(async () => grant);
  vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 4.2e6, quota: 5e6 }), persisted: async () => persisted, persist } });
  return persist;
}

describe('storage estimate and persistence', () => {
  it('falls back quietly where navigator.storage is missing', async () => {
    vi.stubGlobal('navigator', {});
    expect(await storageEstimate()).toEqual({ supported: false });
    expect(await requestPersistence()).toBe(false);
  });

  it('reports usage, quota and persistence, and asks for persistence only when not yet granted', async () => {
    const persist = stubStorage(false);
    expect(await storageEstimate()).toEqual({ supported: true, usage: 4.2e6, quota: 5e6, persisted: false });
    expect(await requestPersistence()).toBe(true);
    expect(persist).toHaveBeenCalledTimes(1);
    const again = stubStorage(true);
    expect(await requestPersistence()).toBe(true);
    expect(again).not.toHaveBeenCalled();
  });

  it('puts the estimate into a STORAGE_QUOTA error', async () => {
    stubStorage(false);
    const db = await freshDB();
    const spy = failWrites('runs', 'add');
    try {
      const err = (await new RunStore(db).create({ config: CONFIG }).catch((e: unknown) => e)) as PlaygroundError;
      expect(err.code).toBe('STORAGE_QUOTA');
      expect(err.details).toMatchObject({ usage: 4.2e6, quota: 5e6, persisted: false });
      expect(err.message).toContain('4.2 MB of 5.0 MB');
    } finally {
      spy.mockRestore();
    }
  });

  it('recognises a quota failure reported on the aborted transaction (how Chromium reports it)', () => {
    const abort = new DOMException('aborted', 'AbortError');
    expect(isQuotaError(abort)).toBe(false);
    expect(isQuotaError(abort, { error: new DOMException('full', 'QuotaExceededError') })).toBe(true);
  });
});

describe('tabs', () => {
  it('lists live tabs from held Web Locks, and running runs of other tabs stay running', async () => {
    vi.stubGlobal('navigator', { locks: { query: async () => ({ held: [{ name: tabLockName('t1') }, { name: 'other-lock' }], pending: [] }) } });
    expect([...(await liveTabIds())]).toEqual(['t1']);
    const runs = new RunStore(await freshDB());
    const live = await runs.create({ config: CONFIG, ownerTab: 't1' });
    const dead = await runs.create({ config: CONFIG, ownerTab: 't2' });
    expect(await runs.markInterruptedOnStartup()).toEqual([dead.id]);
    expect((await runs.get(live.id))?.status).toBe('running');
  });
});
