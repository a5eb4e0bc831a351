/**
 * Issue 12, section 4: Resume after a reload asks for the keys the run's endpoints need (its
 * stored config marks them `<redacted>`) before anything is started, and offers the endpoint
 * Setup has now where the run's differs; a cancel of a running run asks the worker to keep the
 * best program found so far.
 */
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../src/core/runner';
import { OpenRun } from '../../../src/ui/state/open-run.svelte';
import { CONFIG, FakeClient, ManualFrames, ManualTimers, freshStorage, result, settle, storeRun } from './state-fakes';

const STORED: RunConfig = { ...CONFIG, models: { task: { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model: 'm', apiKey: '<redacted>' } } };

async function setup(setupModels: RunConfig['models'] | Record<string, never> = {}, restored = STORED) {
  const { db, storage } = await freshStorage();
  const client = new FakeClient();
  const run = new OpenRun({ client, storage, schedule: new ManualFrames().schedule, timers: new ManualTimers(), restoreConfig: () => restored, setupModels: () => setupModels });
  await storeRun(db, 'r', [], { status: 'interrupted' });
  await run.open('r');
  return { client, run };
}

describe('resume: keys and endpoints', () => {
  it('asks for a missing key before starting anything, then resumes with it', async () => {
    const { client, run } = await setup();
    expect((await run.resume()).ok).toBe(true);
    expect(client.started).toEqual([]);
    expect(run.pendingResume?.keys).toEqual([{ baseURL: 'http://127.0.0.1:9/v1', models: ['m'], roles: ['task'] }]);
    const resumed = run.giveKeys({ 'http://127.0.0.1:9/v1': 'sk-typed' });
    await settle();
    expect(run.pendingResume).toBeUndefined();
    expect(client.started.at(-1)).toMatchObject({ runId: 'r', resume: true, config: { models: { task: { apiKey: 'sk-typed' } } } });
    client.end('r', result());
    expect((await resumed).ok).toBe(true);
  });

  it('offers the endpoint Setup has now, and resumes with it (its key from Setup) or as it was', async () => {
    const fixed = { provider: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:10/v1', model: 'm', apiKey: 'sk-setup' };
    const { client, run } = await setup({ task: fixed });
    await run.resume();
    expect(run.pendingResume?.changes).toEqual([{ role: 'task', from: 'm @ http://127.0.0.1:9/v1', to: fixed }]);
    expect(client.started).toEqual([]);
    void run.chooseEndpoint(true);
    await settle();
    expect(client.started.at(-1)?.config.models.task).toEqual(fixed);

    const again = await setup({ task: fixed });
    await again.run.resume();
    await again.run.chooseEndpoint(false);
    // As it was: its own endpoint, whose key the tab lacks, so the key is asked for.
    expect(again.client.started).toEqual([]);
    expect(again.run.pendingResume?.keys).toHaveLength(1);
  });

  it('resumes at once when Setup has the same endpoint and the key was restored from it', async () => {
    const task = { provider: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:9/v1', model: 'm', apiKey: 'sk-1' };
    const { client, run } = await setup({ task }, { ...STORED, models: { task } });
    void run.resume();
    await settle();
    expect(client.started).toHaveLength(1);
    expect(run.pendingResume).toBeUndefined();
  });

  it('takes a key typed in Setup since for the same endpoint (a run that failed without it)', async () => {
    const task = { provider: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:9/v1', model: 'm', apiKey: 'sk-new' };
    const { client, run } = await setup({ task });
    void run.resume();
    await settle();
    expect(client.started.at(-1)?.config.models.task).toMatchObject({ apiKey: 'sk-new' });
  });

  it('cancels a running run keeping the best program found so far', async () => {
    const { client, run } = await setup();
    const started = run.start(CONFIG);
    await settle();
    await run.cancel();
    expect(client.cancelOptions.at(-1)).toEqual({ keepBest: true });
    void started;
  });
});
