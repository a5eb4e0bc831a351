import { describe, expect, it } from 'vitest';
import type { TrialRecord } from '../../../src/core/optimize/types';
import { buildFromTemplate } from '../../../src/core/program';
import type { RunUpdate } from '../../../src/protocol/optimizer';
import { applyUpdates, emptySnapshot, phaseEta } from '../../../src/ui/run/run-snapshot';
import { bestHistory, chartModel, optimizerLabel, paramLabel, planLine, programDiff, showsAttempts, trialRows, usageRows, wordDiff, type NewBest } from '../../../src/ui/run/view-models';

function trial(index: number, kind: TrialRecord['kind'], score: number, params = { 'generate.instruction': index % 3, 'generate.demos': index % 2 }): TrialRecord {
  return { index, kind, params, score, n: kind === 'minibatch' ? 35 : 100, calls: { sent: 10, cacheHits: 2 }, errors: 0, durationMs: 5 };
}

describe('score chart', () => {
  const trials = [trial(0, 'default', 0.4), trial(1, 'minibatch', 0.9), trial(2, 'minibatch', 0.5), trial(3, 'full', 0.6), trial(4, 'minibatch', 0.95), trial(5, 'full', 0.55), trial(6, 'full', 0.8)];
  // What the optimizer announced for these trials: its `new_best` events (full evaluations only).
  const best: NewBest[] = [0, 3, 6].map((i) => ({ trial: i, score: trials[i]!.score, params: trials[i]!.params }));
  const m = chartModel(trials, 400, 200, 0, best);

  it('draws full evaluations distinctly from minibatch trials', () => {
    expect(m.points.map((p) => p.full)).toEqual([true, false, false, true, false, true, true]);
  });

  it('draws the best-so-far line from full evaluations only: a minibatch score of 95% never raises it', () => {
    const ys = [...m.bestPath.matchAll(/[MV][\d.]+,?([\d.]+)?|V([\d.]+)/g)];
    expect(ys.length).toBeGreaterThan(0);
    const y = (s: number) => m.plot.bottom - s * (m.plot.bottom - m.plot.top);
    // Levels: 0.4 (default) -> 0.6 (trial 3) -> 0.8 (trial 6); 0.55 (trial 5) is not a new best.
    expect(m.bestPath).toContain(`V${Math.round(y(0.6) * 10) / 10}`);
    expect(m.bestPath).toContain(`V${Math.round(y(0.8) * 10) / 10}`);
    expect(m.bestPath).not.toContain(`V${Math.round(y(0.95) * 10) / 10}`);
    expect(m.bestPath).not.toContain(`V${Math.round(y(0.55) * 10) / 10}`);
  });

  it('keeps every point inside the plot area, even for scores outside [0, 1]', () => {
    const odd = chartModel([trial(0, 'default', 1.4), trial(1, 'minibatch', -0.2)], 300, 150);
    for (const p of odd.points) {
      expect(p.y).toBeGreaterThanOrEqual(odd.plot.top);
      expect(p.y).toBeLessThanOrEqual(odd.plot.bottom);
    }
  });

  it('leaves room for the planned trials so the x axis does not rescale on every point', () => {
    const early = chartModel([trial(0, 'default', 0.4)], 400, 200, 20);
    expect(early.points[0]!.x).toBe(early.plot.left);
    const later = chartModel([trial(0, 'default', 0.4), trial(19, 'minibatch', 0.5)], 400, 200, 20);
    expect(early.xTicks).toEqual(later.xTicks);
    expect(later.points[1]!.x).toBe(later.plot.right);
  });
});

