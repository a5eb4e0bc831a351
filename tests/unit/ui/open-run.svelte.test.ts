/**
 * The open run: a live run's update stream folds into `current` once per scheduled frame,
 * duplicates after a resume are dropped, controls go through the client, and opening a run that
 * is not stored (or a slow open overtaken by a newer one) behaves as the user expects.
 */
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../../src/storage';
import { OpenRun, type OpenRunDeps } from '../../../src/ui/state/open-run.svelte';
import { idbRunStorage, type RunStorage } from '../../../src/ui/state/run-storage';
import { CONFIG, FakeClient, ManualFrames, ManualTimers, freshStorage, result, searchEvents, settle, storeRun, updates } from './state-fakes';

async function setup(extra: Partial<OpenRunDeps> = {}, storage?: RunStorage) {
  const fresh = await freshStorage();
  const client = new FakeClient();
  const frames = new ManualFrames();
  const timers = new ManualTimers();
  let n = 0;
  const run = new OpenRun({ client, storage: storage ?? fresh.storage, schedule: frames.schedule, timers, newId: () => `run-${++n}`, ...extra });
  return { ...fresh, client, frames, timers, run };
}

/** Counts how often `run.current` is replaced, as a component rendering it would see. */
function renders(run: OpenRun): { readonly count: number; stop(): void } {
  let count = 0;
  const stop = $effect.root(() => {
    $effect(() => {
      void run.current;
      count++;
    });
  });
  flushSync();
  return {
    get count() {
      flushSync();
      return count - 1;
    },
    stop,
  };
}

describe('open run: the live fold', () => {
  it('folds a live update stream once per scheduled frame, not once per update', async () => {
    const { client, frames, run } = await setup();
    const started = run.start(CONFIG, 'Iris');
    await settle();
    const shown = renders(run);
    const events = searchEvents(6);
    client.emit('run-1', ...updates('run-1', events.slice(0, 10)));
    // Ten updates, one frame asked for, nothing re-rendered yet.
    expect(frames.requested).toBe(1);
    expect(shown.count).toBe(0);
    frames.frame();
    expect(shown.count).toBe(1);
    expect(run.current!.lastSeq).toBe(9);
    client.emit('run-1', ...updates('run-1', events.slice(10), 10));
    expect(frames.requested).toBe(2);
    frames.frame();
    expect(shown.count).toBe(2);
    expect(run.current!.trials.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5]);
    // The run ends: its last updates fold at once, without waiting for a frame.
    client.emit('run-1', { kind: 'status', runId: 'run-1', status: 'running' });
    client.end('run-1', result());
    const out = await started;
    expect(out.ok).toBe(true);
    expect(run.current!.status).toBe('completed');
    expect(run.current!.result?.scores.val).toBe(0.8);
    shown.stop();
  });

  it('drops events repeated after a resume (same seq) and keeps the run consistent', async () => {
    const { db, client, frames, run } = await setup({ restoreConfig: () => CONFIG });
    const events = searchEvents(4);
    await storeRun(db, 'r', events.slice(0, 8), { status: 'paused' });
    expect((await run.open('r')).ok).toBe(true);
    expect(run.current!.lastSeq).toBe(7);
    const resumed = run.resume();
    await settle();
    expect(client.started.at(-1)).toMatchObject({ runId: 'r', resume: true });
    // The worker numbers on from the stored log, but a replayed tail can overlap it.
    client.emit('r', ...updates('r', events.slice(6), 6));
    frames.frame();
    expect(run.current!.story.filter((e) => e.type === 'optimizer' && e.event.type === 'trial_end')).toHaveLength(4);
    expect(run.current!.lastSeq).toBe(events.length - 1);
    client.end('r', result());
    expect((await resumed).ok).toBe(true);
  });

  it('drops updates of another run (a stale stream after the user opened something else)', async () => {
    const { db, client, frames, run } = await setup();
    await storeRun(db, 'stored', searchEvents(2), { status: 'completed' });
    void run.start(CONFIG);
    await settle();
    await run.open('stored');
    const before = run.current;
    client.emit('run-1', ...updates('run-1', searchEvents(3)));
    frames.frame();
    expect(run.current).toBe(before);
  });
});

