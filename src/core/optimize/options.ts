/**
 * Optimizer options: one valibot schema per optimizer kind, a discriminated union on `kind`.
 *
 * Everything about an option comes from here: the type a config is written in
 * ({@link OptimizerConfig}, the schema's input), the settings an optimizer runs with, every
 * default filled in ({@link OptimizerSettings}, its output), and validation that lists every
 * problem at once ({@link parseOptimizerConfig}). The runner config, the optimizer worker and
 * the UI all read options through it.
 *
 * Defaults are DSPy's: BootstrapFewShot and random search keep 4 bootstrapped and up to 16
 * labeled demos; MIPROv2 uses 4/4 with demos and 3/0 zero-shot (a few bootstrapped demos
 * still ground the proposer), `auto: "light"`, minibatches of 35 and a full evaluation every
 * 5 trials (`teleprompt/mipro_optimizer_v2.py`).
 *
 * Objects are strict: a misspelled option (`"minibatchsize"`) is reported, not ignored, with
 * the option it was probably meant to be (util/strict-object.ts).
 */
import * as v from 'valibot';
import { PlaygroundError } from '../errors';
import { issuesToMessages } from '../util/schema-issues';
import { strictObject } from '../util/strict-object';

const int = (min: number) => v.pipe(v.number(), v.integer(), v.minValue(min));
const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));
/** An optimizer's own seed; the run's seed when absent. */
const seed = v.optional(v.pipe(v.number(), v.integer()));

/** The demo options every bootstrapping optimizer shares (DSPy's names, camel-cased). */
const demoOptions = {
  maxBootstrappedDemos: v.optional(int(0), 4),
  maxLabeledDemos: v.optional(int(0), 16),
  /** Passes over the trainset; later rounds resample at temperature 1. */
  maxRounds: v.optional(int(1), 1),
  /** A float metric passes at >= this; default: > 0. */
  metricThreshold: v.optional(v.number()),
};

/**
 * A budget for a whole optimization: task and teacher LM calls made (sent or answered by the
 * cache, so a resumed run or a warm cache takes the same path), or minutes, which the run
 * turns into calls once, when it is planned, through the task model's latency and concurrency.
 * The final scoring after the search is not part of it.
 */
const BudgetSchema = v.pipe(
  strictObject({
    taskCalls: v.optional(int(1)),
    minutes: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0))),
  }),
  v.check((b) => (b.taskCalls === undefined) !== (b.minutes === undefined), 'must give exactly one of taskCalls or minutes, e.g. { "taskCalls": 200 }'),
);
export type Budget = v.InferOutput<typeof BudgetSchema>;

const NoneSchema = strictObject({ kind: v.literal('none') });

const LabeledFewShotSchema = strictObject({
  kind: v.literal('labeled_few_shot'),
  seed,
  /** Labeled demos per predictor. */
  k: v.optional(int(0), 16),
});

const BootstrapFewShotSchema = strictObject({ kind: v.literal('bootstrap_few_shot'), seed, ...demoOptions });

const RandomSearchSchema = strictObject({
  kind: v.literal('bootstrap_random_search'),
  seed,
  ...demoOptions,
  /** Shuffled bootstraps on top of the zero-shot, labeled and unshuffled candidates. */
  numCandidatePrograms: v.optional(int(0), 16),
});

export const MIPRO_AUTO = ['light', 'medium', 'heavy'] as const;
export type MiproAuto = (typeof MIPRO_AUTO)[number];
const MIPRO_MODES = ['full', 'instructions_only', 'demos_only'] as const;
/** What MIPROv2 searches: instructions and demos, instructions only (zero-shot), or demos only. */
export type MiproMode = (typeof MIPRO_MODES)[number];

/** What `auto` sets: N candidates and the validation subsample. */
const AUTO_SETTINGS: Record<MiproAuto, { n: number; valSize: number }> = {
  light: { n: 6, valSize: 100 },
  medium: { n: 12, valSize: 300 },
  heavy: { n: 18, valSize: 1000 },
};

/**
 * Step ids of the predictors a run searches (default: all). The others keep their instruction
 * and demos; the run checks the ids against the program (mipro/searched.ts).
 */
const predictorsOption = v.optional(
  v.pipe(
    v.array(v.pipe(v.string(), v.minLength(1))),
    v.minLength(1, 'must name at least one predictor step (leave it out to search them all)'),
    v.check((ids) => new Set(ids).size === ids.length, 'must not name a step twice'),
  ),
);

