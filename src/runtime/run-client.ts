/**
 * The page's handle on the optimizer worker. It owns the worker, rebuilds typed errors from
 * the plain data that crosses the boundary, and makes sure a crashed worker never leaves a run
 * hanging: every run in flight ends with a clear `WORKER_CRASHED` error and can be resumed
 * (its checkpoint is in IndexedDB); the next call starts a fresh worker.
 */
import * as Comlink from 'comlink';
import { PlaygroundError, fromErrorData } from '../core/errors';
import type { Plan } from '../core/optimize';
import type { RunConfig, RunResult, TryAnswer, TryRequest } from '../core/runner';
import type { CancelOptions, LocalModelBridge, OptimizerWorkerApi, Outcome, ParseProgress, PlanRequest, RunUpdate, StartRunRequest, TablePreview } from '../protocol/optimizer';

type WorkerFactory = () => Worker;

/** Creates the optimizer worker (Vite bundles it separately). */
function createOptimizerWorker(): Worker {
  return new Worker(new URL('../workers/optimizer.worker.ts', import.meta.url), { type: 'module', name: 'promptlab-optimizer' });
}

interface ActiveRun {
  onUpdate: (u: RunUpdate) => void;
  reject: (err: PlaygroundError) => void;
}

export class RunClient {
  private worker: Worker | undefined;
  private api: Comlink.Remote<OptimizerWorkerApi> | undefined;
  private readonly active = new Map<string, ActiveRun>();

  constructor(private readonly factory: WorkerFactory = createOptimizerWorker) {}

  /** Starts or resumes a run. Resolves with its result; rejects with a typed error (ABORTED when paused or cancelled). */
  start(request: StartRunRequest, onUpdate: (u: RunUpdate) => void, localModel?: LocalModelBridge): Promise<RunResult> {
    const api = this.connect();
    return new Promise<RunResult>((resolve, reject) => {
      this.active.set(request.runId, { onUpdate, reject });
      const listener = Comlink.proxy((u: RunUpdate) => onUpdate(u));
      const bridge = localModel ? Comlink.proxy(localModel) : undefined;
      api.start(request, listener, bridge).then(
        (outcome) => {
          this.active.delete(request.runId);
          if (outcome.ok) resolve(outcome.value);
          else reject(fromErrorData(outcome.error));
        },
        (err: unknown) => {
          this.active.delete(request.runId);
          reject(err instanceof PlaygroundError ? err : crashError(err));
        },
      );
    });
  }

  pause(runId: string): Promise<void> {
    return this.connect().pause(runId);
  }

  cancel(runId: string, opts?: CancelOptions): Promise<void> {
    return this.connect().cancel(runId, opts);
  }

  async plan(request: PlanRequest): Promise<Plan & { train: number; val: number; test: number }> {
    return unwrap(await this.connect().plan(request));
  }

  async parseData(text: string, format?: 'csv' | 'tsv' | 'jsonl' | 'json' | 'auto', onProgress?: (progress: ParseProgress) => void): Promise<TablePreview> {
    return unwrap(await this.connect().parseData(text, format, onProgress && Comlink.proxy(onProgress)));
  }

  /** Stores a large data text in the worker: by `textId` when the worker parsed it last (no copy of megabytes), else whole. */
  async saveDataText(text: string | undefined, textId?: string): Promise<void> {
    if (text === undefined) return unwrap(await this.connect().saveDataText(undefined));
    if (textId !== undefined) {
      const byId = await this.connect().saveDataText({ textId });
      if (byId.ok || byId.error.code !== 'DATA_GONE') return unwrap(byId);
    }
    unwrap(await this.connect().saveDataText({ text }));
  }

  async loadDataText(): Promise<string | undefined> {
    return unwrap(await this.connect().loadDataText());
  }

  async testConnection(model: RunConfig['models']['task']): Promise<{ model: string; latencyMs: number; reply: string }> {
    return unwrap(await this.connect().testConnection(model));
  }

  /** Runs a program's states on one typed input (see `OptimizerWorkerApi.tryProgram`). */
  async tryProgram(request: TryRequest, localModel?: LocalModelBridge): Promise<TryAnswer[]> {
    return unwrap(await this.connect().tryProgram(request, localModel ? Comlink.proxy(localModel) : undefined));
  }

  /** Runs currently driven by this tab. */
  activeRuns(): string[] {
    return [...this.active.keys()];
  }

  /** Stops the worker (runs in flight end as crashed/resumable). */
  terminate(): void {
    this.crash(new Error('the optimizer worker was stopped'));
  }

  private connect(): Comlink.Remote<OptimizerWorkerApi> {
    if (this.api) return this.api;
    const worker = this.factory();
    worker.addEventListener('error', (e) => this.crash(e));
    worker.addEventListener('messageerror', (e) => this.crash(e));
    this.worker = worker;
    this.api = Comlink.wrap<OptimizerWorkerApi>(worker);
    return this.api;
  }

  private crash(cause: unknown): void {
    const err = crashError(cause);
    this.worker?.terminate();
    this.worker = undefined;
    this.api = undefined;
    for (const [runId, run] of this.active) {
      run.onUpdate({ kind: 'status', runId, status: 'interrupted', error: err.toData() });
      run.reject(err);
    }
    this.active.clear();
  }
}

function crashError(cause: unknown): PlaygroundError {
  const detail = cause instanceof ErrorEvent ? cause.message : cause instanceof Error ? cause.message : '';
  return new PlaygroundError('WORKER_CRASHED', `The optimizer worker stopped unexpectedly${detail ? `: ${detail}` : ''}.`, {
    hint: 'Your run is saved up to its last finished trial. Press Resume to continue it.',
  });
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw fromErrorData(outcome.error);
}
