/**
 * The workspace's optimizer draft as a run config, and its persistence: the MIPROv2 budget
 * menu (auto sizes or minutes) maps to `auto` or `budget.minutes`, a workspace saved before
 * budgets existed loads exactly as it did, and the latency the plan and the run use is the one
 * measured for the task model, else the assumed figure.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openPromptLabDB, SettingsStore } from '../../../src/storage';
import { WorkspaceState } from '../../../src/ui/state/workspace.svelte';
import { ASSUMED_LATENCY_MS } from '../../../src/ui/setup/latency';

let counter = 0;
async function settings(): Promise<SettingsStore> {
  return new SettingsStore(await openPromptLabDB(`workspace-${process.pid}-${counter++}`));
}

function mipro(ws: WorkspaceState) {
  const o = ws.optimizerConfig();
  if (o.kind !== 'mipro_v2') throw new Error(`expected mipro_v2, got ${o.kind}`);
  return o;
}

describe('workspace: MIPROv2 budget', () => {
  it('starts at light; minutes put budget.minutes in the config instead of auto; an auto size brings auto back', () => {
    const ws = new WorkspaceState();
    expect(ws.budgetChoice).toBe('light');
    expect(mipro(ws)).toMatchObject({ auto: 'light' });
    expect(mipro(ws)).not.toHaveProperty('budget');

    ws.chooseBudget('5min');
    expect(ws.budgetChoice).toBe('5min');
    expect(mipro(ws).budget).toEqual({ minutes: 5 });
    expect(mipro(ws)).not.toHaveProperty('auto');

    ws.chooseBudget('medium');
    expect(mipro(ws)).toMatchObject({ auto: 'medium' });
    expect(mipro(ws)).not.toHaveProperty('budget');
  });

  it('loads a workspace saved before budgets unchanged, and keeps a chosen budget across a reload', async () => {
    const store = await settings();
    const old = new WorkspaceState();
    old.optimizer.auto = 'heavy';
    old.optimizer.seed = 7;
    // What the app saved before budgets: the same snapshot, without the `minutes` field.
    const { minutes: _new, ...optimizer } = old.snapshot().optimizer;
    await store.set('workspace.v1', { ...old.snapshot(), optimizer });

    const loaded = new WorkspaceState();
    expect(await loaded.load(store)).toBe(true);
    expect(loaded.optimizer).toEqual({ ...optimizer, minutes: null });
    expect(loaded.budgetChoice).toBe('heavy');
    expect(loaded.optimizerConfig()).toEqual(old.optimizerConfig());

    loaded.chooseBudget('30min');
    await loaded.save(store);
    const again = new WorkspaceState();
    await again.load(store);
    expect(again.budgetChoice).toBe('30min');
    expect(mipro(again).budget).toEqual({ minutes: 30 });
    // Going back to auto finds the size the workspace had.
    again.chooseBudget(again.optimizer.auto);
    expect(mipro(again)).toMatchObject({ auto: 'heavy' });
  });
});

describe('workspace: latency', () => {
  it('plans with the latency Test connection measured for the task endpoint, else the assumed one', async () => {
    const ws = new WorkspaceState();
    const ep = ws.models.endpoints[0]!;
    ep.baseURL = 'http://127.0.0.1:9/v1';
    ep.model = 'task-model';
    ws.program.signature = 'question -> answer';
    expect(ws.config).toBeDefined();
    expect(ws.taskLatency).toEqual({ ms: ASSUMED_LATENCY_MS.api, measured: false, local: false });
    expect(ws.latency?.task).toBe(ASSUMED_LATENCY_MS.api);

    await ws.models.test(ep, { testConnection: async () => ({ model: 'task-model', latencyMs: 1234, reply: 'ok' }) });
    expect(ws.taskLatency).toEqual({ ms: 1234, measured: true, local: false });
    expect(ws.latency).toEqual({ task: 1234, proposer: 1234, judge: 1234 });

    // Another model on the same server was not measured.
    ep.model = 'other-model';
    expect(ws.taskLatency?.measured).toBe(false);
  });

  it('a failed test measures nothing', async () => {
    const ws = new WorkspaceState();
    const ep = ws.models.endpoints[0]!;
    await ws.models.test(ep, { testConnection: async () => Promise.reject(new Error('down')) });
    expect(ws.models.latency).toEqual({});
  });
});

describe('workspace: a large data text is stored apart', () => {
  /** A text store like the worker's, counting what it is sent. */
  function textStore() {
    const sent: (string | undefined)[] = [];
    let kept: string | undefined;
    return {
      sent,
      store: {
        save: async (text: string | undefined) => {
          sent.push(text);
          kept = text;
        },
        load: async () => kept,
      },
    };
  }

  it('saves a text over 1 M characters apart once per change, keeps it out of the workspace record, and loads it back', async () => {
    const store = await settings();
    const apart = textStore();
    const big = `q,a\n${'x,y\n'.repeat(300_000)}`;
    const ws = new WorkspaceState();
    ws.data.text = big;
    await ws.save(store, apart.store);
    await ws.save(store, apart.store);
    expect(apart.sent).toEqual([big]);
    const record = await store.get<{ data: { text: string; textApart?: boolean } }>('workspace.v1');
    expect(record?.data).toMatchObject({ text: '', textApart: true });

    const loaded = new WorkspaceState();
    await loaded.load(store, apart.store);
    expect(loaded.data.text).toBe(big);

    // Back to a small text: it is stored in the record again, and the large one forgotten.
    loaded.data.text = 'q,a\nx,y\n';
    await loaded.save(store, apart.store);
    expect(apart.sent).toEqual([big, undefined]);
    expect((await store.get<{ data: { text: string } }>('workspace.v1'))?.data.text).toBe('q,a\nx,y\n');
  });

  it('loads a workspace saved with its text inline, as before', async () => {
    const store = await settings();
    const ws = new WorkspaceState();
    ws.data.text = 'q,a\nx,y\n';
    await ws.save(store);
    const loaded = new WorkspaceState();
    await loaded.load(store, textStore().store);
    expect(loaded.data.text).toBe('q,a\nx,y\n');
  });
});
