/**
 * The shape of a budgeted MIPROv2 run: how a budget of task and teacher calls is split
 * between bootstrapping demos and the search, how many candidates there are, and how many
 * validation examples each evaluation takes. The plan says what it chose and why.
 *
 * Why these choices (measured with `npm run bench:budget`, see budgeted-search.ts):
 * - Evaluations are small chunks (5 examples) of one shared, seeded order of the validation
 *   set, so configurations are compared on the same examples and none is run twice on one.
 * - Bootstrapping takes at most 15% of the budget; every bootstrapped set stops at its share.
 *   One predictor: three bootstrapped sets besides zero-shot and labeled-only; more predictors:
 *   one, as the space multiplies with each.
 * - There are no separate full evaluations: a configuration's evidence grows chunk by chunk
 *   (the TPE's confirmation and end-of-budget race re-evaluate the leader and its challenger).
 */
import { PlaygroundError } from '../../errors';
import { proposerCalls } from '../propose';
import type { MiproSettings } from '../options';
import type { Plan, PlanSizes } from '../types';
import { searchedNote } from './searched';

/** Validation examples per evaluation. */
const CHUNK = 5;
/** Share of the budget bootstrapping may take. */
const BOOTSTRAP_SHARE = 0.15;
/** Evaluations the smallest workable search makes (a few to try, one to confirm). */
const MIN_TRIALS = 5;
/**
 * Share of a multi-step program's search calls the model is expected to answer itself; the
 * run's own cache answers the rest. Configurations that give a step the same instruction and
 * demo set send it the same prompt on the same example, and a later step sees the same input
 * whenever the steps before it answered alike (a label-like hint often does). Measured on
 * bench:budget's two two-predictor landscapes, 10 seeds: 0.67 (0.59-0.72) and 0.58
 * (0.54-0.63) of the search's calls sent at a 982-call budget, 0.73 and 0.65 at 500. Programs
 * of three or more steps are assumed alike (not measured). One step: every call is new, as a
 * configuration is never run twice on an example. The run view re-estimates from the calls it
 * sees.
 */
const MULTI_STEP_SENT_SHARE = 0.65;

function sentShare(predictors: number): number {
  return predictors > 1 ? MULTI_STEP_SENT_SHARE : 1;
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
  /** Evaluations the search affords when bootstrapping spends its whole share (more when it spends less), at most what the space holds. */
  trials: number;
  /** Program runs the search space holds: every configuration on every validation example. */
  searchRunsMax: number;
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
  // Every call runs the whole program (p steps); the space multiplies with the searched ones (q).
  const q = Math.max(1, s.predictors?.length ?? p);
  const minimum = minimumBudget(s, p);
  if (calls < minimum) {
    throw new PlaygroundError('OPTIMIZER_INVALID', `A budget of ${calls} calls is too small for this program: MIPROv2 needs at least ${minimum} (${MIN_TRIALS} evaluations of ${CHUNK} examples x ${p} predictor${p > 1 ? 's' : ''}, and one bootstrapped demo set).`, {
      hint: `Give budget.taskCalls at least ${minimum}, or more minutes.`,
      details: { budget: calls, minimum },
    });
  }
  const searchDemos = s.mode !== 'instructions_only';
  const searchInstructions = s.mode !== 'demos_only';
  // Zero-shot and labeled sets cost nothing; a bootstrapped set costs teacher runs. One
  // predictor: three bootstrapped sets (demos_only needs a set that shows three labels; two
  // sets missed it on one seed in ten). Two or more: one each, as the space multiplies.
  const wanted = searchDemos ? (q === 1 ? 5 : 3) : 3;
  const share = Math.floor(BOOTSTRAP_SHARE * calls);
  const perSet = s.maxBootstrappedDemos + 1;
  const bootstrapped = s.maxBootstrappedDemos > 0 && sizes.train > 0 ? Math.max(1, Math.min(wanted - 2, Math.floor(share / (perSet * p)))) : 0;
  // A set's teacher visits each training example at most once a round.
  const teacherRunsPerSet = bootstrapped ? Math.min(sizes.train * s.maxRounds, Math.max(perSet, Math.floor(share / (bootstrapped * p)))) : 0;
  const teacherCallsMax = bootstrapped * teacherRunsPerSet * p;
  const instructionCandidates = searchInstructions ? Math.max(1, Math.floor(s.numCandidates / (searchDemos ? 2 : 1))) : 1;
  const demoSets = 2 + bootstrapped;
  const arms = (instructionCandidates * (searchDemos ? demoSets : 1)) ** q;
  const searchRunsMax = arms * sizes.val;
  const affordable = Math.max(MIN_TRIALS, Math.floor((calls - teacherCallsMax) / (CHUNK * p)));
  const trials = Math.max(1, Math.min(affordable, arms * Math.ceil(sizes.val / CHUNK)));
  return {
    calls,
    demoSets,
    searchDemos,
    instructionCandidates,
    teacherRunsPerSet,
    teacherCallsMax,
    chunk: CHUNK,
    trials,
    searchRunsMax,
    startupTrials: startupTrials(arms, trials, searchInstructions ? instructionCandidates ** q : 1),
    minimum,
  };
}

