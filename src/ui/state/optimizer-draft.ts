/**
 * The optimizer panel's draft: the menu (kinds, MIPRO++, OPRO's levels and budgets, MIPROv2's
 * modes), the form's fields and their defaults, and the optimizer config a draft stands for.
 * Plain data and functions; the workspace holds the draft as state.
 */
import { defaultSettings, type MiproAuto, type MiproMode, type OptimizerConfig, type OptimizerKind, type OptimizerSettings } from '../../core/optimize';
import { BUDGET_CHOICES, budgetChoiceOf, withBudgetChoice, type BudgetMinutes } from '../setup/budget-choices';

/**
 * The optimizer menu, in menu order: one entry per kind of the core's schema, and MIPRO++
 * (`mipro_plus`: MIPROv2's 0-shot mode with `proposerSearch`), which users look for by name.
 */
export const OPTIMIZER_CHOICES = [
  { value: 'mipro_v2', label: 'MIPROv2', help: 'Proposes instructions and bootstraps demos, then searches combinations with TPE.' },
  {
    value: 'mipro_plus',
    label: "MIPRO++ (0-shot, learns the proposer's settings)",
    help: "TPE chooses the proposer's settings every round (summaries, tip, demos shown, temperature) and learns which write good instructions; the final prompts carry no demos.",
  },
  { value: 'opro', label: 'OPRO (history-aware proposer)', help: 'Shows the proposer the instructions tried so far with their scores, best last, and asks for better ones, round after round.' },
  { value: 'bootstrap_few_shot', label: 'BootstrapFewShot', help: 'Keeps demos from teacher runs that pass the metric.' },
  { value: 'bootstrap_random_search', label: 'Random search', help: 'Bootstraps several demo sets and keeps the best on validation.' },
  { value: 'labeled_few_shot', label: 'LabeledFewShot', help: 'Samples labeled training examples as demos; no model calls.' },
  { value: 'none', label: 'Evaluate only', help: 'Scores the program as it is on the validation and test splits.' },
] as const satisfies readonly { value: OptimizerKind | 'mipro_plus'; label: string; help: string }[];

/** An entry of the optimizer menu. */
export type OptimizerChoice = (typeof OPTIMIZER_CHOICES)[number]['value'];

/** Kinds the setup screen does not offer yet (their panel is a later step); a run config can still name them. */
type NotInMenu = never;
/** The kinds the setup screen offers. */
type MenuKind = Exclude<OptimizerKind, NotInMenu>;

// A kind added to the core's schema without a menu entry (or a NotInMenu line) fails to compile here.
type Listed<T extends true> = T;
type EveryKindListed = Listed<[Exclude<MenuKind, (typeof OPTIMIZER_CHOICES)[number]['value']>] extends [never] ? true : false>;

/** What OPRO proposes for at a time: one predictor (module level) or all of them (program level). */
type OproLevel = Extract<OptimizerSettings, { kind: 'opro' }>['level'];

/** OPRO's levels as the optimizer panel offers them. */
export const OPRO_LEVEL_CHOICES: readonly { value: OproLevel; label: string; help: string }[] = [
  { value: 'module', label: 'Module by module', help: "One predictor at a time: its instruction is credited with the whole program's score, the other predictors at their best." },
  { value: 'program', label: 'Whole program at once', help: "One proposer call writes every predictor's instruction, given whole-program scores (the paper's credit-assignment baseline)." },
];

/** OPRO's budget menu: as many rounds as set, or minutes (which stop the rounds early). */
export const OPRO_BUDGET_CHOICES = [
  { value: 'rounds', label: 'Rounds as set' },
  ...BUDGET_CHOICES.filter((c) => 'minutes' in c).map((c) => ({ value: c.value, label: c.label })),
] as const satisfies readonly { value: string; label: string }[];

/** The optimizer panel's form: every optimizer's fields, so switching kinds keeps what was typed. */
export interface OptimizerDraft {
  kind: MenuKind;
  auto: MiproAuto;
  /**
   * MIPROv2's budget in minutes, which replaces `auto`; `null`: `auto` sizes the run.
   * Workspaces saved before budgets have no such field and load with `null`.
   */
  minutes: BudgetMinutes | null;
  seed: number;
  maxBootstrappedDemos: number;
  maxLabeledDemos: number;
  numCandidatePrograms: number;
  minibatchSize: number;
  /**
   * What MIPROv2 searches: instructions and demos, instructions only (0-shot), or demos only.
   * Workspaces saved before it load with `full`.
   */
  miproMode: MiproMode;
  /** OPRO's level. Workspaces saved before OPRO was in the menu load with the core's default (`module`); so do the two fields below. */
  oproLevel: OproLevel;
  /** OPRO's proposal rounds (the most it runs when minutes are chosen). */
  rounds: number;
  /** OPRO's proposer calls per step, each writing one candidate. */
  candidatesPerRound: number;
  /**
   * Predictor steps (ids) the user unchecked under "Predictors to optimize": MIPROv2 keeps their
   * instruction and demos. Steps not listed are searched, so a new step starts checked.
   * Workspaces saved before it load with none skipped.
   */
  skippedPredictors: string[];
  /**
   * MIPRO++: a `mipro_v2` draft run 0-shot with TPE choosing the proposer's settings (the
   * menu's "MIPRO++" entry). Workspaces saved before it load with `false`.
   */
  proposerSearch: boolean;
}

