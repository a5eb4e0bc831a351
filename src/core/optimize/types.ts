/**
 * What every optimizer shares: its context (passed explicitly), typed events, trial records
 * and the plan. Everything here is plain data so it can cross a worker boundary, go to
 * IndexedDB, and make up a checkpoint.
 */
import type { Example } from '../data/types';
import type { ErrorData } from '../errors';
import type { LanguageModel, UsageSnapshot } from '../lm/types';
import type { Metric } from '../metric';
import type { ResolvedProgram } from '../program/resolve';
import type { Demo, ProgramState } from '../program/types';
import type { TpeExplanation } from './tpe/types';

/** Everything an optimizer needs, passed explicitly (no globals). */
export interface OptimizeContext {
  program: ResolvedProgram;
  /** The starting state (instructions from the signatures, usually no demos). */
  state: ProgramState;
  trainset: readonly Example[];
  valset: readonly Example[];
  metric: Metric;
  /** Accounted models: `task` runs candidate programs, `teacher` bootstraps, `proposer` writes instructions. */
  lms: { task: LanguageModel; teacher: LanguageModel; proposer: LanguageModel };
  corpora?: Record<string, readonly string[]>;
  seed: number;
  signal?: AbortSignal;
  /**
   * Ends the search early, unlike `signal` (which aborts): the search stops at its next trial
   * boundary and returns the best program scored so far (`stoppedEarly`), spending no more calls.
   */
  stop?: AbortSignal;
  /** Concurrent program runs (default: the task model's limit). */
  concurrency?: number;
  /** Failed examples tolerated per evaluation / bootstrap pass. */
  maxErrors?: number;
  emit?: (event: OptimizerEvent) => void;
  /** Current usage (so trials can record the calls they made). */
  usage?: () => UsageSnapshot;
}

/** What an optimizer returns. */
export interface OptimizeResult {
  state: ProgramState;
  trials: TrialRecord[];
  plan?: Plan;
  /** Full validation score of `state` when the optimizer measured it. */
  valScore?: number;
  /** What `valScore` was measured on: validation examples scored, and those that failed. */
  valMeasured?: { n: number; errors: number };
  /** `ctx.stop` ended the search before its end: `state` is the best program found so far. */
  stoppedEarly?: true;
}

export type TrialKind = 'default' | 'minibatch' | 'full' | 'candidate';

/** One evaluation made during a search. */
export interface TrialRecord {
  /** 0-based position in the search. */
  index: number;
  kind: TrialKind;
  /** Chosen index per parameter (e.g. `generate.instruction`: 2, `generate.demos`: 0). */
  params: Record<string, number>;
  score: number;
  /** Examples evaluated. */
  n: number;
  /** Task-model requests this trial issued: sent to the model, and answered from the cache. */
  calls: { sent: number; cacheHits: number };
  /** Failed examples (model or metric errors). */
  errors: number;
  /** Answers the adapter could not read (scored 0, not errors); absent when none, and in runs stored before it was counted. */
  parseFailures?: number;
  durationMs: number;
  /** For full evaluations: the minibatch trial(s) they re-check. */
  ofTrials?: number[];
  /**
   * Why the trial failed: its calls failed past the error budget (`EVAL_ERROR_BUDGET`). A
   * failed trial scores 0, teaches the sampler nothing and is never the winner.
   */
  failed?: ErrorData;
}

/** What a plan is computed from: split sizes and the program's predictor count. */
export interface PlanSizes {
  train: number;
  val: number;
  predictors: number;
}

/**
 * Counts announced before a run starts. Every count is an upper bound: the cache answers
 * repeated calls, bootstrapping stops once it has its demos, and a failed step ends a
 * program run early. An optimizer's plan covers its own phases; the run's plan
 * (`planRun` in runner/plan.ts) adds the final scoring and the time estimate.
 */
