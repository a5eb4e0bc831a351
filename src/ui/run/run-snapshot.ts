/**
 * A run as the UI holds it: plain data folded from the worker's update stream (live) or from
 * the stored event log (reopened, replayed). The fold is pure and returns new arrays only for
 * the parts that changed, so Svelte's `$state.raw` fields can be replaced once per frame.
 */
import type { ErrorData } from '../../core/errors';
import type { UsageSnapshot } from '../../core/lm';
import type { Plan, TrialRecord } from '../../core/optimize';
import { budgetCallsUsed, summaryOf, type CallsAt, type RunConfig, type RunEvent, type RunSummary, type RunStatus } from '../../core/runner';
import type { RunUpdate } from '../../protocol/optimizer';
import type { BundleRun } from '../bundle';
import type { BudgetSource } from './budget-progress';

/** The phases the run view shows, in order (the runner's "evaluate val/test" count as evaluate). */
export const MAIN_PHASES = ['bootstrap', 'propose', 'search', 'evaluate'] as const;
export type MainPhase = (typeof MAIN_PHASES)[number];

/** One phase's progress, as the progress panel shows it. */
export interface PhaseState {
  status: 'pending' | 'active' | 'done';
  done: number;
  total: number;
  startedAt?: number;
  endedAt?: number;
  /** When `done` last changed (for the ETA). */
  progressAt?: number;
  detail?: string;
}

/** The open run. Everything is plain data; arrays are replaced, never mutated. */
export interface RunSnapshot {
  id: string;
  name?: string;
  status: RunStatus;
  /** Opened from a bundle: read-only, no model. */
  replay: boolean;
  createdAt: number;
  config?: RunConfig;
  plan?: Plan;
  /** The run's events without per-example progress (the same array as `story`; the full log is in IndexedDB). */
  events: RunEvent[];
  /**
   * The events without per-example progress: what proposals, demo sets, bootstrap and TPE
   * views read. Replaced only when such an event arrives, so those views do not re-render
   * on every progress tick.
   */
  story: RunEvent[];
  trials: TrialRecord[];
  usage?: UsageSnapshot;
  /**
   * Usage as the optimizer last reported it (its checkpoints) and when: a budget's calls used.
   * Unlike `usage`, it never includes the final scoring, which comes after the optimizer.
   */
  optimizerUsage?: { usage: UsageSnapshot; at: number };
  /** Calls used when the run (re)started and when its search started: where a budget's pace is measured from. */
  paceFrom?: CallsAt;
  result?: RunSummary;
  error?: ErrorData;
  /** The run this one evaluates an edit of (see `RunRecord.parentRunId`). */
  parentRunId?: string;
  phases: Record<MainPhase, PhaseState>;
  /** The latest fine-grained progress (e.g. "trial 4" 20/35 examples) inside the active phase. */
  step?: { label: string; done: number; total: number };
  /** Highest `seq` folded in (-1 before any), to drop duplicates after a resume. */
  lastSeq: number;
}

/** One event with when it happened (ms since the epoch). */
export interface TimedEvent {
  event: RunEvent;
  at: number;
  seq?: number;
}

/** A run with nothing folded in yet; `init` sets its known fields. */
export function emptySnapshot(id: string, init: Partial<RunSnapshot> = {}): RunSnapshot {
  const phase = (): PhaseState => ({ status: 'pending', done: 0, total: 0 });
  return {
    id,
    status: 'running',
    replay: false,
    createdAt: Date.now(),
    events: [],
    story: [],
    trials: [],
    phases: { bootstrap: phase(), propose: phase(), search: phase(), evaluate: phase() },
    lastSeq: -1,
    ...init,
  };
}

/** Maps a phase name from either event source to one of the four shown phases. */
function mainPhase(name: string): MainPhase | undefined {
  if (name.startsWith('evaluate')) return 'evaluate';
  return (MAIN_PHASES as readonly string[]).includes(name) ? (name as MainPhase) : undefined;
}


/**
 * A stored (or bundled) run as a snapshot: its header, its events folded in order, and its
 * trials. The trial store wins over the trials folded from events when it holds more (a run's
 * trials are written even where its event log was trimmed).
 */
