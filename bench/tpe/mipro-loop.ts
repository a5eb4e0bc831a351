/**
 * MIPROv2's search loop on the tpe-anchor problems, with its periodic full evaluations: does
 * telling the sampler the full evaluations (DSPy since 2.6.1) or keeping them from it (DSPy
 * before) return the better program? The anchor protocol itself forbids full evaluations (its
 * optimizer sees minibatch scores only), so this models the search around the sampler instead:
 *
 * - the default configuration (all zeros) is fully evaluated first and the sampler learns it;
 * - T minibatch trials of B = 35 with the anchor's noise (`minibatch_correct` at trial t);
 * - every 5 trials and at the end, the configuration with the best mean minibatch score not yet
 *   fully evaluated (ties: the first tried) is evaluated on the V = 100 validation rows of
 *   light. A run's validation set is fixed, so a configuration's full score is one fixed draw
 *   per (run, configuration), keyed apart from the minibatch draws;
 * - the winner is the best full evaluation (ties: the earlier); its true score is recorded.
 *
 * Everything else is the real sampler: `createTpeSampler` with MIPROv2's settings (multivariate,
 * 10 startup trials, not told the trial budget T, so no end-of-budget race; `race` tells it, as
 * MIPROv2 did before; `optuna` as given), fed the history runSearch feeds it.
 */
import { createTpeSampler } from '../../src/core/optimize/mipro';
import type { Harness } from './harness';

/** A problem with what this loop reads of it (the true score is for the record only). */
export interface LoopProblem { id: string; params: string[]; N: number; seed: number; stats: { optimum: number } }

/** What the loop needs from the reference harness beyond harness.ts's subset. */
export type LoopHarness = Harness & {
  trueScore(p: LoopProblem, x: number[]): number;
  minibatchCorrect(problemSeed: number, runSeed: number, trial: number, p: number, B: number): number;
};

export interface LoopOptions { T: number; tell: boolean; optuna: boolean; race?: boolean }

const B = 35;
const V = 100;
const FULL_EVERY = 5;
/** Keys the full-evaluation draws apart from the minibatch trials' (t < T). */
const FULL_KEY = 1_000_000;

interface Tried { params: Record<string, number>; k: number[] }

/** The true score of the configuration one run returns. */
function runLoop(h: LoopHarness, prob: LoopProblem, runSeed: number, o: LoopOptions): number {
  const space = prob.params.map((name) => ({ name, n: prob.N }));
  const sampler = createTpeSampler({ seed: runSeed, multivariate: true, nStartupTrials: 10, optuna: o.optuna, ...(o.race && { trialBudget: o.T }) });
  const xOf = (params: Record<string, number>) => prob.params.map((name) => params[name] ?? 0);
  const keyOf = (x: number[]) => x.reduce((a, v) => a * prob.N + v, 0);
  const history: { params: Record<string, number>; value: number }[] = [];
  const tried = new Map<number, Tried>();
  const full = new Map<number, number>();
  let best: { value: number; x: number[] } | undefined;
  const fullEval = (params: Record<string, number>) => {
    const x = xOf(params);
    const value = h.minibatchCorrect(prob.seed, runSeed, FULL_KEY + keyOf(x), h.trueScore(prob, x), V) / V;
    full.set(keyOf(x), value);
    if (!best || value > best.value) best = { value, x };
    return value;
  };
  const defaults = Object.fromEntries(prob.params.map((name) => [name, 0]));
  history.push({ params: defaults, value: fullEval(defaults) });
  for (let t = 1; t <= o.T; t++) {
    const { params } = sampler.suggest(space, history, t);
    const x = xOf(params);
    const value = h.minibatchCorrect(prob.seed, runSeed, t - 1, h.trueScore(prob, x), B) / B;
    history.push({ params, value });
    const entry = tried.get(keyOf(x)) ?? { params, k: [] };
    entry.k.push(value);
    tried.set(keyOf(x), entry);
    if (t % FULL_EVERY !== 0 && t !== o.T) continue;
    const pick = bestMeanNotFull(tried, full);
    if (!pick) continue;
    const score = fullEval(pick.params);
    if (o.tell) history.push({ params: pick.params, value: score });
  }
  return h.trueScore(prob, best!.x);
}

function bestMeanNotFull(tried: Map<number, Tried>, full: Map<number, number>): Tried | undefined {
  let pick: { t: Tried; mean: number } | undefined;
  for (const [key, t] of tried) {
    if (full.has(key)) continue;
    const mean = t.k.reduce((a, b) => a + b, 0) / t.k.length;
    if (!pick || mean > pick.mean) pick = { t, mean };
  }
  return pick?.t;
}

/** Mean true score and mean regret of the returned configuration, per problem and pooled; `scores` per problem and seed, in order. */
export function loopSummary(h: LoopHarness, problems: LoopProblem[], seeds: number[], o: LoopOptions): { perProblem: Record<string, { mean: number; regret: number }>; pooledRegret: number; scores: number[] } {
  const perProblem: Record<string, { mean: number; regret: number }> = {};
  const all: number[] = [];
  for (const prob of problems) {
    const scores = seeds.map((s) => runLoop(h, prob, s, o));
    all.push(...scores);
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    perProblem[prob.id] = { mean, regret: prob.stats.optimum - mean };
  }
  const regrets = Object.values(perProblem).map((p) => p.regret);
  return { perProblem, pooledRegret: regrets.reduce((a, b) => a + b, 0) / regrets.length, scores: all };
}
