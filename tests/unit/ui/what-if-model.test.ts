/**
 * The what-if's view models: where the replay's seed and settings come from, the sentence a
 * teacher reads, and the count behind "this search was (almost) all random startup".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../src/core/runner';
import type { RunBundle } from '../../../src/ui/bundle';
import { startupShare, tpeSteps } from '../../../src/ui/teach/teach-model';
import { gammaChoices, startupChoices, whatIfSource, whatIfView } from '../../../src/ui/teach/what-if-model';
import { makeRunBundle } from './run-fixture';

const snapshotOf = (b: RunBundle, config: RunConfig = b.run.config) => ({ config, plan: b.run.plan, story: b.events, trials: b.trials });

describe('what-if view models', () => {
  let b: RunBundle;
  let light: RunBundle;
  beforeAll(async () => {
    b = await makeRunBundle();
    light = await makeRunBundle({ kind: 'mipro_v2', auto: 'light' });
  }, 120_000);

  it('replays with the seed the optimizer ran with: its own, else the run\'s, else 0', () => {
    const seedOf = (config: RunConfig) => {
      const s = whatIfSource(snapshotOf(b, config));
      return s && 'search' in s ? s.search.sampler.seed : undefined;
    };
    const { seed: _s, ...noSeed } = b.run.config;
    expect(seedOf(noSeed)).toBe(0);
    expect(seedOf({ ...noSeed, seed: 7 })).toBe(7);
    expect(seedOf({ ...noSeed, seed: 7, optimizer: { ...noSeed.optimizer, seed: 3 } as RunConfig['optimizer'] })).toBe(3);
    const s = whatIfSource(snapshotOf(b));
    // MIPROv2 no longer tells its sampler the trial count (no end-of-budget race): nor does the replay.
    expect(s && 'search' in s && s.search.sampler).toEqual({ seed: 0, multivariate: true, nStartupTrials: 5, optuna: false });
    expect(s && 'search' in s && s.search.space).toEqual([{ name: 'generate.instruction', n: 3 }, { name: 'generate.demos', n: 6 }]);
  });

  it('says plainly that a budgeted run is not replayed, and has nothing for other optimizers', () => {
    const budgeted = { ...b.run.config, optimizer: { kind: 'mipro_v2', budget: { taskCalls: 500 } } } as RunConfig;
    expect(whatIfSource(snapshotOf(b, budgeted))).toEqual({ unavailable: expect.stringMatching(/call budget/) });
    expect(whatIfSource(snapshotOf(b, { ...b.run.config, optimizer: { kind: 'bootstrap_few_shot' } }))).toBeUndefined();
  });

  it('words the answer: the same pick as the run with its own settings, the change and both picks otherwise', () => {
    const source = whatIfSource(snapshotOf(b));
    if (!source || !('search' in source)) throw new Error('no source');
    const steps = tpeSteps(b.events, b.trials);
    const tpe = steps.find((s) => s.mode === 'tpe')!;
    const own = whatIfView(source, tpe, {});
    expect(own.sentence).toBe(`With the run's own settings TPE picks ${tpe.paramsLabel} — the same as the run.`);
    expect(own.densities).toEqual(tpe.densities);
    const startup = steps.filter((s) => s.mode === 'startup').at(-1)!;
    const v = whatIfView(source, startup, { nStartupTrials: 0, gammaFraction: 0.5 });
    expect(v.modeLabel).not.toBe('random startup');
    expect(v.sentence).toMatch(v.same ? /^With gamma 0.5 and 0 random startup trials TPE would pick .+ — the same as the run\.$/ : new RegExp(`^With gamma 0.5 and 0 random startup trials TPE would pick .+ — the run picked ${startup.paramsLabel}\\.$`));
    expect(v.densities.map((d) => d.name)).toEqual(['generate.instruction', 'generate.demos']);
    expect(gammaChoices(0.1)).toEqual([0.1, 0.25, 0.5]);
    expect(startupChoices(10)).toEqual([0, 3, 5, 10]);
    expect(startupChoices(5)).toEqual([0, 3, 5]);
  });

  it('counts how much of the search was random startup: light MIPROv2 is 8 of 10, the fixture\'s 5 startup trials are not most', () => {
    // 10 startup trials count the sampler's history: the default program, then the search
    // trials and the full evaluation after trial 5 (told to TPE, as in DSPy since 2.6.1).
    expect(startupShare(tpeSteps(light.events, light.trials))).toEqual({ random: 8, total: 10, mostlyRandom: true });
    expect(startupShare(tpeSteps(b.events, b.trials))).toEqual({ random: 4, total: 16, mostlyRandom: false });
    const modes = (s: string) => [...s].map((c) => ({ mode: c === 'r' ? ('startup' as const) : ('tpe' as const) }));
    expect(startupShare(modes('rrrrrr')).mostlyRandom).toBe(true);
    expect(startupShare(modes('rrrrrrtt')).mostlyRandom).toBe(true);
    expect(startupShare(modes('rrrrrrttt')).mostlyRandom).toBe(false);
    expect(startupShare(modes('rt')).mostlyRandom).toBe(false);
    expect(startupShare([]).mostlyRandom).toBe(false);
  });
});
