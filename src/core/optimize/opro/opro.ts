/**
 * OPRO on multi-stage programs, at two levels (the MIPRO paper's baselines, Opsahl-Ong et al.
 * 2024; OPRO: Yang et al. 2023; DSPy's nearest relative is COPRO).
 *
 * - Module level: one predictor at a time, in program order, `rounds` times over. The proposer
 *   sees that predictor's instructions tried so far with their scores (best last) and writes
 *   `candidatesPerRound` new ones. Credit assignment: a predictor's instruction is scored as
 *   the whole program with the other predictors at their current best.
 * - Program level: each proposer call writes an instruction for every predictor at once, given
 *   the history of whole-program scores (the paper's credit-assignment baseline).
 *
 * A step scores its candidates on one shared minibatch (so they are compared on the same
 * examples), then its best candidate on the full validation subsample. The default program is
 * scored in full first. Only full scores choose the current best, and the returned program is
 * the best full evaluation, never a minibatch score (as in MIPROv2). Demos are left as they
 * are: OPRO optimizes instructions. `predictors` limits the search to some predictors; the
 * others keep their instruction.
 *
 * Seeded (the validation subsample, each step's minibatch and training examples, each
 * proposal's rollout id derive from the run's seed), stoppable at trial boundaries
 * (`ctx.stop`), and resumable: a checkpoint (plain data) after the default program and after
 * every step; a resumed run ends exactly as an uninterrupted one. A `budget` of task calls
 * cuts the steps to what fits, counted as MIPROv2 counts them (cache hits included).
 */
import type { Example } from '../../data/types';
import { PlaygroundError, throwIfAborted } from '../../errors';
import type { ProgramState } from '../../program/types';
import { Rng } from '../../util/random';
import { CallBudget } from '../budget';
import { byIds, plainCopy, subsample } from '../mipro/phases';
import type { Budget, OproLevel, OproSettings } from '../options';
import { checkFailureStreak, scoreCandidate, searchOutcome, stopRequested } from '../score';
import type { OptimizeContext, OptimizeResult, TrialRecord } from '../types';
import { searchedPredictors } from '../mipro/searched';
import { attemptsFor, proposeOnce } from './meta-prompt';
import { oproShape, planOpro, type OproShape } from './plan';

/** Everything a resumed run needs, at a step boundary (plain data). */
export interface OproCheckpoint {
  optimizer: 'opro';
  version: 1;
  level: OproLevel;
  /** The validation subsample, in its order. */
  valIds: string[];
  /** Candidate instructions per predictor, the original first (`<id>.instruction` indexes them). */
  instructions: Record<string, string[]>;
  trials: TrialRecord[];
  /** The step of each trial (-1: the default program). */
  trialSteps: number[];
  /** Steps done. */
  steps: number;
  /** The best full evaluation so far. */
  best: { score: number; trial: number; params: Record<string, number> } | null;
  /** Budgeted runs: the budget in calls and what was used of it. */
  budget?: { total: number; used: number };
}

/** What a step works with. */
interface Run {
  ctx: OptimizeContext;
  s: OproSettings;
  shape: OproShape;
  cp: OproCheckpoint;
  valset: readonly Example[];
}

export async function opro(ctx: OptimizeContext, options: OproSettings, stored?: unknown): Promise<OptimizeResult> {
  const checkpoint = stored === undefined ? undefined : oproCheckpoint(stored, options.level);
  const ids = ctx.program.predictorIds;
  if (ids.length === 0) throw new PlaygroundError('OPTIMIZER_INVALID', 'OPRO optimizes instructions, and this program has no predictor step.', { hint: 'Add a Predict or ChainOfThought step.' });
  const valset = checkpoint ? byIds(ctx.valset, checkpoint.valIds) : subsample(ctx.valset, options.valSize, ctx.seed);
  if (valset.length === 0) throw new PlaygroundError('OPTIMIZER_INVALID', 'OPRO needs validation examples.', { hint: 'Give the validation split some rows.' });
  searchedPredictors(ctx.program, options.predictors);
  const s: OproSettings = options.budget ? { ...options, budget: { taskCalls: checkpoint?.budget?.total ?? callsOf(options.budget) } } : options;
  const sizes = { train: ctx.trainset.length, val: valset.length, predictors: ids.length };
  const shape = oproShape(s, sizes);
  const plan = planOpro(s, sizes);
  const budget = shape.budget === undefined ? undefined : new CallBudget(shape.budget, checkpoint?.budget?.used ?? 0);
  const counted: OptimizeContext = budget ? { ...ctx, lms: { ...ctx.lms, task: budget.wrap(ctx.lms.task) } } : ctx;
  const cp: OproCheckpoint = checkpoint ?? {
    optimizer: 'opro',
    version: 1,
    level: s.level,
    valIds: valset.map((e) => e.id),
    instructions: Object.fromEntries(ids.map((id) => [id, [ctx.state[id]?.instruction ?? '']])),
    trials: [],
    trialSteps: [],
    steps: 0,
    best: null,
  };
  const run: Run = { ctx: counted, s, shape, cp, valset };
  const save = () => {
    if (budget) cp.budget = { total: budget.total, used: budget.used };
    ctx.emit?.({ type: 'checkpoint', checkpoint: plainCopy(cp) });
  };
  if (cp.trials.length === 0) {
    await scoreTrial(run, Object.fromEntries(ids.map((id) => [`${id}.instruction`, 0])), valset, { kind: 'default', step: -1, label: 'default program' });
    save();
  }
  while (cp.steps < shape.steps && !stopRequested(ctx)) {
    throwIfAborted(ctx.signal);
    await runStep(run);
    if (stopRequested(ctx)) break;
    cp.steps++;
    ctx.emit?.({ type: 'progress', phase: 'search', done: cp.steps, total: shape.steps });
    save();
  }
  const best = cp.best;
  const outcome = searchOutcome(ctx, best, () => cp.trials[best!.trial]!);
  if (!best || !outcome) {
    throw new PlaygroundError('OPTIMIZER_ERROR_BUDGET', 'The search ended without one full evaluation that succeeded, so there is no program to return.', {
      hint: 'Its calls kept failing: check the task model and its endpoint, then run again.',
    });
  }
  return { state: stateOf(ctx, cp.instructions, best.params), trials: cp.trials, plan, ...outcome };
}

