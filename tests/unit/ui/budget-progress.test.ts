/**
 * A budgeted run's progress in the run view: calls used are the task and teacher calls the
 * optimizer reported (sent and cached), never the final scoring; the time left is the calls
 * left at the pace measured so far, counting down between reports.
 */
import { describe, expect, it } from 'vitest';
import { emptyUsage, type UsageSnapshot } from '../../../src/core/lm';
import type { Plan } from '../../../src/core/optimize';
import { budgetCallsUsed, budgetSecondsLeft, type RunEvent, type RunResult } from '../../../src/core/runner';
import type { RunUpdate } from '../../../src/protocol/optimizer';
import { budgetView } from '../../../src/ui/run/budget-progress';
import { applyUpdates, budgetSource, emptySnapshot, storedSnapshot, type RunSnapshot } from '../../../src/ui/run/run-snapshot';

/** Usage with `task` and `teacher` calls (half sent, half from the cache) and some proposer calls. */
function usage(task: number, teacher = 0): UsageSnapshot {
  const u = emptyUsage();
  u.task = { ...u.task, calls: Math.ceil(task / 2), cacheHits: Math.floor(task / 2) };
  u.teacher = { ...u.teacher, calls: teacher };
  u.proposer = { ...u.proposer, calls: 7 };
  return u;
}

const PLAN: Plan = {
  optimizer: 'mipro_v2',
  trials: 30,
  fullEvaluations: 0,
  taskProgramRuns: { search: 150, fullEvaluations: 0, final: 100, total: 250 },
  taskCalls: 300,
  teacherProgramRunsMax: 10,
  proposerCalls: 7,
  budget: { calls: 200, minutes: 5, teacherRunsExpected: 10 },
  notes: [],
};

const phase = (name: string, status: 'start' | 'end'): RunEvent => ({ type: 'phase', phase: name, status });
const opt = (name: string, status: 'start' | 'end'): RunEvent => ({ type: 'optimizer', event: { type: 'phase', phase: name as 'search', status } });

describe('budget arithmetic', () => {
  it('counts task and teacher calls, sent or cached; not the proposer\'s', () => {
    expect(budgetCallsUsed(usage(40, 10))).toBe(50);
  });

  it('time left: calls left at the pace since the start, less the time since the last report', () => {
    // 100 calls in 50 s: 0.5 s a call; 300 left -> 150 s, 10 s after the report -> 140 s.
    expect(budgetSecondsLeft(400, { at: 60_000, used: 100 }, { at: 10_000, used: 0 }, 60_000)).toBe(150);
    expect(budgetSecondsLeft(400, { at: 60_000, used: 100 }, { at: 10_000, used: 0 }, 70_000)).toBe(140);
    // A slower pace later re-estimates upwards.
    expect(budgetSecondsLeft(400, { at: 160_000, used: 200 }, { at: 10_000, used: 0 }, 160_000)).toBe(150);
    expect(budgetSecondsLeft(400, { at: 160_000, used: 200 }, { at: 10_000, used: 0 }, 1_000_000)).toBe(0);
    // No call since the pace started: no estimate yet.
    expect(budgetSecondsLeft(400, { at: 60_000, used: 100 }, { at: 50_000, used: 100 }, 60_000)).toBeUndefined();
    expect(budgetSecondsLeft(400, { at: 60_000, used: 100 }, undefined, 60_000)).toBeUndefined();
  });

  it('a run without a budget has no budget view; a finished search has no time left', () => {
    const report = { usage: usage(100), at: 60_000 };
    expect(budgetView({ plan: { ...PLAN, budget: undefined }, running: true, over: false }, 0)).toBeUndefined();
    expect(budgetView({ plan: PLAN, running: true, over: false, optimizerUsage: report, paceFrom: { at: 10_000, used: 0 } }, 60_000)).toEqual({ total: 200, minutes: 5, used: 100, over: false, secondsLeft: 50 });
    expect(budgetView({ plan: PLAN, running: true, over: true, optimizerUsage: report, paceFrom: { at: 10_000, used: 0 } }, 60_000)).toEqual({ total: 200, minutes: 5, used: 100, over: true });
    expect(budgetView({ plan: PLAN, running: false, over: false, optimizerUsage: report }, 60_000)).toEqual({ total: 200, minutes: 5, used: 100, over: false });
  });
});

