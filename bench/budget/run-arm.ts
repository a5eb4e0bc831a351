/**
 * One optimizer run on one landscape and seed, measured: the test score of the state it
 * returns, its calls, the calls until its incumbent first came within 0.02 of the landscape's
 * known best, and its simulated wall time.
 *
 * The context is built like tests/unit/optimize/harness.ts: accounted task, teacher and
 * proposer models over a fresh cache and usage meter per run. The seed picks the
 * train/validation split (a seeded shuffle of the landscape's 240 rows) and is the optimizer's
 * seed. Test scores are measured with a separate model, meter and cache (TestScorer), so they
 * never count as the run's calls.
 *
 * Incumbents: at each `new_best` event the run's task + teacher calls so far and the event's
 * params are recorded; afterwards each is turned back into the state it stands for, from the
 * run's `instruction_proposed` events (index 0 is the original instruction) and `demo_set`
 * events (set 0 is zero-shot, as in MIPROv2's search), and scored on the test set.
 */
import { evaluate } from '../../src/core/evaluate';
import { createAccountedLM, MemoryCacheStore, UsageMeter, type LanguageModel, type UsageSnapshot } from '../../src/core/lm';
import { createMetric } from '../../src/core/metric';
import { optimizerSettings, runOptimizer, type OptimizeContext, type OptimizeResult, type OptimizerEvent } from '../../src/core/optimize';
import { createTpeSampler, miproV2 } from '../../src/core/optimize/mipro';
import { initialState, resolveProgram, type Demo, type ProgramState, type ResolvedProgram } from '../../src/core/program';
import { canonicalJson } from '../../src/core/util/hash';
import { Rng } from '../../src/core/util/random';
import type { Landscape } from './landscapes';
import { estimates, recorded, simulatedSeconds, type CallLog } from './sim-time';

/** What one run measured. */
export interface SeedRun {
  seed: number;
  test: number;
  /** The optimizer's own (validation) score of the state it returned, when it gives one. */
  valScore: number | null;
  /** Task + teacher calls made: sent or answered by the cache (what a budget counts). */
  taskCalls: number;
  /** Task + teacher calls sent to the model. */
  taskSent: number;
  proposerCalls: number;
  /** Task + teacher calls until the incumbent's test score first came within 0.02 of the known best; null: never. */
  callsToBest: number | null;
  seconds: { local: number; api: number };
  /** The run plan's time estimates at start, per regime (see sim-time.ts); null: none. */
  estimatedSeconds: { local: number; api: number } | null;
}

/** How close to the known best an incumbent must come. */
export const WITHIN = 0.02;
/** Training rows of a landscape's 240; the rest validate. */
const TRAIN = 120;
const metric = createMetric({ kind: 'exact_match', field: 'label' });

/** Scores states on a landscape's test set, outside any run's accounting; memoized per state. */
export class TestScorer {
  readonly program: ResolvedProgram;
  private readonly lm: LanguageModel;
  private readonly scores = new Map<string, number>();

  constructor(readonly landscape: Landscape) {
    this.program = resolveProgram(landscape.spec);
    this.lm = createAccountedLM({ lm: landscape.taskModel(), role: 'task', usage: new UsageMeter(), cache: new MemoryCacheStore(10_000) });
  }

  async score(state: ProgramState): Promise<number> {
    const key = canonicalJson(state);
    const known = this.scores.get(key);
    if (known !== undefined) return known;
    const r = await evaluate({ program: this.program, state, examples: this.landscape.test, metric, ctx: { lm: this.lm, call: { phase: 'evaluate' } }, omitTraces: true });
    this.scores.set(key, r.mean);
    return r.mean;
  }

  /** The landscape's known best: exact by construction, or its best state's test score. */
  async knownBest(): Promise<number> {
    return this.landscape.knownBest ?? this.score(this.landscape.bestState(initialState(this.program)));
  }
}

/**
 * Runs MIPROv2 with `options` on `scorer`'s landscape with `seed`, and measures it.
 * `tellFullEvaluations` overrides the search's internal switch (mipro/settings.ts).
 */
