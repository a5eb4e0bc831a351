/**
 * The optimizer worker's service in Node (fake IndexedDB, the scripted OpenAI-compatible
 * server as the model): a run is stored whole; a paused run resumes to the same result as an
 * uninterrupted one; keys never reach storage.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRun, type RunConfig, type RunResult } from '../../../src/core/runner';
import { EventLog, openPromptLabDB, RunStore, TraceStore, TrialStore } from '../../../src/storage';
import type { RunUpdate } from '../../../src/protocol/optimizer';
import { createOptimizerService } from '../../../src/workers/optimizer-service';
import { fixtureData } from '../../fixtures/fixture-data';
import { irisHandler, irisRunConfig } from '../../fixtures/iris-world';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';

const KEY = 'sk-live-NEVER-STORE-ME-42';
const IRIS = fixtureData('iris/all.jsonl').text;

function config(url: string): RunConfig {
  return irisRunConfig(IRIS, url, KEY);
}

async function dump(dbName: string): Promise<string> {
  const db = await openPromptLabDB(dbName);
  const parts: unknown[] = [];
  for (const store of ['runs', 'trials', 'events', 'traces', 'lmCache', 'settings'] as const) parts.push(await db.getAll(store));
  db.close();
  return JSON.stringify(parts);
}

describe('optimizer service', () => {
  let server: ScriptedServer;
  let reference: RunResult;
  beforeAll(async () => {
    server = await startScriptedServer({ handler: irisHandler });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('runs a config and stores the run, every trial, event and LM call — and no key', async () => {
    const service = createOptimizerService(() => openPromptLabDB('svc-full'));
    const updates: RunUpdate[] = [];
    const out = await service.start({ runId: 'r1', config: config(server.url), title: 'Iris' }, (u) => updates.push(u));
    expect(out.ok).toBe(true);
    reference = (out as { value: RunResult }).value;
    expect(reference.scores.test!).toBeGreaterThan(reference.details.baselineTest!.mean);
    const db = await openPromptLabDB('svc-full');
    const run = (await new RunStore(db).get('r1'))!;
    expect(run.status).toBe('completed');
    expect(run.plan?.optimizer).toBe('mipro_v2');
    // The stored run keeps its data (so it can resume after a reload) but never a key.
    expect(run.config.data.text).toBe(IRIS);
    // …and marks where a key was given, never the key.
    expect(run.config.models.task).toHaveProperty('apiKey', '<redacted>');
    expect(run.result?.scores).toEqual(reference.scores);
    expect(await new TrialStore(db).list('r1')).toEqual(reference.trials);
    const events = await new EventLog(db).list('r1');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    const traces = await new TraceStore(db).list('r1');
    expect(traces.length).toBe(Object.values(reference.usage).reduce((a, u) => a + u.calls + u.cacheHits, 0));
    // The task model takes JSON schemas, so `auto` asked it for JSON all along.
    expect(traces.some((t) => t.stepId === 'generate' && t.messages[0]!.role === 'system' && t.completion.includes('"species"'))).toBe(true);
    expect(reference.program.output).toBe('json_schema');
    expect(updates.at(-1)).toEqual({ kind: 'status', runId: 'r1', status: 'completed' });
    db.close();
    expect(await dump('svc-full')).not.toContain(KEY);
  });

  it('pauses at a trial boundary and resumes to the same result, re-sending nothing already answered', async () => {
    const service = createOptimizerService(() => openPromptLabDB('svc-resume'));
    server.reset();
    let paused = false;
    const first = await service.start({ runId: 'r2', config: config(server.url) }, (u) => {
      if (!paused && u.kind === 'event' && u.event.type === 'optimizer' && u.event.event.type === 'trial_end' && u.event.event.trial.index === 6) {
        paused = true;
        void service.pause('r2');
      }
    });
    expect(first).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    const db = await openPromptLabDB('svc-resume');
    const stored = (await new RunStore(db).get('r2'))!;
    expect(stored.status).toBe('paused');
    expect(stored.checkpoint).toBeTruthy();
    db.close();
    const sentBefore = server.requests.length;

    const second = await service.start({ runId: 'r2', config: config(server.url), resume: true }, () => {});
    expect(second.ok).toBe(true);
    const result = (second as { value: RunResult }).value;
    expect(result.scores).toEqual(reference.scores);
    expect(result.program.state).toEqual(reference.program.state);
    expect(result.trials.map((t) => [t.kind, t.params, t.score])).toEqual(reference.trials.map((t) => [t.kind, t.params, t.score]));
    // The whole run (both halves) sent exactly as many requests as the uninterrupted one.
    const total = Object.values(reference.usage).reduce((a, u) => a + u.calls, 0);
    expect(server.requests.length).toBe(total);
    expect(server.requests.length).toBeGreaterThan(sentBefore);
    expect(result.usage.task.calls + result.usage.task.cacheHits).toBe(reference.usage.task.calls + reference.usage.task.cacheHits);
  });

  it('turns minutes into calls with the page\'s latency, keeps it with the run, and a resume without one plans the same budget', async () => {
    const service = createOptimizerService(() => openPromptLabDB('svc-minutes'));
    const minutes: RunConfig = { ...config(server.url), optimizer: { kind: 'mipro_v2', budget: { minutes: 0.5 } } };
    const latencyMs = { task: 1000, proposer: 1000, judge: 1000 };
    // What the setup showed for half a minute at 1 s a call (Iris splits into 30 / 60 / 60).
    const budget = planRun(minutes, { train: 30, val: 60, test: 60 }, latencyMs).budget!.calls;
    let paused = false;
    const first = await service.start({ runId: 'r3', config: minutes, latencyMs }, (u) => {
      if (!paused && u.kind === 'event' && u.event.type === 'optimizer' && u.event.event.type === 'trial_end' && u.event.event.trial.index === 3) {
        paused = true;
        void service.pause('r3');
      }
    });
    expect(first).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    const db = await openPromptLabDB('svc-minutes');
    const stored = (await new RunStore(db).get('r3'))!;
    db.close();
    expect(stored.latency).toEqual(latencyMs);
    expect(stored.plan?.budget).toMatchObject({ calls: budget, minutes: 0.5 });

    // After a reload the page may know no latency: the stored one converts the minutes again.
    const plans: number[] = [];
    const second = await service.start({ runId: 'r3', config: minutes, resume: true }, (u) => {
      if (u.kind === 'event' && u.event.type === 'plan') plans.push(u.event.plan.budget!.calls);
    });
    expect(second.ok).toBe(true);
    expect(plans).toEqual([budget]);
    const result = (second as { value: RunResult }).value;
    // The optimizer's task calls are its trials'; the teacher's are all bootstrapping.
    const searched = result.trials.reduce((n, t) => n + t.calls.sent + t.calls.cacheHits, 0);
    const optimizerCalls = searched + result.usage.teacher.calls + result.usage.teacher.cacheHits;
    expect(optimizerCalls).toBeLessThanOrEqual(budget);
    // The log keeps each checkpoint's usage: the last one is what the optimizer used of its budget.
    const log = await openPromptLabDB('svc-minutes');
    const reports = (await new EventLog(log).list('r3')).flatMap((r) => (r.event.type === 'optimizer' && r.event.event.type === 'checkpoint' && r.event.usage ? [r.event.usage] : []));
    log.close();
    const last = reports.at(-1)!;
    expect(last.task.calls + last.task.cacheHits + last.teacher.calls + last.teacher.cacheHits).toBe(optimizerCalls);
  });

  it('rejects a second start of the same run, and a resume of an unknown run, with typed errors', async () => {
    const service = createOptimizerService(() => openPromptLabDB('svc-errors'));
    await expect(service.start({ runId: 'nope', config: config(server.url), resume: true }, () => {})).resolves.toMatchObject({ ok: false, error: { code: 'RUN_NOT_FOUND' } });
    const plan = await service.plan({ config: config(server.url), latencyMs: { task: 800 } });
    expect(plan).toMatchObject({ ok: true, value: { optimizer: 'mipro_v2', trials: 10, train: 30, val: 60, test: 60 } });
    expect((plan as { value: { estimatedSeconds: number } }).value.estimatedSeconds).toBeGreaterThan(0);
    await expect(service.testConnection({ provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model: 'x', maxRetries: 0 })).resolves.toMatchObject({ ok: false, error: { code: 'LM_NETWORK' } });
    await expect(service.testConnection({ provider: 'openai-compatible', baseURL: server.url, model: 'task-model' })).resolves.toMatchObject({ ok: true });
  });
});