describe('budget progress folded from a run', () => {
  const ev = (seq: number, event: RunEvent): RunUpdate => ({ kind: 'event', runId: 'r', seq, event });
  const use = (u: UsageSnapshot): RunUpdate => ({ kind: 'usage', runId: 'r', usage: u });
  const fold = (snap: RunSnapshot, us: RunUpdate[], now: number) => applyUpdates(snap, us, now);

  it('measures the pace from the search\'s start, and counts only what the optimizer used', () => {
    let snap = emptySnapshot('r');
    snap = fold(snap, [ev(0, { type: 'plan', plan: PLAN }), ev(1, opt('bootstrap', 'start'))], 0);
    // Bootstrapping: 20 teacher calls in 40 s, one at a time.
    snap = fold(snap, [use(usage(0, 20)), ev(2, opt('search', 'start'))], 40_000);
    expect(snap.paceFrom).toEqual({ at: 40_000, used: 20 });
    snap = fold(snap, [use(usage(60, 20))], 60_000);
    // 60 calls in 20 s: 1/3 s a call, 120 left -> 40 s.
    expect(budgetView(budgetSource(snap), 60_000)).toMatchObject({ used: 80, secondsLeft: 40 });
    expect(budgetView(budgetSource(snap), 70_000)).toMatchObject({ secondsLeft: 30 });

    // The search ends; the final scoring's calls come in the result's usage, outside the budget.
    snap = fold(snap, [use(usage(175, 20)), ev(3, opt('search', 'end')), ev(4, phase('evaluate val', 'start'))], 90_000);
    const result = { usage: usage(475, 20), plan: PLAN, config: {}, details: {}, scores: {}, program: {}, trials: [] } as unknown as RunResult;
    snap = fold(snap, [{ kind: 'result', runId: 'r', result }], 120_000);
    expect(snap.usage).toEqual(result.usage);
    expect(budgetView(budgetSource(snap), 120_000)).toEqual({ total: 200, minutes: 5, used: 195, over: true });
  });

  it('a usage report after a phase started in the same frame counts as made after it', () => {
    let snap = fold(emptySnapshot('r'), [ev(0, { type: 'plan', plan: PLAN }), use(usage(0, 20))], 0);
    snap = fold(snap, [ev(1, opt('search', 'start')), use(usage(10, 20))], 5_000);
    expect(snap.paceFrom).toEqual({ at: 5_000, used: 20 });
  });

  it('a reopened run shows the calls its optimizer used, from the checkpoints its log kept', () => {
    const checkpoint = (u: UsageSnapshot): RunEvent => ({ type: 'optimizer', event: { type: 'checkpoint', checkpoint: null }, usage: u });
    const events: RunEvent[] = [{ type: 'plan', plan: PLAN }, opt('search', 'start'), checkpoint(usage(50, 20)), checkpoint(usage(170, 20)), opt('search', 'end'), phase('evaluate val', 'start')];
    const run = { id: 'r', status: 'completed' as const, createdAt: 0, config: {} as never, plan: PLAN, usage: usage(470, 20) };
    const snap = storedSnapshot(run, events.map((event, i) => ({ event, at: i * 1000, seq: i })), []);
    expect(budgetView(budgetSource(snap), 10_000)).toEqual({ total: 200, minutes: 5, used: 190, over: true });
    // An interrupted run's record holds its last checkpoint's usage.
    const paused = storedSnapshot({ ...run, status: 'interrupted', usage: usage(60, 20) }, [], []);
    expect(budgetView(budgetSource(paused), 10_000)).toMatchObject({ used: 80, over: false });
  });
});
