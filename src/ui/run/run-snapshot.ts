/**
 * A run as the UI holds it: plain data folded from the worker's update stream (live) or from
 * the stored event log (reopened, replayed). The fold is pure and returns new arrays only for
 * the parts that changed, so Svelte's `$state.raw` fields can be replaced once per frame.
 */
import type { ErrorData } from '../../core/errors';
import type { UsageSnapshot } from '../../core/lm';
import type { Plan, TrialRecord } from '../../core/optimize';
import { summaryOf, type RunConfig, type RunEvent, type RunSummary, type RunStatus } from '../../core/runner';
import type { RunUpdate } from '../../protocol/optimizer';
import type { BundleRun } from '../bundle';

/** The four phases the run view shows (the runner's "evaluate val/test" count as evaluate). */
/** The phases the run view shows, in order. */
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
  result?: RunSummary;
  error?: ErrorData;
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
  });
  const folded = applyEvents(base, events);
  const best = trials.length >= folded.trials.length ? trials : folded.trials;
  return { ...folded, trials: best, ...(run.result && { usage: run.result.usage }) };
}

/** Folds worker updates into a snapshot. `now` stamps events for the ETA. */
export function applyUpdates(snap: RunSnapshot, updates: readonly RunUpdate[], now: number): RunSnapshot {
  const timed: TimedEvent[] = [];
  let next = snap;
  for (const u of updates) {
    if (u.runId !== snap.id) continue;
    if (u.kind === 'event') {
      if (u.seq <= next.lastSeq) continue;
      timed.push({ event: u.event, at: now, seq: u.seq });
      next = { ...next, lastSeq: u.seq };
    } else if (u.kind === 'status') {
      next = { ...next, status: u.status, ...(u.error ? { error: u.error } : u.status === 'running' ? { error: undefined } : {}) };
    } else if (u.kind === 'usage') {
      next = { ...next, usage: u.usage };
    } else if (u.kind === 'result') {
      next = { ...next, result: summaryOf(u.result), usage: u.result.usage, plan: next.plan ?? u.result.plan };
    }
  }
  return timed.length ? applyEvents(next, timed) : next;
}

/** Folds events (in order) into a snapshot. */
function applyEvents(snap: RunSnapshot, events: readonly TimedEvent[]): RunSnapshot {
  if (events.length === 0) return snap;
  const phases = { ...snap.phases };
  let trials = snap.trials;
  let plan = snap.plan;
  let step = snap.step;
  let usage = snap.usage;
  let lastSeq = snap.lastSeq;
  const touch = (p: MainPhase, patch: Partial<PhaseState>): void => {
    phases[p] = { ...phases[p], ...patch };
  };
  for (const { event, at, seq } of events) {
    if (seq !== undefined && seq > lastSeq) lastSeq = seq;
    const e = event.type === 'optimizer' ? event.event : event;
    switch (e.type) {
      case 'plan':
        plan = e.plan;
        break;
      case 'usage':
        usage = e.usage;
        break;
      case 'phase': {
        const p = mainPhase(e.phase);
        if (!p) break;
        if (e.status === 'start') {
          for (const q of MAIN_PHASES) if (q !== p && phases[q].status === 'active') touch(q, { status: 'done', endedAt: at });
          touch(p, { status: 'active', ...(phases[p].startedAt === undefined && { startedAt: at }), ...(e.detail !== undefined && { detail: e.detail }) });
          if (p === 'evaluate' && e.phase !== 'evaluate') touch(p, { done: 0, total: 0, startedAt: at, progressAt: at, detail: e.phase });
        } else {
          touch(p, { status: 'done', endedAt: at });
          step = undefined;
        }
        break;
      }
      case 'progress': {
        const p = mainPhase(e.phase);
        if (p) touch(p, { done: e.done, total: e.total, progressAt: at, ...(phases[p].status === 'pending' && { status: 'active', startedAt: at }) });
        else step = { label: e.phase, done: e.done, total: e.total };
        break;
      }
      case 'trial_end': {
        const i = trials.findIndex((t) => t.index === e.trial.index);
        trials = i < 0 ? [...trials, e.trial].sort((a, b) => a.index - b.index) : trials.map((t, j) => (j === i ? e.trial : t));
        break;
      }
      default:
        break;
    }
  }
  return {
    ...snap,
    phases,
    trials,
    lastSeq,
    // Per-example progress (most of a run's events) is folded into `phases` and `step` and
    // not kept here: copying a growing array of it every frame fed the garbage collector.
    // The full log is in IndexedDB.
    ...storyAndEvents(snap, events),
    ...(plan && { plan }),
    ...(usage && { usage }),
    step,
  };
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
