/**
 * Two tabs, one run: the driving tab relays its updates; the watching tab shows them live, and
 * when it sees a `seq` gap (updates sent before it opened the run, not yet in IndexedDB when
 * it read the run) it reads the stored run once, after the writer has flushed, and ends with
 * the same run as the driving tab.
 */
import { describe, expect, it } from 'vitest';
import { RunsState } from '../../../src/ui/state/runs.svelte';
import { CONFIG, FakeClient, ManualFrames, ManualTimers, appendEvents, counted, freshStorage, result, searchEvents, settle, storeRun, tabBus, updates } from './state-fakes';
import { CATCH_UP_DELAY_MS, END_DELAY_MS } from '../../../src/ui/state/run-relay';
import type { RunStorage } from '../../../src/ui/state/run-storage';

/** A tab: its own client, frames and timers; the storage and the channel bus are shared. */
function tab(storage: RunStorage, bus: ReturnType<typeof tabBus>, name: string) {
  const client = new FakeClient();
  const frames = new ManualFrames();
  const timers = new ManualTimers();
  // The other tab is alive (it holds its Web Lock): nothing is marked interrupted.
  const runs = new RunsState({ client, storage: { ...storage, markInterrupted: async () => [] }, schedule: frames.schedule, timers, channel: bus.factory, tabId: name, newId: () => 'run-1' });
  return { client, frames, timers, runs };
}

describe('relay between tabs', () => {
  it('a watching tab that sees a seq gap reads IndexedDB once and ends consistent with the driving tab', async () => {
    const { db, storage: base } = await freshStorage();
    const { storage, calls } = counted(base);
    const bus = tabBus();
    const driver = tab(storage, bus, 'driver');
    const watcher = tab(storage, bus, 'watcher');
    const events = searchEvents(8);

    // The driving tab starts the run; the worker has stored its first 6 events.
    void driver.runs.open.start(CONFIG, 'shared');
    await settle();
    driver.client.emit('run-1', ...updates('run-1', events.slice(0, 10)));
    await storeRun(db, 'run-1', events.slice(0, 6));

    // The watching tab opens it from storage (seq 0-5): events 6-9 went out before it looked.
    await watcher.runs.open.open('run-1');
    expect(watcher.runs.open.watching).toBe(true);
    expect(watcher.runs.open.current!.lastSeq).toBe(5);
    const loadsAfterOpen = calls.load!;

    // Relayed from here on: 10, 11, ... -> a gap (6-9 missing).
    driver.client.emit('run-1', ...updates('run-1', events.slice(10, 14), 10));
    watcher.frames.frame();
    // Meanwhile the writer flushes 6-13.
    await appendEvents(db, 'run-1', events.slice(6, 14), 6);
    driver.client.emit('run-1', ...updates('run-1', events.slice(14), 14));
    watcher.frames.frame();
    expect(calls.load).toBe(loadsAfterOpen);

    watcher.timers.advance(CATCH_UP_DELAY_MS);
    await settle();
    watcher.frames.frame();
    expect(calls.load).toBe(loadsAfterOpen + 1);
    driver.frames.frame();
    const seen = watcher.runs.open.current!;
    const truth = driver.runs.open.current!;
    expect(seen.lastSeq).toBe(events.length - 1);
    expect(seen.story).toEqual(truth.story);
    expect(seen.trials).toEqual(truth.trials);
    expect(watcher.runs.views.best).toEqual(driver.runs.views.best);
    // No second read: the gap was caught up.
    watcher.timers.advance(10 * CATCH_UP_DELAY_MS);
    await settle();
    expect(calls.load).toBe(loadsAfterOpen + 1);
  });

  it('reads again while the writer is still behind the gap, then stops', async () => {
    const { db, storage: base } = await freshStorage();
    const { storage, calls } = counted(base);
    const bus = tabBus();
    const driver = tab(storage, bus, 'driver');
    const watcher = tab(storage, bus, 'watcher');
    const events = searchEvents(6);
    void driver.runs.open.start(CONFIG);
    await settle();
    await storeRun(db, 'run-1', events.slice(0, 3));
    await watcher.runs.open.open('run-1');
    const loads = calls.load!;
    driver.client.emit('run-1', ...updates('run-1', events.slice(6, 9), 6));
    watcher.timers.advance(CATCH_UP_DELAY_MS);
    await settle();
    expect(calls.load).toBe(loads + 1);
    // Storage still ends at seq 2: the watcher tries again after the same delay.
    await appendEvents(db, 'run-1', events.slice(3, 9), 3);
    watcher.timers.advance(CATCH_UP_DELAY_MS);
    await settle();
    watcher.frames.frame();
    expect(calls.load).toBe(loads + 2);
    expect(watcher.runs.open.current!.story).toHaveLength(
      events.slice(0, 9).filter((e) => !(e.type === 'optimizer' && e.event.type === 'progress')).length,
    );
  });

  it('when the run ends in its own tab, the watching tab reads the finished run and its list', async () => {
    const { db, storage } = await freshStorage();
    const bus = tabBus();
    const driver = tab(storage, bus, 'driver');
    const watcher = tab(storage, bus, 'watcher');
    void driver.runs.open.start(CONFIG);
    await settle();
    await storeRun(db, 'run-1', searchEvents(2));
    await watcher.runs.open.open('run-1');
    await db.put('runs', { ...(await db.get('runs', 'run-1'))!, status: 'completed', result: result() });
    driver.client.emit('run-1', { kind: 'status', runId: 'run-1', status: 'completed' });
    expect(watcher.runs.open.watching).toBe(false);
    watcher.timers.advance(END_DELAY_MS);
    await settle();
    expect(watcher.runs.open.current!.status).toBe('completed');
    expect(watcher.runs.open.current!.result?.scores.val).toBe(0.8);
    expect(watcher.runs.stored.list.map((r) => [r.id, r.status])).toEqual([['run-1', 'completed']]);
  });

  it('the driving tab ignores its own relayed updates and a tab showing another run ignores them too', async () => {
    const { db, storage } = await freshStorage();
    const bus = tabBus();
    const driver = tab(storage, bus, 'driver');
    const other = tab(storage, bus, 'other');
    await storeRun(db, 'unrelated', [], { status: 'completed' });
    await other.runs.open.open('unrelated');
    void driver.runs.open.start(CONFIG);
    await settle();
    driver.client.emit('run-1', ...updates('run-1', searchEvents(2)));
    expect(bus.posted).toHaveLength(searchEvents(2).length);
    other.frames.frame();
    expect(other.runs.open.current!.id).toBe('unrelated');
    expect(other.runs.open.watching).toBe(false);
    expect(other.timers.pending).toBe(0);
  });
});
