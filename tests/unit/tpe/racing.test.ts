import { describe, expect, it } from 'vitest';
import { OPTUNA_COMPATIBLE, TpeSampler, type CategoricalParam, type TpeExplanation, type TpeOptions, type TpeTrial } from '../../../src/core/optimize/tpe';
import { createTpeSampler } from '../../../src/core/optimize/mipro/tpe-sampler';
import { collectObservations } from '../../../src/core/optimize/tpe/observations';
import { estimateNoise } from '../../../src/core/optimize/tpe/racing';
import { Rng } from '../../../src/core/util/random';

const space: CategoricalParam[] = [
  { name: 'instruction', choices: 6 },
  { name: 'demos', choices: 6 },
];
const names = space.map((p) => p.name);
const cfg = (instruction: number, demos: number) => ({ instruction, demos });

/** Twenty distinct configurations evaluated once, far below the two contenders added by each test. */
function filler(): TpeTrial[] {
  return Array.from({ length: 20 }, (_, i) => ({ params: cfg(i % 6, 2 + Math.floor(i / 6)), value: 0.3 + 0.001 * i }));
}

describe('end-of-budget race', () => {
  // Leader [0,0]: mean 0.62 over two evaluations; challenger [0,1]: 0.60 once. Noise ~0.05.
  const contested: TpeTrial[] = [
    ...filler(),
    { params: cfg(0, 0), value: 0.57 },
    { params: cfg(0, 0), value: 0.67 },
    { params: cfg(0, 1), value: 0.6 },
    { params: cfg(0, 0), value: 0.62 },
  ];

  it('re-evaluates the less-evaluated of leader and challenger once the budget is nearly spent', () => {
    // 24 trials done of 28: 4 left, within 20% (ceil 5.6 = 6) of the budget.
    const s = new TpeSampler(space, { trialBudget: 28 }).suggest(contested, new Rng(1), { explain: true });
    expect(s.explanation?.mode).toBe('race');
    expect(s.params).toEqual(cfg(0, 1));
    expect(s.explanation?.race?.leader).toMatchObject({ params: cfg(0, 0), count: 3 });
    expect(s.explanation?.race?.challenger).toMatchObject({ params: cfg(0, 1), count: 1 });
    expect(s.explanation?.race?.margin).toBeLessThan(0);
    expect(s.explanation?.race?.remaining).toBe(4);
  });

  it('does not race before the last raceFraction of the budget, nor without a budget', () => {
    expect(new TpeSampler(space, { trialBudget: 100 }).suggest(contested, new Rng(1), { explain: true }).explanation?.mode).toBe('tpe');
    expect(new TpeSampler(space).suggest(contested, new Rng(1), { explain: true }).explanation?.mode).toBe('tpe');
    expect(new TpeSampler(space, { trialBudget: 28, raceFraction: 0 }).suggest(contested, new Rng(1), { explain: true }).explanation?.mode).toBe('tpe');
  });

  it('explores again once the leader is clearly ahead, but not on the last trial', () => {
    // Noiseless: every repeat reproduced its score, and the leader is far ahead.
    const decided: TpeTrial[] = [...filler(), { params: cfg(0, 0), value: 0.9 }, { params: cfg(0, 0), value: 0.9 },
      { params: cfg(1, 1), value: 0.5 }, { params: cfg(1, 1), value: 0.5 }];
    const middle = new TpeSampler(space, { trialBudget: 27 }).suggest(decided, new Rng(3), { explain: true });
    expect(middle.explanation?.mode).toBe('tpe');
    expect(middle.explanation?.race?.margin).toBeGreaterThan(0);
    const last = new TpeSampler(space, { trialBudget: 25 }).suggest(decided, new Rng(3), { explain: true });
    expect(last.explanation?.mode).toBe('race');
    // Leader and challenger ([1, 1], the highest upper bound) have two evaluations each: the leader goes again.
    expect(last.explanation?.race?.challenger?.params).toEqual(cfg(1, 1));
    expect(last.params).toEqual(cfg(0, 0));
  });

  it('never races in Optuna-compatible mode, even when told the budget', () => {
    const s = new TpeSampler(space, { ...OPTUNA_COMPATIBLE, trialBudget: 28 }).suggest(contested, new Rng(1), { explain: true });
    expect(s.explanation?.mode).toBe('tpe');
    expect(s.explanation?.race).toBeUndefined();
  });

  it('picks a truly better configuration by mean on a noisy objective when it knows the budget', () => {
    // Additive effects with a clear best (4, 4) and Gaussian-like noise (sd ~0.08, a 35-example minibatch).
    const effects = [0, 0.02, 0.04, 0.05, 0.08, 0.03];
    const truth = (p: Record<string, number>) => 0.4 + (effects[p.instruction!] as number) + (effects[p.demos!] as number);
    const run = (options: TpeOptions, seed: number) => {
      const sampler = new TpeSampler(space, options);
      const rng = new Rng(seed);
      const noise = new Rng(`noise:${seed}`);
      const history: TpeTrial[] = [];
      for (let t = 0; t < 40; t++) {
        const { params } = sampler.suggest(history, rng);
        // Sum of 12 uniforms - 6 is close to a standard normal.
        let z = -6;
        for (let i = 0; i < 12; i++) z += noise.next();
        history.push({ params, value: truth(params) + 0.08 * z });
      }
      const leader = collectObservations(history, names, true).reduce((a, b) => (b.value > a.value ? b : a));
      return truth({ instruction: leader.config[0]!, demos: leader.config[1]! });
    };
    let withBudget = 0;
    let without = 0;
    for (let seed = 0; seed < 40; seed++) {
      withBudget += run({ trialBudget: 40 }, seed);
      without += run({}, seed);
    }
    expect(withBudget / 40).toBeGreaterThan(without / 40 + 0.005);
  });
});

