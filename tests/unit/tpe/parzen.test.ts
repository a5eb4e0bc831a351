import { describe, expect, it } from 'vitest';
import { CategoricalParzenEstimator, defaultGamma, defaultWeights } from '../../../src/core/optimize/tpe';
import { Rng } from '../../../src/core/util/random';

describe('Optuna defaults', () => {
  it('gamma is min(ceil(0.1 n), 25)', () => {
    expect([0, 1, 10, 11, 39, 250, 1000].map((n) => defaultGamma(n))).toEqual([0, 1, 1, 2, 4, 25, 25]);
  });

  it('weights are flat up to 25 and ramp the oldest beyond', () => {
    expect(defaultWeights(3)).toEqual([1, 1, 1]);
    const w = defaultWeights(30);
    expect(w).toHaveLength(30);
    expect(w[0]).toBeCloseTo(1 / 30, 15);
    expect(w[4]).toBe(1);
    expect(w.slice(5)).toEqual(new Array(25).fill(1));
    expect(w[1]! < w[2]! && w[2]! < w[3]!).toBe(true);
  });
});

describe('CategoricalParzenEstimator', () => {
  it('matches Optuna\'s categorical kernel: 1 + w/K on the observed choice, w/K elsewhere', () => {
    // One observation (choice 2 of 4), prior weight 1: K = 2 kernels, mixture weights 1/2 each.
    const est = new CategoricalParzenEstimator([4], [[2]], [1], 1);
    const obsRow = [0.5, 0.5, 1.5, 0.5].map((v) => v / 3);
    const expected = obsRow.map((v) => 0.5 * v + 0.5 * 0.25);
    est.marginal(0).forEach((v, c) => expect(v).toBeCloseTo(expected[c] as number, 15));
    for (let c = 0; c < 4; c++) expect(Math.exp(est.logPdf([c]))).toBeCloseTo(expected[c] as number, 15);
  });

  it('joint density is a mixture of products, and sums to 1 over the space', () => {
    const est = new CategoricalParzenEstimator([3, 2], [[0, 1], [2, 1], [0, 0]], [1, 2, 1], 1);
    let total = 0;
    for (let a = 0; a < 3; a++) for (let b = 0; b < 2; b++) total += Math.exp(est.logPdf([a, b]));
    expect(total).toBeCloseTo(1, 12);
    expect(est.logPdf([0, 1])).toBeGreaterThan(est.logPdf([1, 0]));
  });

  it('samples follow the density', () => {
    const est = new CategoricalParzenEstimator([3], [[1], [1], [1]], [1, 1, 1], 1);
    const rng = new Rng(3);
    const draws = est.sample(rng, 4000);
    const freq = [0, 1, 2].map((c) => draws.filter((x) => x[0] === c).length / draws.length);
    est.marginal(0).forEach((p, c) => expect(freq[c]).toBeCloseTo(p, 1));
  });
});
