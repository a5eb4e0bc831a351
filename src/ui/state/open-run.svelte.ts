/**
 * The open run: live (driven by this tab or watched from another), reopened from storage, or
 * replayed from a bundle. A live run's updates arrive from the worker far faster than the screen
 * refreshes, so they queue and fold into `current` at most once per scheduled frame (one
 * replacement of `$state.raw` data, no long tasks on the main thread).
 *
 * API keys live only in memory here (`lastConfig`); after a reload they are gone, and resuming
 * asks the app for the full config through `restoreConfig` (or takes it as `resume(config)`).
 */
import { PlaygroundError, toErrorData, type ErrorData } from '../../core/errors';
import type { LMRole } from '../../core/lm';
import { missingKeys, redactConfig, restoreSecrets, summaryOf, withKeys, type ModelConfig, type PlanLatency, type RunConfig, type RunResult, type RunStatus } from '../../core/runner';
import { newId } from '../../storage';
import type { RunRecord } from '../../storage/schema';
import type { LocalModelBridge, RunUpdate, StartRunRequest } from '../../protocol/optimizer';
import { toRunEvent, type RunBundle } from '../bundle';
import type { ProgramState } from '../../core/program';
import { editedRunConfig, editedTitle } from '../run/edit-program';
import { applyUpdates, emptySnapshot, storedSnapshot, type RunSnapshot } from '../run/run-snapshot';
import { FrameQueue } from './frame-queue';
import { resumeNeeds, withSetupEndpoints, type PendingResume } from './resume-choice';
import { attempt, errorOf, failed, ok, runNotFound, type Outcome } from './outcome';
import { browserTimers, frameScheduler, type RunControlClient, type Scheduler, type Timers } from './ports';
import type { RunStorage } from './run-storage';

/** What the open run depends on; `client` and `storage` are required, the rest default to the browser's. */
export interface OpenRunDeps {
  client: RunControlClient;
  storage: RunStorage;
  /** When queued updates fold (default: the next animation frame). */
  schedule?: Scheduler;
  /** Stamps folded events (default: `Date.now`). */
  timers?: Pick<Timers, 'now'>;
  /** Ticks while this tab drives a run (the ETA reads it). */
  clock?: { start(): void; stop(): void };
  /** This tab's id: it holds the tab's Web Lock, and the runs it drives are marked with it. */
  tabId?: string;
  /** New run ids (default: the storage's ids). */
  newId?: () => string;
  /** The page's bridge to the local model worker, for configs using `provider: 'webllm'`. */
  localModel?: (config: RunConfig) => Promise<LocalModelBridge | undefined> | LocalModelBridge | undefined;
  /**
   * The full config (pasted data, API keys) of a stored run whose keys are no longer in memory
   * (after a reload), rebuilt by the app from its workspace. `undefined`: cannot resume.
   */
  restoreConfig?: (run: RunRecord) => Promise<RunConfig | undefined> | RunConfig | undefined;
  /** The models Setup has now per role (with keys): a resume offers them where the run's differ. */
  setupModels?: () => Partial<Record<LMRole, ModelConfig>>;
  /** Every update of a run this tab drives (the relay sends it to the other tabs). */
  onUpdate?: (update: RunUpdate) => void;
  /** This tab changed a run's status (the runs list mirrors it). */
  onStatus?: (runId: string, status: RunStatus) => void;
  /** A run this tab drove has stopped (the runs list reloads). */
  onSettled?: (runId: string) => Promise<unknown> | void;
}

/** The open run, its per-frame fold of updates, and its controls (start, pause, resume, cancel) through the client. */
export class OpenRun {
  /** The open run. */
  current = $state.raw<RunSnapshot | undefined>(undefined);
  /** The open run is driven by another tab: this one shows it live, read-only. */
  watching = $state(false);
  /** The last failure of opening or controlling the run (the run's own failure is `current.error`). */
  error = $state.raw<ErrorData | undefined>(undefined);
  /** A resume of the open run waiting for the user: a choice of endpoint, or API keys (see resume-choice.ts). */
  pendingResume = $state.raw<PendingResume | undefined>(undefined);

  private readonly queue: FrameQueue<RunUpdate>;
  private readonly lastConfig = new Map<string, RunConfig>();
  private bundle: RunBundle | undefined;
  // Each open, replay, start and close takes a new ticket; a storage read that returns after a
  // newer one is dropped, so a slow read never replaces the run the user opened since.
  private ticket = 0;

