/**
 * Editing a finished run and evaluating the edit: a new run linked to its parent (its
 * `parentRunId` stored, shown and listed), and two stored runs picked and compared.
 */
import { describe, expect, it } from 'vitest';
import type { ProgramState } from '../../../src/core/program';
import { RunStore } from '../../../src/storage';
import { OpenRun, type OpenRunDeps } from '../../../src/ui/state/open-run.svelte';
import { RunComparison } from '../../../src/ui/state/run-comparison.svelte';
import { StoredRuns } from '../../../src/ui/state/stored-runs.svelte';
import { CONFIG, FakeClient, ManualFrames, ManualTimers, freshStorage, result, settle, storeRun } from './state-fakes';

const EDITED: ProgramState = { 'generate.predict': { instruction: 'Edited.', demos: [] } };
const WITH_KEY = { ...CONFIG, models: { task: { ...CONFIG.models.task, apiKey: 'sk-in-memory' } } } as typeof CONFIG;

async function setup(extra: Partial<OpenRunDeps> = {}) {
  const fresh = await freshStorage();
  const client = new FakeClient();
  let n = 0;
  const run = new OpenRun({ client, storage: fresh.storage, schedule: new ManualFrames().schedule, timers: new ManualTimers(), newId: () => `run-${++n}`, ...extra });
  return { ...fresh, client, run };
}

describe('evaluate edited program', () => {
  it('starts a new run linked to the finished one: its config, the edited state, no optimizer, the keys in memory', async () => {
    const { client, run } = await setup();
    const first = run.start(WITH_KEY, 'Iris');
    await settle();
    client.end('run-1', result(WITH_KEY));
    await first;
    void run.evaluateEdited(EDITED);
    await settle();
    const req = client.started[1]!;
    expect(req.parentRunId).toBe('run-1');
    expect(req.title).toBe('Iris (edited)');
    expect(req.config.optimizer).toEqual({ kind: 'none' });
    expect(req.config.program).toEqual({ spec: result().program.spec, state: EDITED });
    expect(req.config.models.task).toMatchObject({ apiKey: 'sk-in-memory' });
    expect(run.current).toMatchObject({ id: 'run-2', parentRunId: 'run-1', status: 'running' });
  });

  it('after a reload takes the keys from restoreConfig, and says so when nothing can give them', async () => {
    const { db, client, run } = await setup();
    await storeRun(db, 'old', [], { status: 'completed' });
    await new RunStore(db).complete('old', result());
    await run.open('old');
    const out = await run.evaluateEdited(EDITED);
    expect(!out.ok && out.error.code).toBe('CONFIG_INVALID');
    expect(client.started).toEqual([]);

    const restored = await setup({ restoreConfig: (r) => ({ ...r.config, models: WITH_KEY.models }) });
    await storeRun(restored.db, 'old', [], { status: 'completed' });
    await new RunStore(restored.db).complete('old', result());
    await restored.run.open('old');
    void restored.run.evaluateEdited(EDITED);
    await settle();
    expect(restored.client.started[0]).toMatchObject({ parentRunId: 'old', config: { optimizer: { kind: 'none' }, models: WITH_KEY.models } });
  });

  it('stores the link: the reopened run and the runs list show its parent; runs without one open as before', async () => {
    const { db, storage, run } = await setup();
    await storeRun(db, 'parent', [], { status: 'completed' });
    await new RunStore(db, () => 2_000).create({ id: 'child', name: 'child', config: CONFIG, status: 'completed', parentRunId: 'parent' });
    expect((await run.open('child')).ok).toBe(true);
    expect(run.current!.parentRunId).toBe('parent');
    expect((await run.open('parent')).ok).toBe(true);
    expect(run.current!.parentRunId).toBeUndefined();
    const list = new StoredRuns({ storage, client: new FakeClient() });
    await list.refresh();
    expect(list.list.map((r) => [r.id, r.parentRunId])).toEqual([['child', 'parent'], ['parent', undefined]]);
  });
});

describe('compare runs', () => {
  async function twoRuns() {
    const { db, storage } = await freshStorage();
    for (const [id, at] of [['new', 5_000], ['old', 1_000]] as const) {
      await storeRun(db, id, [], { status: 'completed', createdAt: at });
      await new RunStore(db).complete(id, result());
    }
    await storeRun(db, 'unfinished', [], { status: 'paused', createdAt: 9_000 });
    return new RunComparison(storage);
  }

  it('picks two runs (a third replaces the first) and compares them, the older as A', async () => {
    const c = await twoRuns();
    c.toggle('unfinished');
    c.toggle('new');
    c.toggle('old');
    expect(c.picked).toEqual(['new', 'old']);
    const out = await c.open();
    expect(out.ok).toBe(true);
    expect([c.current!.a.id, c.current!.b.id]).toEqual(['old', 'new']);
    expect(c.current!.scores.map((s) => s.delta)).toEqual(['+0.0 points', '+0.0 points', '+0.0 points']);
    c.close();
    expect(c.current).toBeUndefined();
  });

  it('refuses a run without a result, and fewer than two runs', async () => {
    const c = await twoRuns();
    c.toggle('old');
    expect(((await c.open()) as { ok: false; error: { code: string } }).error.code).toBe('CONFIG_INVALID');
    c.toggle('unfinished');
    expect(((await c.open()) as { ok: false; error: { code: string } }).error.code).toBe('CONFIG_INVALID');
    expect(c.error?.code).toBe('CONFIG_INVALID');
    expect(c.current).toBeUndefined();
  });
});
