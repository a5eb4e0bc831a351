/**
 * MIPROv2's run shape and plan (DSPy `teleprompt/mipro_optimizer_v2.py`).
 *
 * From the settings (options.ts) and the program: demo-set candidates = N; instruction
 * candidates = N/2 with demos, N zero-shot; trials = max(2 · V · log2 N, 1.5 · N), V =
 * predictors searched (the `predictors` option; all by default), x2 when demos are searched
 * too. Minibatches of 35, a full evaluation every 5 trials and at the end; the default program
 * is fully evaluated first. 0-shot MIPRO++ (`proposerSearch`) keeps these counts, a trial being
 * a proposal round, and its proposer calls are the dataset summary and one proposal per
 * predictor per round.
 */
import { proposerCalls } from '../propose';
import type { MiproSettings } from '../options';
import type { Plan, PlanSizes } from '../types';
import { proposerSearchCalls, proposerSearchNote } from './proposer-search-plan';
import { searchedNote } from './searched';

/** MIPROv2's settings plus what the program's size decides. */
export interface MiproRunSettings extends MiproSettings {
  demoSets: number;
  /** Demo sets built for grounding only (instructions_only mode) are not searched. */
  searchDemos: boolean;
  instructionCandidates: number;
  numTrials: number;
  /** The periodic full evaluations are told to the sampler (see {@link TELL_FULL_EVALUATIONS}). */
  tellFullEvaluations: boolean;
}

/**
 * Whether the search's sampler learns from the periodic full evaluations as well as from the
 * minibatch trials and the default program. DSPy adds them to its Optuna study since 2.6.1
 * (before, Optuna never saw them). Measured both ways (README, "Full evaluations and TPE").
 */
export const TELL_FULL_EVALUATIONS = true;

/** The run's shape for a program with `predictors` predictor steps (the `predictors` option names those searched). */
export function miproRunSettings(s: MiproSettings, predictors: number): MiproRunSettings {
  const n = s.numCandidates;
  const searchDemos = s.mode !== 'instructions_only';
  const searchInstructions = s.mode !== 'demos_only';
  const v = (s.predictors?.length ?? predictors) * ((searchDemos ? 1 : 0) + (searchInstructions ? 1 : 0));
  return {
    ...s,
    demoSets: n,
    searchDemos,
    instructionCandidates: searchInstructions ? (searchDemos ? Math.max(1, Math.floor(n / 2)) : n) : 1,
    numTrials: s.numTrials ?? Math.max(1, Math.floor(Math.max(2 * v * Math.log2(n), 1.5 * n))),
    tellFullEvaluations: s.tellFullEvaluations ?? TELL_FULL_EVALUATIONS,
  };
}

/** Counts before the run: trials, task runs and calls, teacher runs (upper bound), proposer calls. */
export function planMipro(s: MiproRunSettings, sizes: PlanSizes): Plan {
  const val = s.valSize !== undefined ? Math.min(s.valSize, sizes.val) : sizes.val;
  const minibatch = s.minibatch && val > s.minibatchSize;
  const perTrial = minibatch ? s.minibatchSize : val;
  const periodic = minibatch ? Math.ceil(s.numTrials / s.minibatchFullEvalSteps) : 0;
  const fullEvaluations = 1 + periodic;
  const search = s.numTrials * perTrial;
  const full = fullEvaluations * val;
  const bootstrapSets = Math.max(0, s.demoSets - 2);
  const teacherMax = s.maxBootstrappedDemos > 0 ? bootstrapSets * sizes.train * s.maxRounds : 0;
  const notes = [
    `${s.numTrials} trials on ${minibatch ? `minibatches of ${s.minibatchSize}` : `all ${val}`} validation examples; ${fullEvaluations} full evaluation${fullEvaluations > 1 ? 's' : ''} on ${val} examples (the default program first${periodic ? `, then every ${s.minibatchFullEvalSteps} trials and at the end` : ''}).`,
    s.proposerSearch
      ? proposerSearchNote(s, s.numTrials, minibatch ? `a minibatch of ${s.minibatchSize}` : `all ${val} validation examples`)
      : `${s.instructionCandidates} instruction candidate${s.instructionCandidates > 1 ? 's' : ''} and ${s.searchDemos ? s.demoSets : 0} demo set${s.demoSets > 1 ? 's' : ''} per predictor.`,
    'Counts are upper bounds: the cache answers repeated calls, and bootstrapping stops once it has enough demos.',
  ];
  if (s.zeroShotByMaximums) notes.push(`Both demo maximums are 0, so this is a zero-shot run (as DSPy decides it): only instructions are searched, and ${s.maxBootstrappedDemos} bootstrapped demos are shown to the proposer, never to the task model.`);
  notes.push(...searchedNote(s.predictors, sizes.predictors));
  if (!minibatch && s.minibatch) notes.push(`The validation set (${val}) is not larger than a minibatch, so every trial is a full evaluation.`);
  return {
    optimizer: 'mipro_v2',
    trials: s.numTrials,
    fullEvaluations,
    taskProgramRuns: { search, fullEvaluations: full, total: search + full },
    taskCalls: (search + full) * sizes.predictors,
    teacherProgramRunsMax: teacherMax,
    proposerCalls: s.proposerSearch
      ? proposerSearchCalls(s.predictors?.length ?? sizes.predictors, s.numTrials, sizes.train, s.dataAware)
      : proposerCalls(s.predictors?.length ?? sizes.predictors, s.instructionCandidates, sizes.train, s.dataAware),
    notes,
  };
}