describe('trial table', () => {
  it('labels parameters as instruction/demo-set numbers and flags the best full evaluation', () => {
    const trials = [trial(0, 'default', 0.4), trial(1, 'minibatch', 0.99), trial(2, 'full', 0.7)];
    const announced = bestHistory([0, 2].map((i) => ({ type: 'optimizer', event: { type: 'new_best', trial: i, score: trials[i]!.score, params: trials[i]!.params } })));
    const rows = trialRows(trials, announced.at(-1));
    expect(rows.map((r) => r.isBest)).toEqual([false, false, true]);
    expect(rows[1]!.params).toBe('I1 · D1');
    expect(rows[2]!.score).toBe('70.0%');
    // A budgeted search's leader can change on another configuration's trial: its latest chunk is flagged.
    const chunks = [trial(0, 'minibatch', 0.6), trial(1, 'minibatch', 0.4), trial(2, 'minibatch', 0.8)];
    const leader = { trial: 1, params: chunks[0]!.params };
    expect(trialRows(chunks, leader).map((r) => r.isBest)).toEqual([true, false, false]);
    // Unreadable answers per trial (stored runs from before they were counted read 0).
    expect(trialRows([{ ...chunks[0]!, parseFailures: 2 }, chunks[1]!]).map((r) => r.unreadable)).toEqual([2, 0]);
    expect(paramLabel({ 'hop1.instruction': 2, 'hop1.demos': 0, 'answer.instruction': 1, 'answer.demos': 3 })).toBe('hop1 I2 D0 · answer I1 D3');
  });
});

describe('run snapshot fold', () => {
  it('folds events in order, drops repeated seqs after a resume, and keeps trials sorted', () => {
    let s = emptySnapshot('r1');
    const ev = (seq: number, event: RunUpdate & { kind: 'event' } extends infer U ? (U extends { event: infer E } ? E : never) : never): RunUpdate => ({ kind: 'event', runId: 'r1', seq, event });
    s = applyUpdates(s, [
      ev(0, { type: 'optimizer', event: { type: 'phase', phase: 'search', status: 'start' } }),
      ev(1, { type: 'optimizer', event: { type: 'trial_end', trial: trial(1, 'minibatch', 0.5) } }),
      ev(2, { type: 'optimizer', event: { type: 'trial_end', trial: trial(0, 'default', 0.3) } }),
      ev(3, { type: 'optimizer', event: { type: 'progress', phase: 'search', done: 2, total: 10 } }),
      { kind: 'event', runId: 'other', seq: 9, event: { type: 'phase', phase: 'bootstrap', status: 'start' } },
    ], 1000);
    s = applyUpdates(s, [ev(2, { type: 'optimizer', event: { type: 'trial_end', trial: trial(0, 'default', 0.3) } }), ev(3, { type: 'optimizer', event: { type: 'progress', phase: 'search', done: 2, total: 10 } }), ev(4, { type: 'phase', phase: 'evaluate val', status: 'start' })], 5000);
    // The repeated seqs 2 and 3 are dropped; per-example progress is folded into the phases, not kept.
    expect(s.events).toHaveLength(4);
    expect(s.phases.search.done).toBe(2);
    expect(s.trials.map((t) => t.index)).toEqual([0, 1]);
    expect(s.phases.search.status).toBe('done');
    expect(s.phases.evaluate.status).toBe('active');
    expect(s.phases.bootstrap.status).toBe('pending');
    expect(s.lastSeq).toBe(4);
  });

  it('takes a failed status with its typed error', () => {
    const s = applyUpdates(emptySnapshot('r1'), [{ kind: 'status', runId: 'r1', status: 'failed', error: { code: 'LM_AUTH', message: 'bad key', hint: 'check the key' } }], 0);
    expect(s.status).toBe('failed');
    expect(s.error?.code).toBe('LM_AUTH');
  });

  it('estimates the time left in a phase from its pace', () => {
    expect(phaseEta({ status: 'active', done: 5, total: 20, startedAt: 0, progressAt: 10_000 }, 12_000)).toBe(30);
    expect(phaseEta({ status: 'active', done: 0, total: 20, startedAt: 0 }, 12_000)).toBeUndefined();
    expect(phaseEta({ status: 'done', done: 20, total: 20, startedAt: 0 }, 12_000)).toBeUndefined();
  });
});

