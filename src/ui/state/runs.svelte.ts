/**
 * The runs the user has: the stored list (IndexedDB) and the open run, live or reopened or
 * replayed from a bundle. A live run's updates arrive from the optimizer worker far faster
 * than the screen refreshes, so they queue and fold into `current` at most once per animation
 * frame (one replacement of `$state.raw` data, no long tasks on the main thread).
 *
 * API keys live only in memory here (`lastConfig`); after a reload they are gone, and resuming
 * asks the app for the full config through `restoreConfig` (or takes it as `resume(config)`).
 */
import { PlaygroundError, type ErrorData } from '../../core/errors';
import { redactConfig, type RunConfig } from '../../core/runner';
import type { RunClient } from '../../runtime/run-client';
import { EventLog, RunStore, TraceStore, TrialStore, newId, openPromptLabDB } from '../../storage';
import type { PromptLabDB, RunRecord, RunStatus } from '../../storage/schema';
import type { LocalModelBridge, RunUpdate } from '../../workers/protocol';
import { createBundle, toRunEvent, type BundleTrace, type RunBundle } from '../bundle';
import { activePhase, applyEvents, applyUpdates, emptySnapshot, phaseEta, type RunSnapshot } from '../run/run-snapshot';
import { bestFull, datasetSummary, demoSets, proposals, resultDiff, trialRows, usageRows } from '../run/view-models';
import { bootstrapRows, minibatchClouds, tpeSteps } from '../teach/teach-model';

export interface RunsOptions {
  /** Opens the database (tests pass their own; default `openPromptLabDB()`). */
  openDB?: () => Promise<PromptLabDB>;
  /**
   * The full config (pasted data, API keys) of a stored run whose keys are no longer in
   * memory (after a reload), rebuilt by the app from its workspace. `undefined`: cannot resume.
   */
  restoreConfig?: (run: RunRecord) => Promise<RunConfig | undefined> | RunConfig | undefined;
  /** The page's bridge to the local model worker, for configs using `provider: 'webllm'`. */
  localModel?: (config: RunConfig) => Promise<LocalModelBridge | undefined> | LocalModelBridge | undefined;
  /** This tab's id: it holds the tab's Web Lock, and the runs it drives are marked with it. */
  tabId?: string;
  /** Schedules a fold of queued updates (default: the next animation frame). */
  schedule?: (flush: () => void) => void;
}

/** A stored run as the runs list shows it. */
export interface RunListItem {
  id: string;
  name: string;
  status: RunStatus;
  createdAt: number;
  optimizer: string;
  val?: number;
  test?: number;
  baselineTest?: number;
}

/** Trace filter: one trial, calls outside trials (bootstrap, proposals, final evaluation), or all. */
export type TraceFilter = { trial?: number | 'none' };

export class RunsState {
  /** Stored runs, newest first. */
  list = $state.raw<RunListItem[]>([]);
  /** The open run. */
  current = $state.raw<RunSnapshot | undefined>(undefined);
  /** The last storage or control error (not the run's own error, which is `current.error`). */
  error = $state.raw<ErrorData | undefined>(undefined);
  /** Wall clock, ticking once a second while a run is live (drives the ETA). */
  now = $state(Date.now());
  /** The open run is driven by another tab: this one shows it live, read-only. */
  watching = $state(false);

  // Memoized on the identity of their input, so a progress tick (new `current`, same
  // `story` and `trials`) returns the same arrays and the lists below do not re-render.
  private readonly memo = {
    trialRows: memo(trialRows),
    best: memo(bestFull),
    proposals: memo(proposals),
    demoSets: memo(demoSets),
    datasetSummary: memo(datasetSummary),
    bootstrapRows: memo(bootstrapRows),
    clouds: memo(minibatchClouds),
    tpe: memo2(tpeSteps),
    diff: memo((r: NonNullable<RunSnapshot['result']>) => resultDiff(r)),
  };
  readonly trialRows = $derived(this.memo.trialRows(this.current?.trials ?? NO_TRIALS));
  readonly best = $derived(this.memo.best(this.current?.trials ?? NO_TRIALS));
  readonly proposals = $derived(this.memo.proposals(this.current?.story ?? NO_EVENTS));
  readonly demoSets = $derived(this.memo.demoSets(this.current?.story ?? NO_EVENTS));
  readonly datasetSummary = $derived(this.memo.datasetSummary(this.current?.story ?? NO_EVENTS));
  readonly usageRows = $derived(usageRows(this.current?.usage));
  readonly diff = $derived(this.current?.result ? this.memo.diff(this.current.result) : []);
  readonly bootstrapRows = $derived(this.memo.bootstrapRows(this.current?.story ?? NO_EVENTS));
  readonly tpeSteps = $derived(this.memo.tpe(this.current?.story ?? NO_EVENTS, this.current?.trials ?? NO_TRIALS));
  readonly clouds = $derived(this.memo.clouds(this.current?.trials ?? NO_TRIALS));
  readonly phase = $derived(this.current ? activePhase(this.current) : undefined);
  readonly eta = $derived(this.current && this.phase && this.current.status === 'running' ? phaseEta(this.current.phases[this.phase], this.now) : undefined);
  readonly live = $derived(this.current?.status === 'running' && !this.current.replay);

