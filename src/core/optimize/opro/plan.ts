/**
 * OPRO's run shape and plan. A run is the default program scored on the validation subsample,
 * then proposal steps: at module level `rounds` x predictors steps (one predictor each, in
 * program order), at program level `rounds` steps (every predictor at once). A step makes
 * `candidatesPerRound` proposer calls, scores each candidate on one shared minibatch, then
 * scores the step's best candidate on the whole subsample (no minibatch when the subsample is
 * not larger than one: every candidate is then scored in full).
 *
 * Every count is exact for a program whose runs all reach their last step: the run makes
 * these calls, sent or answered by the cache. A budget of task calls cuts the steps to what
 * fits; `rounds` stays the most the run makes.
 */
import { PlaygroundError } from '../../errors';
import type { OproSettings } from '../options';
import type { Plan, PlanSizes } from '../types';
import { searchedNote } from '../mipro/searched';

/** What a run of OPRO does, for a program and data of given sizes. */
export interface OproShape {
  /** Validation examples a full evaluation takes (the subsample). */
  val: number;
  /** Candidates are scored on minibatches (else each on the whole subsample). */
  minibatch: boolean;
  /** Examples each candidate is scored on. */
  perCandidate: number;
  /** Steps in a round: the predictors at module level, 1 at program level. */
  stepsPerRound: number;
  /** Steps the run makes (fewer than the rounds hold when a budget cuts them). */
  steps: number;
  /** Steps the rounds hold. */
  roundSteps: number;
  /** Program runs of one step. */
  stepRuns: number;
  /** Task calls of one step, and of the default program's evaluation. */
  stepCalls: number;
  defaultCalls: number;
  /** The budget in task calls, if any. */
  budget?: number;
}

/** The run's shape. Throws `OPTIMIZER_INVALID` naming the smallest workable budget when it is too small. */
export function oproShape(s: OproSettings, sizes: PlanSizes): OproShape {
  const p = Math.max(1, sizes.predictors);
  const val = Math.min(s.valSize, sizes.val);
  const minibatch = s.minibatch && val > s.minibatchSize;
  const perCandidate = minibatch ? s.minibatchSize : val;
  const stepsPerRound = s.level === 'module' ? (s.predictors?.length ?? sizes.predictors) : 1;
  const roundSteps = s.rounds * stepsPerRound;
  const stepRuns = s.candidatesPerRound * perCandidate + (minibatch ? val : 0);
  const stepCalls = stepRuns * p;
  const defaultCalls = val * p;
  const budget = s.budget?.taskCalls;
  if (budget === undefined) return { val, minibatch, perCandidate, stepsPerRound, steps: roundSteps, roundSteps, stepRuns, stepCalls, defaultCalls };
  const minimum = defaultCalls + stepCalls;
  if (budget < minimum) {
    throw new PlaygroundError('OPTIMIZER_INVALID', `A budget of ${budget} calls is too small for this program: OPRO needs at least ${minimum} (the default program on ${val} validation examples, then one step of ${s.candidatesPerRound} candidates, x ${p} predictor${p > 1 ? 's' : ''}).`, {
      hint: `Give budget.taskCalls at least ${minimum}, or fewer candidatesPerRound or a smaller valSize.`,
      details: { budget, minimum },
    });
  }
  const steps = Math.min(roundSteps, Math.floor((budget - defaultCalls) / stepCalls));
  return { val, minibatch, perCandidate, stepsPerRound, steps, roundSteps, stepRuns, stepCalls, defaultCalls, budget };
}

/** The smallest budget OPRO can run this program with. */
export function minimumOproBudget(s: OproSettings, sizes: PlanSizes): number {
  const shape = oproShape({ ...s, budget: undefined }, sizes);
  return shape.defaultCalls + shape.stepCalls;
}

/** Counts before the run: trials, full evaluations, task runs and calls, proposer calls; and the defaults it runs with. */
export function planOpro(s: OproSettings, sizes: PlanSizes): Plan {
  const shape = oproShape(s, sizes);
  const { steps, val, perCandidate, minibatch } = shape;
  const trials = steps * s.candidatesPerRound;
  const fullEvaluations = 1 + (minibatch ? steps : 0);
  const search = trials * perCandidate;
  const full = fullEvaluations * val;
  return {
    optimizer: 'opro',
    trials,
    fullEvaluations,
    taskProgramRuns: { search, fullEvaluations: full, total: search + full },
    taskCalls: (search + full) * sizes.predictors,
    teacherProgramRunsMax: 0,
    proposerCalls: trials,
    ...(shape.budget !== undefined && {
      // What the rounds hold is the most a budget can buy (the planner caps a budget in minutes there).
      budget: { calls: shape.budget, teacherRunsExpected: 0, chunk: perCandidate, sentShare: 1, searchRunsMax: val + shape.roundSteps * shape.stepRuns },
    }),
    notes: planNotes(s, shape, sizes),
  };
}

function planNotes(s: OproSettings, shape: OproShape, sizes: PlanSizes): string[] {
  const { steps, val, minibatch } = shape;
  const searched = s.predictors?.length ?? sizes.predictors;
  const module = s.level === 'module';
  const c = s.candidatesPerRound;
  const notes = [
    module
      ? `Module-level OPRO: ${steps} step${steps === 1 ? '' : 's'} (${s.rounds} round${s.rounds === 1 ? '' : 's'} x ${searched} predictor${searched === 1 ? '' : 's'}, one predictor at a time), each with ${c} proposer call${c === 1 ? '' : 's'} writing one instruction.`
      : `Program-level OPRO: ${steps} step${steps === 1 ? '' : 's'} (one a round), each with ${c} proposer call${c === 1 ? '' : 's'} writing an instruction for every predictor at once.`,
    `Each proposal sees the ${s.historyLength} best-scored attempts so far (lowest first, best last; each score says whether it was measured on a minibatch or on the full validation subsample), ${s.exampleCount} training example${s.exampleCount === 1 ? '' : 's'}, and samples at temperature ${s.temperature}.`,
    module ? 'A candidate is scored as the whole program, with the other predictors at their current best.' : 'A candidate (an instruction for every predictor) is scored as the whole program.',
    minibatch
      ? `The default program is scored on ${val} validation examples first; each step scores its candidates on one shared minibatch of ${s.minibatchSize}, then its best candidate on all ${val}. Only full scores choose the best program.`
      : `The validation subsample (${val}) is not larger than a minibatch of ${s.minibatchSize}, so the default program and every candidate are scored on all of it.`,
  ];
  notes.push(...searchedNote(s.predictors, sizes.predictors));
  if (shape.budget !== undefined) {
    notes.push(
      steps < shape.roundSteps
        ? `Budget: ${shape.budget} task calls fit ${steps} of the ${shape.roundSteps} steps the rounds hold (${shape.stepCalls} calls a step; the final scoring comes on top).`
        : `Budget: ${shape.budget} task calls are more than the ${s.rounds} rounds use (${shape.defaultCalls + shape.roundSteps * shape.stepCalls} calls); more rounds would use the rest.`,
    );
  }
  return notes;
}