describe('estimateNoise', () => {
  const obs = (values: [number, number, number][]) =>
    collectObservations(values.map(([i, d, value]) => ({ params: cfg(i, d), value })), names, true);

  it('starts from the variance of all scores and falls toward 0 when repeats reproduce their scores', () => {
    const singles: [number, number, number][] = [[0, 0, 0.2], [0, 1, 0.4], [0, 2, 0.6], [0, 3, 0.8]];
    const prior = estimateNoise(obs(singles), 2);
    expect(prior.df).toBe(0);
    expect(prior.variance).toBeCloseTo(((0.3 ** 2 + 0.1 ** 2) * 2) / 3, 12);
    const repeated = estimateNoise(obs([...singles, ...singles, ...singles]), 2);
    expect(repeated.df).toBe(8);
    expect(repeated.variance).toBeLessThan(prior.variance / 3);
  });

  it('converges to the pooled within-configuration variance', () => {
    const values: [number, number, number][] = [];
    for (let r = 0; r < 50; r++) values.push([0, 0, r % 2 ? 0.6 : 0.4], [1, 1, r % 2 ? 0.3 : 0.1]);
    const est = estimateNoise(obs(values), 2);
    // Within each configuration: +-0.1 around its mean, sample variance 0.01 * 50/49.
    expect(est.variance).toBeGreaterThan(0.01);
    expect(est.variance).toBeLessThan(0.0115);
  });
});

describe('MIPROv2 adapter', () => {
  it('counts the budget in search trials even when the history also holds the default program', () => {
    const sampler = createTpeSampler({ seed: 1, multivariate: true, nStartupTrials: 10, trialBudget: 20 });
    const params = space.map((p) => ({ name: p.name, n: p.choices }));
    // The default program's score, then 18 search trials (the leader confirmed): the next one is
    // search trial 19 of 20, so two trials remain although the history is 19 long.
    const trials = filler().slice(0, 17);
    const history = [{ params: cfg(0, 0), value: 0.2 }, ...trials, trials[16]!];
    const s = sampler.suggest(params, history, 19) as { explanation?: TpeExplanation };
    expect(s.explanation?.race?.remaining).toBe(2);
  });
});
