/**
 * The shape of a budgeted MIPROv2 run: how a budget of task and teacher calls is split
 * between bootstrapping demos and the search, how many candidates there are, and how many
 * validation examples each evaluation takes. The plan says what it chose and why.
 *
 * Why these choices (measured with `npm run bench:budget`, see budgeted-search.ts):
 * - Evaluations are small chunks (5 examples) of one shared, seeded order of the validation
 *   set, so configurations are compared on the same examples and none is run twice on one.
 * - Bootstrapping takes at most 15% of the budget; every bootstrapped set stops at its share.
 * - There are no separate full evaluations: a configuration's evidence grows chunk by chunk
 *   (the TPE's confirmation and end-of-budget race re-evaluate the leader and its challenger).
 */
import { PlaygroundError } from '../../errors';
import { proposerCalls } from '../propose';
import type { MiproSettings } from '../options';
import type { Plan, PlanSizes } from '../types';

/** Validation examples per evaluation. */
const CHUNK = 5;
/** Share of the budget bootstrapping may take. */
const BOOTSTRAP_SHARE = 0.15;
/** Evaluations the smallest workable search makes (a few to try, one to confirm). */
const MIN_TRIALS = 5;
/**
 * Share of an upstream step's calls that the run's own cache answers: configurations that give
 * a predictor the same instruction and demo set send it the same prompt on the same example.
 * Measured on bench:budget's two-predictor landscapes (the first step's calls: 0.31-0.50 per
 * run, mean 0.40); a step p steps deep is assumed to repeat with 0.4^p (not measured).
 */
const UPSTREAM_REUSE = 0.4;

/** Expected share of a budgeted search's calls the model answers itself, for a program of `predictors` steps in a row. */
function sentShare(predictors: number): number {
  let sent = 0;
  for (let step = 1; step <= predictors; step++) sent += step < predictors ? 1 - UPSTREAM_REUSE ** step : 1;
  return sent / Math.max(1, predictors);
}

/** What a budget buys, for a program with `predictors` predictor steps. */
export interface BudgetedShape {
  /** The budget: task and teacher calls made. */
  calls: number;
  /** Demo-set candidates, zero-shot and labeled-only included. */
  demoSets: number;
  /** Demo sets built for grounding the proposer only (instructions_only) are not searched. */
  searchDemos: boolean;
  instructionCandidates: number;
  /** Teacher runs each bootstrapped set may make. */
  teacherRunsPerSet: number;
  /** Upper bound on teacher calls. */
  teacherCallsMax: number;
  /** Validation examples per evaluation. */
  chunk: number;
  /** Evaluations the search affords when bootstrapping spends its whole share (more when it spends less). */
  trials: number;
  /** Evaluations of a spread-out design before TPE models the results. */
  startupTrials: number;
  /** The smallest workable budget for this program. */
  minimum: number;
}

/** The smallest budget that can bootstrap one demo set and still search. */
export function minimumBudget(s: MiproSettings, predictors: number): number {
  return MIN_TRIALS * CHUNK * predictors + (s.maxBootstrappedDemos > 0 ? predictors * (s.maxBootstrappedDemos + 1) : 0);
}