export function storedSnapshot(run: BundleRun, events: readonly TimedEvent[], trials: TrialRecord[]): RunSnapshot {
  const base = emptySnapshot(run.id, {
    status: run.status,
    createdAt: run.createdAt,
    config: run.config,
    ...(run.name !== undefined && { name: run.name }),
    ...(run.plan && { plan: run.plan }),
    ...(run.result && { result: run.result }),
    ...(run.error && { error: run.error }),
    ...(run.usage && { usage: run.usage }),
    // A run that did not finish keeps its last checkpoint's usage: the optimizer's own.
    ...(run.usage && run.status !== 'completed' && { optimizerUsage: { usage: run.usage, at: run.createdAt } }),
  });
  const folded = applyEvents(base, events);
  const best = trials.length >= folded.trials.length ? trials : folded.trials;
  return { ...folded, trials: best, ...(run.result && { usage: run.result.usage }) };
}

/**
 * Folds worker updates into a snapshot, in order. `now` stamps events for the ETA. Events
 * fold in runs between the other updates (a usage report after a phase's start must not
 * count as made before it).
 */
export function applyUpdates(snap: RunSnapshot, updates: readonly RunUpdate[], now: number): RunSnapshot {
  let timed: TimedEvent[] = [];
  let next = snap;
  for (const u of updates) {
    if (u.runId !== snap.id) continue;
    if (u.kind === 'event') {
      if (u.seq <= next.lastSeq) continue;
      timed.push({ event: u.event, at: now, seq: u.seq });
      next = { ...next, lastSeq: u.seq };
      continue;
    }
    if (timed.length) next = applyEvents(next, timed);
    timed = [];
    if (u.kind === 'status') {
      next = { ...next, status: u.status, ...(u.error ? { error: u.error } : u.status === 'running' ? { error: undefined } : {}) };
    } else if (u.kind === 'usage') {
      // Usage updates come from the optimizer's checkpoints (see the worker's run driver).
      next = { ...next, usage: u.usage, optimizerUsage: { usage: u.usage, at: now } };
    } else if (u.kind === 'result') {
      next = { ...next, result: summaryOf(u.result), usage: u.result.usage, plan: next.plan ?? u.result.plan };
    }
  }
  return timed.length ? applyEvents(next, timed) : next;
}

/** What folding events changes, besides the story. */
type Fold = Pick<RunSnapshot, 'phases' | 'trials' | 'plan' | 'step' | 'usage' | 'optimizerUsage' | 'paceFrom' | 'lastSeq'>;

/** Folds events (in order) into a snapshot (a replay folds a run's log frame by frame with it). */
export function applyEvents(snap: RunSnapshot, events: readonly TimedEvent[]): RunSnapshot {
  if (events.length === 0) return snap;
  const { phases, trials, plan, step, usage, optimizerUsage, paceFrom, lastSeq } = snap;
  const fold: Fold = { phases: { ...phases }, trials, plan, step, usage, optimizerUsage, paceFrom, lastSeq };
  for (const timed of events) foldEvent(fold, timed);
  return {
    ...snap,
    ...definedOnly(fold),
    // Per-example progress (most of a run's events) is folded into `phases` and `step` and
    // not kept here: copying a growing array of it every frame fed the garbage collector.
    // The full log is in IndexedDB.
    ...storyAndEvents(snap, events),
    step: fold.step,
  };
}

function foldEvent(fold: Fold, { event, at, seq }: TimedEvent): void {
  if (seq !== undefined && seq > fold.lastSeq) fold.lastSeq = seq;
  // A stored checkpoint keeps the usage it was taken with (live, it comes as a usage update).
  if (event.type === 'optimizer' && event.usage) fold.optimizerUsage = { usage: event.usage, at };
  const e = event.type === 'optimizer' ? event.event : event;
  switch (e.type) {
    case 'plan':
      fold.plan = e.plan;
      // The run starts (or resumes) here: a budget's pace is measured from now.
      fold.paceFrom = callsAt(fold, at);
      break;
    case 'usage':
      fold.usage = e.usage;
      fold.optimizerUsage = { usage: e.usage, at };
      break;
    case 'phase':
      foldPhase(fold, e, at);
      break;
    case 'progress': {
      const p = mainPhase(e.phase);
      if (p) touch(fold, p, { done: e.done, total: e.total, progressAt: at, ...(fold.phases[p].status === 'pending' && { status: 'active', startedAt: at }) });
      else fold.step = { label: e.phase, done: e.done, total: e.total };
      break;
    }
    case 'trial_end': {
      const trials = fold.trials;
      const i = trials.findIndex((t) => t.index === e.trial.index);
      fold.trials = i < 0 ? [...trials, e.trial].sort((a, b) => a.index - b.index) : trials.map((t, j) => (j === i ? e.trial : t));
      break;
    }
    default:
      break;
  }
}