  private readonly lastConfig = new Map<string, RunConfig>();
  private pending: RunUpdate[] = [];
  private scheduled = false;
  private db: Promise<PromptLabDB> | undefined;
  private bundle: RunBundle | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private catchingUp = false;

  // Web Locks let one tab drive a run; the driving tab relays its updates here so other
  // tabs can watch the run live (read-only) instead of a stale copy from IndexedDB.
  private readonly relay = typeof BroadcastChannel === 'function' ? new BroadcastChannel(RELAY_CHANNEL) : undefined;

  constructor(private readonly client: RunClient, private readonly options: RunsOptions = {}) {
    this.relay?.addEventListener('message', (e: MessageEvent<RunUpdate>) => this.watch(e.data));
  }

  /** Starts a run of `config` (with keys, in memory only) and streams it into `current`. */
  async start(config: RunConfig, title?: string): Promise<void> {
    const id = newId();
    this.lastConfig.set(id, config);
    this.bundle = undefined;
    this.current = emptySnapshot(id, { status: 'running', config: redactConfig(config), ...(title !== undefined && { name: title }) });
    await this.drive({ runId: id, config, ...(title !== undefined && { title }) });
  }

  /** Stops the open run at its next step, keeping its checkpoint. */
  async pause(): Promise<void> {
    const run = this.current;
    if (!run || run.status !== 'running') return;
    await this.control(() => this.client.pause(run.id));
    this.setStatus(run.id, 'paused');
  }

  /**
   * Continues the open run from its checkpoint. The config with keys comes from `config`,
   * else from memory, else from `restoreConfig`; when none has it, `error` says so.
   */
  async resume(config?: RunConfig): Promise<void> {
    const run = this.current;
    if (!run || run.replay || run.status === 'running' || run.status === 'completed') return;
    const full = config ?? this.lastConfig.get(run.id) ?? (await this.restore(run.id));
    if (!full) {
      this.error = new PlaygroundError('CONFIG_INVALID', 'This run cannot resume: its pasted data and API keys are not in memory after the page reloaded.', {
        hint: 'Open the run\'s dataset and models in the setup, then press Resume again.',
      }).toData();
      return;
    }
    this.lastConfig.set(run.id, full);
    this.current = { ...run, status: 'running', error: undefined };
    await this.drive({ runId: run.id, config: full, resume: true, ...(run.name !== undefined && { title: run.name }) });
  }

  /** Cancels the open run (it cannot be resumed afterwards). */
  async cancel(): Promise<void> {
    const run = this.current;
    if (!run || run.replay || run.status === 'completed' || run.status === 'cancelled') return;
    if (run.status === 'running') await this.control(() => this.client.cancel(run.id));
    else await this.storeAction((db) => new RunStore(db).setStatus(run.id, 'cancelled'));
    this.setStatus(run.id, 'cancelled');
  }

  /** Opens a stored run: its record, trials and event log. */
  async open(runId: string): Promise<void> {
    if (this.current?.id === runId && this.client.activeRuns().includes(runId)) return;
    await this.storeAction(async (db) => {
      // A run left `running` by a tab that is gone shows as interrupted (resumable), not as watched.
      await new RunStore(db).markInterruptedOnStartup();
      const record = await new RunStore(db).get(runId);
      if (!record) throw new PlaygroundError('STORAGE_UNAVAILABLE', `Run ${runId} is not stored (it was deleted, perhaps from another tab).`, { hint: 'Pick another run from the list.' });
      const [rows, trials] = await Promise.all([new EventLog(db).list(runId), new TrialStore(db).list(runId)]);
      this.bundle = undefined;
      this.watching = record.status === 'running' && !this.client.activeRuns().includes(runId);
      this.current = snapshotOf(record, rows.map((r) => ({ event: toRunEvent(r.event), at: r.at, seq: r.seq })), trials);
    });
  }