/** How the budget is spent. Throws `OPTIMIZER_INVALID` naming the smallest workable budget when it is too small. */
export function budgetedShape(s: MiproSettings, calls: number, sizes: PlanSizes): BudgetedShape {
  const p = Math.max(1, sizes.predictors);
  const minimum = minimumBudget(s, p);
  if (calls < minimum) {
    throw new PlaygroundError('OPTIMIZER_INVALID', `A budget of ${calls} calls is too small for this program: MIPROv2 needs at least ${minimum} (${MIN_TRIALS} evaluations of ${CHUNK} examples x ${p} predictor${p > 1 ? 's' : ''}, and one bootstrapped demo set).`, {
      hint: `Give budget.taskCalls at least ${minimum}, or more minutes.`,
      details: { budget: calls, minimum },
    });
  }
  const searchDemos = s.mode !== 'instructions_only';
  const searchInstructions = s.mode !== 'demos_only';
  // Zero-shot and labeled sets cost nothing; a bootstrapped set costs teacher runs.
  const wanted = searchDemos ? (p === 1 ? 4 : 3) : 3;
  const share = Math.floor(BOOTSTRAP_SHARE * calls);
  const perSet = s.maxBootstrappedDemos + 1;
  const bootstrapped = s.maxBootstrappedDemos > 0 && sizes.train > 0 ? Math.max(1, Math.min(wanted - 2, Math.floor(share / (perSet * p)))) : 0;
  const teacherRunsPerSet = bootstrapped ? Math.max(perSet, Math.floor(share / (bootstrapped * p))) : 0;
  const teacherCallsMax = bootstrapped * teacherRunsPerSet * p;
  const trials = Math.max(MIN_TRIALS, Math.floor((calls - teacherCallsMax) / (CHUNK * p)));
  const instructionCandidates = searchInstructions ? Math.max(1, Math.floor(s.numCandidates / (searchDemos ? 2 : 1))) : 1;
  const demoSets = 2 + bootstrapped;
  const arms = (instructionCandidates * (searchDemos ? demoSets : 1)) ** p;
  return {
    calls,
    demoSets,
    searchDemos,
    instructionCandidates,
    teacherRunsPerSet,
    teacherCallsMax,
    chunk: CHUNK,
    trials,
    startupTrials: Math.min(arms, Math.max(3, Math.round(trials / 4))),
    minimum,
  };
}

/** The plan of a budgeted run: every count within the budget, and what was chosen and why. */
export function planBudgeted(s: MiproSettings, shape: BudgetedShape, sizes: PlanSizes): Plan {
  const search = shape.trials * shape.chunk;
  const arms = (shape.instructionCandidates * (shape.searchDemos ? shape.demoSets : 1)) ** sizes.predictors;
  return {
    optimizer: 'mipro_v2',
    trials: shape.trials,
    fullEvaluations: 0,
    taskProgramRuns: { search, fullEvaluations: 0, total: search },
    // Task and teacher calls share the budget: the search takes what bootstrapping leaves.
    taskCalls: Math.min(shape.calls, Math.floor(shape.calls / sizes.predictors) * sizes.predictors),
    teacherProgramRunsMax: (shape.demoSets - 2) * shape.teacherRunsPerSet,
    proposerCalls: proposerCalls(sizes.predictors, shape.instructionCandidates, sizes.train, s.dataAware),
    // A teacher with labeled demos passes most examples: a set is usually done in about maxBootstrappedDemos + 1 runs.
    budget: {
      calls: shape.calls,
      teacherRunsExpected: (shape.demoSets - 2) * Math.min(shape.teacherRunsPerSet, s.maxBootstrappedDemos + 1),
      chunk: shape.chunk,
      sentShare: sentShare(sizes.predictors),
    },
    notes: [
      `Budget: ${shape.calls} task and teacher calls (the final scoring comes on top).`,
      `Bootstrapping: ${shape.demoSets - 2} demo set${shape.demoSets - 2 === 1 ? '' : 's'} of up to ${shape.teacherRunsPerSet} teacher runs each (at most ${shape.teacherCallsMax} calls), plus zero-shot and labeled-only.`,
      `Search: at least ${shape.trials} evaluations of ${shape.chunk} validation examples over ${arms} configuration${arms === 1 ? '' : 's'} (${shape.instructionCandidates} instruction${shape.instructionCandidates === 1 ? '' : 's'} x ${shape.searchDemos ? shape.demoSets : 1} demo set${shape.demoSets === 1 ? '' : 's'} per predictor); every configuration is scored on the same examples, the leader is re-checked chunk by chunk, and the best mean wins.`,
      `The default program is scored on the first chunk, not on a separate full evaluation; identical proposals are searched once.`,
    ],
  };
}
