/**
 * MIPROv2 (Opsahl-Ong et al. 2024, arXiv 2406.11695; DSPy `teleprompt/mipro_optimizer_v2.py`).
 *
 * Three phases: (1) bootstrap candidate demo sets; (2) propose instruction candidates with the
 * grounded proposer; (3) search the combinations with TPE on minibatches, re-checking the
 * best-mean configurations on the full validation set. The result is the best full evaluation.
 *
 * Deliberate fixes of the reference's known faults: seed 0 is honoured (every draw is derived
 * from the run's seed); the validation subsample is a seeded sample, not the first rows; the
 * original instruction is candidate 0 without spending a proposal on it; trial records count
 * the requests each trial actually issued (sent vs answered by the cache).
 *
 * Resumable: after each phase and each trial the optimizer emits a checkpoint (plain data).
 * Passing it back continues the run; with the same seed and cache the result is identical to
 * an uninterrupted run.
 */
import type { Example } from '../../data/types';
import { PlaygroundError } from '../../errors';
import { Rng } from '../../util/random';
import { createDemoSets, type DemoSet } from '../demo-sets';
import { proposeInstructions } from '../propose';
import type { OptimizeContext, OptimizeResult } from '../types';
import type { Sampler } from './sampler';
import { emptySearchState, runSearch, stateFor, type SearchSpace, type SearchState } from './search';
import type { MiproSettings } from '../options';
import { miproRunSettings, planMipro } from './settings';

export interface MiproCheckpoint {
  optimizer: 'mipro_v2';
  version: 1;
  valIds: string[];
  demoSets?: DemoSet[];
  instructions?: Record<string, string[]>;
  search?: SearchState;
}

export async function miproV2(
  ctx: OptimizeContext,
  options: MiproSettings,
  makeSampler: (settings: { seed: number; multivariate: boolean; nStartupTrials: number; optuna: boolean; trialBudget: number }) => Sampler,
  stored?: unknown,
): Promise<OptimizeResult> {
  const checkpoint = stored === undefined ? undefined : miproCheckpoint(stored);
  const settings = miproRunSettings(options, ctx.program.predictorIds.length);
  const valset = checkpoint ? byIds(ctx.valset, checkpoint.valIds) : subsample(ctx.valset, settings.valSize, ctx.seed);
  if (valset.length === 0) throw new PlaygroundError('OPTIMIZER_INVALID', 'MIPROv2 needs validation examples.', { hint: 'Give the validation split some rows.' });
  if (ctx.trainset.length === 0 && (settings.maxBootstrappedDemos > 0 || settings.maxLabeledDemos > 0)) {
    throw new PlaygroundError('OPTIMIZER_INVALID', 'MIPROv2 needs training examples to build demos from.', { hint: 'Give the train split some rows, or use mode "instructions_only" with no demos.' });
  }
  const plan = planMipro(settings, { train: ctx.trainset.length, val: valset.length, predictors: ctx.program.predictorIds.length });
  const cp: MiproCheckpoint = { optimizer: 'mipro_v2', version: 1, valIds: valset.map((e) => e.id), ...checkpoint };
  const save = () => ctx.emit?.({ type: 'checkpoint', checkpoint: structuredCopy(cp) });

  if (!cp.demoSets) {
    ctx.emit?.({ type: 'phase', phase: 'bootstrap', status: 'start', detail: `${settings.demoSets} demo sets` });
    const needed = settings.maxBootstrappedDemos > 0 || settings.maxLabeledDemos > 0;
    cp.demoSets = needed ? await createDemoSets(ctx, { count: settings.demoSets, maxBootstrappedDemos: settings.maxBootstrappedDemos, maxLabeledDemos: settings.maxLabeledDemos, maxRounds: settings.maxRounds, metricThreshold: settings.metricThreshold }) : [];
    ctx.emit?.({ type: 'phase', phase: 'bootstrap', status: 'end' });
    save();
  }

  if (!cp.instructions) {
    ctx.emit?.({ type: 'phase', phase: 'propose', status: 'start', detail: `${settings.instructionCandidates} instruction candidates per predictor` });
    const current = Object.fromEntries(ctx.program.predictorIds.map((id) => [id, ctx.state[id]?.instruction ?? '']));
    cp.instructions = await proposeInstructions(ctx.lms.proposer, ctx.program, current, ctx.trainset, {
      count: settings.instructionCandidates,
      demoSets: cp.demoSets.map((s) => s.demos),
      seed: ctx.seed,
      temperature: settings.initTemperature,
      dataAware: settings.dataAware,
      programAware: settings.programAware,
      tipAware: settings.tipAware,
      ...(ctx.signal && { signal: ctx.signal }),
      ...(ctx.emit && { emit: ctx.emit }),
    });
    ctx.emit?.({ type: 'phase', phase: 'propose', status: 'end' });
    save();
  }

  const space = searchSpace(ctx, settings.searchDemos ? cp.demoSets : [], cp.instructions);
  ctx.emit?.({ type: 'phase', phase: 'search', status: 'start', detail: `${settings.numTrials} trials` });
  // The sampler knows the number of trials (MIPROv2 fixes it up front), so it can spend the last ones confirming the leader.
  const sampler = makeSampler({ seed: ctx.seed, multivariate: settings.multivariate, nStartupTrials: settings.nStartupTrials, optuna: settings.optuna, trialBudget: settings.numTrials });
  const search = await runSearch(ctx, settings, space, valset, sampler, cp.search ?? emptySearchState(), (s) => {
    cp.search = s;
    save();
  });
  ctx.emit?.({ type: 'phase', phase: 'search', status: 'end' });
  const best = search.best!;
  return { state: stateFor(ctx, space, best.params), trials: search.trials, plan, valScore: best.score };
}

function searchSpace(ctx: OptimizeContext, demoSets: DemoSet[], instructions: Record<string, string[]>): SearchSpace {
  const params: SearchSpace['params'] = [];
  for (const id of ctx.program.predictorIds) {
    if (instructions[id]!.length > 1) params.push({ name: `${id}.instruction`, n: instructions[id]!.length });
    if (demoSets.length > 1) params.push({ name: `${id}.demos`, n: demoSets.length });
  }
  return { params, instructions, demoSets };
}

/** A stored checkpoint of this optimizer, or `OPTIMIZER_INVALID` (it belongs to another optimizer or version). */
function miproCheckpoint(stored: unknown): MiproCheckpoint {
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

function subsample(valset: readonly Example[], size: number | undefined, seed: number): Example[] {
  if (size === undefined || valset.length <= size) return valset.slice();
  return new Rng(`valset:${seed}`).sample(valset, size);
}

function byIds(examples: readonly Example[], ids: string[]): Example[] {
  const map = new Map(examples.map((e) => [e.id, e]));
  return ids.map((id) => {
    const ex = map.get(id);
    if (!ex) throw new PlaygroundError('OPTIMIZER_INVALID', `The checkpoint refers to validation example "${id}", which is not in the data.`, { hint: 'Resume with the same dataset and split seed, or start a new run.' });
    return ex;
  });
}

function structuredCopy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