export interface Plan {
  optimizer: string;
  /** Search trials (minibatch or candidate evaluations), not counting full evaluations. */
  trials: number;
  fullEvaluations: number;
  /**
   * Program runs on the task model, by phase. `final`: scoring the result on validation and
   * test, and the baseline on test (run plans only; absent in plans stored before it).
   */
  taskProgramRuns: { search: number; fullEvaluations: number; final?: number; total: number };
  /** Task-model LM calls = program runs x predictor steps. */
  taskCalls: number;
  /** Upper bound on teacher program runs while bootstrapping. */
  teacherProgramRunsMax: number;
  /** Teacher-model LM calls (run plans only). */
  teacherCalls?: number;
  proposerCalls: number;
  /** Judge-model calls when the metric is an LLM judge (run plans only). */
  judgeCalls?: number;
  /** Estimated wall time given a latency per call and the concurrency (run plans only). */
  estimatedSeconds?: number;
  /**
   * A budgeted run's budget: task and teacher calls (the final scoring is apart), the minutes
   * it came from, and for the estimate: the teacher runs bootstrapping is expected to make, the
   * validation examples one search evaluation takes, and the share of the search's calls the
   * model is expected to answer (the run's own cache answers the rest; absent: all), and the
   * program runs the search space holds (every configuration on every validation example).
   */
  budget?: { calls: number; minutes?: number; teacherRunsExpected: number; chunk?: number; sentShare?: number; searchRunsMax?: number };
  notes: string[];
}

export type DemoSetKind = 'zero_shot' | 'labeled' | 'bootstrap' | 'shuffled_bootstrap';

/** Typed events every optimizer emits (the UI and teaching mode render them). */
export type OptimizerEvent =
  /** Stored runs only: optimizers announced their own plan before the runner announced the run's (a `plan` RunEvent). */
  | { type: 'plan'; plan: Plan }
  | { type: 'phase'; phase: 'bootstrap' | 'propose' | 'search' | 'evaluate'; status: 'start' | 'end'; detail?: string }
  | { type: 'progress'; phase: string; done: number; total: number }
  | {
      type: 'demo_bootstrapped';
      predictor: string;
      set: number;
      exampleId: string;
      round: number;
      score: number;
      demo: Demo;
      /** The row's inputs and gold labels, on the first event of a kept row only (its later predictors' events, and events stored before it, have none). */
      example?: ExampleSnapshot;
    }
  | {
      type: 'bootstrap_rejected';
      set: number;
      exampleId: string;
      round: number;
      score: number;
      error?: ErrorData;
      /** Absent in events stored before it: derive it with `rejectionReason`. */
      reason?: RejectionReason;
      /** The row's inputs and gold labels (absent in events stored before it). */
      example?: ExampleSnapshot;
      /** What the program answered (its final outputs, clipped like `example`), when its answer was read: absent for an unreadable answer or a failed run. */
      answer?: Record<string, unknown>;
    }
  | { type: 'demo_set'; set: number; kind: DemoSetKind; demos: Record<string, Demo[]> }
  | { type: 'dataset_summary'; summary: string; observations: string[] }
  /** `settings`: 0-shot MIPRO++ only, the proposer settings TPE chose for the proposal. */
  | { type: 'instruction_proposed'; predictor: string; index: number; instruction: string; tip: string; context: ProposerContext; settings?: ProposerSettings }
  /**
   * 0-shot MIPRO++: the proposer settings TPE chose for proposal round `round` (1-based), per
   * predictor; `params` are their indices in TPE's space, and the round's instructions are
   * scored as trial `trial`.
   */
  | { type: 'proposer_settings_picked'; round: number; trial: number; settings: Record<string, ProposerSettings>; params: Record<string, number>; explanation?: TpeExplanation }
  /** 0-shot MIPRO++, at the end of its search: which proposer settings wrote good instructions. */
  | { type: 'proposer_settings_report'; report: ProposerSettingsReport }
  /**
   * OPRO: one proposer call and what it saw: the attempts so far (best last) and the training
   * examples. `instructions` are the ones it wrote, by predictor, at `indices` in each
   * predictor's candidate list (each also comes as an `instruction_proposed`).
   */
  | { type: 'history_proposal'; level: 'module' | 'program'; step: number; round: number; candidate: number; instructions: Record<string, string>; indices: Record<string, number>; history: ScoredAttempt[]; examples: Record<string, unknown>[] }
  | { type: 'trial_start'; trial: number; kind: TrialKind; params: Record<string, number>; explanation?: TpeExplanation }
  | { type: 'trial_end'; trial: TrialRecord }
  | { type: 'new_best'; trial: number; score: number; params: Record<string, number> }
  | { type: 'usage'; usage: UsageSnapshot }
  | { type: 'checkpoint'; checkpoint: unknown };

