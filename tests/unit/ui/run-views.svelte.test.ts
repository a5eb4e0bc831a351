/**
 * The run view's and teaching mode's view models over a recorded MIPROv2 run (the bundle
 * teaching mode replays) and a random search: each teaching step shows what the optimizer did,
 * "best so far" is the optimizer's own `new_best` word and matches what the UI showed before,
 * and a progress tick does not rebuild the lists.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyUsage } from '../../../src/core/lm';
import type { Plan, TrialRecord } from '../../../src/core/optimize/types';
import { runOptimizer } from '../../../src/core/optimize';
import type { RunEvent } from '../../../src/core/runner';
import type { RunBundle } from '../../../src/ui/bundle';
import { bestHistory, demoSets, isFull, proposals, type NewBest } from '../../../src/ui/run/view-models';
import { OpenRun } from '../../../src/ui/state/open-run.svelte';
import { RunViews } from '../../../src/ui/state/run-views.svelte';
import { WallClock } from '../../../src/ui/state/wall-clock.svelte';
import { bootstrapRows, minibatchClouds, tpeSteps } from '../../../src/ui/teach/teach-model';
import { makeWorld } from '../optimize/harness';
import { makeRunBundle } from './run-fixture';
import { CONFIG, FakeClient, ManualFrames, ManualTimers, freshStorage, searchEvents, settle, trial, updates } from './state-fakes';

/** What the UI computed before it read `new_best`: each full evaluation that beat every earlier one. */
function bestsTheOldWay(trials: readonly TrialRecord[]): { trial: number; score: number }[] {
  const out: { trial: number; score: number }[] = [];
  for (const t of trials) if (isFull(t) && (out.length === 0 || t.score > out.at(-1)!.score)) out.push({ trial: t.index, score: t.score });
  return out;
}

const plain = (bests: readonly NewBest[]) => bests.map(({ trial, score }) => ({ trial, score }));

async function replayed(bundle: RunBundle) {
  const { storage } = await freshStorage();
  const timers = new ManualTimers();
  const run = new OpenRun({ client: new FakeClient(), storage, timers });
  const views = new RunViews({ current: () => run.current }, new WallClock(timers));
  run.replay(bundle);
  return { run, views };
}

describe('teaching steps from a recorded MIPROv2 run', () => {
  let bundle: RunBundle;
  beforeAll(async () => {
    bundle = await makeRunBundle();
  }, 60_000);

  it('bootstrap: the rows bootstrap kept and rejected, as the optimizer reported them', async () => {
    const { views } = await replayed(bundle);
    expect(views.bootstrapRows).toEqual(bootstrapRows(bundle.events));
    expect(views.keptRows.length).toBeGreaterThan(0);
    expect(views.keptRows.length + views.rejectedRows.length).toBe(views.bootstrapRows.length);
    expect(views.keptRows.every((r) => r.kept && r.demos.length > 0)).toBe(true);
  });

  it('propose: each proposed instruction with its tip and grounding context; the demo sets', async () => {
    const { views } = await replayed(bundle);
    expect(views.proposals).toEqual(proposals(bundle.events));
    expect(views.proposals.length).toBeGreaterThan(0);
    expect(views.proposals.every((p) => p.context.programSummary !== '')).toBe(true);
    expect(views.demoSets).toEqual(demoSets(bundle.events));
    expect(views.datasetSummary?.summary).toBeTruthy();
  });

  it('TPE and noise: startup trials first, then TPE picks with densities; minibatch clouds around full scores', async () => {
    const { views } = await replayed(bundle);
    expect(views.tpeSteps).toEqual(tpeSteps(bundle.events, bundle.trials));
    expect(views.tpeSteps[0]!.mode).toBe('startup');
    expect(views.tpeSteps.some((s) => s.mode === 'tpe' && s.densities.length > 0)).toBe(true);
    expect(views.clouds).toEqual(minibatchClouds(bundle.trials));
  });

  it('best so far comes from new_best events and flags the same trial the UI flagged before', async () => {
    const { views } = await replayed(bundle);
    expect(plain(views.bestHistory)).toEqual(bestsTheOldWay(bundle.trials));
    expect(views.best!.trial).toBe(bestsTheOldWay(bundle.trials).at(-1)!.trial);
    expect(views.trialRows.filter((r) => r.isBest).map((r) => r.index)).toEqual([views.best!.trial]);
    // Without the optimizer's word there is no best: the UI does not make one up.
    const { views: bare } = await replayed({ ...bundle, events: bundle.events.filter((e) => !(e.type === 'optimizer' && e.event.type === 'new_best')) });
    expect(bare.best).toBeUndefined();
    expect(bare.trialRows.some((r) => r.isBest)).toBe(false);
  });
});