describe('open run: controls', () => {
  it('pauses through the client and shows the run paused, not failed', async () => {
    const { client, run } = await setup();
    const started = run.start(CONFIG);
    await settle();
    const paused = await run.pause();
    expect(paused.ok).toBe(true);
    expect(client.calls).toEqual(['pause run-1']);
    const out = await started;
    expect(!out.ok && out.error.code).toBe('ABORTED');
    expect(run.current!.status).toBe('paused');
    expect(run.current!.error).toBeUndefined();
  });

  it('hands the worker the latency the setup planned with, so a budget in minutes becomes the calls shown', async () => {
    const { client, run } = await setup();
    void run.start(CONFIG, 'timed', { task: 1200, proposer: 800 });
    void run.start(CONFIG, 'untimed');
    await settle();
    expect(client.started.map((r) => r.latencyMs)).toEqual([{ task: 1200, proposer: 800 }, undefined]);
  });

  it('records a run that fails in the worker as failed with its typed error', async () => {
    const { client, run } = await setup();
    const started = run.start(CONFIG);
    await settle();
    client.end('run-1', { code: 'LM_AUTH', message: 'bad key' });
    const out = await started;
    expect(!out.ok && out.error.code).toBe('LM_AUTH');
    expect(run.current!.status).toBe('failed');
    expect(run.current!.error?.code).toBe('LM_AUTH');
  });

  it('cannot resume a stored run without its keys: CONFIG_INVALID, not a silent no-op', async () => {
    const { db, run, client } = await setup();
    await storeRun(db, 'r', [], { status: 'interrupted' });
    await run.open('r');
    const out = await run.resume();
    expect(!out.ok && out.error.code).toBe('CONFIG_INVALID');
    expect(run.error?.code).toBe('CONFIG_INVALID');
    expect(client.started).toEqual([]);
  });

  it('cannot resume a run deleted meanwhile (e.g. from another tab): RUN_NOT_FOUND', async () => {
    const { db, run, client } = await setup({ restoreConfig: () => CONFIG });
    await storeRun(db, 'r', [], { status: 'interrupted' });
    await run.open('r');
    await new RunStore(db).delete('r');
    const out = await run.resume();
    expect(!out.ok && out.error.code).toBe('RUN_NOT_FOUND');
    expect(client.started).toEqual([]);
  });

  it('cancels a paused run in storage and tells the list', async () => {
    const statuses: string[] = [];
    const { db, run } = await setup({ onStatus: (id, s) => statuses.push(`${id} ${s}`) });
    await storeRun(db, 'r', [], { status: 'paused' });
    await run.open('r');
    expect((await run.cancel()).ok).toBe(true);
    expect(run.current!.status).toBe('cancelled');
    expect((await new RunStore(db).get('r'))!.status).toBe('cancelled');
    expect(statuses).toEqual(['r cancelled']);
  });
});

describe('open run: opening', () => {
  it('opens a run that is not stored as RUN_NOT_FOUND and keeps showing the open run', async () => {
    const { db, run } = await setup();
    await storeRun(db, 'here', searchEvents(2), { status: 'completed' });
    await run.open('here');
    const out = await run.open('gone');
    expect(!out.ok && out.error.code).toBe('RUN_NOT_FOUND');
    expect(run.error?.code).toBe('RUN_NOT_FOUND');
    expect(run.current!.id).toBe('here');
  });

  it('drops a slow open overtaken by a newer one', async () => {
    const { db, storage } = await freshStorage();
    await storeRun(db, 'slow', [], { status: 'completed' });
    await storeRun(db, 'fast', [], { status: 'completed' });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const slowStorage: RunStorage = { ...storage, load: async (id) => (id === 'slow' && (await gate), storage.load(id)) };
    const { run } = await setup({}, slowStorage);
    const slow = run.open('slow');
    await run.open('fast');
    release();
    const out = await slow;
    expect(!out.ok && out.error.code).toBe('ABORTED');
    expect(run.current!.id).toBe('fast');
    expect(run.error).toBeUndefined();
  });

  it('watches a run another tab drives, and drives its own runs', async () => {
    const { db, run, client } = await setup();
    await storeRun(db, 'elsewhere', [], { status: 'running', ownerTab: 'other-tab' });
    // The other tab is alive (it holds its Web Lock), so its run is not marked interrupted.
    const alive = new OpenRun({ client, storage: { ...idbRunStorage(() => Promise.resolve(db)), markInterrupted: async () => [] } });
    await alive.open('elsewhere');
    expect(alive.watching).toBe(true);
    void run.start(CONFIG);
    expect(run.watching).toBe(false);
  });
});