describe('usage and diff', () => {
  it('lists only the roles that made calls', () => {
    const zero = { calls: 0, attempts: 0, cacheHits: 0, failures: 0, parseFailures: 0, promptTokens: 0, completionTokens: 0 };
    const rows = usageRows({ task: { ...zero, calls: 5, promptTokens: 100 }, proposer: { ...zero, calls: 1 }, teacher: zero, judge: zero });
    expect(rows.map((r) => r.role)).toEqual(['task', 'proposer']);
  });

  it('reports HTTP attempts per role, shown only when some differ from the calls (stored runs without them: as many as calls)', () => {
    const zero = { calls: 0, attempts: 0, cacheHits: 0, failures: 0, parseFailures: 0, promptTokens: 0, completionTokens: 0 };
    const { attempts: _absent, ...old } = { ...zero, calls: 4 };
    const clean = usageRows({ task: { ...zero, calls: 5, attempts: 5 }, proposer: old as typeof zero, teacher: zero, judge: zero });
    expect(clean.map((r) => [r.role, r.calls, r.attempts])).toEqual([['task', 5, 5], ['proposer', 4, 4]]);
    expect(showsAttempts(clean)).toBe(false);
    const retried = usageRows({ task: { ...zero, calls: 543, attempts: 776 }, proposer: zero, teacher: { ...zero, calls: 3, attempts: 3 }, judge: zero });
    expect(retried.map((r) => r.attempts)).toEqual([776, 3]);
    expect(showsAttempts(retried)).toBe(true);
    // A role whose calls were all cancelled still sent requests: it is listed.
    expect(usageRows({ task: { ...zero, attempts: 2 }, proposer: zero, teacher: zero, judge: zero }).map((r) => r.role)).toEqual(['task']);
  });

  it('shows the planned task calls next to those sent and answered by the cache', () => {
    const zero = { calls: 0, attempts: 0, cacheHits: 0, failures: 0, parseFailures: 0, promptTokens: 0, completionTokens: 0 };
    const plan = { optimizer: 'mipro_v2', trials: 10, fullEvaluations: 3, taskProgramRuns: { search: 350, fullEvaluations: 180, final: 180, total: 710 }, taskCalls: 710, teacherProgramRunsMax: 120, proposerCalls: 6, notes: [] };
    expect(planLine(undefined, undefined)).toBeUndefined();
    expect(planLine(plan, undefined)).toBe('10 search trials, 3 full evaluations · task calls: ≤ 710 planned');
    expect(planLine(plan, { task: { ...zero, calls: 629, cacheHits: 12 }, proposer: zero, teacher: zero, judge: zero })).toBe('10 search trials, 3 full evaluations · task calls: ≤ 710 planned, 629 sent, 12 from the cache');
  });

  it('names a run\'s optimizer with its size: an auto size, or its budget', () => {
    expect(optimizerLabel({ kind: 'mipro_v2', auto: 'light' })).toBe('mipro_v2 light');
    expect(optimizerLabel({ kind: 'mipro_v2', budget: { minutes: 10 } })).toBe('mipro_v2 10 min');
    expect(optimizerLabel({ kind: 'mipro_v2', budget: { taskCalls: 300 } })).toBe('mipro_v2 300 calls');
    expect(optimizerLabel({ kind: 'bootstrap_few_shot' })).toBe('bootstrap_few_shot');
  });

  it('diffs instructions word by word and reports demos added', () => {
    const parts = wordDiff('Classify the flower.', 'Classify the flower by petal length.');
    expect(parts.filter((p) => p.op === 'del')).toEqual([{ op: 'del', text: 'flower.' }]);
    expect(parts.filter((p) => p.op === 'add').map((p) => p.text).join('')).toContain('petal length.');
    expect(parts.filter((p) => p.op !== 'add').map((p) => p.text).join('')).toBe('Classify the flower.');
    const spec = buildFromTemplate({ template: 'predict', signature: 'word -> label' });
    const [d] = programDiff(spec, { generate: { instruction: 'Label it.', demos: [{ fields: { word: 'abc', label: 'alpha' }, augmented: true }] } });
    expect(d!.changed).toBe(true);
    expect(d!.before.demos).toEqual([]);
    expect(d!.after.demos).toHaveLength(1);
  });
});
