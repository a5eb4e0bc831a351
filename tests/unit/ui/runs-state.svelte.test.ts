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

  it('replays a stored run: the run view is shown frames of it, from its log, until the replay ends', async () => {
    const { db, runs, timers } = await setup();
    await storeRun(db, 'a', searchEvents(6), { status: 'completed' });
    await runs.open.open('a');
    const whole = runs.shown!;
    expect(whole.trials).toHaveLength(6);
    await runs.replay.start();
    // The first frame: the run before anything happened, read-only.
    expect(runs.shown).not.toBe(whole);
    expect(runs.shown!.trials).toEqual([]);
    expect(runs.shown!.replay).toBe(true);
    expect(runs.views.best).toBeUndefined();
    timers.advance(1500);
    expect(runs.shown!.trials.length).toBeGreaterThan(0);
    expect(runs.shown!.trials.length).toBeLessThan(6);
    runs.replay.seek(runs.replay.total);
    expect(runs.shown!.trials).toEqual(whole.trials);
    expect(runs.views.best!.trial).toBe(3);
    runs.replay.stop();
    expect(runs.shown).toBe(whole);
    // Another run open: the replay's frames are not shown for it.
    await storeRun(db, 'b', searchEvents(2), { status: 'completed', createdAt: 2 });
    await runs.replay.start();
    await runs.open.open('b');
    expect(runs.shown!.id).toBe('b');
    expect(runs.shown!.trials).toHaveLength(2);
  });
});