/**
 * Design trials before TPE models the results: a quarter of the search (at least 3), and
 * enough to try every combination of instructions (plus the default) when that fits in half
 * of it; never more than there are configurations.
 */
function startupTrials(arms: number, trials: number, instructionCombos: number): number {
  return Math.min(arms, Math.max(3, Math.round(trials / 4), Math.min(instructionCombos + 1, Math.floor(trials / 2))));
}

/** The most instruction combinations the design walks one by one (beyond: a cycle per predictor). */
export const MAX_DESIGN_COMBOS = 256;

/** What the design trials cover (as budgeted-search.ts walks them). */
function designNote(shape: BudgetedShape, predictors: number): string {
  const combos = shape.instructionCandidates ** predictors;
  const all = combos <= MAX_DESIGN_COMBOS && combos - 1 < shape.startupTrials;
  return `${shape.startupTrials} design trials try ${all && predictors > 1 ? 'every combination of instructions' : 'every instruction'}${shape.searchDemos ? ' and demo set' : ''} before TPE models the results`;
}

/** The plan of a budgeted run: every count within the budget, and what was chosen and why. */
export function planBudgeted(s: MiproSettings, shape: BudgetedShape, sizes: PlanSizes): Plan {
  const p = sizes.predictors;
  const q = s.predictors?.length ?? p;
  const search = Math.min(shape.trials * shape.chunk, shape.searchRunsMax);
  const arms = (shape.instructionCandidates * (shape.searchDemos ? shape.demoSets : 1)) ** q;
  const usable = shape.teacherCallsMax + shape.searchRunsMax * p;
  return {
    optimizer: 'mipro_v2',
    trials: shape.trials,
    fullEvaluations: 0,
    taskProgramRuns: { search, fullEvaluations: 0, total: search },
    // Task and teacher calls share the budget: the search takes what bootstrapping leaves.
    taskCalls: Math.min(shape.calls, Math.floor(shape.calls / p) * p, shape.searchRunsMax * p),
    teacherProgramRunsMax: (shape.demoSets - 2) * shape.teacherRunsPerSet,
    proposerCalls: proposerCalls(q, shape.instructionCandidates, sizes.train, s.dataAware),
    // A teacher with labeled demos passes most examples: a set is usually done in about maxBootstrappedDemos + 1 runs.
    budget: {
      calls: shape.calls,
      teacherRunsExpected: (shape.demoSets - 2) * Math.min(shape.teacherRunsPerSet, s.maxBootstrappedDemos + 1),
      chunk: shape.chunk,
      sentShare: sentShare(p),
      searchRunsMax: shape.searchRunsMax,
    },
    notes: [
      `Budget: ${shape.calls} task and teacher calls (the final scoring comes on top).`,
      `Bootstrapping: ${shape.demoSets - 2} demo set${shape.demoSets - 2 === 1 ? '' : 's'} of up to ${shape.teacherRunsPerSet} teacher runs each (at most ${shape.teacherCallsMax} calls), plus zero-shot and labeled-only.`,
      `Search: ${shape.trials * shape.chunk >= shape.searchRunsMax ? `at most ${shape.trials} evaluations (every configuration on every example)` : `at least ${shape.trials} evaluations`} of ${shape.chunk} validation examples over ${arms} configuration${arms === 1 ? '' : 's'} (${shape.instructionCandidates} instruction${shape.instructionCandidates === 1 ? '' : 's'} x ${shape.searchDemos ? shape.demoSets : 1} demo set${shape.demoSets === 1 ? '' : 's'} per predictor searched); every configuration is scored on the same examples, ${designNote(shape, q)}, the leader is re-checked chunk by chunk, and the winner is the best mean less one standard error.`,
      `The default program is scored on the first chunk, not on a separate full evaluation; identical proposals are searched once.`,
      ...searchedNote(s.predictors, p),
      ...(shape.calls > usable
        ? [`The budget is more than this search can use: ${arms} configurations x ${sizes.val} validation examples are ${shape.searchRunsMax} program runs, so the run stops after at most ${usable} calls. More validation rows would let it use the rest.`]
        : []),
    ],
  };
}
