/**
 * The open run's traces and bundles: what the trace inspector and the export button get, and
 * that a storage failure reaches them as a typed error instead of an empty list or no file.
 */
import { describe, expect, it } from 'vitest';
import { PlaygroundError } from '../../../src/core/errors';
import { TraceStore } from '../../../src/storage';
import { parseBundle, serializeBundle } from '../../../src/ui/bundle';
import { OpenRun } from '../../../src/ui/state/open-run.svelte';
import { RunArchive } from '../../../src/ui/state/run-archive';
import type { RunStorage } from '../../../src/ui/state/run-storage';
import { FakeClient, freshStorage, searchEvents, storeRun } from './state-fakes';

const call = (content: string) => ({
  model: 'm',
  messages: [{ role: 'user' as const, content }],
  completion: 'ok',
  usage: { promptTokens: 3, completionTokens: 1 },
  cached: false,
  durationMs: 1,
});

async function storedRunWithTraces() {
  const { db, storage } = await freshStorage();
  await storeRun(db, 'r', searchEvents(3), { status: 'completed' });
  await new TraceStore(db).add(
    { runId: 'r', stepId: 'generate', call: call('bootstrap') },
    { runId: 'r', stepId: 'generate', call: call('trial 1'), trialIndex: 1 },
    { runId: 'r', stepId: 'generate', call: call('trial 2'), trialIndex: 2 },
  );
  return { db, storage };
}

/** A storage whose every read fails the way a closed database does. */
function broken(storage: RunStorage): RunStorage {
  const fail = async (): Promise<never> => {
    throw new PlaygroundError('STORAGE_UNAVAILABLE', 'IndexedDB is not available in this browser session (closed).');
  };
  return { ...storage, traces: fail, load: fail, get: fail };
}

describe('run archive', () => {
  it('lists the LM calls of the open run, by trial or outside trials', async () => {
    const { storage } = await storedRunWithTraces();
    const run = new OpenRun({ client: new FakeClient(), storage });
    const archive = new RunArchive(run, storage);
    await run.open('r');
    const all = await archive.traces();
    expect(all.ok && all.value.map((t) => t.messages[0]!.content)).toEqual(['bootstrap', 'trial 1', 'trial 2']);
    const one = await archive.traces({ trialIndex: 2 });
    expect(one.ok && one.value.map((t) => t.messages[0]!.content)).toEqual(['trial 2']);
    const outside = await archive.traces({ trialIndex: 'none' });
    expect(outside.ok && outside.value.map((t) => t.messages[0]!.content)).toEqual(['bootstrap']);
  });

  it('a storage failure is a typed error for the trace inspector and the export, not [] or undefined', async () => {
    const { storage } = await storedRunWithTraces();
    const run = new OpenRun({ client: new FakeClient(), storage });
    await run.open('r');
    const archive = new RunArchive(run, broken(storage));
    const traces = await archive.traces();
    expect(!traces.ok && traces.error.code).toBe('STORAGE_UNAVAILABLE');
    const bundle = await archive.exportBundle();
    expect(!bundle.ok && bundle.error.code).toBe('STORAGE_UNAVAILABLE');
  });

  it('with no run open, says so (RUN_NOT_FOUND) instead of returning nothing', async () => {
    const { storage } = await freshStorage();
    const archive = new RunArchive(new OpenRun({ client: new FakeClient(), storage }), storage);
    expect((await archive.traces()).ok).toBe(false);
    const out = await archive.exportBundle();
    expect(!out.ok && out.error.code).toBe('RUN_NOT_FOUND');
  });

  it('exports a stored run as a bundle that imports back as the same replay', async () => {
    const { storage } = await storedRunWithTraces();
    const run = new OpenRun({ client: new FakeClient(), storage });
    const archive = new RunArchive(run, storage);
    await run.open('r');
    const stored = run.current!;
    const out = await archive.exportBundle();
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.value.traces).toHaveLength(3);
    const text = serializeBundle(out.value);
    const imported = archive.importBundle(text);
    expect(imported.ok).toBe(true);
    expect(run.current!.replay).toBe(true);
    expect(run.current!.story).toEqual(stored.story);
    expect(run.current!.trials).toEqual(stored.trials);
    // A replay exports its own bundle and shows its own traces, without storage.
    const again = await new RunArchive(run, broken(storage)).exportBundle();
    expect(again.ok && again.value).toEqual(parseBundle(text));
    const traces = await new RunArchive(run, broken(storage)).traces({ trialIndex: 1 });
    expect(traces.ok && traces.value).toHaveLength(1);
  });

  it('refuses a file that is no bundle with SHARE_INVALID and keeps the open run', async () => {
    const { storage } = await storedRunWithTraces();
    const run = new OpenRun({ client: new FakeClient(), storage });
    await run.open('r');
    const out = new RunArchive(run, storage).importBundle('{"hello":1}');
    expect(!out.ok && out.error.code).toBe('SHARE_INVALID');
    expect(run.current!.id).toBe('r');
  });
});
