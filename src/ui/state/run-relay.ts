/**
 * The relay between tabs. Web Locks let one tab drive a run; that tab sends the run's updates
 * on a BroadcastChannel, and another tab that shows the run applies them, so it watches the run
 * live (read-only) instead of a stale copy from IndexedDB.
 *
 * A watching tab can miss updates: those sent before it opened the run that its read of
 * IndexedDB did not hold yet (the worker writes the event log in batches). A `seq` gap says
 * so; the tab then reads the stored run once, after the writer has flushed, and folds what was
 * relayed meanwhile on top.
 */
import type { RunUpdate } from '../../protocol/optimizer';
import type { OpenRun } from './open-run.svelte';
import { broadcastChannel, browserTimers, type ChannelFactory, type TabChannel, type Timers } from './ports';

/** The channel's name (every tab of the origin uses the same). */
const RELAY_CHANNEL = 'promptlab-run-updates';
/** How long a watching tab waits for the driving tab's writer before reading a gap back. */
export const CATCH_UP_DELAY_MS = 400;
/** How long it waits after the run ended elsewhere before reading the finished run. */
export const END_DELAY_MS = 300;
/** Reads of one gap, at most (the writer flushes within a second or two). */
const MAX_CATCH_UP_READS = 5;

/** What the relay depends on (all default to the browser's). */
export interface RunRelayDeps {
  /** Opens the channel (default: a `BroadcastChannel`; none where the browser has none). */
  channel?: ChannelFactory;
  timers?: Pick<Timers, 'setTimeout'>;
  /** A watched run ended in its own tab and was read back (the runs list reloads). */
  onEnded?: (runId: string) => Promise<unknown> | void;
}

/** Sends the updates of runs this tab drives to other tabs, and applies theirs to the run it watches. */
export class RunRelay {
  private readonly channel: TabChannel<RunUpdate> | undefined;
  private readonly timers: Pick<Timers, 'setTimeout'>;
  /** The gap being caught up: its run and every update relayed since the gap. */
  private catching: { runId: string; since: RunUpdate[] } | undefined;

  constructor(private readonly run: OpenRun, private readonly deps: RunRelayDeps = {}) {
    this.timers = deps.timers ?? browserTimers;
    this.channel = (deps.channel ?? broadcastChannel)<RunUpdate>(RELAY_CHANNEL);
    this.channel?.addEventListener('message', (e) => this.receive(e.data));
  }

  /** Sends an update of a run this tab drives to the other tabs. */
  send(update: RunUpdate): void {
    this.channel?.postMessage(update);
  }

  /** An update relayed by the tab driving a run: applied when this tab shows that run and does not drive it. */
  receive(update: RunUpdate): void {
    const open = this.run.current;
    if (open?.id !== update.runId || this.run.drivenHere(update.runId)) return;
    if (this.catching?.runId === update.runId) this.catching.since.push(update);
    else if (update.kind === 'event' && update.seq > this.run.highestSeq() + 1) this.catchUp(update);
    this.run.watch(update);
    // The run ended in its own tab: read the whole stored run (events this tab missed included).
    if (update.kind === 'status' && update.status !== 'running') {
      this.timers.setTimeout(() => void this.readEnded(update.runId), END_DELAY_MS);
    }
  }

  /** Stops listening (the page is going away). */
  close(): void {
    this.channel?.close();
  }

  private catchUp(first: RunUpdate): void {
    const gap = { runId: first.runId, since: [first] };
    this.catching = gap;
    const read = async (reads: number): Promise<void> => {
      const out = await this.run.reload(gap.runId, gap.since);
      if (this.catching !== gap) return;
      // Still short of the gap (the writer is behind): read again later, a few times at most.
      if (out.ok && !out.value.covered && reads < MAX_CATCH_UP_READS) this.timers.setTimeout(() => void read(reads + 1), CATCH_UP_DELAY_MS);
      else this.catching = undefined;
    };
    this.timers.setTimeout(() => void read(1), CATCH_UP_DELAY_MS);
  }

  private async readEnded(runId: string): Promise<void> {
    await this.run.reload(runId);
    await this.deps.onEnded?.(runId);
  }
}
