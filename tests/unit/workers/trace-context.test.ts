/**
 * Where each LM call was made travels with it: the optimizer worker stores every call under
 * its role, phase, trial and example as the code that made it knew them, with its real
 * duration; and the run's one plan (planRun) bounds what the run issued.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageSnapshot } from '../../../src/core/lm';
import { planRun, type RunEvent, type RunResult } from '../../../src/core/runner';
import { EventLog, openPromptLabDB, RunStore, TraceStore, TrialStore, type TraceRow } from '../../../src/storage';
import { createOptimizerService } from '../../../src/workers/optimizer-service';
import { fixtureData } from '../../fixtures/fixture-data';
import { irisHandler, irisRunConfig } from '../../fixtures/iris-world';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';

const IRIS = fixtureData('iris/all.jsonl').text;

describe('trace context and the run plan', () => {
  let server: ScriptedServer;
  let result: RunResult;
  let traces: TraceRow[];
  const events: RunEvent[] = [];
  const usage: UsageSnapshot[] = [];

  beforeAll(async () => {
    server = await startScriptedServer({ handler: irisHandler });
    const service = createOptimizerService(() => openPromptLabDB('trace-context'));
    const out = await service.start({ runId: 'tc', config: irisRunConfig(IRIS, server.url) }, (u) => {
      if (u.kind === 'event') events.push(u.event);
      if (u.kind === 'usage') usage.push(u.usage);
    });
    if (!out.ok) throw new Error(out.error.message);
    result = out.value;
    const db = await openPromptLabDB('trace-context');
    traces = await new TraceStore(db).list('tc');
    db.close();
    // A whole MIPROv2 run over HTTP: seconds on a quiet machine, more on a busy one.
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  it('stores every call with its role and phase, and the real duration of those sent', () => {
    expect(traces.length).toBe(Object.values(result.usage).reduce((a, u) => a + u.calls + u.cacheHits, 0));
    expect(traces.every((t) => t.role !== undefined && t.phase !== undefined)).toBe(true);
    const sent = traces.filter((t) => !t.cached);
    expect(sent.length).toBe(Object.values(result.usage).reduce((a, u) => a + u.calls, 0));
    expect(sent.every((t) => (t.durationMs ?? 0) > 0)).toBe(true);
    const byPhase = (phase: string) => traces.filter((t) => t.phase === phase);
    expect(new Set(byPhase('bootstrap').map((t) => t.role))).toEqual(new Set(['teacher']));
    expect(new Set(byPhase('propose').map((t) => t.role))).toEqual(new Set(['proposer']));
    expect(byPhase('propose')).toHaveLength(result.usage.proposer.calls + result.usage.proposer.cacheHits);
  });

  it('files each search call under the trial that made it, for the example it ran', () => {
    for (const trial of result.trials) {
      const rows = traces.filter((t) => t.phase === 'search' && t.trialIndex === trial.index);
      expect(rows, `trial ${trial.index}`).toHaveLength(trial.calls.sent + trial.calls.cacheHits);
      expect(new Set(rows.map((t) => t.exampleId)).size).toBe(trial.n);
      expect(rows.every((t) => t.stepId === 'generate' && t.role === 'task')).toBe(true);
    }
    const bootstrap = traces.filter((t) => t.phase === 'bootstrap');
    expect(bootstrap.length).toBeGreaterThan(0);
    expect(bootstrap.every((t) => t.exampleId !== undefined && t.trialIndex === undefined)).toBe(true);
  });

  it('files the final scoring apart, the baseline on each test example once', () => {
    const baseline = traces.filter((t) => t.phase === 'baseline');
    expect(new Set(baseline.map((t) => t.exampleId)).size).toBe(result.data.test);
    expect(baseline).toHaveLength(result.data.test);
    expect(traces.filter((t) => t.phase === 'evaluate')).toHaveLength(result.data.val + result.data.test);
  });

  it('lists the calls of one phase, trial or example', async () => {
    const db = await openPromptLabDB('trace-context');
    const store = new TraceStore(db);
    const example = traces.find((t) => t.phase === 'baseline')!.exampleId!;
    expect(await store.list('tc', { phase: 'propose' })).toEqual(traces.filter((t) => t.phase === 'propose'));
    expect(await store.list('tc', { trialIndex: 3 })).toEqual(traces.filter((t) => t.trialIndex === 3));
    expect(await store.list('tc', { exampleId: example })).toEqual(traces.filter((t) => t.exampleId === example));
    db.close();
  });

  it('announces one plan, the same planRun gives, and issues no more task calls than it says', () => {
    const plans = events.flatMap((e) => (e.type === 'plan' ? [e.plan] : []));
    expect(plans).toHaveLength(1);
    expect(result.plan).toEqual(plans[0]);
    expect(planRun(irisRunConfig(IRIS, server.url), { train: result.data.train, val: result.data.val, test: result.data.test })).toEqual(plans[0]);
    const issued = result.usage.task.calls + result.usage.task.cacheHits;
    // No step failed, so every planned task call was issued: the bound is exact.
    expect(issued).toBe(plans[0]!.taskCalls);
    expect(plans[0]!.taskProgramRuns.final).toBe(result.data.val + 2 * result.data.test);
    expect(result.usage.teacher.calls + result.usage.teacher.cacheHits).toBeLessThanOrEqual(plans[0]!.teacherCalls!);
    expect(result.usage.proposer.calls + result.usage.proposer.cacheHits).toBe(plans[0]!.proposerCalls);
  });

  it('keeps the page\'s usage live: it grows at every trial boundary, up to the final figures', () => {
    const sent = usage.map((u) => u.task.calls);
    expect(sent.length).toBeGreaterThanOrEqual(result.trials.length);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    expect(sent.at(-1)!).toBeGreaterThan(0);
    expect(sent.at(-1)!).toBeLessThanOrEqual(result.usage.task.calls);
  });

  it('stores each trial once: in the trials store, referenced from the log, not in the run record', async () => {
    const db = await openPromptLabDB('trace-context');
    expect(await new TrialStore(db).list('tc')).toEqual(result.trials);
    const raw = (await db.getAll('events')).filter((r) => r.runId === 'tc').map((r) => r.event);
    expect(raw.filter((e) => e.type === 'trial_end_ref')).toHaveLength(result.trials.length);
    expect(JSON.stringify(raw)).not.toContain('"trial_end"');
    expect((await new RunStore(db).get('tc'))!.result).not.toHaveProperty('trials');
    const logged = (await new EventLog(db).list('tc')).flatMap((r) => (r.event.type === 'optimizer' && r.event.event.type === 'trial_end' ? [r.event.event.trial] : []));
    expect(logged).toEqual(result.trials);
    db.close();
  });
});
