/**
 * What the runs state needs from the page, as narrow interfaces passed to constructors: the
 * optimizer worker's client, the frame scheduler, timers and the clock, and the tab-to-tab
 * channel. The defaults below are the browser's; tests pass fakes and need no browser.
 */
import type { RunResult } from '../../core/runner';
import type { CancelOptions, LocalModelBridge, RunUpdate, StartRunRequest } from '../../protocol/optimizer';

/** The part of `RunClient` the runs state uses. */
export interface RunControlClient {
  /** Starts or resumes a run; resolves with its result, rejects with a typed error (`ABORTED` when paused or cancelled). */
  start(request: StartRunRequest, onUpdate: (u: RunUpdate) => void, localModel?: LocalModelBridge): Promise<RunResult>;
  pause(runId: string): Promise<void>;
  cancel(runId: string, opts?: CancelOptions): Promise<void>;
  /** Runs this tab drives right now. */
  activeRuns(): string[];
}

/** Calls `flush` once, later (the browser's: at the next animation frame). */
export type Scheduler = (flush: () => void) => void;

/** Timers and the wall clock. */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** One end of a channel between the tabs of this origin (a `BroadcastChannel`). */
export interface TabChannel<T> {
  postMessage(message: T): void;
  addEventListener(type: 'message', listener: (e: { data: T }) => void): void;
  close(): void;
}

/** Opens the channel `name`; `undefined` where tabs cannot talk (no BroadcastChannel). */
export type ChannelFactory = <T>(name: string) => TabChannel<T> | undefined;

/** The next animation frame (a 16 ms timeout where there are no frames, e.g. a hidden iframe or Node). */
export const frameScheduler: Scheduler = (flush) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => flush());
  else setTimeout(flush, 16);
};

/** The global timers and `Date.now`. */
export const browserTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

/** A `BroadcastChannel` where the browser has one. */
export const broadcastChannel: ChannelFactory = <T>(name: string) =>
  typeof BroadcastChannel === 'function' ? (new BroadcastChannel(name) as unknown as TabChannel<T>) : undefined;
