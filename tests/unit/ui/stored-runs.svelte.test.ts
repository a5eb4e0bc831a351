/**
 * The runs list over fake IndexedDB: newest first, runs orphaned by a closed tab shown as
 * interrupted, deletion with the run's logs, and storage failures as typed errors.
 */
import { describe, expect, it } from 'vitest';
import { EventLog, RunStore, TrialStore, openPromptLabDB } from '../../../src/storage';
import { StoredRuns } from '../../../src/ui/state/stored-runs.svelte';
import { idbRunStorage } from '../../../src/ui/state/run-storage';
import { FakeClient, freshStorage, searchEvents, storeRun } from './state-fakes';

describe('stored runs list', () => {
  it('lists stored runs newest first, with their optimizer and scores', async () => {
    const { db, storage } = await freshStorage();
    await storeRun(db, 'old', [], { status: 'completed', createdAt: 1 });
    await storeRun(db, 'new', [], { status: 'paused', createdAt: 2 });
    const list = new StoredRuns({ storage, client: new FakeClient() });
    const out = await list.refresh();
    expect(out.ok).toBe(true);
    expect(list.list.map((r) => [r.id, r.status, r.optimizer])).toEqual([['new', 'paused', 'mipro_v2'], ['old', 'completed', 'mipro_v2']]);
    expect(list.error).toBeUndefined();
  });

  it('shows a run left running by a tab that is gone as interrupted (resumable)', async () => {
    const { db, storage } = await freshStorage();
    // No Web Locks in Node: no tab is alive, so the owner of this running run is gone.
    await storeRun(db, 'orphan', searchEvents(2), { status: 'running', ownerTab: 'tab-closed' });
    const list = new StoredRuns({ storage, client: new FakeClient() });
    await list.refresh();
    expect(list.list[0]!.status).toBe('interrupted');
    expect((await new RunStore(db).get('orphan'))!.status).toBe('interrupted');
  });

  it('deletes a run with its trials and events, cancelling it first when this tab drives it', async () => {
    const { db, storage } = await freshStorage();
    await storeRun(db, 'a', searchEvents(4), { status: 'completed', createdAt: 1 });
    await storeRun(db, 'b', [], { status: 'completed', createdAt: 2 });
    const client = new FakeClient();
    void client.start({ runId: 'a', config: {} as never }, () => undefined).catch(() => undefined);
    const deleted: string[] = [];
    const list = new StoredRuns({ storage, client, onDeleted: (id) => deleted.push(id) });
    await list.refresh();
    const out = await list.delete('a');
    expect(out.ok && out.value.map((r) => r.id)).toEqual(['b']);
    expect(client.calls).toEqual(['cancel a']);
    expect(deleted).toEqual(['a']);
    expect(await new RunStore(db).get('a')).toBeUndefined();
    expect(await new TrialStore(db).list('a')).toEqual([]);
    expect(await new EventLog(db).list('a')).toEqual([]);
  });

  it('mirrors a status this tab set until the next refresh reads it back', async () => {
    const { db, storage } = await freshStorage();
    await storeRun(db, 'a', [], { status: 'running', ownerTab: 'me' });
    const list = new StoredRuns({ storage, client: new FakeClient() });
    list.list = [{ id: 'a', name: 'a', status: 'running', createdAt: 1, optimizer: 'mipro_v2' }];
    list.setStatus('a', 'paused');
    expect(list.list[0]!.status).toBe('paused');
  });

  it('reports unavailable storage as a typed error instead of an empty list', async () => {
    const saved = globalThis.indexedDB;
    // A private window: no IndexedDB.
    delete (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    try {
      const list = new StoredRuns({ storage: idbRunStorage(() => openPromptLabDB('no-db')), client: new FakeClient() });
      list.list = [{ id: 'kept', name: 'kept', status: 'completed', createdAt: 1, optimizer: 'none' }];
      const out = await list.refresh();
      expect(!out.ok && out.error.code).toBe('STORAGE_UNAVAILABLE');
      expect(list.error?.code).toBe('STORAGE_UNAVAILABLE');
      // What was shown stays; the list is not replaced by a misleading empty one.
      expect(list.list.map((r) => r.id)).toEqual(['kept']);
      const del = await list.delete('kept');
      expect(!del.ok && del.error.code).toBe('STORAGE_UNAVAILABLE');
    } finally {
      globalThis.indexedDB = saved;
    }
  });

  it('opens the database again after a failed open (the next action retries)', async () => {
    const { db } = await freshStorage();
    let fail = true;
    const storage = idbRunStorage(async () => {
      if (fail) throw new Error('blocked');
      return db;
    });
    const list = new StoredRuns({ storage, client: new FakeClient() });
    expect((await list.refresh()).ok).toBe(false);
    expect(list.error?.code).toBe('INTERNAL');
    fail = false;
    expect((await list.refresh()).ok).toBe(true);
    expect(list.error).toBeUndefined();
  });
});