function foldPhase(fold: Fold, e: { phase: string; status: 'start' | 'end'; detail?: string }, at: number): void {
  const p = mainPhase(e.phase);
  if (!p) return;
  if (e.status === 'end') {
    touch(fold, p, { status: 'done', endedAt: at });
    fold.step = undefined;
    return;
  }
  for (const q of MAIN_PHASES) if (q !== p && fold.phases[q].status === 'active') touch(fold, q, { status: 'done', endedAt: at });
  touch(fold, p, { status: 'active', ...(fold.phases[p].startedAt === undefined && { startedAt: at }), ...(e.detail !== undefined && { detail: e.detail }) });
  if (p === 'evaluate' && e.phase !== 'evaluate') touch(fold, p, { done: 0, total: 0, startedAt: at, progressAt: at, detail: e.phase });
  // The search spends most of a budget, at its own pace (bootstrapping runs one call at a time,
  // proposing makes no budget calls): from here on, the pace is the search's.
  if (p === 'search') fold.paceFrom = callsAt(fold, at);
}

function touch(fold: Fold, p: MainPhase, patch: Partial<PhaseState>): void {
  fold.phases[p] = { ...fold.phases[p], ...patch };
}

/** Budget calls used at `at`, as the optimizer last reported them. */
function callsAt(fold: Fold, at: number): CallsAt {
  return { at, used: fold.optimizerUsage ? budgetCallsUsed(fold.optimizerUsage.usage) : 0 };
}

/** The fold without its absent fields (a snapshot's optional fields are left out, never `undefined`). */
function definedOnly(fold: Fold): Partial<Fold> {
  return Object.fromEntries(Object.entries(fold).filter(([, v]) => v !== undefined)) as Partial<Fold>;
}

function storyAndEvents(snap: RunSnapshot, events: readonly TimedEvent[]): Pick<RunSnapshot, 'story' | 'events'> {
  const story = storyOf(snap.story, events);
  return { story, events: story };
}

/**
 * Seconds left in the active phase, from its pace so far; undefined until there is a pace.
 * (A whole-run ETA from the plan would mislead: the cache answers repeated calls instantly.)
 */
export function phaseEta(phase: PhaseState, now: number): number | undefined {
  if (phase.status !== 'active' || phase.startedAt === undefined || phase.done <= 0 || phase.total <= phase.done) return undefined;
  const elapsed = (phase.progressAt ?? now) - phase.startedAt;
  if (elapsed <= 0) return undefined;
  return Math.round(((elapsed / phase.done) * (phase.total - phase.done)) / 1000);
}

/** What a budget's view is computed from: the optimizer is over once the search ended or the final scoring began. */
export function budgetSource(snap: RunSnapshot): BudgetSource {
  const over = !!snap.result || snap.phases.search.status === 'done' || snap.phases.evaluate.status !== 'pending';
  return {
    running: snap.status === 'running',
    over,
    ...(snap.plan && { plan: snap.plan }),
    ...(snap.optimizerUsage && { optimizerUsage: snap.optimizerUsage }),
    ...(snap.paceFrom && { paceFrom: snap.paceFrom }),
  };
}

/** The active phase (or the last started one). */
export function activePhase(snap: RunSnapshot): MainPhase | undefined {
  const active = MAIN_PHASES.find((p) => snap.phases[p].status === 'active');
  if (active) return active;
  return [...MAIN_PHASES].reverse().find((p) => snap.phases[p].status === 'done');
}

function storyOf(story: RunEvent[], events: readonly TimedEvent[]): RunEvent[] {
  const added = events.map((t) => t.event).filter((e) => (e.type === 'optimizer' ? e.event.type !== 'progress' && e.event.type !== 'usage' : e.type !== 'progress'));
  return added.length ? story.concat(added) : story;
}
