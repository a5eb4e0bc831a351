/**
 * Candidate demo sets, as DSPy's `create_n_fewshot_demo_sets` makes them for MIPROv2 and
 * BootstrapFewShotWithRandomSearch: set 0 zero-shot, set 1 labeled only, set 2 an unshuffled
 * bootstrap, sets >= 3 bootstraps over a seeded shuffle of the trainset with a random number
 * of bootstrapped demos in [1, maxBootstrappedDemos].
 *
 * Indexes here are 0-based (DSPy's seeds -3, -2, -1, 0, ...). Every shuffle is derived from
 * the run's seed and the set's index, so a resumed run rebuilds exactly the same sets
 * (and the cache answers the teacher calls).
 */
import type { Demo, ProgramState } from '../program/types';
import { Rng } from '../util/random';
import { bootstrapFewShot } from './bootstrap';
import { labeledFewShot, withDemos } from './demos';
import type { DemoSetKind, OptimizeContext } from './types';

export interface DemoSet {
  kind: DemoSetKind;
  /** Demos per predictor step id. */
  demos: Record<string, Demo[]>;
}

export interface DemoSetOptions {
  /** Total number of sets, including the zero-shot, labeled and unshuffled ones. */
  count: number;
  maxBootstrappedDemos: number;
  maxLabeledDemos: number;
  maxRounds: number;
  metricThreshold?: number | undefined;
  minNumSamples?: number;
  /** Teacher runs allowed per bootstrapped set (a call budget's share); default: no limit. */
  maxTeacherRuns?: number;
}

/** Builds `count` demo sets, emitting `demo_set` events as each is ready. */
export async function createDemoSets(ctx: OptimizeContext, opts: DemoSetOptions): Promise<DemoSet[]> {
  const sets: DemoSet[] = [];
  for (let i = 0; i < opts.count; i++) {
    const set = await createDemoSet(ctx, opts, i);
    sets.push(set);
    ctx.emit?.({ type: 'demo_set', set: i, kind: set.kind, demos: set.demos });
    ctx.emit?.({ type: 'progress', phase: 'bootstrap', done: i + 1, total: opts.count });
  }
  return sets;
}

export async function createDemoSet(ctx: OptimizeContext, opts: DemoSetOptions, index: number): Promise<DemoSet> {
  const base = { maxLabeledDemos: opts.maxLabeledDemos, maxRounds: opts.maxRounds, metricThreshold: opts.metricThreshold, ...(opts.maxTeacherRuns !== undefined && { maxTeacherRuns: opts.maxTeacherRuns }) };
  if (index === 0) return { kind: 'zero_shot', demos: demosOf(withDemos(ctx.program, ctx.state, () => [])) };
  if (index === 1 && opts.maxLabeledDemos > 0) {
    return { kind: 'labeled', demos: demosOf(labeledFewShot(ctx.program, ctx.state, ctx.trainset, opts.maxLabeledDemos, ctx.seed)) };
  }
  if (index <= 2) {
    const r = await bootstrapFewShot(ctx, { ...base, maxBootstrappedDemos: opts.maxBootstrappedDemos }, ctx.trainset, index);
    return { kind: 'bootstrap', demos: demosOf(r.state) };
  }
  const rng = new Rng(`demo-set:${ctx.seed}:${index}`);
  const shuffled = rng.shuffle(ctx.trainset);
  const size = rng.intBetween(Math.min(opts.minNumSamples ?? 1, opts.maxBootstrappedDemos), opts.maxBootstrappedDemos);
  const r = await bootstrapFewShot(ctx, { ...base, maxBootstrappedDemos: size }, shuffled, index);
  return { kind: 'shuffled_bootstrap', demos: demosOf(r.state) };
}

/** A program state with one demo set applied. */
export function applyDemoSet(base: ProgramState, set: DemoSet): ProgramState {
  const out: ProgramState = {};
  for (const [id, s] of Object.entries(base)) out[id] = { instruction: s.instruction, demos: set.demos[id] ?? [] };
  return out;
}

function demosOf(state: ProgramState): Record<string, Demo[]> {
  return Object.fromEntries(Object.entries(state).map(([id, s]) => [id, s.demos]));
}
