/**
 * MIPROv2's search under a call budget. Each trial scores one configuration (an instruction
 * and a demo set per predictor) on its next chunk of a shared, seeded order of the validation
 * set: a configuration's evidence grows chunk by chunk, no example is run twice for one
 * configuration, and every configuration is compared on the same examples. The first trial is
 * the default program. A spread-out design (each choice of each parameter in turn) comes
 * before TPE, which then proposes new configurations, confirms a leader before trusting it,
 * and spends the end of the budget racing the leader against its strongest challenger. The
 * winner is the best mean over at least two chunks.
 *
 * The search stops when the budget cannot pay for one more program run; it never overspends.
 * Like the reference search, it is plain data at every trial boundary and resumes exactly.
 */
import type { Example } from '../../data/types';
import { throwIfAborted } from '../../errors';
import { Rng } from '../../util/random';
import type { CallBudget } from '../budget';
import { configKey, groupByConfig } from '../config-groups';
import { scoreCandidate } from '../score';
import type { TpeExplanation } from '../tpe';
import type { OptimizeContext, TrialRecord } from '../types';
import type { BudgetedShape } from './budgeted-plan';
import type { Sampler } from './sampler';
import { stateFor, type SearchSpace } from './search';

/** The budgeted search's state at a trial boundary. */
export interface BudgetedSearchState {
  trials: TrialRecord[];
  /** Trials the sampler is told the search will run (fixed when the search starts). */
  trialBudget: number;
  best: { key: string; score: number; trial: number; params: Record<string, number> } | null;
}

export function emptyBudgetedState(trialBudget: number): BudgetedSearchState {
  return { trials: [], trialBudget, best: null };
}

/** What the search works with. */
export interface BudgetedSearch {
  shape: BudgetedShape;
  space: SearchSpace;
  /** The validation examples in the shared order every configuration follows. */
  order: readonly Example[];
  sampler: Sampler;
  budget: CallBudget;
  /** Maps a configuration to its first identical twin (duplicate proposals are searched once). */
  canonical: (params: Record<string, number>) => Record<string, number>;
}

/** Runs (or continues) the search until the budget cannot pay for one more program run. */
export async function runBudgetedSearch(
  ctx: OptimizeContext,
  search: BudgetedSearch,
  state: BudgetedSearchState,
  checkpoint: (s: BudgetedSearchState) => void,
): Promise<BudgetedSearchState> {
  const { shape, space, order, budget } = search;
  const p = ctx.program.predictorIds.length;
  for (;;) {
    throwIfAborted(ctx.signal);
    const affordable = Math.floor(budget.remaining / p);
    if (affordable < 1) break;
    const next = nextParams(ctx, search, state);
    const params = search.canonical(next.params);
    const examples = nextChunk(state, order, params, shape.chunk, affordable) ?? fallbackChunk(state, order, shape.chunk, affordable);
    if (!examples) break;
    await runTrial(ctx, space, state, examples.params, examples.examples, examples.params === params ? next.explanation : undefined);
    ctx.emit?.({ type: 'progress', phase: 'search', done: state.trials.length, total: Math.max(state.trialBudget, state.trials.length) });
    checkpoint(state);
  }
  return state;
}

/** The configuration of the next trial: the default program, then the design, then TPE. */
function nextParams(ctx: OptimizeContext, { shape, space, sampler }: BudgetedSearch, state: BudgetedSearchState): ReturnType<Sampler['suggest']> {
  const t = state.trials.length;
  if (t === 0) return { params: Object.fromEntries(space.params.map((q) => [q.name, 0])) };
  if (t < shape.startupTrials) return { params: designParams(space, t, ctx.seed) };
  const history = state.trials.map((tr) => ({ params: tr.params, value: tr.score }));
  return sampler.suggest(space.params, history, t + 1);
}

/**
 * Trial `t` of the design: parameter `p` takes the `t`-th choice of its own seeded cycle, so
 * every choice of every parameter is tried early, in a different combination each time.
 */
function designParams(space: SearchSpace, t: number, seed: number): Record<string, number> {
  return Object.fromEntries(
    space.params.map((q) => {
      const cycle = new Rng(`budgeted-design:${seed}:${q.name}`).shuffle(Array.from({ length: q.n }, (_, i) => i));
      // Choice 0 (the default) was trial 0; the cycle starts after it.
      const rest = cycle.filter((c) => c !== 0);
      const pick = rest.length === 0 ? 0 : rest[(t - 1) % rest.length]!;
      return [q.name, pick];
    }),
  );
}

/** The configuration's next examples in the shared order, within what the budget can pay. */
function nextChunk(state: BudgetedSearchState, order: readonly Example[], params: Record<string, number>, chunk: number, affordable: number) {
  const done = evaluated(state, configKey(params));
  const examples = order.slice(done, done + Math.min(chunk, affordable));
  return examples.length > 0 ? { params, examples } : undefined;
}

/** When the proposed configuration has seen every example: the best-mean one that has not. */
function fallbackChunk(state: BudgetedSearchState, order: readonly Example[], chunk: number, affordable: number) {
  const ranked = standings(state.trials).filter((g) => g.n < order.length);
  const pick = ranked[0];
  return pick ? nextChunk(state, order, pick.params, chunk, affordable) : undefined;
}

async function runTrial(ctx: OptimizeContext, space: SearchSpace, state: BudgetedSearchState, params: Record<string, number>, examples: readonly Example[], explanation?: TpeExplanation): Promise<void> {
  const index = state.trials.length;
  ctx.emit?.({ type: 'trial_start', trial: index, kind: 'minibatch', params, ...(explanation && { explanation }) });
  const s = await scoreCandidate(ctx, stateFor(ctx, space, params), examples, index, `trial ${index + 1}`);
  const trial: TrialRecord = { index, kind: 'minibatch', params, score: s.score, n: s.n, calls: s.calls, errors: s.errors, durationMs: s.durationMs };
  state.trials.push(trial);
  ctx.emit?.({ type: 'trial_end', trial });
  const leader = standings(state.trials)[0];
  if (leader && (state.best?.key !== leader.key || state.best.score !== leader.mean)) {
    state.best = { key: leader.key, score: leader.mean, trial: index, params: leader.params };
    ctx.emit?.({ type: 'new_best', trial: index, score: leader.mean, params: leader.params });
  }
}

function evaluated(state: BudgetedSearchState, key: string): number {
  return state.trials.reduce((n, t) => (configKey(t.params) === key ? n + t.n : n), 0);
}

/**
 * Configurations by their mean over every example they were scored on, best first: those
 * scored on two chunks or more ahead of single-chunk ones (a single lucky chunk does not win);
 * ties keep the configuration tried first.
 */
function standings(trials: readonly TrialRecord[]) {
  const groups = groupByConfig(trials, (t) => t.score).map((g) => {
    const n = g.items.reduce((a, t) => a + t.n, 0);
    const mean = n > 0 ? g.items.reduce((a, t) => a + t.score * t.n, 0) / n : 0;
    return { key: g.key, params: g.params, n, mean, chunks: g.items.length, first: g.first };
  });
  return groups.sort((a, b) => Number(b.chunks >= 2) - Number(a.chunks >= 2) || b.mean - a.mean || a.first - b.first);
}