/** The predictors step `step` proposes for: one in turn at module level, all at program level (of those searched). */
function focusOf(run: Run, step: number): string[] {
  const ids = searchedPredictors(run.ctx.program, run.s.predictors);
  return run.s.level === 'module' ? [ids[step % ids.length]!] : ids.slice();
}

/** One step: propose the candidates from the history, score them on a minibatch, then the best of them in full. */
async function runStep(run: Run): Promise<void> {
  const { ctx, s, shape, cp } = run;
  const step = cp.steps;
  const focus = focusOf(run, step);
  const detail = `step ${step + 1} of ${shape.steps}${s.level === 'module' ? `: ${focus[0]}` : ''}`;
  ctx.emit?.({ type: 'phase', phase: 'propose', status: 'start', detail });
  const candidates = await proposeStep(run, step, focus);
  ctx.emit?.({ type: 'phase', phase: 'propose', status: 'end' });
  ctx.emit?.({ type: 'phase', phase: 'search', status: 'start', detail });
  const batch = shape.minibatch ? new Rng(`opro-minibatch:${ctx.seed}:${step}`).sample(run.valset, s.minibatchSize) : run.valset;
  const scored: TrialRecord[] = [];
  for (const [c, params] of candidates.entries()) {
    if (stopRequested(ctx)) break;
    throwIfAborted(ctx.signal);
    scored.push(await scoreTrial(run, params, batch, { kind: shape.minibatch ? 'minibatch' : 'full', step, label: `step ${step + 1}, candidate ${c + 1}` }));
  }
  // The step's best minibatch score (ties: the first) is checked on the full subsample.
  const pick = scored.filter((t) => !t.failed).reduce<TrialRecord | undefined>((a, t) => (!a || t.score > a.score ? t : a), undefined);
  if (shape.minibatch && pick && !stopRequested(ctx)) await scoreTrial(run, pick.params, run.valset, { kind: 'full', step, label: `step ${step + 1}, full evaluation`, ofTrials: [pick.index] });
  ctx.emit?.({ type: 'phase', phase: 'search', status: 'end' });
}

/** The step's `candidatesPerRound` proposals, as parameter choices: the current best with the focus predictors changed. */
async function proposeStep(run: Run, step: number, focus: string[]): Promise<Record<string, number>[]> {
  const { ctx, s, cp } = run;
  const best = cp.best?.params ?? {};
  const current = Object.fromEntries(focus.map((id) => [id, cp.instructions[id]![best[`${id}.instruction`] ?? 0]!]));
  // Module level: the default program and this predictor's own steps measured its instructions.
  const measures = (t: TrialRecord) => s.level === 'program' || cp.trialSteps[t.index] === -1 || focusOf(run, cp.trialSteps[t.index]!)[0] === focus[0];
  const attempts = attemptsFor(cp.trials, measures, focus, cp.instructions, s.historyLength);
  const examples = new Rng(`opro-examples:${ctx.seed}:${step}`).sample(ctx.trainset, Math.min(s.exampleCount, ctx.trainset.length));
  const round = Math.floor(step / run.shape.stepsPerRound);
  const out: Record<string, number>[] = [];
  for (let candidate = 0; candidate < s.candidatesPerRound; candidate++) {
    throwIfAborted(ctx.signal);
    const texts = await proposeOnce(ctx, { level: s.level, focus, attempts, examples, current, step, candidate, temperature: s.temperature });
    const indices = Object.fromEntries(focus.map((id) => [id, addInstruction(ctx, cp, id, texts[id]!, current[id]!)]));
    ctx.emit?.({ type: 'history_proposal', level: s.level, step, round, candidate, instructions: texts, indices, history: attempts.slice(), examples: examples.map((e) => ({ ...e.inputs, ...e.labels })) });
    ctx.emit?.({ type: 'progress', phase: 'propose', done: candidate + 1, total: s.candidatesPerRound });
    out.push({ ...defaultParams(ctx), ...best, ...Object.fromEntries(focus.map((id) => [`${id}.instruction`, indices[id]!])) });
  }
  return out;
}