export type OproBudgetChoice = (typeof OPRO_BUDGET_CHOICES)[number]['value'];

/** MIPROv2's modes as the optimizer panel offers them. */
export const MIPRO_MODE_CHOICES: readonly { value: MiproMode; label: string; help: string }[] = [
  { value: 'full', label: 'Instructions and demos', help: 'Searches an instruction and a demo set per predictor (MIPROv2).' },
  { value: 'instructions_only', label: 'Instructions only (0-shot)', help: 'Searches instructions only; the prompts carry no demos. A few bootstrapped demos still ground the proposer.' },
  { value: 'demos_only', label: 'Demos only', help: 'Keeps each instruction and searches demo sets only; no proposer calls.' },
];

/** The form's starting values: MIPROv2's defaults from the core's schema (and random search's candidate count). */
export function defaultOptimizerDraft(): OptimizerDraft {
  const mipro = defaultSettings('mipro_v2');
  const opro = defaultSettings('opro');
  return {
    kind: 'mipro_v2',
    auto: mipro.auto ?? 'light',
    minutes: null,
    seed: 0,
    maxBootstrappedDemos: mipro.maxBootstrappedDemos,
    maxLabeledDemos: mipro.maxLabeledDemos,
    numCandidatePrograms: defaultSettings('bootstrap_random_search').numCandidatePrograms,
    minibatchSize: mipro.minibatchSize,
    miproMode: 'full',
    oproLevel: opro.level,
    rounds: opro.rounds,
    candidatesPerRound: opro.candidatesPerRound,
    skippedPredictors: [],
    proposerSearch: false,
  };
}

/** The optimizer config the draft stands for, over a program with these predictor steps. */
export function optimizerConfigOf(o: OptimizerDraft, predictorIds: readonly string[]): OptimizerConfig {
  const predictors = predictorsOption(o, predictorIds);
  switch (o.kind) {
    case 'none':
      return { kind: 'none' };
    case 'mipro_v2':
      // MIPRO++: 0-shot, sized by `auto` only (the core refuses a budget), for the checked predictors.
      if (o.proposerSearch) return { kind: 'mipro_v2', seed: o.seed, minibatchSize: o.minibatchSize, mode: 'instructions_only', proposerSearch: true, auto: o.auto, ...predictors };
      // Instructions only: the demo maximums are the core's (demos for the proposer only).
      return withBudgetChoice(
        { kind: 'mipro_v2', seed: o.seed, minibatchSize: o.minibatchSize, ...(o.miproMode !== 'full' && { mode: o.miproMode }), ...(o.miproMode !== 'instructions_only' && { maxBootstrappedDemos: o.maxBootstrappedDemos, maxLabeledDemos: o.maxLabeledDemos }), ...predictors },
        budgetChoiceOf(o),
      );
    case 'opro':
      return { kind: 'opro', seed: o.seed, level: o.oproLevel, rounds: o.rounds, candidatesPerRound: o.candidatesPerRound, minibatchSize: o.minibatchSize, ...(o.minutes !== null && { budget: { minutes: o.minutes } }), ...predictors };
    case 'labeled_few_shot':
      return { kind: 'labeled_few_shot', seed: o.seed, k: o.maxLabeledDemos };
    case 'bootstrap_few_shot':
      return { kind: 'bootstrap_few_shot', seed: o.seed, maxBootstrappedDemos: o.maxBootstrappedDemos, maxLabeledDemos: o.maxLabeledDemos };
    case 'bootstrap_random_search':
      return { kind: 'bootstrap_random_search', seed: o.seed, maxBootstrappedDemos: o.maxBootstrappedDemos, maxLabeledDemos: o.maxLabeledDemos, numCandidatePrograms: o.numCandidatePrograms };
  }
}

/**
 * The `predictors` option: the checked predictor steps, when some of the program's are
 * unchecked (all unchecked gives an empty list, which validation reports); none otherwise.
 */
function predictorsOption(o: OptimizerDraft, ids: readonly string[]): { predictors?: string[] } {
  const skipped = o.skippedPredictors;
  if (ids.length < 2 || !ids.some((id) => skipped.includes(id))) return {};
  return { predictors: ids.filter((id) => !skipped.includes(id)) };
}
