import { describe, expect, it } from 'vitest';
import { defaultSettings, OPTIMIZER_KINDS, optimizerSettings, parseOptimizerConfig } from '../../../src/core/optimize';
import { validateRunConfig } from '../../../src/core/runner';
import { codeOf, thrown } from '../errors';

describe('optimizer options (one schema per kind)', () => {
  it('lists every problem at once, each at its path', () => {
    const r = parseOptimizerConfig({ kind: 'mipro_v2', auto: 'huge', minibatchSize: 0, sampler: { nStartupTrials: -1 }, minibatchsize: 35 });
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['auto', 'minibatchSize', 'minibatchsize', 'sampler.nStartupTrials']);
  });

  it('rejects an unknown kind and names the known ones', () => {
    const r = parseOptimizerConfig({ kind: 'copro' });
    expect(r.ok ? '' : r.problems.join()).toMatch(/^kind: .*mipro_v2/);
    expect(OPTIMIZER_KINDS).toEqual(['none', 'labeled_few_shot', 'bootstrap_few_shot', 'bootstrap_random_search', 'mipro_v2', 'opro']);
  });

  it("fills DSPy's defaults, with MIPROv2's demo counts depending on the mode", () => {
    expect(defaultSettings('bootstrap_few_shot')).toMatchObject({ maxBootstrappedDemos: 4, maxLabeledDemos: 16, maxRounds: 1 });
    expect(defaultSettings('bootstrap_random_search')).toMatchObject({ numCandidatePrograms: 16 });
    expect(defaultSettings('labeled_few_shot')).toMatchObject({ k: 16 });
    const light = defaultSettings('mipro_v2');
    expect(light).toMatchObject({ auto: 'light', numCandidates: 6, valSize: 100, maxBootstrappedDemos: 4, maxLabeledDemos: 4, minibatchSize: 35, minibatchFullEvalSteps: 5, multivariate: true, nStartupTrials: 10 });
    expect(optimizerSettings({ kind: 'mipro_v2', mode: 'instructions_only' })).toMatchObject({ maxBootstrappedDemos: 3, maxLabeledDemos: 0 });
    expect(optimizerSettings({ kind: 'mipro_v2', auto: null, numCandidates: 8 })).toMatchObject({ auto: null, numCandidates: 8 });
    expect(optimizerSettings({ kind: 'mipro_v2', numCandidates: 8 })).toMatchObject({ auto: null, numCandidates: 8 });
  });

  it('checks options that depend on each other', () => {
    const noN = parseOptimizerConfig({ kind: 'mipro_v2', auto: null });
    expect(noN.ok ? [] : noN.problems).toEqual(['numCandidates: is required when auto is null']);
    const small = parseOptimizerConfig({ kind: 'mipro_v2', auto: null, numCandidates: 2 });
    expect(small.ok ? '' : small.problems.join()).toMatch(/^numCandidates: must be >= 3/);
    expect(parseOptimizerConfig({ kind: 'mipro_v2', auto: null, numCandidates: 2, mode: 'instructions_only' }).ok).toBe(true);
  });

  it('both demo maximums at 0 is a zero-shot MIPROv2 run, as DSPy decides it', () => {
    const zs = optimizerSettings({ kind: 'mipro_v2', maxBootstrappedDemos: 0, maxLabeledDemos: 0 });
    // Instructions only, with DSPy's 3 bootstrapped demos kept to ground the proposer.
    expect(zs).toMatchObject({ mode: 'instructions_only', maxBootstrappedDemos: 3, maxLabeledDemos: 0, zeroShotByMaximums: true });
    expect(parseOptimizerConfig({ kind: 'mipro_v2', auto: null, numCandidates: 2, maxBootstrappedDemos: 0, maxLabeledDemos: 0 }).ok).toBe(true);
    // One maximum at 0 is still few-shot; demos_only keeps its mode.
    expect(optimizerSettings({ kind: 'mipro_v2', maxBootstrappedDemos: 0, maxLabeledDemos: 2 })).toMatchObject({ mode: 'full' });
    expect(optimizerSettings({ kind: 'mipro_v2', mode: 'demos_only', maxBootstrappedDemos: 0, maxLabeledDemos: 0 })).toMatchObject({ mode: 'demos_only' });
    expect(optimizerSettings({ kind: 'mipro_v2' })).not.toHaveProperty('zeroShotByMaximums');
  });

  it('throws OPTIMIZER_INVALID with the problems as details', () => {
    expect(codeOf(() => optimizerSettings({ kind: 'bootstrap_few_shot', maxRounds: 0 }))).toBe('OPTIMIZER_INVALID');
    expect(thrown(() => optimizerSettings({ kind: 'bootstrap_few_shot', maxRounds: 0 })).details).toEqual({ problems: ['maxRounds: must be at least 1, but got 0'] });
  });

  it('is what a run config is validated with', () => {
    const config = {
      program: { template: 'predict', signature: 'q -> a' },
      data: { text: 'q,a\nx,y', split: { train: 0.5, val: 0.5 } },
      metric: { kind: 'exact_match', field: 'a' },
      optimizer: { kind: 'bootstrap_random_search', numCandidatePrograms: 'many', seed: 1.5 },
      models: { task: { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:1/v1', model: 'm' } },
    };
    expect(validateRunConfig(config).filter((p) => p.startsWith('optimizer.')).map((p) => p.split(':')[0]).sort()).toEqual(['optimizer.numCandidatePrograms', 'optimizer.seed']);
  });
});