/** The index of `text` in `id`'s candidates: a new entry (announced), or the earlier one it repeats. */
function addInstruction(ctx: OptimizeContext, cp: OproCheckpoint, id: string, text: string, current: string): number {
  const list = cp.instructions[id]!;
  const seen = list.indexOf(text);
  if (seen >= 0) return seen;
  list.push(text);
  const index = list.length - 1;
  const context = { datasetSummary: '', programSummary: '', moduleDescription: '', demos: [], currentInstruction: current, tip: '' };
  ctx.emit?.({ type: 'instruction_proposed', predictor: id, index, instruction: text, tip: 'none', context });
  return index;
}

function defaultParams(ctx: OptimizeContext): Record<string, number> {
  return Object.fromEntries(ctx.program.predictorIds.map((id) => [`${id}.instruction`, 0]));
}

/** Scores `params` on `examples` as the next trial; a full score that beats the best becomes the best. */
async function scoreTrial(run: Run, params: Record<string, number>, examples: readonly Example[], what: { kind: TrialRecord['kind']; step: number; label: string; ofTrials?: number[] }): Promise<TrialRecord> {
  const { ctx, cp } = run;
  const index = cp.trials.length;
  ctx.emit?.({ type: 'trial_start', trial: index, kind: what.kind, params });
  const scored = await scoreCandidate(ctx, stateOf(ctx, cp.instructions, params), examples, index, what.label);
  const trial: TrialRecord = { index, kind: what.kind, params, ...scored, ...(what.ofTrials && { ofTrials: what.ofTrials }) };
  cp.trials.push(trial);
  cp.trialSteps.push(what.step);
  ctx.emit?.({ type: 'trial_end', trial });
  checkFailureStreak(cp.trials, run.s.maxFailedTrials);
  if (what.kind !== 'minibatch' && !trial.failed && (!cp.best || trial.score > cp.best.score)) {
    cp.best = { score: trial.score, trial: index, params };
    ctx.emit?.({ type: 'new_best', trial: index, score: trial.score, params });
  }
  return trial;
}

/** The program state a parameter choice stands for: each predictor's chosen instruction, its demos kept. */
function stateOf(ctx: OptimizeContext, instructions: Record<string, string[]>, params: Record<string, number>): ProgramState {
  return Object.fromEntries(
    ctx.program.predictorIds.map((id) => [id, { ...ctx.state[id], demos: ctx.state[id]?.demos ?? [], instruction: instructions[id]![params[`${id}.instruction`] ?? 0]! }]),
  );
}

function callsOf(budget: Budget): number {
  if (budget.taskCalls !== undefined) return budget.taskCalls;
  throw new PlaygroundError('OPTIMIZER_INVALID', `A budget of ${budget.minutes} minutes becomes calls when the run is planned, from the task model's latency; this optimizer was given minutes directly.`, {
    hint: 'Run it through the runner (which plans it), or give budget.taskCalls.',
  });
}

/** A stored checkpoint of OPRO at this level, or `OPTIMIZER_INVALID`. */
function oproCheckpoint(stored: unknown, level: OproLevel): OproCheckpoint {
  if (typeof stored === 'object' && stored !== null) {
    const cp: Partial<Record<keyof OproCheckpoint, unknown>> = stored;
    const arrays = Array.isArray(cp.valIds) && Array.isArray(cp.trials) && Array.isArray(cp.trialSteps);
    // A copy: the run goes on from it, and the caller's checkpoint stays as it was.
    if (cp.optimizer === 'opro' && cp.version === 1 && cp.level === level && arrays && typeof cp.steps === 'number') return plainCopy(stored as OproCheckpoint);
  }
  throw new PlaygroundError('OPTIMIZER_INVALID', `The stored checkpoint was not made by this version of ${level}-level OPRO, so the run cannot resume from it.`, {
    hint: 'Start a new run with the same settings: answers already received come from the cache.',
  });
}