  constructor(private readonly deps: OpenRunDeps) {
    this.queue = new FrameQueue((batch) => this.fold(batch), deps.schedule ?? frameScheduler);
  }

  /** The bundle the open run is replayed from, if it is a replay. */
  get replayed(): RunBundle | undefined {
    return this.current?.replay ? this.bundle : undefined;
  }

  /** True when this tab's worker drives `runId`. */
  drivenHere(runId: string): boolean {
    return this.deps.client.activeRuns().includes(runId);
  }

  /** Opens a stored run: its record, trials and event log. A run not stored is `RUN_NOT_FOUND`. */
  async open(runId: string): Promise<Outcome<RunSnapshot>> {
    if (this.current?.id === runId && this.drivenHere(runId)) return ok(this.current);
    const ticket = ++this.ticket;
    const loaded = await attempt(() => this.load(runId));
    if (ticket !== this.ticket) return failed(superseded(runId));
    this.error = errorOf(loaded);
    if (!loaded.ok) return loaded;
    this.bundle = undefined;
    this.show(loaded.value);
    return loaded;
  }

  /**
   * Reads the open run `runId` from storage again and folds `since` (updates received
   * meanwhile) on top. `covered` is false while storage does not yet hold every event before
   * `since` (its writer flushes in batches): the caller tries again later.
   */
  async reload(runId: string, since: readonly RunUpdate[] = []): Promise<Outcome<{ covered: boolean }>> {
    const ticket = this.ticket;
    const loaded = await attempt(() => this.load(runId));
    // Another run was opened meanwhile, or this one closed: the read is stale.
    if (ticket !== this.ticket || this.current?.id !== runId) return ok({ covered: true });
    this.error = errorOf(loaded);
    if (!loaded.ok) return loaded;
    const first = since.find((u) => u.kind === 'event');
    this.show(applyUpdates(loaded.value, since, this.now()));
    return ok({ covered: first?.kind !== 'event' || first.seq <= loaded.value.lastSeq + 1 });
  }

  /** Opens a bundle as a read-only replay: no model, no storage. */
  replay(bundle: RunBundle): RunSnapshot {
    this.ticket++;
    this.bundle = bundle;
    this.watching = false;
    this.pendingResume = undefined;
    const timed = bundle.events.map((event, i) => ({ event, at: bundle.run.createdAt + i, seq: i }));
    this.current = { ...storedSnapshot(bundle.run, timed, bundle.trials), replay: true };
    this.error = undefined;
    return this.current;
  }

  /** Closes the open run (a live one keeps running in the worker). */
  close(): void {
    this.ticket++;
    this.pendingResume = undefined;
    this.current = undefined;
    this.bundle = undefined;
    this.watching = false;
    this.queue.clear();
  }

  /**
   * Starts a run of `config` (with keys, in memory only) and streams it into `current`.
   * `latency` is what the setup planned with: the run turns a budget in minutes into calls
   * with the same figures, so its budget is the one the user saw.
   */
  async start(config: RunConfig, title?: string, latency?: PlanLatency, parentRunId?: string): Promise<Outcome<RunResult>> {
    const id = (this.deps.newId ?? newId)();
    this.lastConfig.set(id, config);
    this.ticket++;
    this.pendingResume = undefined;
    this.bundle = undefined;
    this.watching = false;
    const parent = parentRunId !== undefined ? { parentRunId } : {};
    this.current = emptySnapshot(id, { status: 'running', config: redactConfig(config), ...(title !== undefined && { name: title }), ...parent });
    return this.drive({ runId: id, config, ...(title !== undefined && { title }), ...(latency && { latencyMs: latency }), ...parent });
  }

  /**
   * Evaluates the open finished run's program with hand edits (`state`) as a new run linked to
   * it: the same data, metric and models, no optimizer. The config with keys comes from memory,
   * else from `restoreConfig`; when neither has it, the outcome (and `error`) says so.
   */
  async evaluateEdited(state: ProgramState): Promise<Outcome<RunResult>> {
    const parent = this.current;
    if (!parent?.result || parent.replay) return failed(new PlaygroundError('CONFIG_INVALID', 'Only a finished run stored on this device can be edited and evaluated again.', { hint: 'Open a completed run from Runs.' }));
    let full = this.lastConfig.get(parent.id);
    if (!full) {
      const restored = await this.restore(parent.id);
      this.error = errorOf(restored);
      if (!restored.ok) return restored;
      full = restored.value;
    }
    if (!full) {
      const out = failed<RunResult>(new PlaygroundError('CONFIG_INVALID', 'This run\'s models are not in memory after the page reloaded.', { hint: 'Set up the run\'s models (and keys) in the setup, then press Evaluate edited program again.' }));
      this.error = errorOf(out);
      return out;
    }
    return this.start(editedRunConfig(full, parent.result.program.spec, state), editedTitle(parent.name), undefined, parent.id);
  }

