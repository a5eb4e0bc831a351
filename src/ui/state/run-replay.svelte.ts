/**
 * Replay of a finished run (stored, or opened from a bundle): its event log folded frame by
 * frame into snapshots, so the chart, the proposals and teaching mode's TPE view change as they
 * did live. Play, pause, step and seek; 1×, 4× or 16×.
 *
 * The pace is set per event, not by the recorded clock: a run spends minutes waiting on a model
 * (and a bundle keeps no times), while a class wants to see the shape of the run. At 1× a
 * proposal or a phase holds for over a second, a trial for about one, a bootstrap decision for a
 * fifth; events that change nothing on screen (progress, usage, checkpoints) fold into the next
 * frame. A 16-trial run (79 frames) takes 46 s at 1×, 11 s at 4×, 3 s at 16×.
 */
import type { TrialRecord } from '../../core/optimize';
import type { RunEvent } from '../../core/runner';
import type { BundleRun } from '../bundle';
import { applyEvents, storedSnapshot, type RunSnapshot, type TimedEvent } from '../run/run-snapshot';
import type { Outcome } from './outcome';
import type { Timers } from './ports';
import type { ErrorData } from '../../core/errors';

/** What a replay is made of: the run's record, its whole event log in order, its trials. */
export interface Timeline {
  run: BundleRun;
  events: TimedEvent[];
  trials: TrialRecord[];
}

export const REPLAY_SPEEDS = [1, 4, 16] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/** How long a frame ending with `event` stays on screen at 1× (ms); 0: no frame of its own. */
function beatOf(event: RunEvent): number {
  if (event.type === 'phase') return 1500;
  if (event.type === 'score') return 800;
  if (event.type !== 'optimizer') return 0;
  switch (event.event.type) {
    case 'phase':
    case 'dataset_summary':
      return 1500;
    case 'instruction_proposed':
    // OPRO announces what the proposer saw right after its instruction: one frame for both.
    case 'history_proposal':
      return 1200;
    case 'demo_set':
      return 500;
    case 'demo_bootstrapped':
    case 'bootstrap_rejected':
      return 200;
    case 'trial_start':
      return 400;
    case 'trial_end':
      return 700;
    case 'new_best':
      return 600;
    default:
      return 0;
  }
}

/**
 * OPRO's proposals (one, or one per predictor at program level) are followed by what their
 * proposer saw: their frame waits for it, so a proposal never shows without its history.
 */
function detailFollows(events: readonly TimedEvent[], i: number): boolean {
  const kind = (j: number) => {
    const e = events[j]?.event;
    return e?.type === 'optimizer' ? e.event.type : undefined;
  };
  if (kind(i) !== 'instruction_proposed') return false;
  let j = i + 1;
  while (kind(j) === 'instruction_proposed') j++;
  return kind(j) === 'history_proposal';
}

/** A replay of one run. `frame` is the snapshot shown while it is active. */
export class RunReplay {
  /** The frame shown; `undefined` when no replay is active (the run is shown as it is). */
  frame = $state.raw<RunSnapshot | undefined>(undefined);
  playing = $state(false);
  speed = $state<ReplaySpeed>(4);
  /** Frames shown so far, 0 (nothing yet) to `total` (the whole run). */
  position = $state(0);
  total = $state(0);
  loading = $state(false);
  error = $state.raw<ErrorData | undefined>(undefined);
  /** The run the replay is of. */
  runId = $state<string | undefined>(undefined);

  private timeline: Timeline | undefined;
  /** Per frame, the index of the event it ends with. */
  private stops: number[] = [];
  private base: RunSnapshot | undefined;
  /** Bumped to cancel the pending tick (Timers has no clearTimeout). */
  private generation = 0;

  constructor(private readonly deps: { load: () => Promise<Outcome<Timeline>>; timers: Pick<Timers, 'setTimeout'> }) {}

  /** A replay is shown. */
  get active(): boolean {
    return this.frame !== undefined;
  }

  /** Loads the open run's log and plays it from the start. */
  async start(): Promise<void> {
    this.stop();
    this.loading = true;
    const loaded = await this.deps.load();
    this.loading = false;
    if (!loaded.ok) {
      this.error = loaded.error;
      return;
    }
    this.error = undefined;
    const t = loaded.value;
    this.timeline = t;
    this.runId = t.run.id;
    this.stops = t.events.flatMap((e, i) => (beatOf(e.event) > 0 && !detailFollows(t.events, i) ? [i] : []));
    this.total = this.stops.length + 1;
    // Before the first event: the run as it started (no result, no error, no usage yet).
    const { result: _r, error: _e, usage: _u, ...header } = t.run;
    this.base = { ...storedSnapshot({ ...header, status: 'running' }, [], []), replay: true };
    this.frame = this.base;
    this.position = 0;
    this.play();
  }

  /** Plays from here (from the start when at the end). */
  play(): void {
    if (!this.timeline) return;
    if (this.position >= this.total) this.seek(0);
    this.playing = true;
    this.schedule();
  }

  pause(): void {
    this.playing = false;
    this.generation++;
  }

  /** One frame forward (pauses). */
  step(): void {
    this.pause();
    this.seek(this.position + 1);
  }

  setSpeed(speed: ReplaySpeed): void {
    this.speed = speed;
    if (this.playing) this.schedule();
  }

  /** Shows frame `n` (clamped to 0…total). */
  seek(n: number): void {
    const t = this.timeline;
    if (!t || !this.base) return;
    const to = Math.max(0, Math.min(this.total, Math.round(n)));
    if (to === this.total) {
      this.frame = { ...storedSnapshot(t.run, t.events, t.trials), replay: true };
    } else {
      // Forward from the frame shown, or again from the start.
      const from = to >= this.position && this.position < this.total && this.frame ? this.position : 0;
      const start = from === 0 ? 0 : this.stops[from - 1]! + 1;
      const end = to === 0 ? 0 : this.stops[to - 1]! + 1;
      this.frame = applyEvents(from === 0 ? this.base : this.frame!, t.events.slice(start, end));
    }
    this.position = to;
    if (to >= this.total) this.pause();
  }

  /** Ends the replay: the run is shown as it is. */
  stop(): void {
    this.pause();
    this.frame = undefined;
    this.timeline = undefined;
    this.base = undefined;
    this.runId = undefined;
    this.position = 0;
    this.total = 0;
  }

  private schedule(): void {
    const generation = ++this.generation;
    const t = this.timeline;
    if (!t || this.position >= this.total) return;
    const last = this.position === 0 ? undefined : t.events[this.stops[this.position - 1]!];
    const wait = (last ? beatOf(last.event) : 300) / this.speed;
    this.deps.timers.setTimeout(() => {
      if (generation !== this.generation || !this.playing) return;
      this.seek(this.position + 1);
      if (this.playing) this.schedule();
    }, wait);
  }
}
