import { beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/core/runner';
import type { RunBundle } from '../../../src/ui/bundle';
import { bootstrapRows, fieldLines, minibatchClouds, tpeSteps } from '../../../src/ui/teach/teach-model';
import { makeRunBundle } from './run-fixture';

describe('teaching view models over a real MIPROv2 run', () => {
  let b: RunBundle;
  beforeAll(async () => {
    b = await makeRunBundle();
  }, 60_000);

  it('bootstrap: rows that passed the metric became demos, rejected rows keep their score', () => {
    const rows = bootstrapRows(b.events);
    const kept = rows.filter((r) => r.kept);
    expect(kept.length).toBeGreaterThan(0);
    for (const r of kept) {
      expect(r.score).toBeGreaterThan(0);
      expect(r.demos[0]!.demo.exampleId ?? r.exampleId).toBe(r.exampleId);
    }
    for (const r of rows.filter((x) => !x.kept)) expect(r.demos).toEqual([]);
  });

  it('bootstrap: every row shows its inputs and gold; a wrong row the answer it gave, a kept row its demo answer', () => {
    const rows = bootstrapRows(b.events);
    for (const r of rows) {
      expect(Object.keys(r.inputs ?? {})).toEqual(['word']);
      expect(r.gold).toEqual({ label: expect.stringMatching(/^(alpha|beta)$/) });
    }
    const wrong = rows.filter((r) => r.reason === 'wrong');
    expect(wrong.length).toBeGreaterThan(0);
    for (const r of wrong) expect(r.answer!.label).not.toBe(r.gold!.label);
    for (const r of rows.filter((x) => x.kept)) {
      expect(r.answer).toEqual(r.gold);
      expect(r.answer!.label).toBe(r.demos.at(-1)!.demo.fields.label);
    }
    expect(fieldLines({ word: 'abacus', tags: ['a', 'b'], n: 3 })).toEqual([
      { name: 'word', text: 'abacus' },
      { name: 'tags', text: '["a","b"]' },
      { name: 'n', text: '3' },
    ]);
  });

  it('bootstrap: events stored before rows carried their example still make rows, without inputs or answers', () => {
    const demo = { fields: { word: 'abacus', reasoning: 'a-m', label: 'alpha' }, augmented: true, exampleId: 'row-1' };
    const old: RunEvent[] = [
      { type: 'optimizer', event: { type: 'demo_bootstrapped', predictor: 'generate', set: 0, exampleId: 'row-1', round: 0, score: 1, demo } },
      { type: 'optimizer', event: { type: 'bootstrap_rejected', set: 0, exampleId: 'row-2', round: 0, score: 0, reason: 'wrong' } },
    ];
    const rows = bootstrapRows(old);
    expect(rows.map((r) => [r.exampleId, r.kept, r.inputs, r.gold, r.answer])).toEqual([
      ['row-1', true, undefined, undefined, undefined],
      ['row-2', false, undefined, undefined, undefined],
    ]);
    expect(rows[0]!.demos[0]!.demo).toEqual(demo);
  });

  it('TPE: startup trials are random, later ones come with l(x) and g(x) per parameter and the picked choice', () => {
    const steps = tpeSteps(b.events, b.trials);
    expect(steps[0]!.mode).toBe('startup');
    expect(steps[0]!.why).toMatch(/random/);
    const tpe = steps.find((s) => s.mode === 'tpe')!;
    expect(tpe).toBeDefined();
    expect(tpe.densities.map((d) => d.name).sort()).toEqual(['generate.demos', 'generate.instruction']);
    for (const d of tpe.densities) {
      const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
      expect(sum(d.choices.map((c) => c.good))).toBeCloseTo(1, 6);
      expect(sum(d.choices.map((c) => c.bad))).toBeCloseTo(1, 6);
      expect(d.choices.filter((c) => c.chosen).map((c) => c.choice)).toEqual([tpe.params[d.name]]);
      for (const c of d.choices) expect(c.ratio).toBeCloseTo(c.good / c.bad, 9);
    }
    expect(tpe.good + tpe.bad).toBe(tpe.observations);
    expect(tpe.score).toBe(b.trials.find((t) => t.index === tpe.trial)!.score);
  });

  it('minibatch vs full: every minibatch score of a configuration sits in its cloud next to its full score', () => {
    const clouds = minibatchClouds(b.trials);
    const minibatches = b.trials.filter((t) => t.kind === 'minibatch');
    expect(clouds.reduce((a, c) => a + c.minibatch.length, 0)).toBe(minibatches.length);
    const withFull = clouds.filter((c) => c.full !== undefined && c.minibatch.length > 0);
    expect(withFull.length).toBeGreaterThan(0);
    for (const c of withFull) expect(c.gap).toBeCloseTo(c.mean - c.full!, 12);
    // Clouds with a full score come first, best first.
    const fulls = clouds.filter((c) => c.full !== undefined).map((c) => c.full!);
    expect(fulls).toEqual([...fulls].sort((x, y) => y - x));
    expect(clouds.findIndex((c) => c.full === undefined)).toBeGreaterThanOrEqual(fulls.length);
  });

  it('ignores trial_start events without an explanation (full evaluations)', () => {
    const events: RunEvent[] = [{ type: 'optimizer', event: { type: 'trial_start', trial: 0, kind: 'default', params: {} } }];
    expect(tpeSteps(events, [])).toEqual([]);
  });
});