  /** Stops the open run at its next step, keeping its checkpoint. */
  async pause(): Promise<Outcome<void>> {
    const run = this.current;
    if (!run || run.status !== 'running') return ok(undefined);
    const out = await this.control(() => this.deps.client.pause(run.id));
    if (out.ok) this.setStatus(run.id, 'paused');
    return out;
  }

  /**
   * Continues the open run from its checkpoint. The config with keys comes from `config`, else
   * from memory, else from `restoreConfig`; when none has it, the outcome (and `error`) says so.
   * Without `config`, a resume first asks (`pendingResume`) whether to use the endpoints Setup
   * has now where they differ, and for the keys the run's endpoints need that this tab lacks:
   * nothing is sent without them. Resolves `undefined` when the open run is not one that can
   * resume, or waits for the user.
   */
  async resume(config?: RunConfig): Promise<Outcome<RunResult | undefined>> {
    const run = this.current;
    if (!run || run.replay || run.status === 'running' || run.status === 'completed') return ok(undefined);
    let full = config ?? this.lastConfig.get(run.id);
    if (!full) {
      const restored = await this.restore(run.id);
      this.error = errorOf(restored);
      if (!restored.ok) return restored;
      full = restored.value;
    }
    if (full && !config) {
      // Keys typed in Setup since (a run that failed for want of one) apply to the same endpoints.
      const setup = this.deps.setupModels?.() ?? {};
      return this.ask(resumeNeeds(run.id, restoreSecrets(full, setup), setup));
    }
    if (!full) {
      const out = failed<RunResult>(
        new PlaygroundError('CONFIG_INVALID', 'This run cannot resume: its pasted data and API keys are not in memory after the page reloaded.', {
          hint: 'Open the run\'s dataset and models in the setup, then press Resume again.',
        }),
      );
      this.error = errorOf(out);
      return out;
    }
    this.lastConfig.set(run.id, full);
    this.pendingResume = undefined;
    this.current = { ...run, status: 'running', error: undefined, config: redactConfig(full) };
    return this.drive({ runId: run.id, config: full, resume: true, ...(run.name !== undefined && { title: run.name }) });
  }

  /**
   * Answers the pending resume's choice of endpoint: the ones Setup has now (`setup`), or the
   * run's own. Resumes, unless keys are still missing (then `pendingResume` asks for them).
   */
  async chooseEndpoint(setup: boolean): Promise<Outcome<RunResult | undefined>> {
    const p = this.pendingResume;
    if (!p) return ok(undefined);
    const config = setup ? withSetupEndpoints(p.config, p.changes) : p.config;
    return this.ask({ ...p, config, changes: [], keys: missingKeys(config) });
  }

  /** Answers the pending resume's keys (by base URL, in memory only) and resumes once none is missing. */
  async giveKeys(keys: Record<string, string>): Promise<Outcome<RunResult | undefined>> {
    const p = this.pendingResume;
    if (!p) return ok(undefined);
    const config = withKeys(p.config, keys);
    return this.ask({ ...p, config, keys: missingKeys(config) });
  }

  /** Drops the pending resume (the run stays as it is). */
  dismissResume(): void {
    this.pendingResume = undefined;
  }

  /** Resumes with `p.config` when nothing is left to ask; else shows what is (`pendingResume`). */
  private async ask(p: PendingResume): Promise<Outcome<RunResult | undefined>> {
    const run = this.current;
    if (!run || run.id !== p.runId) return ok(undefined);
    if (p.changes.length > 0 || p.keys.length > 0) {
      this.pendingResume = p;
      return ok(undefined);
    }
    this.pendingResume = undefined;
    return this.resume(p.config);
  }

  /**
   * Cancels the open run (it cannot be resumed afterwards). A running one that has scored a
   * program stops at its next trial boundary and keeps the best program found so far as its result.
   */
  async cancel(): Promise<Outcome<void>> {
    const run = this.current;
    if (!run || run.replay || run.status === 'completed' || run.status === 'cancelled') return ok(undefined);
    const out =
      run.status === 'running'
        ? await this.control(() => this.deps.client.cancel(run.id, { keepBest: true }))
        : await this.control(() => this.deps.storage.setStatus(run.id, 'cancelled'));
    if (out.ok) this.setStatus(run.id, 'cancelled');
    return out;
  }

