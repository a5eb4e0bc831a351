/**
 * Fakes for the UI state classes' constructor dependencies: a fake-indexeddb storage, the
 * optimizer worker's client, a frame scheduler and timers driven by hand, and a tab channel.
 * With them the state classes run in Node, step by step.
 */
import 'fake-indexeddb/auto';
import { PlaygroundError, type ErrorData } from '../../../src/core/errors';
import type { TrialRecord } from '../../../src/core/optimize/types';
import type { RunConfig, RunEvent, RunResult, RunStatus } from '../../../src/core/runner';
import { EventLog, RunStore, TrialStore, eventRow, openPromptLabDB, type PromptLabDB } from '../../../src/storage';
import type { ChannelFactory, RunControlClient, Scheduler, TabChannel, Timers } from '../../../src/ui/state/ports';
import { idbRunStorage, type RunStorage } from '../../../src/ui/state/run-storage';
import type { CancelOptions, RunUpdate, StartRunRequest } from '../../../src/protocol/optimizer';

let counter = 0;

/** A new, empty PromptLab database and the runs UI's storage over it. */
export async function freshStorage(): Promise<{ db: PromptLabDB; storage: RunStorage }> {
  const db = await openPromptLabDB(`ui-state-${process.pid}-${counter++}`);
  return { db, storage: idbRunStorage(() => Promise.resolve(db)) };
}

