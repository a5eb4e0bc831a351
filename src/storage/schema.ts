/**
 * The one IndexedDB schema of PromptLab, typed once for idb, with versioned migrations.
 *
 * Everything stored is plain structured-cloneable data (DESIGN.md): records hold the engine's
 * own types (RunConfig, TrialRecord, OptimizerEvent, LMResponse ...), never class instances.
 * `upgrade()` switches on the version the user's database had and falls through, so a user
 * who skipped versions runs every migration in order. To change the schema, bump
 * {@link DB_VERSION}, add a `case` for the old version at the end, and never edit an
 * earlier case: databases in the wild already ran it.
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { DataFormat } from '../core/data/types';
import type { ErrorData } from '../core/errors';
import type { CallPhase, ChatMessage, LMResponse, LMRole, TokenUsage, UsageSnapshot } from '../core/lm/types';
import type { OptimizerEvent, Plan, TrialRecord } from '../core/optimize/types';
import type { ProgramSpec, ProgramState } from '../core/program/types';
import type { RunConfig } from '../core/runner/config';
import type { RunEvent, RunResult } from '../core/runner/run';

/** Default database name (tests inject their own). */
export const DB_NAME = 'promptlab';
/** Current schema version. */
export const DB_VERSION = 1;

/** A pasted or uploaded dataset: the raw text as given, or rows already parsed. */
export interface DatasetRecord {
  id: string;
  name: string;
  format: DataFormat | 'auto';
  text?: string;
  rows?: Record<string, unknown>[];
  columns: string[];
  createdAt: number;
  /** Approximate stored size in bytes (UTF-8 of the text, or of the rows as JSON). */
  size: number;
}

/** A saved program: its spec and (optionally optimized) state. */
export interface ProgramRecord {
  id: string;
  name: string;
  spec: ProgramSpec;
  state?: ProgramState;
  createdAt: number;
  updatedAt: number;
}

/** Where a run stands. `interrupted`: it was running when its tab closed or crashed; it can be resumed. */
export type RunStatus = 'running' | 'paused' | 'interrupted' | 'completed' | 'failed' | 'cancelled';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'paused', 'interrupted', 'completed', 'failed', 'cancelled'];

/** One optimization run. `config` is redacted (no API keys); the stores refuse one that is not. */
export interface RunRecord {
  id: string;
  name?: string;
  config: RunConfig;
  status: RunStatus;
  plan?: Plan;
  result?: RunResult;
  error?: ErrorData;
  /** The optimizer's checkpoint at the last trial boundary (plain data, opaque here). */
  checkpoint?: unknown;
  /** Usage when the checkpoint was taken, so a resumed run keeps correct totals. */
  usage?: UsageSnapshot;
  createdAt: number;
  updatedAt: number;
  /** The tab driving the run (see `tabs.ts`); others watch read-only. */
  ownerTab?: string;
}

/** A trial of a run. Primary key: [runId, index]. */
export interface TrialRow extends TrialRecord {
  runId: string;
}

/** Events as the run emitted them: optimizer events (teaching mode replays them) and runner events. */
export type StoredEvent = OptimizerEvent | RunEvent;

/** One entry of a run's event log, in emission order (`seq`). */
export interface EventRow {
  /** Assigned by IndexedDB. */
  id?: number;
  runId: string;
  seq: number;
  event: StoredEvent;
  at: number;
}

/** One LM call exactly as sent and received. Only messages: never headers or keys. */
export interface TraceRow {
  /** Assigned by IndexedDB. */
  id?: number;
  runId: string;
  /** Whose call (absent in rows stored before roles and phases were recorded). */
  role?: LMRole;
  phase?: CallPhase;
  trialIndex?: number;
  exampleId?: string;
  stepId: string;
  messages: ChatMessage[];
  completion: string;
  model: string;
  temperature?: number;
  usage: TokenUsage;
  cached: boolean;
  durationMs?: number;
  at: number;
}

/** One cached LM answer. */
export interface CacheRow {
  key: string;
  value: LMResponse;
  /** Approximate size in bytes (key + JSON of the value, UTF-8). */
  size: number;
  lastUsed: number;
}

/** The typed schema idb checks every store, key and index against. */
export interface PromptLabSchema extends DBSchema {
  datasets: { key: string; value: DatasetRecord; indexes: { createdAt: number } };
  programs: { key: string; value: ProgramRecord; indexes: { updatedAt: number } };
  runs: { key: string; value: RunRecord; indexes: { status: RunStatus; createdAt: number } };
  trials: { key: [string, number]; value: TrialRow; indexes: { runId: string } };
  events: { key: number; value: EventRow; indexes: { runSeq: [string, number] } };
  traces: { key: number; value: TraceRow; indexes: { runId: string } };
  lmCache: { key: string; value: CacheRow; indexes: { lastUsed: number } };
  settings: { key: string; value: unknown };
  /** Internal bookkeeping kept transactionally with the data it describes (e.g. the cache's byte total). */
  meta: { key: string; value: unknown };
}

export type StoreName = StoreNames<PromptLabSchema>;
export type PromptLabDB = IDBPDatabase<PromptLabSchema>;

/** Every store, for transactions that must see all of them. */
export const STORE_NAMES: readonly StoreName[] = ['datasets', 'programs', 'runs', 'trials', 'events', 'traces', 'lmCache', 'settings', 'meta'];

/**
 * Runs the migrations from `oldVersion` (0 for a new database) up to {@link DB_VERSION}.
 * Called by idb inside the `versionchange` transaction.
 */
export function upgradeSchema(
  db: PromptLabDB,
  oldVersion: number,
  _tx: IDBPTransaction<PromptLabSchema, StoreName[], 'versionchange'>,
): void {
  // Deliberate fall-through: each case upgrades by one version.
  switch (oldVersion) {
    case 0: {
      db.createObjectStore('datasets', { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
      db.createObjectStore('programs', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
      const runs = db.createObjectStore('runs', { keyPath: 'id' });
      runs.createIndex('status', 'status');
      runs.createIndex('createdAt', 'createdAt');
      db.createObjectStore('trials', { keyPath: ['runId', 'index'] }).createIndex('runId', 'runId');
      db.createObjectStore('events', { keyPath: 'id', autoIncrement: true }).createIndex('runSeq', ['runId', 'seq']);
      db.createObjectStore('traces', { keyPath: 'id', autoIncrement: true }).createIndex('runId', 'runId');
      db.createObjectStore('lmCache', { keyPath: 'key' }).createIndex('lastUsed', 'lastUsed');
      db.createObjectStore('settings');
      db.createObjectStore('meta');
    }
  }
}