const MiproFields = strictObject({
  kind: v.literal('mipro_v2'),
  seed,
  /** light / medium / heavy; null with `numCandidates` to set N by hand. Default light. */
  auto: v.optional(v.nullable(v.picklist(MIPRO_AUTO))),
  numCandidates: v.optional(int(1)),
  /**
   * Search trials; default max(2 · V · log2 N, 1.5 · N). Unlike DSPy (which refuses the pair),
   * it combines with `auto`: auto sets N and the validation subsample, numTrials the trials.
   */
  numTrials: v.optional(int(1)),
  mode: v.optional(v.picklist(MIPRO_MODES), 'full'),
  predictors: predictorsOption,
  /** Default 4 (3 in instructions_only mode, for grounding only). */
  maxBootstrappedDemos: v.optional(int(0)),
  /** Default 4 (0 in instructions_only mode). */
  maxLabeledDemos: v.optional(int(0)),
  maxRounds: demoOptions.maxRounds,
  metricThreshold: demoOptions.metricThreshold,
  minibatch: v.optional(v.boolean(), true),
  /** Minibatch size; at val <= this every trial is a full evaluation (mipro/search.ts). */
  minibatchSize: v.optional(int(1), 35),
  minibatchFullEvalSteps: v.optional(int(1), 5),
  /** Trials in a row whose calls failed past the error budget before the search stops (default 3). */
  maxFailedTrials: v.optional(int(1), 3),
  /** Validation subsample size (auto sets it). */
  valSize: v.optional(int(1)),
  initTemperature: v.optional(nonNegative, 1),
  dataAware: v.optional(v.boolean(), true),
  programAware: v.optional(v.boolean(), true),
  tipAware: v.optional(v.boolean(), true),
  /** TPE: multivariate (as MIPROv2 runs Optuna) with Optuna's 10 random startup trials. */
  sampler: v.optional(
    strictObject({
      multivariate: v.optional(v.boolean(), true),
      nStartupTrials: v.optional(int(0), 10),
      /** Optuna's TPE as DSPy runs it (no repeat merging, confirmation or end-of-budget race). */
      optuna: v.optional(v.boolean(), false),
    }),
    {},
  ),
  /** Fit the run into this many calls or minutes (replaces `auto` and `numTrials`). */
  budget: v.optional(BudgetSchema),
  /**
   * 0-shot MIPRO++: TPE chooses the proposer's own settings for every proposal (dataset and
   * program summary on or off, the tip, demos shown or not, the temperature), and learns which
   * write good instructions (mipro/proposer-search.ts). Zero-shot runs only, and not with a
   * budget. `numTrials` (or `auto`) sets the proposal rounds; `initTemperature` is not used.
   */
  proposerSearch: v.optional(v.boolean(), false),
  /**
   * Milliseconds per call for the plan's time estimate, when the host gives none (configs
   * written for the headless runner before it took `--latency-ms`).
   */
  latencyMs: v.optional(strictObject({ task: v.optional(nonNegative), proposer: v.optional(nonNegative) })),
});

type MiproFieldsOutput = v.InferOutput<typeof MiproFields>;

/** MIPROv2's options with every default resolved, for a program of any size. */
export type MiproSettings = Omit<MiproFieldsOutput, 'auto' | 'numCandidates' | 'maxBootstrappedDemos' | 'maxLabeledDemos' | 'sampler'> & {
  auto: MiproAuto | null;
  /** N: demo-set candidates (and the base of the instruction candidates). */
  numCandidates: number;
  maxBootstrappedDemos: number;
  maxLabeledDemos: number;
  multivariate: boolean;
  nStartupTrials: number;
  optuna: boolean;
  /** Set when both demo maximums were 0: the run became zero-shot (`mode` is then instructions_only). */
  zeroShotByMaximums?: true;
  /** Internal, not an option: benchmarks set it to compare (mipro/settings.ts `TELL_FULL_EVALUATIONS`). */
  tellFullEvaluations?: boolean;
};

