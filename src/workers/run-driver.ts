/**
 * Runs in this worker: start or resume one with the engine, stream its updates to the page,
 * record it in IndexedDB, and stop it on request. One tab drives a run (a Web Lock per run).
 */
import { PlaygroundError, toErrorData, type ErrorData } from '../core/errors';
import { executeRun, redactConfig, type RunResult, type RunStatus } from '../core/runner';
import { EventLog, IdbCacheStore, IdbOutputMemory, RunStore, type PromptLabDB, type RunRecord } from '../storage';
import type { CancelOptions, LocalModelBridge, Outcome, RunUpdate, StartRunRequest } from '../protocol/optimizer';
import { createModel } from './run-models';
import { isRelayed, RunRecorder, type RecorderStorage } from './run-recorder';

interface Active {
  controller: AbortController;
  /** Ends the search early, keeping its best program (a cancel once something was scored). */
  stopper: AbortController;
  stop?: 'pause' | 'cancel';
  /** A program was scored (a `new_best`): cancelling keeps it instead of aborting. */
  scored?: boolean;
}

export class RunDriver {
  private storage: Promise<RecorderStorage> | undefined;
  private readonly active = new Map<string, Active>();

  constructor(private readonly openDb: () => Promise<PromptLabDB>) {}

  /** Starts or resumes `req`; resolves when the run ends (never throws: errors come back as data). */
  async start(req: StartRunRequest, listener: (u: RunUpdate) => void, localModel?: LocalModelBridge): Promise<Outcome<RunResult>> {
    const runId = req.runId;
    if (this.active.has(runId)) return fail({ code: 'RUN_LOCKED', message: 'This run is already running.', hint: 'Wait for it, or pause it first.' });
    const me: Active = { controller: new AbortController(), stopper: new AbortController() };
    this.active.set(runId, me);
    let recorder: RunRecorder | undefined;
    try {
      const store = await this.getStorage();
      return await withRunLock(runId, async () => {
        const existing = await beginRun(store.runs, req);
        listener({ kind: 'status', runId, status: 'running' });
        const rec = await RunRecorder.open(store, runId);
        recorder = rec;
        // A resumed run keeps the latency it was planned with: a budget in minutes becomes the same calls.
        const latency = existing?.latency ?? req.latencyMs;
        const result = await executeRun(req.config, {
          createLM: (cfg) => createModel(cfg, localModel),
          cache: store.cache,
          // What `auto` found per model, shared with the page (which shows it and can forget it).
          outputMemory: new IdbOutputMemory(store.db),
          signal: me.controller.signal,
          stop: me.stopper.signal,
          ...(latency && { latency }),
          ...(existing?.checkpoint !== undefined && { checkpoint: existing.checkpoint }),
          ...(existing?.usage && { usage: existing.usage }),
          onEvent: (event) => {
            if (event.type === 'optimizer' && event.event.type === 'new_best') me.scored = true;
            const seq = rec.record(event);
            if (isRelayed(event)) listener({ kind: 'event', runId, seq, event });
            // A checkpoint stays in the worker, but the usage it carries keeps the page's "sent" figures live.
            else if (event.type === 'optimizer' && event.usage) listener({ kind: 'usage', runId, usage: event.usage });
          },
          observeCall: (call) => rec.recordCall(call),
        });
        await rec.finish();
        await store.runs.complete(runId, result);
        listener({ kind: 'result', runId, result });
        // Cancelled once a program was scored: the run ends with the best found so far.
        listener({ kind: 'status', runId, status: result.stoppedEarly ? 'cancelled' : 'completed' });
        return { ok: true as const, value: result };
      });
    } catch (err) {
      const error = toErrorData(err);
      const status = endStatus(error, me.stop);
      await this.saveEndStatus(runId, status, error, recorder);
      listener({ kind: 'status', runId, status, ...(status === 'failed' && { error }) });
      return fail(error);
    } finally {
      this.active.delete(runId);
    }
  }

