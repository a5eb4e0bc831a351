/**
 * MIPROv2's settings and plan (DSPy `teleprompt/mipro_optimizer_v2.py`).
 *
 * `auto` = light / medium / heavy sets N = 6 / 12 / 18 candidates and a validation subsample
 * of 100 / 300 / 1000. Demo-set candidates = N; instruction candidates = N/2 with demos, N
 * zero-shot. Trials = max(2 · V · log2 N, 1.5 · N), V = predictors (x2 when demos are
 * searched too). Minibatches of 35, a full evaluation every 5 trials and at the end.
 */
import { PlaygroundError } from '../../errors';
import { proposerCalls } from '../propose';
import type { Plan } from '../types';

export type MiproAuto = 'light' | 'medium' | 'heavy';
export type MiproMode = 'full' | 'instructions_only' | 'demos_only';

export interface MiproOptions {
  auto?: MiproAuto | null;
  /** Required when `auto` is null. */
  numCandidates?: number;
  numTrials?: number;
  mode?: MiproMode;
  maxBootstrappedDemos?: number;
  maxLabeledDemos?: number;
  maxRounds?: number;
  metricThreshold?: number;
  minibatch?: boolean;
  minibatchSize?: number;
  minibatchFullEvalSteps?: number;
  /** Validation subsample size (auto sets it). */
  valSize?: number;
  initTemperature?: number;
  dataAware?: boolean;
  programAware?: boolean;
  tipAware?: boolean;
  /** TPE settings: Optuna's defaults, multivariate as MIPROv2 uses. */
  sampler?: { multivariate?: boolean; nStartupTrials?: number };
  /** For the plan's time estimate. */
  latencyMs?: { task?: number; proposer?: number };
}

export const AUTO_SETTINGS: Record<MiproAuto, { n: number; valSize: number }> = {
  light: { n: 6, valSize: 100 },
  medium: { n: 12, valSize: 300 },
  heavy: { n: 18, valSize: 1000 },
};

/** Options with every default filled in, for a program with `predictors` predictor steps. */
export interface MiproSettings {
  mode: MiproMode;
  demoSets: number;
  /** Demo sets built for grounding only (instructions_only mode) are not searched. */
  searchDemos: boolean;
  instructionCandidates: number;
  numTrials: number;
  maxBootstrappedDemos: number;
  maxLabeledDemos: number;
  maxRounds: number;
  metricThreshold: number | undefined;
  minibatch: boolean;
  minibatchSize: number;
  minibatchFullEvalSteps: number;
  valSize: number | undefined;
  initTemperature: number;
  dataAware: boolean;
  programAware: boolean;
  tipAware: boolean;
  multivariate: boolean;
  nStartupTrials: number;
}

export function resolveSettings(opts: MiproOptions, predictors: number): MiproSettings {
  const problems = validateMiproOptions(opts as Record<string, unknown>);
  if (problems.length) throw new PlaygroundError('OPTIMIZER_INVALID', `MIPROv2 options: ${problems.join('; ')}`, { hint: 'Fix the listed options.', details: { problems } });
  const auto = opts.auto === undefined ? (opts.numCandidates === undefined ? 'light' : null) : opts.auto;
  const n = auto ? AUTO_SETTINGS[auto].n : opts.numCandidates!;
  const mode = opts.mode ?? 'full';
  const searchDemos = mode !== 'instructions_only';
  const searchInstructions = mode !== 'demos_only';
  const v = predictors * ((searchDemos ? 1 : 0) + (searchInstructions ? 1 : 0));
  const numTrials = opts.numTrials ?? Math.max(1, Math.floor(Math.max(2 * v * Math.log2(n), 1.5 * n)));
  return {
    mode,
    demoSets: n,
    searchDemos,
    instructionCandidates: searchInstructions ? (searchDemos ? Math.max(1, Math.floor(n / 2)) : n) : 1,
    numTrials,
    // Zero-shot still bootstraps a few demos, to ground the proposer (as DSPy does).
    maxBootstrappedDemos: opts.maxBootstrappedDemos ?? (searchDemos ? 4 : 3),
    maxLabeledDemos: opts.maxLabeledDemos ?? (searchDemos ? 4 : 0),
    maxRounds: opts.maxRounds ?? 1,
    metricThreshold: opts.metricThreshold,
    minibatch: opts.minibatch ?? true,
    minibatchSize: opts.minibatchSize ?? 35,
    minibatchFullEvalSteps: opts.minibatchFullEvalSteps ?? 5,
    valSize: opts.valSize ?? (auto ? AUTO_SETTINGS[auto].valSize : undefined),
    initTemperature: opts.initTemperature ?? 1,
    dataAware: opts.dataAware ?? true,
    programAware: opts.programAware ?? true,
    tipAware: opts.tipAware ?? true,
    multivariate: opts.sampler?.multivariate ?? true,
    nStartupTrials: opts.sampler?.nStartupTrials ?? 10,
  };
}

