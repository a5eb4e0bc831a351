/**
 * MIPROv2 under a call budget (`"budget": { "taskCalls": N }`): the same three phases as the
 * reference (bootstrap demo sets, propose instructions, search their combinations), shaped
 * so the whole run fits the budget (budgeted-plan.ts), and a search that spends calls where
 * they decide something (budgeted-search.ts). light / medium / heavy keep the reference's
 * behaviour, for comparisons with DSPy.
 *
 * Every task and teacher call counts, sent or answered by the cache; the budget and what was
 * used of it travel in the checkpoint, so a resumed run takes the same path and ends the same.
 */
import { PlaygroundError } from '../../errors';
import { Rng } from '../../util/random';
import { CallBudget } from '../budget';
import type { DemoSet } from '../demo-sets';
import type { Budget, MiproSettings } from '../options';
import type { OptimizeContext, OptimizeResult } from '../types';
import { budgetedShape, planBudgeted } from './budgeted-plan';
import { searchOutcome } from '../score';
import { emptyBudgetedState, measuredOf, runBudgetedSearch } from './budgeted-search';
import { bootstrapPhase, byIds, plainCopy, proposePhase, searchSpace, type MiproCheckpoint } from './phases';
import type { Sampler } from './sampler';
import { stateFor } from './search';

/** Makes the search's sampler (the TPE sampler in production). */
export type SamplerFactory = (settings: { seed: number; multivariate: boolean; nStartupTrials: number; optuna: boolean; trialBudget?: number }) => Sampler;

export async function miproBudgeted(ctx: OptimizeContext, s: MiproSettings, budgetOption: Budget, makeSampler: SamplerFactory, checkpoint?: MiproCheckpoint): Promise<OptimizeResult> {
  const p = ctx.program.predictorIds.length;
  const order = checkpoint ? byIds(ctx.valset, checkpoint.valIds) : new Rng(`budgeted-order:${ctx.seed}`).shuffle(ctx.valset);
  if (order.length === 0) throw new PlaygroundError('OPTIMIZER_INVALID', 'MIPROv2 needs validation examples.', { hint: 'Give the validation split some rows.' });
  const sizes = { train: ctx.trainset.length, val: order.length, predictors: p };
  const shape = budgetedShape(s, checkpoint?.budget?.total ?? callsOf(budgetOption), sizes);
  const plan = planBudgeted(s, shape, sizes);
  const budget = new CallBudget(shape.calls, checkpoint?.budget?.used ?? 0);
  const counted: OptimizeContext = { ...ctx, lms: { ...ctx.lms, task: budget.wrap(ctx.lms.task), teacher: budget.wrap(ctx.lms.teacher) } };
  const cp: MiproCheckpoint = { optimizer: 'mipro_v2', version: 1, valIds: order.map((e) => e.id), ...checkpoint };
  const save = () => {
    cp.budget = { total: budget.total, used: budget.used };
    ctx.emit?.({ type: 'checkpoint', checkpoint: plainCopy(cp) });
  };

  if (!cp.demoSets) {
    cp.demoSets = await bootstrapPhase(counted, s, { count: shape.demoSets, maxTeacherRuns: shape.teacherRunsPerSet });
    save();
  }
  if (!cp.instructions) {
    cp.instructions = await proposePhase(counted, s, shape.instructionCandidates, cp.demoSets);
    save();
  }

  const space = searchSpace(ctx, shape.searchDemos ? cp.demoSets : [], cp.instructions, s);
  const canonical = canonicalizer(space.params.map((q) => q.name), cp.instructions, shape.searchDemos ? cp.demoSets : []);
  const state = cp.budgeted ?? emptyBudgetedState(Math.floor(budget.remaining / (shape.chunk * p)));
  ctx.emit?.({ type: 'phase', phase: 'search', status: 'start', detail: `${shape.calls - budget.used} calls left for the search` });
  const sampler = makeSampler({ seed: ctx.seed, multivariate: s.multivariate, nStartupTrials: shape.startupTrials, optuna: false, trialBudget: state.trialBudget });
  const search = await runBudgetedSearch(counted, { shape, space, order, sampler, budget, canonical, maxFailedTrials: s.maxFailedTrials }, state, (next) => {
    cp.budgeted = next;
    save();
  });
  ctx.emit?.({ type: 'phase', phase: 'search', status: 'end' });
  const best = search.best;
  const outcome = searchOutcome(ctx, best, () => measuredOf(search, best!.key));
  if (!best || !outcome) throw new PlaygroundError('OPTIMIZER_INVALID', `The budget of ${shape.calls} calls ran out before the search could score one configuration.`, { hint: `Give budget.taskCalls at least ${shape.minimum}.` });
  return { state: stateFor(ctx, space, best.params), trials: search.trials, plan, ...outcome };
}

function callsOf(budget: Budget): number {
  if (budget.taskCalls !== undefined) return budget.taskCalls;
  throw new PlaygroundError('OPTIMIZER_INVALID', `A budget of ${budget.minutes} minutes becomes calls when the run is planned, from the task model's latency; this optimizer was given minutes directly.`, {
    hint: 'Run it through the runner (which plans it), or give budget.taskCalls.',
  });
}

/**
 * Maps a configuration to its canonical twin: an instruction the proposer wrote twice, or a
 * demo set identical to an earlier one, stands for the first of its copies, so duplicates are
 * searched once and share their evidence.
 */
function canonicalizer(names: readonly string[], instructions: Record<string, string[]>, demoSets: readonly DemoSet[]): (params: Record<string, number>) => Record<string, number> {
  const firstOf = (keys: readonly string[]) => keys.map((k) => keys.indexOf(k));
  const instructionTwin = Object.fromEntries(Object.entries(instructions).map(([id, list]) => [id, firstOf(list.map(normalizeText))]));
  const demoTwin = (id: string) => firstOf(demoSets.map((d) => JSON.stringify(d.demos[id] ?? [])));
  const demoTwins = new Map<string, number[]>();
  return (params) =>
    Object.fromEntries(
      names.map((name) => {
        const [id, what] = splitName(name);
        const value = params[name] ?? 0;
        if (what === 'instruction') return [name, instructionTwin[id]?.[value] ?? value];
        if (!demoTwins.has(id)) demoTwins.set(id, demoTwin(id));
        return [name, demoTwins.get(id)![value] ?? value];
      }),
    );
}

function splitName(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
}

/** Text compared for duplicates: case, spacing and final punctuation ignored. */
function normalizeText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim().replace(/[.!]+$/, '');
}
