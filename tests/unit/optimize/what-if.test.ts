/**
 * Teaching mode's what-if on real MIPROv2 runs (scripted LM): replaying a recorded trial with
 * the run's own settings gives the recorded pick, and changing gamma or the number of random
 * startup trials changes what TPE does the way the sampler's settings say.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { whatIfPick, type TpeExplanation, type WhatIfSearch } from '../../../src/core/optimize';
import { defaultGamma } from '../../../src/core/optimize/tpe';
import type { RunEvent } from '../../../src/core/runner';
import type { RunBundle } from '../../../src/ui/bundle';
import { whatIfSource } from '../../../src/ui/teach/what-if-model';
import { FIXTURE_CONFIG, makeRunBundle } from '../ui/run-fixture';

type Start = Extract<Extract<RunEvent, { type: 'optimizer' }>['event'], { type: 'trial_start' }>;

/** The bundle's search trials that carry a TPE explanation, in order. */
function explained(b: RunBundle): (Start & { explanation: TpeExplanation })[] {
  return b.events.flatMap((e) => (e.type === 'optimizer' && e.event.type === 'trial_start' && e.event.explanation ? [e.event as Start & { explanation: TpeExplanation }] : []));
}

function searchOf(b: RunBundle): WhatIfSearch {
  const source = whatIfSource({ config: b.run.config, plan: b.run.plan, story: b.events, trials: b.trials });
  if (!source || !('search' in source)) throw new Error(`no what-if source: ${JSON.stringify(source)}`);
  return source.search;
}

/** As stored and exported: NaN scores become null. */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('what-if on a real MIPROv2 run', () => {
  let b: RunBundle;
  let optuna: RunBundle;
  let raced: RunBundle;
  beforeAll(async () => {
    b = await makeRunBundle();
    raced = await makeRunBundle(FIXTURE_CONFIG.optimizer, { raced: true });
    optuna = await makeRunBundle({ ...FIXTURE_CONFIG.optimizer, sampler: { nStartupTrials: 5, optuna: true } } as RunBundle['run']['config']['optimizer']);
  }, 120_000);

  it('with no overrides, replays every search trial exactly: the same pick and the same explanation', () => {
    // A run of today (no end-of-budget race), one of Optuna's sampler, and one stored before
    // MIPROv2 stopped racing: each replays exactly, the last with its race.
    for (const bundle of [b, optuna, raced]) {
      const search = searchOf(bundle);
      const steps = explained(bundle);
      const modes = bundle === optuna ? ['startup', 'tpe'] : bundle === raced ? ['startup', 'confirm', 'tpe', 'race'] : ['startup', 'confirm', 'tpe'];
      expect(new Set(steps.map((s) => s.explanation.mode))).toEqual(new Set(modes));
      expect(search.sampler.trialBudget).toBe(bundle === raced ? 16 : undefined);
      for (const s of steps) {
        const pick = whatIfPick(search, { index: s.trial, kind: s.kind });
        expect(pick.params, `trial ${s.trial}`).toEqual(s.params);
        expect(plain(pick.explanation), `trial ${s.trial}`).toEqual(plain(s.explanation));
      }
    }
  });

  it('reports the settings it picked with: the run\'s when nothing is overridden', () => {
    const s = explained(b)[0]!;
    expect(whatIfPick(searchOf(b), { index: s.trial, kind: s.kind })).toMatchObject({ gammaFraction: 0.1, nStartupTrials: 5 });
    expect(whatIfPick(searchOf(b), { index: s.trial, kind: s.kind }, { gammaFraction: 0.25, nStartupTrials: 0 })).toMatchObject({ gammaFraction: 0.25, nStartupTrials: 0 });
  });

  it('fewer startup trials turn a recorded random pick into a modelled one, fitted to the trials before it', () => {
    const startups = explained(b).filter((s) => s.explanation.mode === 'startup' && s.explanation.trials >= 2);
    expect(startups.length).toBeGreaterThan(0);
    for (const s of startups) {
      const pick = whatIfPick(searchOf(b), { index: s.trial, kind: s.kind }, { nStartupTrials: 0 });
      // Our noise-aware TPE first re-checks a leader scored only once; either way the densities are fitted.
      expect(['confirm', 'tpe']).toContain(pick.explanation.mode);
      expect(pick.explanation.good).toBe(defaultGamma(pick.explanation.observations));
      expect(pick.explanation.good + pick.explanation.bad).toBe(pick.explanation.observations);
      const uniform = Object.values(pick.explanation.params).every((d) => d.good.every((x) => Math.abs(x - d.good[0]!) < 1e-12));
      expect(uniform).toBe(false);
    }
    // Optuna's TPE (no re-checks) draws candidates from l(x) and picks the best l(x)/g(x).
    const first = explained(optuna).filter((s) => s.explanation.mode === 'startup').at(-1)!;
    const pick = whatIfPick(searchOf(optuna), { index: first.trial, kind: first.kind }, { nStartupTrials: 0 });
    expect(pick.explanation.mode).toBe('tpe');
    expect(pick.explanation.candidates.length).toBe(24);
    expect(pick.params).toEqual(pick.explanation.candidates[pick.explanation.chosen]!.params);
    // And more startup trials turn a recorded TPE pick back into a random one.
    const tpe = explained(b).find((s) => s.explanation.mode === 'tpe')!;
    expect(whatIfPick(searchOf(b), { index: tpe.trial, kind: tpe.kind }, { nStartupTrials: 50 }).explanation.mode).toBe('startup');
  });

  it('another gamma changes the good group\'s size as defaultGamma says, over the same observations', () => {
    const search = searchOf(b);
    const tpe = explained(b).filter((s) => s.explanation.mode === 'tpe');
    expect(tpe.length).toBeGreaterThan(0);
    for (const s of tpe) {
      for (const gamma of [0.25, 0.5]) {
        const x = whatIfPick(search, { index: s.trial, kind: s.kind }, { gammaFraction: gamma }).explanation;
        expect(x.observations).toBe(s.explanation.observations);
        expect(x.good).toBe(defaultGamma(s.explanation.observations, gamma));
        expect(x.bad).toBe(x.observations - x.good);
      }
      expect(s.explanation.good).toBe(defaultGamma(s.explanation.observations, 0.1));
    }
    // On these runs the larger good group really is larger than the run's.
    expect(tpe.some((s) => defaultGamma(s.explanation.observations, 0.5) > s.explanation.good)).toBe(true);
  });

  it('refuses a trial TPE did not pick', () => {
    expect(() => whatIfPick(searchOf(b), { index: 0, kind: 'default' })).toThrow(expect.objectContaining({ code: 'OPTIMIZER_INVALID' }));
  });
});