describe('new_best from every optimizer with trials', () => {
  it('random search announces each better candidate, as the UI computed it before', async () => {
    const w = makeWorld({ train: 20, val: 20 });
    const r = await runOptimizer('bootstrap_random_search', w.ctx, { numCandidatePrograms: 4, maxBootstrappedDemos: 2, maxLabeledDemos: 2 });
    const events: RunEvent[] = w.events.map((event) => ({ type: 'optimizer', event }));
    expect(r.trials.length).toBeGreaterThan(2);
    expect(plain(bestHistory(events))).toEqual(bestsTheOldWay(r.trials));
  });

  it('MIPROv2 announces each better full evaluation, never a minibatch score', async () => {
    const w = makeWorld({ train: 20, val: 60, hard: true });
    const r = await runOptimizer('mipro_v2', w.ctx, { auto: 'light', numTrials: 10 });
    const events: RunEvent[] = w.events.map((event) => ({ type: 'optimizer', event }));
    const bests = bestHistory(events);
    expect(bests.length).toBeGreaterThan(0);
    expect(plain(bests)).toEqual(bestsTheOldWay(r.trials));
    for (const b of bests) expect(isFull(r.trials.find((t) => t.index === b.trial)!)).toBe(true);
  }, 60_000);
});

/** A run started on a fake client, with frames, timers and the clock under the test's control. */
async function liveRun() {
  const { storage } = await freshStorage();
  const client = new FakeClient();
  const frames = new ManualFrames();
  const timers = new ManualTimers();
  const clock = new WallClock(timers);
  const run = new OpenRun({ client, storage, schedule: frames.schedule, timers, clock, newId: () => 'live' });
  const views = new RunViews({ current: () => run.current }, clock);
  void run.start(CONFIG);
  await settle();
  return { client, frames, timers, clock, run, views };
}

describe('view models of a live run', () => {
  it('keep their arrays through a progress tick and rebuild them when a trial ends', async () => {
    const { client, frames, timers, clock, run, views } = await liveRun();
    const events = searchEvents(4);
    client.emit('live', ...updates('live', events));
    frames.frame();
    const rows = views.trialRows;
    const steps = views.tpeSteps;
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(rows.filter((r) => r.isBest).map((r) => r.index)).toEqual([3]);

    client.emit('live', { kind: 'event', runId: 'live', seq: events.length, event: { type: 'optimizer', event: { type: 'progress', phase: 'search', done: 3, total: 8 } } });
    frames.frame();
    expect(views.trialRows).toBe(rows);
    expect(views.tpeSteps).toBe(steps);
    // A trial starts: the story grows, but there is no new best, so the chart keeps its line.
    const line = views.bestHistory;
    const story = run.current!.story;
    client.emit('live', { kind: 'event', runId: 'live', seq: events.length + 1, event: { type: 'optimizer', event: { type: 'trial_start', trial: 4, kind: 'minibatch', params: {} } } });
    frames.frame();
    expect(run.current!.story).not.toBe(story);
    expect(views.bestHistory).toBe(line);
    expect(views.trialRows).toBe(rows);

    client.emit('live', { kind: 'event', runId: 'live', seq: events.length + 2, event: { type: 'optimizer', event: { type: 'trial_end', trial: trial(4, 'minibatch', 0.9) } } });
    frames.frame();
    expect(views.trialRows).not.toBe(rows);
    expect(views.trialRows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('estimates the time left in the active phase from the ticking clock', async () => {
    const { client, frames, timers, clock, run, views } = await liveRun();
    expect(clock.ticking).toBe(true);
    client.emit('live', { kind: 'event', runId: 'live', seq: 0, event: { type: 'optimizer', event: { type: 'phase', phase: 'search', status: 'start' } } });
    frames.frame();
    timers.advance(10_000);
    client.emit('live', { kind: 'event', runId: 'live', seq: 1, event: { type: 'optimizer', event: { type: 'progress', phase: 'search', done: 2, total: 10 } } });
    frames.frame();
    expect(views.phase).toBe('search');
    // 10 s for 2 of 10 trials: 40 s left.
    expect(views.eta).toBe(40);
    client.end('live', { code: 'LM_SERVER', message: 'down' });
    await settle();
    expect(clock.ticking).toBe(false);
    expect(views.eta).toBeUndefined();
  });

  it('shows a budgeted run\'s calls used of its budget, and the time left counting down with the clock', async () => {
    const { client, frames, timers, views } = await liveRun();
    const plan: Plan = { optimizer: 'mipro_v2', trials: 20, fullEvaluations: 0, taskProgramRuns: { search: 100, fullEvaluations: 0, total: 100 }, taskCalls: 100, teacherProgramRunsMax: 0, proposerCalls: 3, budget: { calls: 100, minutes: 5, teacherRunsExpected: 0 }, notes: [] };
    const used = (task: number) => ({ ...emptyUsage(), task: { ...emptyUsage().task, calls: task } });
    client.emit('live', { kind: 'event', runId: 'live', seq: 0, event: { type: 'plan', plan } }, { kind: 'event', runId: 'live', seq: 1, event: { type: 'optimizer', event: { type: 'phase', phase: 'search', status: 'start' } } });
    frames.frame();
    expect(views.budget).toEqual({ total: 100, minutes: 5, over: false });
    timers.advance(20_000);
    client.emit('live', { kind: 'usage', runId: 'live', usage: used(20) });
    frames.frame();
    // 20 calls in 20 s: 80 left at 1 s each.
    expect(views.budget).toMatchObject({ used: 20, secondsLeft: 80 });
    timers.advance(5_000);
    expect(views.budget?.secondsLeft).toBe(75);
  });
});