  /** An update relayed by the tab driving the open run: shown live, read-only. */
  watch(update: RunUpdate): void {
    this.watching = update.kind !== 'status' || update.status === 'running';
    this.queue.push(update);
  }

  /** The highest event `seq` this run has shown or queued (-1 before any). */
  highestSeq(): number {
    let seq = this.current?.lastSeq ?? -1;
    for (const u of this.queue.queued) if (u.kind === 'event' && u.runId === this.current?.id && u.seq > seq) seq = u.seq;
    return seq;
  }

  /** Folds what is queued now instead of at the next frame. */
  flush(): void {
    this.queue.flush();
  }

  private async drive(request: StartRunRequest): Promise<Outcome<RunResult>> {
    const id = request.runId;
    this.deps.clock?.start();
    try {
      const bridge = await this.deps.localModel?.(request.config);
      const tab = this.deps.tabId !== undefined ? { tabId: this.deps.tabId } : {};
      const result = await this.deps.client.start({ ...request, ...tab }, (u) => this.fromWorker(u), bridge);
      this.queue.flush();
      const status = result.stoppedEarly ? 'cancelled' : 'completed';
      if (this.current?.id === id) this.current = { ...this.current, result: summaryOf(result), usage: result.usage, status, error: undefined };
      return ok(result);
    } catch (err) {
      this.queue.flush();
      const data = toErrorData(err);
      this.failRun(id, data);
      return { ok: false, error: data };
    } finally {
      this.deps.clock?.stop();
      await this.deps.onSettled?.(id);
    }
  }

  /** Records how a run driven here failed; pausing and cancelling end it with `ABORTED`, which is no failure. */
  private failRun(id: string, error: ErrorData): void {
    const run = this.current;
    if (run?.id !== id || error.code === 'ABORTED') return;
    if (run.status === 'running') this.current = { ...run, status: error.code === 'WORKER_CRASHED' ? 'interrupted' : 'failed', error };
    else if (!run.error) this.current = { ...run, error };
  }

  private fromWorker(update: RunUpdate): void {
    this.deps.onUpdate?.(update);
    this.queue.push(update);
  }

  private fold(batch: RunUpdate[]): void {
    if (this.current) this.current = applyUpdates(this.current, batch, this.now());
  }

  private show(snapshot: RunSnapshot): void {
    if (this.pendingResume?.runId !== snapshot.id) this.pendingResume = undefined;
    this.watching = snapshot.status === 'running' && !this.drivenHere(snapshot.id);
    this.current = snapshot;
  }

  private async load(runId: string): Promise<RunSnapshot> {
    // A run left `running` by a tab that is gone shows as interrupted (resumable), not as watched.
    await this.deps.storage.markInterrupted();
    const stored = await this.deps.storage.load(runId);
    if (!stored) throw runNotFound(runId);
    const events = stored.events.map((r) => ({ event: toRunEvent(r.event), at: r.at, seq: r.seq }));
    const { parentRunId } = stored.record;
    return { ...storedSnapshot(stored.record, events, stored.trials), ...(parentRunId !== undefined && { parentRunId }) };
  }

  private setStatus(id: string, status: RunStatus): void {
    if (this.current?.id === id) this.current = { ...this.current, status };
    this.deps.onStatus?.(id, status);
  }

  /** The config with keys of a stored run, rebuilt by the app (`undefined`: it cannot be; `RUN_NOT_FOUND`: the run was deleted). */
  private restore(runId: string): Promise<Outcome<RunConfig | undefined>> {
    return attempt(async () => {
      const restoreConfig = this.deps.restoreConfig;
      if (!restoreConfig) return undefined;
      const record = await this.deps.storage.get(runId);
      if (!record) throw runNotFound(runId);
      return restoreConfig(record);
    });
  }

  private async control(action: () => Promise<void>): Promise<Outcome<void>> {
    const out = await attempt(action);
    this.error = errorOf(out);
    return out;
  }

  private now(): number {
    return (this.deps.timers ?? browserTimers).now();
  }
}

/** What a superseded open resolves to: a newer open, replay, start or close came first. */
function superseded(runId: string): PlaygroundError {
  return new PlaygroundError('ABORTED', `Opening run ${runId} was superseded by a newer choice.`);
}