const MiproSchema = v.pipe(
  MiproFields,
  v.forward(
    v.partialCheck([['budget'], ['auto']], (o) => o.budget === undefined || o.auto === undefined, 'cannot be combined with auto: a budget decides the size of the run'),
    ['budget'],
  ),
  v.forward(
    v.partialCheck([['budget'], ['numTrials']], (o) => o.budget === undefined || o.numTrials === undefined, 'cannot be combined with numTrials: a budget decides the number of trials'),
    ['budget'],
  ),
  v.forward(
    v.partialCheck([['auto'], ['numCandidates']], (o) => !(o.auto === null && o.numCandidates === undefined), 'is required when auto is null'),
    ['numCandidates'],
  ),
  v.forward(
    v.partialCheck(
      [['numCandidates'], ['mode']],
      (o) => o.numCandidates === undefined || o.numCandidates >= 3 || o.mode === 'instructions_only' || zeroShotByMaximums(o),
      (issue) => `must be >= 3 when demos are searched (zero-shot, labeled and bootstrapped sets), but got ${String((issue.input as { numCandidates?: unknown }).numCandidates)}`,
    ),
    ['numCandidates'],
  ),
  v.forward(
    v.partialCheck(
      [['proposerSearch'], ['mode'], ['maxBootstrappedDemos'], ['maxLabeledDemos']],
      (o) => !o.proposerSearch || o.mode === 'instructions_only' || zeroShotByMaximums(o),
      (issue) => `needs a zero-shot run (mode "instructions_only", or both demo maximums 0): MIPRO++ searches the proposer's settings for instructions only, but mode is "${String((issue.input as { mode?: unknown }).mode)}"`,
    ),
    ['proposerSearch'],
  ),
  v.forward(
    v.partialCheck([['proposerSearch'], ['budget']], (o) => !o.proposerSearch || o.budget === undefined, 'cannot be combined with budget: MIPRO++ runs a fixed number of proposal rounds (auto or numTrials)'),
    ['proposerSearch'],
  ),
  v.transform(resolveMipro),
);

export const OPRO_LEVELS = ['module', 'program'] as const;
export type OproLevel = (typeof OPRO_LEVELS)[number];

/**
 * OPRO (Yang et al. 2023, "Large Language Models as Optimizers"), as the MIPRO paper runs it
 * on multi-stage programs: a proposer that sees the instructions tried so far with their
 * scores (best last) and 3 training examples, and writes new ones each round. `module`: one
 * predictor at a time, scored with the others at their current best; `program`: one call
 * proposes every predictor's instruction, scored as a whole (opro/opro.ts).
 *
 * Defaults: 4 rounds of 4 candidates (COPRO's depth and breadth are 3 and 10, OPRO's 8
 * candidates a step; 4 keeps a one-predictor run at 1,060 program runs on 100 validation rows),
 * the 20 best attempts in the history and 3 training examples (OPRO's), proposals at
 * temperature 1 (OPRO's), and MIPROv2's minibatches of 35 on a validation subsample of 100.
 */
const OproSchema = strictObject({
  kind: v.literal('opro'),
  seed,
  level: v.optional(v.picklist(OPRO_LEVELS), 'module'),
  predictors: predictorsOption,
  /** Proposal rounds; at module level a round proposes for every predictor in turn. */
  rounds: v.optional(int(1), 4),
  /** Instructions proposed per step (one proposer call each), scored on one shared minibatch. */
  candidatesPerRound: v.optional(int(1), 4),
  /** The best-scored attempts the proposer sees (OPRO: 20). */
  historyLength: v.optional(int(1), 20),
  /** Training examples shown with each proposal (OPRO: 3). */
  exampleCount: v.optional(int(0), 3),
  minibatch: v.optional(v.boolean(), true),
  minibatchSize: v.optional(int(1), 35),
  /** Validation subsample the full evaluations use (MIPROv2 light's size). */
  valSize: v.optional(int(1), 100),
  /** The proposer's sampling temperature. */
  temperature: v.optional(nonNegative, 1),
  /** Trials in a row whose calls failed past the error budget before the search stops. */
  maxFailedTrials: v.optional(int(1), 3),
  /** Stops the rounds early to fit this many task calls (or minutes); `rounds` stays the most it runs. */
  budget: v.optional(BudgetSchema),
});

/** OPRO's options with every default filled in. */
export type OproSettings = v.InferOutput<typeof OproSchema>;

/** Every optimizer's options, by kind (the run config's schema embeds it). */
export const OptimizerConfigSchema = v.variant('kind', [NoneSchema, LabeledFewShotSchema, BootstrapFewShotSchema, RandomSearchSchema, MiproSchema, OproSchema]);

/** Optimizer options as written in a run config (`{ "kind": "mipro_v2", "auto": "light" }`). */
export type OptimizerConfig = v.InferInput<typeof OptimizerConfigSchema>;
/** The options an optimizer runs with: validated, every default filled in. */
export type OptimizerSettings = v.InferOutput<typeof OptimizerConfigSchema>;
/** The settings of one kind. */
export type SettingsOf<K extends OptimizerKind> = Extract<OptimizerSettings, { kind: K }>;
export type OptimizerKind = OptimizerConfig['kind'];
export type RandomSearchSettings = SettingsOf<'bootstrap_random_search'>;