export function validateMiproOptions(opts: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (opts.auto !== undefined && opts.auto !== null && !['light', 'medium', 'heavy'].includes(String(opts.auto))) {
    problems.push(`auto: must be one of light, medium, heavy (or null), but got ${JSON.stringify(opts.auto)}`);
  }
  if (opts.auto === null && opts.numCandidates === undefined) problems.push('numCandidates: is required when auto is null');
  if (opts.mode !== undefined && !['full', 'instructions_only', 'demos_only'].includes(String(opts.mode))) {
    problems.push(`mode: must be one of full, instructions_only, demos_only, but got ${JSON.stringify(opts.mode)}`);
  }
  const ints: [string, number][] = [
    ['numCandidates', 1], ['numTrials', 1], ['maxBootstrappedDemos', 0], ['maxLabeledDemos', 0], ['maxRounds', 1],
    ['minibatchSize', 1], ['minibatchFullEvalSteps', 1], ['valSize', 1],
  ];
  for (const [key, min] of ints) {
    const val = opts[key];
    if (val !== undefined && !(Number.isInteger(val) && (val as number) >= min)) problems.push(`${key}: must be an integer >= ${min}, but got ${JSON.stringify(val)}`);
  }
  if (opts.numCandidates !== undefined && Number.isInteger(opts.numCandidates) && (opts.numCandidates as number) < 3 && opts.mode !== 'instructions_only') {
    problems.push(`numCandidates: must be >= 3 when demos are searched (zero-shot, labeled and bootstrapped sets), but got ${JSON.stringify(opts.numCandidates)}`);
  }
  return problems;
}

/** Counts before the run: trials, task runs and calls, teacher runs (upper bound), proposer calls, time. */
export function planMipro(s: MiproSettings, sizes: { train: number; val: number; predictors: number; concurrency?: number }, latency?: MiproOptions['latencyMs']): Plan {
  const val = s.valSize !== undefined ? Math.min(s.valSize, sizes.val) : sizes.val;
  const minibatch = s.minibatch && val > s.minibatchSize;
  const perTrial = minibatch ? s.minibatchSize : val;
  const periodic = minibatch ? Math.ceil(s.numTrials / s.minibatchFullEvalSteps) : 0;
  const fullEvaluations = 1 + periodic;
  const search = s.numTrials * perTrial;
  const full = fullEvaluations * val;
  const bootstrapSets = Math.max(0, s.demoSets - 2);
  const teacherMax = s.maxBootstrappedDemos > 0 ? bootstrapSets * sizes.train * s.maxRounds : 0;
  const proposer = proposerCalls(sizes.predictors, s.instructionCandidates, sizes.train, s.dataAware);
  const taskCalls = (search + full) * sizes.predictors;
  const notes = [
    `${s.numTrials} trials on ${minibatch ? `minibatches of ${s.minibatchSize}` : `all ${val}`} validation examples; ${fullEvaluations} full evaluation${fullEvaluations > 1 ? 's' : ''} on ${val} examples (the default program first${periodic ? `, then every ${s.minibatchFullEvalSteps} trials and at the end` : ''}).`,
    `${s.instructionCandidates} instruction candidate${s.instructionCandidates > 1 ? 's' : ''} and ${s.searchDemos ? s.demoSets : 0} demo set${s.demoSets > 1 ? 's' : ''} per predictor.`,
    'Counts are upper bounds: the cache answers repeated calls, and bootstrapping stops once it has enough demos.',
  ];
  if (!minibatch && s.minibatch) notes.push(`The validation set (${val}) is not larger than a minibatch, so every trial is a full evaluation.`);
  const plan: Plan = {
    optimizer: 'mipro_v2',
    trials: s.numTrials,
    fullEvaluations,
    taskProgramRuns: { search, fullEvaluations: full, total: search + full },
    taskCalls,
    teacherProgramRunsMax: teacherMax,
    proposerCalls: proposer,
    notes,
  };
  if (latency?.task !== undefined) {
    const c = Math.max(1, sizes.concurrency ?? 1);
    const seconds = ((taskCalls + teacherMax * sizes.predictors) / c) * latency.task + proposer * (latency.proposer ?? latency.task);
    plan.estimatedSeconds = Math.round(seconds / 1000);
  }
  return plan;
}
