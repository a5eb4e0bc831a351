/**
 * MIPROv2's phases and checkpoint, shared by the reference search and the budgeted one:
 * bootstrapping demo sets, proposing instructions, the search space, and the checkpoint that
 * lets a run resume after any phase or trial.
 */
import type { Example } from '../../data/types';
import { PlaygroundError } from '../../errors';
import { Rng } from '../../util/random';
import { createDemoSets, type DemoSet, type DemoSetOptions } from '../demo-sets';
import { proposeInstructions } from '../propose';
import type { MiproSettings } from '../options';
import type { OptimizeContext } from '../types';
import type { BudgetedSearchState } from './budgeted-search';
import type { ProposerSearchState } from './proposer-search';
import type { SearchSpace, SearchState } from './search';
import { searchedPredictors } from './searched';

/** Everything a resumed run needs, at a phase or trial boundary (plain data). */
export interface MiproCheckpoint {
  optimizer: 'mipro_v2';
  version: 1;
  /** The validation examples searched, in the order they are used. */
  valIds: string[];
  demoSets?: DemoSet[];
  instructions?: Record<string, string[]>;
  search?: SearchState;
  /** Budgeted runs: the budget in calls and what was used of it at this checkpoint. */
  budget?: { total: number; used: number };
  budgeted?: BudgetedSearchState;
  /** 0-shot MIPRO++ (`proposerSearch`): its rounds, instructions and trials so far. */
  proposerSearch?: ProposerSearchState;
}

/** A stored checkpoint of this optimizer, or `OPTIMIZER_INVALID` (it belongs to another optimizer or version). */
export function miproCheckpoint(stored: unknown): MiproCheckpoint {
  if (isMiproCheckpoint(stored)) return stored;
  throw new PlaygroundError('OPTIMIZER_INVALID', 'The stored checkpoint was not made by this version of MIPROv2, so the run cannot resume from it.', {
    hint: 'Start a new run with the same settings: answers already received come from the cache.',
  });
}

function isMiproCheckpoint(v: unknown): v is MiproCheckpoint {
  if (typeof v !== 'object' || v === null) return false;
  const cp: Partial<Record<keyof MiproCheckpoint, unknown>> = v;
  return cp.optimizer === 'mipro_v2' && cp.version === 1 && Array.isArray(cp.valIds);
}

/** Phase 1: the candidate demo sets (none when no demos are wanted). */
export async function bootstrapPhase(ctx: OptimizeContext, s: MiproSettings, opts: Pick<DemoSetOptions, 'count' | 'maxTeacherRuns'>): Promise<DemoSet[]> {
  ctx.emit?.({ type: 'phase', phase: 'bootstrap', status: 'start', detail: `${opts.count} demo sets` });
  const needed = s.maxBootstrappedDemos > 0 || s.maxLabeledDemos > 0;
  const sets = needed ? await createDemoSets(ctx, { ...opts, maxBootstrappedDemos: s.maxBootstrappedDemos, maxLabeledDemos: s.maxLabeledDemos, maxRounds: s.maxRounds, metricThreshold: s.metricThreshold }) : [];
  ctx.emit?.({ type: 'phase', phase: 'bootstrap', status: 'end' });
  return sets;
}

/** Phase 2: `count` instruction candidates per searched predictor (the current instruction first; the others keep only it). */
export async function proposePhase(ctx: OptimizeContext, s: MiproSettings, count: number, demoSets: readonly DemoSet[]): Promise<Record<string, string[]>> {
  ctx.emit?.({ type: 'phase', phase: 'propose', status: 'start', detail: `${count} instruction candidates per predictor` });
  const current = Object.fromEntries(ctx.program.predictorIds.map((id) => [id, ctx.state[id]?.instruction ?? '']));
  const instructions = await proposeInstructions(ctx.lms.proposer, ctx.program, current, ctx.trainset, {
    count,
    predictors: searchedPredictors(ctx.program, s.predictors),
    demoSets: demoSets.map((d) => d.demos),
    seed: ctx.seed,
    temperature: s.initTemperature,
    dataAware: s.dataAware,
    programAware: s.programAware,
    tipAware: s.tipAware,
    ...(ctx.signal && { signal: ctx.signal }),
    ...(ctx.emit && { emit: ctx.emit }),
  });
  ctx.emit?.({ type: 'phase', phase: 'propose', status: 'end' });
  return instructions;
}

/** One instruction index and one demo-set index per searched predictor (a parameter only when it has a choice). */
export function searchSpace(ctx: OptimizeContext, demoSets: DemoSet[], instructions: Record<string, string[]>, s: Pick<MiproSettings, 'predictors'>): SearchSpace {
  const predictors = searchedPredictors(ctx.program, s.predictors);
  const params: SearchSpace['params'] = [];
  for (const id of predictors) {
    if (instructions[id]!.length > 1) params.push({ name: `${id}.instruction`, n: instructions[id]!.length });
    if (demoSets.length > 1) params.push({ name: `${id}.demos`, n: demoSets.length });
  }
  return { params, instructions, demoSets, predictors };
}

/** A seeded sample of `size` validation examples (all of them when there are fewer). */
export function subsample(valset: readonly Example[], size: number | undefined, seed: number): Example[] {
  if (size === undefined || valset.length <= size) return valset.slice();
  return new Rng(`valset:${seed}`).sample(valset, size);
}

/** The examples a checkpoint names, in its order; `OPTIMIZER_INVALID` when the data changed. */
export function byIds(examples: readonly Example[], ids: string[]): Example[] {
  const map = new Map(examples.map((e) => [e.id, e]));
  return ids.map((id) => {
    const ex = map.get(id);
    if (!ex) throw new PlaygroundError('OPTIMIZER_INVALID', `The checkpoint refers to validation example "${id}", which is not in the data.`, { hint: 'Resume with the same dataset and split seed, or start a new run.' });
    return ex;
  });
}

/** A deep copy of plain data (what a checkpoint event carries). */
export function plainCopy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