  /** Deletes a stored run with its trials, events and traces (cancels it first when it runs here). */
  async delete(runId: string): Promise<void> {
    if (this.client.activeRuns().includes(runId)) await this.control(() => this.client.cancel(runId));
    await this.storeAction((db) => new RunStore(db).delete(runId));
    if (this.current?.id === runId) this.current = undefined;
    await this.refresh();
  }

  /** Reloads the runs list; runs orphaned by a closed tab become `interrupted`. */
  async refresh(): Promise<void> {
    await this.storeAction(async (db) => {
      const store = new RunStore(db);
      // Every time, not once: a tab that just closed (or reloaded) can hold its lock a moment longer.
      await store.markInterruptedOnStartup();
      this.list = (await store.list()).map(listItem);
    });
  }

  /** Opens a bundle as a read-only replay: no model, no storage. */
  replay(bundle: RunBundle): void {
    this.bundle = bundle;
    const timed = bundle.events.map((event, i) => ({ event, at: bundle.run.createdAt + i, seq: i }));
    this.current = { ...snapshotOf({ ...bundle.run, updatedAt: bundle.run.createdAt }, timed, bundle.trials), replay: true };
  }

  /** The open run as a bundle (config redacted, with traces). */
  async exportBundle(): Promise<RunBundle | undefined> {
    const run = this.current;
    if (!run) return undefined;
    if (this.bundle && run.replay) return this.bundle;
    let out: RunBundle | undefined;
    await this.storeAction(async (db) => {
      const [record, rows, trials, traces] = await Promise.all([
        new RunStore(db).get(run.id),
        new EventLog(db).list(run.id),
        new TrialStore(db).list(run.id),
        new TraceStore(db).list(run.id),
      ]);
      const base = record ?? { id: run.id, status: run.status, createdAt: run.createdAt, config: run.config ?? ({} as RunConfig) };
      const { checkpoint: _c, ownerTab: _o, updatedAt: _u, ...rest } = base as RunRecord;
      out = createBundle({ run: { ...rest, ...(run.result && { result: run.result }) }, trials: trials.length >= run.trials.length ? trials : run.trials, events: rows.length ? rows.map((r) => r.event) : run.events, traces });
    });
    return out;
  }

  /** LM calls of the open run, exactly as sent and received. */
  async traces(filter: TraceFilter = {}): Promise<BundleTrace[]> {
    const run = this.current;
    if (!run) return [];
    const pick = (rows: BundleTrace[]) =>
      filter.trial === undefined ? rows : rows.filter((r) => (filter.trial === 'none' ? r.trialIndex === undefined : r.trialIndex === filter.trial));
    if (run.replay) return pick(this.bundle?.traces ?? []);
    let rows: BundleTrace[] = [];
    await this.storeAction(async (db) => {
      rows = await new TraceStore(db).list(run.id, typeof filter.trial === 'number' ? { trialIndex: filter.trial } : {});
    });
    return pick(rows);
  }

  /** Closes the open run (a live one keeps running in the worker). */
  close(): void {
    this.current = undefined;
    this.bundle = undefined;
  }

  private async drive(request: Parameters<RunClient['start']>[0]): Promise<void> {
    const id = request.runId;
    this.startTicker();
    try {
      const bridge = await this.options.localModel?.(request.config);
      const tab = this.options.tabId !== undefined ? { tabId: this.options.tabId } : {};
      const result = await this.client.start({ ...request, ...tab }, (u) => this.enqueue(u), bridge);
      this.flush();
      if (this.current?.id === id) this.current = { ...this.current, result, usage: result.usage, status: 'completed', error: undefined };
    } catch (err) {
      this.flush();
      const data = err instanceof PlaygroundError ? err.toData() : { code: 'INTERNAL' as const, message: String(err) };
      const run = this.current;
      if (run?.id === id && data.code !== 'ABORTED' && run.status === 'running') {
        this.current = { ...run, status: data.code === 'WORKER_CRASHED' ? 'interrupted' : 'failed', error: data };
      } else if (run?.id === id && data.code !== 'ABORTED' && !run.error) {
        this.current = { ...run, error: data };
      }
    } finally {
      this.stopTicker();
      await this.refresh();
    }
  }

