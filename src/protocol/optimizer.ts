/**
 * Everything that crosses the optimizer worker's boundary, in one types-only file (the
 * comlink habit: one protocol, discriminated unions, plain data). Errors cross as
 * `ErrorData` and are rebuilt as typed errors on the main thread; callbacks go through
 * `Comlink.proxy`.
 */
import type { ParsedTable } from '../core/data';
import type { ErrorData } from '../core/errors';
import type { LMRequest, LMResponse, UsageSnapshot } from '../core/lm';
import type { Plan } from '../core/optimize';
import type { PlanLatency, RunConfig, RunEvent, RunResult, RunSizes, RunStatus, TryAnswer, TryRequest } from '../core/runner';


/** A message from a running run. `seq` orders them per run (also in the event log). */
export type RunUpdate =
  | { kind: 'event'; runId: string; seq: number; event: RunEvent }
  | { kind: 'status'; runId: string; status: RunStatus; error?: ErrorData }
  | { kind: 'usage'; runId: string; usage: UsageSnapshot }
  | { kind: 'result'; runId: string; result: RunResult };

/** Plain result wrapper: the worker never throws across the boundary. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

/**
 * A parsed table as the page gets it: its first rows (1,000) and the total.
 * Copying every row of a 20 MB file to the page (600,000 objects) blocks its main thread for
 * seconds; the page only shows the first rows and the count (runs parse the text again).
 */
export interface TablePreview extends ParsedTable {
  totalRows: number;
  /** The worker's id for the text it parsed and keeps (see `PlanRequest.dataText`). */
  textId: string;
}

/** How far the worker got reading pasted or loaded data, sent a few times a second while it reads. */
export interface ParseProgress {
  /** The share of the text read, 0 to 1. */
  done: number;
  rows: number;
  /** CSV/TSV: the columns and first rows, as soon as they are read (values not yet settled). */
  preview?: { columns: string[]; rows: Record<string, unknown>[] };
}

export interface StartRunRequest {
  runId: string;
  /** The config with API keys in memory (the worker redacts before storing anything). */
  config: RunConfig;
  /** Resume an interrupted/paused run from its stored checkpoint. */
  resume?: boolean;
  /** A short label for the runs list. */
  title?: string;
  /** The tab driving the run (it holds its Web Lock, so a closed tab shows the run as interrupted). */
  tabId?: string;
  /**
   * Milliseconds per call the setup planned with (measured or assumed): the run's plan, and a
   * budget in minutes, use the same figures. Stored with the run; a resume uses the stored ones.
   */
  latencyMs?: PlanLatency;
  /** The run this one evaluates an edit of (stored with the new run; see `RunRecord.parentRunId`). */
  parentRunId?: string;
}

/** How a run is cancelled (see `OptimizerWorkerApi.cancel`). */
export interface CancelOptions {
  keepBest?: boolean;
}

export interface PlanRequest {
  config: RunConfig;
  /** Assumed milliseconds per call, per role, for the time estimate. */
  latencyMs?: PlanLatency;
  /**
   * The `textId` of the data text, when the config's text is left empty because the worker
   * parsed that text last and keeps it (sending megabytes again blocks the page); a worker
   * without it answers `DATA_GONE`.
   */
  dataText?: string;
}

/** The optimizer worker's API (exposed with comlink). */
export interface OptimizerWorkerApi {
  /**
   * Starts (or resumes) a run; updates stream to `listener`. Resolves when the run ends.
   * `localModel` is the page's bridge to the WebLLM worker, needed when a role uses
   * `provider: 'webllm'` (the page owns that worker because it also shows download progress).
   */
  start(request: StartRunRequest, listener: (update: RunUpdate) => void, localModel?: LocalModelBridge): Promise<Outcome<RunResult>>;
  /** Stops a run at once, keeping its checkpoint; `start` with `resume: true` continues it. */
  pause(runId: string): Promise<void>;
  /**
   * Stops a run for good. `keepBest`: a run that has scored a program ends its search at the
   * next trial boundary and keeps the best one as its result (status `cancelled`, with a
   * result); otherwise, and without it, the run is aborted at once.
   */
  cancel(runId: string, opts?: CancelOptions): Promise<void>;
  /** The plan (trials, calls, estimated time) of a config before it runs. */
  plan(request: PlanRequest): Promise<Outcome<Plan & RunSizes>>;
  /**
   * Parses pasted data off the main thread, reporting progress (with the first rows) to
   * `onProgress`. The worker keeps the text for plan requests (see `PlanRequest.dataText`).
   */
  parseData(text: string, format?: 'csv' | 'tsv' | 'jsonl' | 'json' | 'auto', onProgress?: (progress: ParseProgress) => void): Promise<Outcome<TablePreview>>;
  /**
   * Keeps the workspace's data text when it is large (or forgets it, `undefined`): written by
   * the worker, since storing megabytes from the page blocks its main thread for a second. By
   * `textId` (see `TablePreview`) when the worker parsed that text last, else `DATA_GONE`.
   */
  saveDataText(data: { text: string } | { textId: string } | undefined): Promise<Outcome<void>>;
  /** The data text kept by {@link saveDataText}. */
  loadDataText(): Promise<Outcome<string | undefined>>;
  /** Sends one tiny request to an endpoint to check URL, key and CORS. */
  testConnection(model: RunConfig['models']['task']): Promise<Outcome<{ model: string; latencyMs: number; reply: string }>>;
  /**
   * Runs each given state of a program on one typed input with the task model ("Try the
   * program"), through the LM cache runs use. `localModel` as for `start`.
   */
  tryProgram(request: TryRequest, localModel?: LocalModelBridge): Promise<Outcome<TryAnswer[]>>;
}

/** The page's side of the local model, called from the optimizer worker (through comlink). */
export interface LocalModelBridge {
  call(request: LMRequest): Promise<Outcome<LMResponse>>;
  /** Stops the generation in progress (web-llm's interruptGenerate). */
  interrupt(): Promise<void>;
}