export async function runSeed(scorer: TestScorer, seed: number, options: Record<string, unknown>, knownBest: number, tellFullEvaluations?: boolean): Promise<SeedRun> {
  const run = makeRun(scorer.landscape, scorer.program, seed);
  const result = await optimize(run.ctx, options, tellFullEvaluations);
  const u = run.usage.snapshot();
  return {
    seed,
    test: await scorer.score(result.state),
    valScore: result.valScore ?? null,
    taskCalls: taskCalls(u),
    taskSent: u.task.calls + u.teacher.calls,
    proposerCalls: u.proposer.calls + u.proposer.cacheHits,
    callsToBest: await callsToBest(scorer, run, knownBest),
    seconds: simulatedSeconds(run.log),
    estimatedSeconds: estimates(scorer.landscape.spec, options, { train: run.ctx.trainset.length, val: run.ctx.valset.length, predictors: scorer.program.predictorIds.length }),
  };
}

function optimize(ctx: OptimizeContext, options: Record<string, unknown>, tellFullEvaluations: boolean | undefined): Promise<OptimizeResult> {
  if (tellFullEvaluations === undefined) return runOptimizer('mipro_v2', ctx, options);
  const settings = optimizerSettings({ ...options, kind: 'mipro_v2' });
  if (settings.kind !== 'mipro_v2') throw new Error('unreachable');
  return miproV2(ctx, { ...settings, tellFullEvaluations }, createTpeSampler);
}

interface Run {
  ctx: OptimizeContext;
  usage: UsageMeter;
  events: OptimizerEvent[];
  log: CallLog[];
  /** Calls made so far and params, at each `new_best`. */
  incumbents: { calls: number; params: Record<string, number> }[];
}

function makeRun(l: Landscape, program: ResolvedProgram, seed: number): Run {
  const rows = new Rng(`split:${l.name}:${seed}`).shuffle(l.rows);
  const usage = new UsageMeter();
  const cache = new MemoryCacheStore(100_000);
  const task = l.taskModel();
  const events: OptimizerEvent[] = [];
  const log: CallLog[] = [];
  const incumbents: Run['incumbents'] = [];
  let trial: number | undefined;
  const lm = (inner: LanguageModel, role: CallLog['role']) => recorded(createAccountedLM({ lm: inner, role, usage, cache }), role, log, () => trial);
  const ctx: OptimizeContext = {
    program,
    state: initialState(program),
    trainset: rows.slice(0, TRAIN),
    valset: rows.slice(TRAIN),
    metric,
    lms: { task: lm(task, 'task'), teacher: lm(task, 'teacher'), proposer: lm(l.proposerModel(), 'proposer') },
    seed,
    usage: () => usage.snapshot(),
    emit: (e) => {
      events.push(e);
      if (e.type === 'trial_start') trial = e.trial;
      if (e.type === 'trial_end') trial = undefined;
      if (e.type === 'new_best') incumbents.push({ calls: taskCalls(usage.snapshot()), params: e.params });
    },
  };
  return { ctx, usage, events, log, incumbents };
}

function taskCalls(u: UsageSnapshot): number {
  return u.task.calls + u.task.cacheHits + u.teacher.calls + u.teacher.cacheHits;
}

async function callsToBest(scorer: TestScorer, run: Run, knownBest: number): Promise<number | null> {
  for (const inc of run.incumbents) {
    const score = await scorer.score(stateOf(run, inc.params));
    if (score >= knownBest - WITHIN) return inc.calls;
  }
  return null;
}

/** The state `params` stand for in this run (as MIPROv2's search builds it). */
function stateOf(run: Run, params: Record<string, number>): ProgramState {
  const instructions = new Map<string, string>();
  const demoSets = new Map<number, Record<string, Demo[]>>();
  for (const e of run.events) {
    if (e.type === 'instruction_proposed') instructions.set(`${e.predictor}:${e.index}`, e.instruction);
    if (e.type === 'demo_set') demoSets.set(e.set, e.demos);
  }
  const state: ProgramState = {};
  for (const id of run.ctx.program.predictorIds) {
    const i = params[`${id}.instruction`] ?? 0;
    const instruction = i === 0 ? run.ctx.state[id]!.instruction : instructions.get(`${id}:${i}`);
    if (instruction === undefined) throw new Error(`new_best names ${id}.instruction = ${i}, but no instruction_proposed event has that index`);
    state[id] = { instruction, demos: demoSets.get(params[`${id}.demos`] ?? 0)?.[id] ?? [] };
  }
  return state;
}