/**
 * A training row as bootstrap events carry it: its inputs and gold labels, with long values
 * clipped (strings over a few hundred characters end in "…", long lists and objects become
 * their clipped JSON), because events are stored and exported and bootstrap emits thousands.
 */
export interface ExampleSnapshot {
  inputs: Record<string, unknown>;
  labels: Record<string, unknown>;
}

/**
 * Why bootstrap rejected a training row: its answer was read but scored below the bar
 * (`wrong`), could not be read (`unreadable`, an `ADAPTER_PARSE` error), or the run or the
 * metric failed (`failed`: an HTTP error, a timeout, a metric error).
 */
export type RejectionReason = 'wrong' | 'unreadable' | 'failed';

/** What the grounded proposer saw for one proposal (shown in teaching mode). */
export interface ProposerContext {
  datasetSummary: string;
  programSummary: string;
  moduleDescription: string;
  demos: Demo[];
  currentInstruction: string;
  tip: string;
}

/** The grounded proposer's own settings for one proposal (0-shot MIPRO++ searches them). */
export interface ProposerSettings {
  /** The dataset summary is shown. */
  datasetSummary: boolean;
  /** The program summary and the module description are shown. */
  programSummary: boolean;
  /** The tip's name: none, creative, simple, description, high_stakes or persona. */
  tip: string;
  /** Up to three bootstrapped demos of the step are shown. */
  demos: boolean;
  /** The proposer's sampling temperature. */
  temperature: number;
}

/** One value of one proposer setting, with the mean score of the rounds that used it. */
export interface ProposerSettingValue {
  value: boolean | string | number;
  /** Mean round score; null when no round used the value. */
  mean: number | null;
  /** Rounds that used it (failed rounds are left out). */
  count: number;
}

/** What 0-shot MIPRO++ learned about its proposer's settings (the paper's interpretability point). */
export interface ProposerSettingsReport {
  /** What a round's score was measured on: a minibatch of `n` validation examples, or all `n`. */
  scope: 'minibatch' | 'full';
  n: number;
  /** Per predictor and setting: each value's mean round score and count, and the best value by mean (null when none was tried). */
  settings: { predictor: string; setting: keyof ProposerSettings; values: ProposerSettingValue[]; best: boolean | string | number | null }[];
  /** Every round: the settings per predictor, the trial that scored its instructions (their index is `round` in each predictor's candidates), its score. */
  rounds: { round: number; trial: number; settings: Record<string, ProposerSettings>; score: number; failed?: true }[];
  /** The settings that wrote the returned program's instructions (its best full evaluation); null when the original instructions won. */
  winner: { round: number; settings: Record<string, ProposerSettings> } | null;
}

/**
 * One attempt a history-aware proposer is shown: the instructions of the predictors it was
 * for, the whole program's score with them, and what the score was measured on — a minibatch
 * or the full validation subsample, of `n` examples.
 */
export interface ScoredAttempt {
  instructions: Record<string, string>;
  score: number;
  scope: 'minibatch' | 'full';
  n: number;
  /** The trial that measured it. */
  trial: number;
}
