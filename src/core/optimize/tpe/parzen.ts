/**
 * Categorical Parzen estimator: a weighted mixture of kernels over configurations of
 * unordered categorical parameters.
 *
 * Reference: Optuna 3.x `optuna/samplers/_tpe/parzen_estimator.py`
 * (`_calculate_weights`, `_calculate_categorical_params`, `sample`, `log_pdf`). We match it:
 *
 * - one kernel per observation plus one prior kernel; mixture weights are the observation
 *   weights with `priorWeight` appended for the prior, normalized to sum 1;
 * - an observation's kernel on parameter p puts `1 + priorWeight / K` on the observed choice
 *   and `priorWeight / K` on every other choice (K = observations + 1), normalized; the prior
 *   kernel is uniform;
 * - multivariate: a kernel is the product of its per-parameter rows, so the density of a
 *   configuration is `sum_k w_k * prod_p kernel_k,p(x_p)` (evaluated as a log-sum-exp).
 *
 * Because every observation row has only two distinct values ("on" and "off"), we store the
 * observed choices and those two log-probabilities instead of Optuna's K x N matrices; the
 * numbers are the same and `logPdf` costs O(K * P) without allocating.
 */
import type { Rng } from '../../util/random';

/** A fitted mixture over configurations (arrays of choice indices, one per parameter). */
export class CategoricalParzenEstimator {
  /** Normalized mixture weights; the last entry is the prior kernel. */
  private readonly logWeights: Float64Array;
  private readonly cumWeights: Float64Array;
  private readonly logOn: number;
  private readonly logOff: number;
  private readonly pOn: number;
  private readonly pOff: number;
  /** Per parameter: log of an observation row's normalizer `pOn + (N - 1) * pOff`. */
  private readonly logNorms: Float64Array;
  /** log density of any configuration under the (uniform) prior kernel. */
  private readonly logUniform: number;

  /**
   * @param sizes number of choices of each parameter
   * @param observations observed configurations (each of length `sizes.length`)
   * @param weights non-negative weight of each observation (same length as `observations`)
   * @param priorWeight weight of the uniform prior kernel, and the smoothing of every kernel
   */
  constructor(
    private readonly sizes: readonly number[],
    private readonly observations: readonly (readonly number[])[],
    weights: readonly number[],
    priorWeight: number,
  ) {
    const k = observations.length + 1;
    let total = priorWeight;
    for (const w of weights) total += w;
    this.logWeights = new Float64Array(k);
    this.cumWeights = new Float64Array(k);
    let cum = 0;
    for (let i = 0; i < k; i++) {
      const w = (i < observations.length ? (weights[i] as number) : priorWeight) / total;
      this.logWeights[i] = Math.log(w);
      cum += w;
      this.cumWeights[i] = cum;
    }
    // Rows of different parameters differ only through their number of choices (the
    // normalizer), so on/off are shared and the normalizer is kept per parameter.
    const smooth = priorWeight / k;
    this.pOn = 1 + smooth;
    this.pOff = smooth;
    this.logOn = Math.log(this.pOn);
    this.logOff = Math.log(this.pOff);
    this.logNorms = Float64Array.from(sizes, (n) => Math.log(this.pOn + (n - 1) * this.pOff));
    this.logUniform = -sizes.reduce((acc, n) => acc + Math.log(n), 0);
  }

  /** Probability of choice `c` of parameter `p` under kernel `k` (the last kernel is the prior). */
  private kernelProb(k: number, p: number, c: number): number {
    const n = this.sizes[p] as number;
    if (k === this.observations.length) return 1 / n;
    const norm = this.pOn + (n - 1) * this.pOff;
    return ((this.observations[k] as readonly number[])[p] === c ? this.pOn : this.pOff) / norm;
  }

  /** Draws `count` configurations: pick a kernel by weight, then each parameter from its row. */
  sample(rng: Rng, count: number): number[][] {
    const out: number[][] = [];
    const nKernels = this.cumWeights.length;
    for (let s = 0; s < count; s++) {
      const u = rng.next();
      let k = 0;
      while (k < nKernels - 1 && (this.cumWeights[k] as number) <= u) k++;
      const x: number[] = [];
      for (let p = 0; p < this.sizes.length; p++) x.push(this.sampleRow(rng, k, p));
      out.push(x);
    }
    return out;
  }

  private sampleRow(rng: Rng, k: number, p: number): number {
    const n = this.sizes[p] as number;
    const u = rng.next();
    let cum = 0;
    for (let c = 0; c < n - 1; c++) {
      cum += this.kernelProb(k, p, c);
      if (u < cum) return c;
    }
    return n - 1;
  }

  /** log density of a configuration under the mixture. */
  logPdf(x: readonly number[]): number {
    const nObs = this.observations.length;
    const logPrior = (this.logWeights[nObs] as number) + this.logUniform;
    const terms = new Float64Array(nObs + 1);
    let max = -Infinity;
    for (let k = 0; k < nObs; k++) {
      const obs = this.observations[k] as readonly number[];
      let lp = this.logWeights[k] as number;
      for (let p = 0; p < x.length; p++) {
        lp += (obs[p] === x[p] ? this.logOn : this.logOff) - (this.logNorms[p] as number);
      }
      terms[k] = lp;
      if (lp > max) max = lp;
    }
    terms[nObs] = logPrior;
    if (logPrior > max) max = logPrior;
    let sum = 0;
    for (let k = 0; k <= nObs; k++) sum += Math.exp((terms[k] as number) - max);
    return max + Math.log(sum);
  }

  /** Marginal distribution of parameter `p` over its choices (sums to 1). */
  marginal(p: number): number[] {
    const n = this.sizes[p] as number;
    const out = new Array<number>(n).fill(0);
    for (let k = 0; k < this.logWeights.length; k++) {
      const w = Math.exp(this.logWeights[k] as number);
      for (let c = 0; c < n; c++) out[c] = (out[c] as number) + w * this.kernelProb(k, p, c);
    }
    return out;
  }
}