  /** An update relayed by the tab driving a run: applied when this tab shows that run. */
  private watch(update: RunUpdate): void {
    if (this.current?.id !== update.runId || this.client.activeRuns().includes(update.runId)) return;
    this.watching = update.kind !== 'status' || update.status === 'running';
    // A gap in the relayed events (they were sent before this tab opened the run, and not yet
    // stored when it read them): read the stored run again once the writer has flushed.
    if (update.kind === 'event' && update.seq > this.current.lastSeq + 1 + this.pending.length && !this.catchingUp) {
      this.catchingUp = true;
      setTimeout(() => void this.open(update.runId).finally(() => (this.catchingUp = false)), 400);
    }
    this.queue(update);
    // The run ended in its own tab: reload the whole stored run (events this tab missed included).
    if (update.kind === 'status' && update.status !== 'running') setTimeout(() => void this.open(update.runId).then(() => this.refresh()), 300);
  }

  private enqueue(update: RunUpdate): void {
    this.relay?.postMessage(update);
    this.queue(update);
  }

  private queue(update: RunUpdate): void {
    this.pending.push(update);
    if (this.scheduled) return;
    this.scheduled = true;
    const schedule = this.options.schedule ?? ((f: () => void) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => f()) : setTimeout(f, 16)));
    schedule(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || !this.current) return;
    const updates = this.pending;
    this.pending = [];
    this.current = applyUpdates(this.current, updates, Date.now());
  }

  private setStatus(id: string, status: RunStatus): void {
    if (this.current?.id === id) this.current = { ...this.current, status };
    this.list = this.list.map((r) => (r.id === id ? { ...r, status } : r));
  }

  private async restore(runId: string): Promise<RunConfig | undefined> {
    if (!this.options.restoreConfig) return undefined;
    let record: RunRecord | undefined;
    await this.storeAction(async (db) => {
      record = await new RunStore(db).get(runId);
    });
    return record ? this.options.restoreConfig(record) : undefined;
  }

  private async control(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (err) {
      this.error = toData(err);
    }
  }

  private async storeAction(action: (db: PromptLabDB) => Promise<unknown>): Promise<void> {
    try {
      this.db ??= (this.options.openDB ?? (() => openPromptLabDB()))();
      await action(await this.db);
      this.error = undefined;
    } catch (err) {
      this.error = toData(err);
    }
  }

  private startTicker(): void {
    this.stopTicker();
    this.ticker = setInterval(() => (this.now = Date.now()), 1000);
  }

  private stopTicker(): void {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}

const RELAY_CHANNEL = 'promptlab-run-updates';
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

function memo2<A, B, R>(fn: (a: A, b: B) => R): (a: A, b: B) => R {
  let last: { a: A; b: B; r: R } | undefined;
  return (a, b) => {
    if (!last || last.a !== a || last.b !== b) last = { a, b, r: fn(a, b) };
    return last.r;
  };
}

function snapshotOf(record: Omit<RunRecord, 'updatedAt'> & { updatedAt?: number }, events: Parameters<typeof applyEvents>[1], trials: RunSnapshot['trials']): RunSnapshot {
  const base = emptySnapshot(record.id, {
    status: record.status,
    createdAt: record.createdAt,
    config: record.config,
    ...(record.name !== undefined && { name: record.name }),
    ...(record.plan && { plan: record.plan }),
    ...(record.result && { result: record.result }),
    ...(record.error && { error: record.error }),
    ...(record.usage && { usage: record.usage }),
  });
  const folded = applyEvents(base, events);
  const best = trials.length >= folded.trials.length ? trials : folded.trials;
  return { ...folded, trials: best, ...(record.result && { usage: record.result.usage }) };
}

function listItem(r: RunRecord): RunListItem {
  const d = r.result?.details;
  return {
    id: r.id,
    name: r.name ?? `Run ${new Date(r.createdAt).toLocaleString()}`,
    status: r.status,
    createdAt: r.createdAt,
    optimizer: String(r.config.optimizer?.kind ?? 'none'),
    ...(d && { val: d.val.mean }),
    ...(d?.test && { test: d.test.mean }),
    ...(d?.baselineTest && { baselineTest: d.baselineTest.mean }),
  };
}

function toData(err: unknown): ErrorData {
  return err instanceof PlaygroundError ? err.toData() : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