  /** Stops a run at once, keeping its checkpoint. */
  pause(runId: string): void {
    this.stop(runId, 'pause');
  }

  /**
   * Stops a run for good; a run not running here is marked cancelled in storage. With
   * `keepBest`, a run that has scored a program ends its search at the next trial boundary and
   * keeps the best one found so far as its result; otherwise it is aborted at once.
   */
  async cancel(runId: string, opts: CancelOptions = {}): Promise<void> {
    const run = this.active.get(runId);
    if (opts.keepBest && run?.scored) {
      run.stop = 'cancel';
      run.stopper.abort();
      return;
    }
    if (this.stop(runId, 'cancel')) return;
    const { runs } = await this.getStorage();
    const rec = await runs.get(runId);
    if (rec && rec.status !== 'completed') await runs.setStatus(runId, 'cancelled');
  }

  private getStorage(): Promise<RecorderStorage> {
    return (this.storage ??= this.openDb().then((db) => ({ db, runs: new RunStore(db), events: new EventLog(db), cache: new IdbCacheStore(db) })));
  }

  private stop(runId: string, how: 'pause' | 'cancel'): boolean {
    const run = this.active.get(runId);
    if (!run) return false;
    run.stop = how;
    run.controller.abort();
    return true;
  }

  /** Stores the status a failed, paused or cancelled run ends with, after what it had queued. */
  private async saveEndStatus(runId: string, status: RunStatus, error: ErrorData, recorder: RunRecorder | undefined): Promise<void> {
    try {
      await recorder?.flushAfterError();
      const { runs } = await this.getStorage();
      if (error.code !== 'RUN_LOCKED' && error.code !== 'RUN_NOT_FOUND') await runs.setStatus(runId, status, status === 'failed' ? error : undefined);
    } catch {
      // The run's status could not be saved (storage gone): the page still gets the error.
    }
  }
}

function fail(error: ErrorData): { ok: false; error: ErrorData } {
  return { ok: false, error };
}

/**
 * The run record at the start: a new run is created (with its data, without keys); a resumed
 * one is found and marked running. `RUN_NOT_FOUND` / `RUN_LOCKED` when the request does not fit.
 */
async function beginRun(runs: RunStore, req: StartRunRequest): Promise<RunRecord | undefined> {
  const existing = await runs.get(req.runId);
  if (req.resume && !existing) throw new PlaygroundError('RUN_NOT_FOUND', `Run ${req.runId} is not stored on this device.`, { hint: 'Start a new run.' });
  if (existing && !req.resume) throw new PlaygroundError('RUN_LOCKED', `Run ${req.runId} already exists.`, { hint: 'Resume it or start a new run.' });
  const owner = req.tabId ? { ownerTab: req.tabId } : {};
  if (existing) await runs.update(req.runId, { status: 'running', error: undefined as never, ...owner });
  else await runs.create({ id: req.runId, ...(req.title && { name: req.title }), config: redactConfig(req.config, { keepData: true }), status: 'running', ...owner, ...(req.latencyMs && { latency: req.latencyMs }), ...(req.parentRunId && { parentRunId: req.parentRunId }) });
  return existing;
}

/** An aborted run was paused or cancelled (by whoever stopped it); anything else failed. */
function endStatus(error: ErrorData, stop: Active['stop']): RunStatus {
  if (error.code !== 'ABORTED') return 'failed';
  return stop === 'cancel' ? 'cancelled' : 'paused';
}

/** One tab drives a run: a Web Lock per run (other tabs watch read-only). */
async function withRunLock<T>(runId: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks) return fn();
  return locks.request(`promptlab-run:${runId}`, { ifAvailable: true }, async (lock) => {
    if (!lock) throw new PlaygroundError('RUN_LOCKED', 'Another tab is running this run.', { hint: 'Watch it there, or close that tab and resume here.' });
    return fn();
  }) as Promise<T>;
}
