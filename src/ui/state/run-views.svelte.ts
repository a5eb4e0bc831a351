/**
 * The open run's view models for the run view and teaching mode: derived from the snapshot by
 * the pure functions in `run/view-models.ts` and `teach/teach-model.ts`, memoized on the
 * identity of their input. A progress tick replaces `current` but keeps `story` and `trials`,
 * so these return the same arrays and the lists built from them do not re-render.
 */
import type { RunSnapshot } from '../run/run-snapshot';
import { activePhase, budgetSource, phaseEta } from '../run/run-snapshot';
import { budgetView } from '../run/budget-progress';
import { proposerSettingsView } from '../run/proposer-settings';
import { bestHistory, datasetSummary, demoSets, outputNotes, proposals, resultDiff, trialRows, usageRows } from '../run/view-models';
import { bootstrapRows, minibatchClouds, tpeSteps } from '../teach/teach-model';
import { whatIfSource } from '../teach/what-if-model';

/** Where the views read the open run and the time from. */
export interface RunViewSources {
  /** The run shown (read inside the views' derivations, so they follow it). */
  current(): RunSnapshot | undefined;
}

/** Derived, memoized view models of the open run. */
export class RunViews {
  private readonly memo = {
    // Most new events are no new best: keep the same array then, so the chart does not redraw.
    bestHistory: memo(keepIfSame(bestHistory, (a, b) => a.length === b.length && a.at(-1)?.trial === b.at(-1)?.trial)),
    trialRows: memo2(trialRows),
    proposals: memo(proposals),
    demoSets: memo(demoSets),
    datasetSummary: memo(datasetSummary),
    proposerSettings: memo2(proposerSettingsView),
    bootstrapRows: memo(bootstrapRows),
    clouds: memo(minibatchClouds),
    tpe: memo2(tpeSteps),
    whatIf: memoFields(whatIfSource),
    diff: memo(resultDiff),
    outputNotes: memo(outputNotes),
  };
  private readonly story = $derived(this.snapshot?.story ?? NO_EVENTS);
  private readonly trials = $derived(this.snapshot?.trials ?? NO_TRIALS);

  /** The optimizer's `new_best` events so far (the best-so-far line). */
  readonly bestHistory = $derived(this.memo.bestHistory(this.story));
  /** The best full evaluation so far, as the optimizer announced it. */
  readonly best = $derived(this.bestHistory.at(-1));
  readonly trialRows = $derived(this.memo.trialRows(this.trials, this.best));
  readonly proposals = $derived(this.memo.proposals(this.story));
  readonly demoSets = $derived(this.memo.demoSets(this.story));
  readonly datasetSummary = $derived(this.memo.datasetSummary(this.story));
  /** MIPRO++'s proposer settings: each round's, and the report at the end (undefined for other runs). */
  readonly proposerSettings = $derived(this.memo.proposerSettings(this.story, this.trials));
  readonly usageRows = $derived(usageRows(this.snapshot?.usage));
  /** How `auto` asked each model for answers (a refusal of JSON schemas, a remembered mode). */
  readonly outputNotes = $derived(this.memo.outputNotes(this.story));
  readonly diff = $derived(this.snapshot?.result ? this.memo.diff(this.snapshot.result) : []);
  readonly bootstrapRows = $derived(this.memo.bootstrapRows(this.story));
  readonly keptRows = $derived(this.bootstrapRows.filter((r) => r.kept));
  readonly rejectedRows = $derived(this.bootstrapRows.filter((r) => !r.kept));
  readonly tpeSteps = $derived(this.memo.tpe(this.story, this.trials));
  readonly clouds = $derived(this.memo.clouds(this.trials));
  /** What teaching mode's what-if replays the TPE search from (undefined without one). */
  readonly whatIf = $derived(this.snapshot ? this.memo.whatIf({ config: this.snapshot.config, plan: this.snapshot.plan, story: this.story, trials: this.trials }) : undefined);
  /** The active phase (or the last one started). */
  readonly phase = $derived(this.snapshot ? activePhase(this.snapshot) : undefined);
  /** Seconds left in the active phase of a running run. */
  readonly eta = $derived(
    this.snapshot && this.phase && this.snapshot.status === 'running' ? phaseEta(this.snapshot.phases[this.phase], this.now) : undefined,
  );

  /** A budgeted run's calls used of its budget, and the time left in it at the pace so far. */
  readonly budget = $derived(this.snapshot ? budgetView(budgetSource(this.snapshot), this.now) : undefined);

  /** `run` holds the open run; `clock` ticks while a run is live (for the ETA). */
  constructor(private readonly run: RunViewSources, private readonly clock: { readonly now: number }) {}

  // The derived fields above read the sources through these getters: field initializers run
  // before the constructor sets `run` and `clock`, but a derivation runs only when first read.
  private get snapshot(): RunSnapshot | undefined {
    return this.run.current();
  }

  private get now(): number {
    return this.clock.now;
  }
}

const NO_TRIALS: RunSnapshot['trials'] = [];
const NO_EVENTS: RunSnapshot['story'] = [];

/** Remembers the last input and result: the same input (by identity) gives the same output. */
function memo<A, R>(fn: (a: A) => R): (a: A) => R {
  let last: { a: A; r: R } | undefined;
  return (a) => {
    if (!last || last.a !== a) last = { a, r: fn(a) };
    return last.r;
  };
}

/** `fn`, but returning its previous result when the new one is `same` as it. */
function keepIfSame<A, R>(fn: (a: A) => R, same: (prev: R, next: R) => boolean): (a: A) => R {
  let last: { r: R } | undefined;
  return (a) => {
    const r = fn(a);
    if (!last || !same(last.r, r)) last = { r };
    return last.r;
  };
}

/** {@link memo} for an object argument, compared field by field (a fresh object of the same fields gives the same output). */
function memoFields<A extends object, R>(fn: (a: A) => R): (a: A) => R {
  let last: { a: A; r: R } | undefined;
  return (a) => {
    const same = last && Object.keys(a).length === Object.keys(last.a).length && Object.entries(a).every(([k, v]) => (last!.a as Record<string, unknown>)[k] === v);
    if (!same) last = { a, r: fn(a) };
    return last!.r;
  };
}

/** {@link memo} for two arguments. */
function memo2<A, B, R>(fn: (a: A, b: B) => R): (a: A, b: B) => R {
  let last: { a: A; b: B; r: R } | undefined;
  return (a, b) => {
    if (!last || last.a !== a || last.b !== b) last = { a, b, r: fn(a, b) };
    return last.r;
  };
}