/** Counts the calls of each storage method (to assert how often IndexedDB is read). */
export function counted(storage: RunStorage): { storage: RunStorage; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const wrapped = Object.fromEntries(
    Object.entries(storage).map(([name, fn]) => [
      name,
      (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as RunStorage;
  return { storage: wrapped, calls };
}

/** A redacted config (no keys), as runs are stored. */
export const CONFIG: RunConfig = {
  program: { template: 'predict', signature: 'question -> answer' },
  data: { text: 'question,answer\nq,a', format: 'csv', split: { train: 0.5, val: 0.5 } },
  metric: { kind: 'exact_match', field: 'answer' },
  optimizer: { kind: 'mipro_v2', auto: 'light' },
  models: { task: { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model: 'm' } },
  seed: 1,
};

/** A trial record. */
export function trial(index: number, kind: TrialRecord['kind'], score: number): TrialRecord {
  return { index, kind, params: { 'generate.instruction': index % 3, 'generate.demos': index % 2 }, score, n: kind === 'minibatch' ? 35 : 100, calls: { sent: 4, cacheHits: 1 }, errors: 0, durationMs: 3 };
}

/**
 * The events a small MIPROv2 search emits, `seq` 0.., as the worker numbers them: the default
 * program's full evaluation (a new best), minibatch trials with progress, and a full
 * evaluation that beats the default (another new best).
 */
export function searchEvents(trials = 6): RunEvent[] {
  const opt = (event: Extract<RunEvent, { type: 'optimizer' }>['event']): RunEvent => ({ type: 'optimizer', event });
  const out: RunEvent[] = [opt({ type: 'phase', phase: 'search', status: 'start' })];
  for (let i = 0; i < trials; i++) {
    const t = i === 0 ? trial(0, 'default', 0.4) : i % 3 === 0 ? trial(i, 'full', 0.4 + i / 20) : trial(i, 'minibatch', 0.3 + i / 10);
    out.push(opt({ type: 'trial_start', trial: i, kind: t.kind, params: t.params }), opt({ type: 'trial_end', trial: t }));
    if (t.kind !== 'minibatch') out.push(opt({ type: 'new_best', trial: i, score: t.score, params: t.params }));
    out.push(opt({ type: 'progress', phase: 'search', done: i, total: trials }));
  }
  return out;
}

/** Stores a run with `events` (numbered from 0) and the trials they end. */
export async function storeRun(db: PromptLabDB, id: string, events: readonly RunEvent[], opts: { status?: RunStatus; ownerTab?: string; createdAt?: number } = {}): Promise<void> {
  await new RunStore(db, () => opts.createdAt ?? 1_000).create({ id, name: id, config: CONFIG, status: opts.status ?? 'running', ...(opts.ownerTab && { ownerTab: opts.ownerTab }) });
  await appendEvents(db, id, events, 0);
}

/** Appends events from `fromSeq` on, with the trials they end, as the worker's writer does. */
export async function appendEvents(db: PromptLabDB, id: string, events: readonly RunEvent[], fromSeq: number): Promise<void> {
  if (events.length === 0) return;
  await new EventLog(db).append(...events.map((e, i) => eventRow(id, fromSeq + i, e, 2_000 + fromSeq + i)));
  const trials = events.flatMap((e) => (e.type === 'optimizer' && e.event.type === 'trial_end' ? [e.event.trial] : []));
  if (trials.length) await new TrialStore(db).put(id, ...trials);
}

/** Worker updates for `events`, numbered from `fromSeq`. */
export function updates(runId: string, events: readonly RunEvent[], fromSeq = 0): RunUpdate[] {
  return events.map((event, i) => ({ kind: 'event', runId, seq: fromSeq + i, event }));
}

const USAGE = { calls: 3, attempts: 3, cacheHits: 0, failures: 0, parseFailures: 0, promptTokens: 30, completionTokens: 9 };

/** A run result (only what the state reads of it is meaningful). */
export function result(config: RunConfig = CONFIG): RunResult {
  const split = { mean: 0.8, ci95: { lo: 0.7, hi: 0.9 }, n: 10, errors: 0 };
  return {
    version: 1,
    scores: { val: 0.8, test: 0.8 },
    details: { val: split, test: split, baselineTest: { ...split, mean: 0.5 } },
    usage: { task: USAGE, teacher: USAGE, proposer: USAGE, judge: USAGE },
    program: { spec: { version: 1, inputs: [], steps: [], outputs: {} }, state: {} },
    trials: [],
    data: { rows: 2, dropped: [], train: 1, val: 1, test: 0 },
    timings: { totalMs: 1, dataMs: 0, optimizeMs: 1, evaluateMs: 0 },
    config,
  };
}

/** The optimizer worker's client, driven by the test: it emits updates and ends runs on demand. */
export class FakeClient implements RunControlClient {
  readonly started: StartRunRequest[] = [];
  readonly calls: string[] = [];
  private readonly runs = new Map<string, { onUpdate: (u: RunUpdate) => void; resolve: (r: RunResult) => void; reject: (e: unknown) => void }>();

  start(request: StartRunRequest, onUpdate: (u: RunUpdate) => void): Promise<RunResult> {
    this.started.push(request);
    return new Promise((resolve, reject) => this.runs.set(request.runId, { onUpdate, resolve, reject }));
  }

  async pause(runId: string): Promise<void> {
    this.calls.push(`pause ${runId}`);
    this.end(runId, new PlaygroundError('ABORTED', 'paused'));
  }

  /** The options of each cancel, in order. */
  readonly cancelOptions: (CancelOptions | undefined)[] = [];

  async cancel(runId: string, opts?: CancelOptions): Promise<void> {
    this.calls.push(`cancel ${runId}`);
    this.cancelOptions.push(opts);
    this.end(runId, new PlaygroundError('ABORTED', 'cancelled'));
  }

  activeRuns(): string[] {
    return [...this.runs.keys()];
  }

  /** Sends updates of a running run, as the worker does. */
  emit(runId: string, ...us: RunUpdate[]): void {
    for (const u of us) this.runs.get(runId)!.onUpdate(u);
  }

  /** Ends a run with its result, or with an error. */
  end(runId: string, outcome: RunResult | PlaygroundError | ErrorData): void {
    const run = this.runs.get(runId);
    if (!run) return;
    this.runs.delete(runId);
    if (outcome instanceof PlaygroundError) run.reject(outcome);
    else if ('code' in outcome) run.reject(new PlaygroundError(outcome.code, outcome.message));
    else run.resolve(outcome);
  }
}

/** A frame scheduler run by hand: `frame()` runs what was scheduled. */
export class ManualFrames {
  private queued: (() => void)[] = [];
  /** How many frames were asked for. */
  requested = 0;
  readonly schedule: Scheduler = (flush) => {
    this.requested++;
    this.queued.push(flush);
  };

  frame(): void {
    const run = this.queued;
    this.queued = [];
    for (const f of run) f();
  }
}

/** Timers and a clock advanced by hand. */
export class ManualTimers implements Timers {
  private t = 10_000;
  private next = 1;
  private readonly timeouts = new Map<number, { at: number; fn: () => void }>();
  private readonly intervals = new Map<number, { every: number; fn: () => void; at: number }>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = this.next++;
    this.timeouts.set(id, { at: this.t + ms, fn });
    return id;
  }

  setInterval(fn: () => void, ms: number): number {
    const id = this.next++;
    this.intervals.set(id, { every: ms, fn, at: this.t + ms });
    return id;
  }

  clearInterval(handle: unknown): void {
    this.intervals.delete(handle as number);
  }

  /** Timers pending (timeouts and intervals). */
  get pending(): number {
    return this.timeouts.size + this.intervals.size;
  }

  /** Moves the clock on by `ms`, running what falls due, in time order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timeouts].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timeouts.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
    }
    for (const iv of this.intervals.values()) {
      while (iv.at <= end) {
        this.t = iv.at;
        iv.fn();
        iv.at += iv.every;
      }
    }
    this.t = end;
  }
}

/** Tab channels on one in-memory bus: what one tab posts, every other tab's end receives. */
export function tabBus(): { factory: ChannelFactory; posted: unknown[] } {
  const ends = new Set<{ deliver: (m: unknown) => void }>();
  const posted: unknown[] = [];
  const factory: ChannelFactory = <T>() => {
    const listeners: ((e: { data: T }) => void)[] = [];
    const end = { deliver: (m: unknown) => listeners.forEach((l) => l({ data: m as T })) };
    ends.add(end);
    const channel: TabChannel<T> = {
      postMessage(message) {
        posted.push(message);
        for (const other of ends) if (other !== end) other.deliver(structuredClone(message));
      },
      addEventListener(_type, listener) {
        listeners.push(listener);
      },
      close() {
        ends.delete(end);
      },
    };
    return channel;
  };
  return { factory, posted };
}

/** Lets pending promise callbacks (fake-indexeddb reads included) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}
