/**
 * The runs side of the app, assembled from one-job pieces: the stored runs list, the open run
 * (with its per-frame fold), the relay between tabs, the open run's files (traces, bundles),
 * its view models and the wall clock. Views receive the piece they use. This module and the
 * pieces load in their own chunk, when the app first needs runs.
 */
import type { LMRole } from '../../core/lm';
import type { ModelConfig, RunConfig } from '../../core/runner';
import type { RunRecord } from '../../storage/schema';
import type { LocalModelBridge } from '../../protocol/optimizer';
import { OpenRun } from './open-run.svelte';
import type { RunSnapshot } from '../run/run-snapshot';
import { browserTimers, type ChannelFactory, type RunControlClient, type Scheduler, type Timers } from './ports';
import { RunArchive } from './run-archive';
import { RunComparison } from './run-comparison.svelte';
import { RunRelay } from './run-relay';
import { RunReplay } from './run-replay.svelte';
import { idbRunStorage, type RunStorage } from './run-storage';
import { RunViews } from './run-views.svelte';
import { StoredRuns } from './stored-runs.svelte';
import { WallClock } from './wall-clock.svelte';

/** Everything the runs state depends on; all but `client` default to the browser's. */
export interface RunsDeps {
  client: RunControlClient;
  /** Default: PromptLab's IndexedDB database. */
  storage?: RunStorage;
  /** Default: the next animation frame. */
  schedule?: Scheduler;
  /** Default: the global timers and `Date.now`. */
  timers?: Timers;
  /** Default: a `BroadcastChannel`. */
  channel?: ChannelFactory;
  tabId?: string;
  newId?: () => string;
  localModel?: (config: RunConfig) => Promise<LocalModelBridge | undefined> | LocalModelBridge | undefined;
  restoreConfig?: (run: RunRecord) => Promise<RunConfig | undefined> | RunConfig | undefined;
  setupModels?: () => Partial<Record<LMRole, ModelConfig>>;
}

/** The runs side of the app: its pieces, wired together. */
export class RunsState {
  /** The stored runs list. */
  readonly stored: StoredRuns;
  /** The open run and its controls. */
  readonly open: OpenRun;
  /** The open run's view models (run view and teaching mode). */
  readonly views: RunViews;
  /** The open run's traces, bundle export, and bundle import. */
  readonly archive: RunArchive;
  /** Ticks while this tab drives a run (the ETA). */
  readonly clock: WallClock;
  /** Two stored runs side by side. */
  readonly comparison: RunComparison;
  /** A replay of the open (finished) run. */
  readonly replay: RunReplay;
  private readonly relay: RunRelay;

  constructor(deps: RunsDeps) {
    const storage = deps.storage ?? idbRunStorage();
    const timers = deps.timers ?? browserTimers;
    this.clock = new WallClock(timers);
    this.stored = new StoredRuns({ storage, client: deps.client, onDeleted: (id) => {
        if (this.open.current?.id === id) this.open.close();
      },
    });
    this.open = new OpenRun({
      client: deps.client,
      storage,
      timers,
      clock: this.clock,
      ...(deps.schedule && { schedule: deps.schedule }),
      ...(deps.tabId !== undefined && { tabId: deps.tabId }),
      ...(deps.newId && { newId: deps.newId }),
      ...(deps.localModel && { localModel: deps.localModel }),
      ...(deps.restoreConfig && { restoreConfig: deps.restoreConfig }),
      ...(deps.setupModels && { setupModels: deps.setupModels }),
      onUpdate: (u) => this.relay.send(u),
      onStatus: (id, status) => this.stored.setStatus(id, status),
      onSettled: () => this.stored.refresh(),
    });
    this.relay = new RunRelay(this.open, { timers, ...(deps.channel && { channel: deps.channel }), onEnded: () => this.stored.refresh() });
    this.views = new RunViews({ current: () => this.shown }, this.clock);
    this.archive = new RunArchive(this.open, storage);
    this.comparison = new RunComparison(storage);
    this.replay = new RunReplay({ load: () => this.archive.timeline(), timers });
  }

  /** The run as the run view and teaching mode show it: the open run, or a replay's frame of it. */
  get shown(): RunSnapshot | undefined {
    const run = this.open.current;
    const frame = this.replay.frame;
    return frame && run && frame.id === run.id ? frame : run;
  }

  /** Stops the clock and the relay (the page is going away). */
  dispose(): void {
    this.clock.stop();
    this.relay.close();
  }
}