/** Every kind a run config accepts, `none` (evaluate only) first. */
export const OPTIMIZER_KINDS: readonly OptimizerKind[] = OptimizerConfigSchema.options.map((o) => optionKind(o));

/** Validated settings, or every problem as a readable line (`minibatchSize: must be at least 1, but got 0`). */
export function parseOptimizerConfig(config: unknown): { ok: true; settings: OptimizerSettings } | { ok: false; problems: string[] } {
  const parsed = v.safeParse(OptimizerConfigSchema, config);
  return parsed.success ? { ok: true, settings: parsed.output } : { ok: false, problems: issuesToMessages(parsed.issues) };
}

/** Validated settings; throws `OPTIMIZER_INVALID` listing every problem. */
export function optimizerSettings(config: unknown): OptimizerSettings {
  const parsed = parseOptimizerConfig(config);
  if (parsed.ok) return parsed.settings;
  const kind = typeof config === 'object' && config !== null ? String((config as { kind?: unknown }).kind) : 'the optimizer';
  throw new PlaygroundError('OPTIMIZER_INVALID', `Options for ${kind}: ${parsed.problems.join('; ')}`, { hint: 'Fix the listed options.', details: { problems: parsed.problems } });
}

/** The settings of `kind` with nothing but defaults (what the UI starts from). */
export function defaultSettings<K extends OptimizerKind>(kind: K): SettingsOf<K> {
  const settings = optimizerSettings({ kind });
  if (!isKind(settings, kind)) throw new PlaygroundError('INTERNAL', `The defaults of ${kind} parsed as ${settings.kind}.`);
  return settings;
}

function isKind<K extends OptimizerKind>(settings: OptimizerSettings, kind: K): settings is SettingsOf<K> {
  return settings.kind === kind;
}

/**
 * MIPROv2's derived settings: N from `auto` (or `numCandidates`), the trial count
 * max(2 · V · log2 N, 1.5 · N) with V = predictors searched, and the mode's demo defaults.
 * The trial count needs the program, so it is resolved by {@link miproTrials}.
 */
function resolveMipro(o: MiproFieldsOutput): MiproSettings {
  const auto = o.auto === undefined ? (o.numCandidates === undefined && o.budget === undefined ? 'light' : null) : o.auto;
  // Both demo maximums at 0 is zero-shot, as DSPy decides it (`zeroshot_opt`): instructions
  // only, with a few bootstrapped demos kept to ground the proposer.
  const zeroShot = zeroShotByMaximums(o);
  const mode = zeroShot ? 'instructions_only' : o.mode;
  const searchDemos = mode !== 'instructions_only';
  const { sampler, ...rest } = o;
  return {
    ...rest,
    mode,
    ...(zeroShot && { zeroShotByMaximums: true }),
    auto,
    // The schema's check makes numCandidates present whenever auto is null.
    numCandidates: auto ? AUTO_SETTINGS[auto].n : (o.numCandidates ?? AUTO_SETTINGS.light.n),
    // Zero-shot still bootstraps a few demos, to ground the proposer (as DSPy does).
    maxBootstrappedDemos: zeroShot ? ZERO_SHOT_GROUNDING_DEMOS : (o.maxBootstrappedDemos ?? (searchDemos ? 4 : ZERO_SHOT_GROUNDING_DEMOS)),
    maxLabeledDemos: o.maxLabeledDemos ?? (searchDemos ? 4 : 0),
    valSize: o.valSize ?? (auto ? AUTO_SETTINGS[auto].valSize : undefined),
    multivariate: sampler.multivariate,
    nStartupTrials: sampler.nStartupTrials,
    optuna: sampler.optuna,
  };
}

/** Bootstrapped demos a zero-shot run still makes, shown only to the proposer (DSPy's `BOOTSTRAPPED_FEWSHOT_EXAMPLES_IN_CONTEXT`). */
const ZERO_SHOT_GROUNDING_DEMOS = 3;

/** Both demo maximums set to 0 in the default mode: a zero-shot run (DSPy's `zeroshot_opt`). */
function zeroShotByMaximums(o: { mode?: string; maxBootstrappedDemos?: number; maxLabeledDemos?: number }): boolean {
  return (o.mode ?? 'full') === 'full' && o.maxBootstrappedDemos === 0 && o.maxLabeledDemos === 0;
}

// A piped schema keeps its first schema's entries, so every option has `entries.kind`.
function optionKind(schema: (typeof OptimizerConfigSchema.options)[number]): OptimizerKind {
  return schema.entries.kind.literal;
}
