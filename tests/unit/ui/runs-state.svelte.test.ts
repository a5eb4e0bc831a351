/**
 * The runs state as the app assembles it: the list follows what this tab does to its runs,
 * deleting the open run closes it, and the driving tab relays its updates to other tabs.
 */
import { describe, expect, it } from 'vitest';
import { RunsState } from '../../../src/ui/state/runs.svelte';
import { CONFIG, FakeClient, ManualFrames, ManualTimers, freshStorage, result, searchEvents, settle, storeRun, tabBus, updates } from './state-fakes';

async function setup() {
  const { db, storage } = await freshStorage();
  const client = new FakeClient();
  const frames = new ManualFrames();
  const timers = new ManualTimers();
  const bus = tabBus();
  const runs = new RunsState({ client, storage, schedule: frames.schedule, timers, channel: bus.factory, tabId: 'me', newId: () => 'live' });
  return { db, client, frames, timers, bus, runs };
}

describe('runs state', () => {
  it('deleting the open run closes it and reloads the list', async () => {
    const { db, runs } = await setup();
    await storeRun(db, 'a', searchEvents(2), { status: 'completed', createdAt: 1 });
    await storeRun(db, 'b', [], { status: 'completed', createdAt: 2 });
    await runs.open.open('a');
    expect((await runs.stored.delete('a')).ok).toBe(true);
    expect(runs.open.current).toBeUndefined();
    expect(runs.stored.list.map((r) => r.id)).toEqual(['b']);
  });

  it('a run driven here relays its updates; pausing shows it paused in the list; the list reloads when it stops', async () => {
    const { db, client, runs, bus } = await setup();
    const started = runs.open.start(CONFIG, 'mine');
    await settle();
    // The worker stores the run as it starts it.
    await storeRun(db, 'live', [], { status: 'running', ownerTab: 'me' });
    client.emit('live', ...updates('live', searchEvents(1)));
    expect(bus.posted).toHaveLength(searchEvents(1).length);
    // This tab is alive (it holds its Web Lock): its run is not taken for interrupted.
    runs.stored.list = [{ id: 'live', name: 'mine', status: 'running', createdAt: 1, optimizer: 'mipro_v2' }];
    await runs.open.pause();
    expect(runs.stored.list[0]!.status).toBe('paused');
    expect(runs.open.current!.status).toBe('paused');
    const out = await started;
    expect(!out.ok && out.error.code).toBe('ABORTED');
    // The run stopped: the list was read back from storage (where no Web Lock holds it here).
    expect(runs.stored.list.map((r) => r.id)).toEqual(['live']);
    runs.dispose();
  });

  it('a run that completes here is read back into the list', async () => {
    const { db, client, runs } = await setup();
    const started = runs.open.start(CONFIG, 'mine');
    await settle();
    await storeRun(db, 'live', [], { status: 'completed' });
    expect(runs.stored.list).toEqual([]);
    client.end('live', result());
    expect((await started).ok).toBe(true);
    expect(runs.stored.list.map((r) => [r.id, r.status])).toEqual([['live', 'completed']]);
    expect(runs.open.current!.status).toBe('completed');
  });
});
