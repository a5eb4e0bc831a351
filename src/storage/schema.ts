/**
 * The one IndexedDB schema of PromptLab, typed once for idb, with versioned migrations.
 *
 * Everything stored is plain structured-cloneable data (DESIGN.md): records hold the engine's
 * own types (RunConfig, TrialRecord, OptimizerEvent, LMResponse ...), never class instances.
 * `upgrade()` switches on the version the user's database had and falls through, so a user
 * who skipped versions runs every migration in order. To change the schema, bump
 * {@link DB_VERSION}, add a `case` for the old version at the end, and never edit an
 * earlier case: databases in the wild already ran it.
 *
 * Versions:
 * 1. datasets, programs, runs, trials, events, traces, lmCache, settings, meta.
 * 2. datasets and programs removed: nothing wrote them (the workspace keeps the dataset and
 *    program in settings; runs keep their own config).
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { ErrorData } from '../core/errors';
import type { CallPhase, ChatMessage, LMCallRecord, LMResponse, LMRole, TokenUsage, UsageSnapshot } from '../core/lm';
import type { OptimizerEvent, Plan, TrialRecord } from '../core/optimize';
import type { PlanLatency, RunConfig, RunEvent, RunStatus, RunSummary } from '../core/runner';

/** Default database name (tests inject their own). */
export const DB_NAME = 'promptlab';
/** Current schema version. */
export const DB_VERSION = 3;


/** One optimization run. `config` is redacted (no API keys); the stores refuse one that is not. Its trials are in the `trials` store. */
export interface RunRecord {
  id: string;
  name?: string;
  config: RunConfig;
  status: RunStatus;
  plan?: Plan;
  result?: RunSummary;
  error?: ErrorData;
  /** The optimizer's checkpoint at the last trial boundary (plain data, opaque here). */
  checkpoint?: unknown;
  /** Usage when the checkpoint was taken, so a resumed run keeps correct totals. */
  usage?: UsageSnapshot;
  createdAt: number;
  updatedAt: number;
  /** The tab driving the run (see `tabs.ts`); others watch read-only. */
  ownerTab?: string;
  /**
   * Milliseconds per call the run was planned with, so a resume turns a budget in minutes into
   * the same calls whatever is measured then. Absent in runs stored before it (an optional
   * field: no migration; such runs resume with the page's latency, as they always did).
   */
  latency?: PlanLatency;
  /**
   * The run whose program this run evaluates with hand edits (an edited instruction, a demo
   * dropped). Absent in other runs, and in runs stored before it: an optional field, no index,
   * so no migration.
   */
  parentRunId?: string;
}

/** A trial of a run. Primary key: [runId, index]. */
export interface TrialRow extends TrialRecord {
  runId: string;
}

/** Events as the run emitted them: optimizer events (teaching mode replays them) and runner events. */
export type StoredEvent = OptimizerEvent | RunEvent;

/** One entry of a run's event log, in emission order (`seq`), as `EventLog` reads and writes it. */
export interface EventRow {
  /** Assigned by IndexedDB. */
  id?: number;
  runId: string;
  seq: number;
  event: StoredEvent;
  at: number;
}

/**
 * A trial's end as the log keeps it (since version 3): the trial itself is stored once, in
 * the `trials` store; `EventLog` puts it back when it reads the log.
 */
export interface TrialEndRef {
  type: 'trial_end_ref';
  index: number;
}

/** An event-log row as IndexedDB holds it. */
export type LoggedEventRow = Omit<EventRow, 'event'> & { event: StoredEvent | TrialEndRef };

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
  /*
   * The fields below came with output modes. They are optional, so rows stored before them
   * read as they are (no migration): an old row simply does not say.
   */
  /** The token cap sent with the call, if any. */
  maxTokens?: number;
  /** The constrained-decoding format asked for; absent: free text (chat sections). */
  responseFormat?: NonNullable<LMCallRecord['responseFormat']>;
  /** Why generation stopped, as the model said ("stop"; "length": cut off at `maxTokens`). */
  finishReason?: string;
  /** Present when the answer could not be read (the example scored 0 for it). */
  unreadable?: TraceUnreadable;
}

/** Why a stored call's answer could not be read: a summary of its `ADAPTER_PARSE` error. */
export interface TraceUnreadable {
  /** The parse error's message. */
  message: string;
  /** Output fields the answer lacked. */
  missing: string[];
  /** Output fields present but not readable as their type, with why. */
  invalid: { field: string; reason: string }[];
  /** The answer stopped at its token cap (`maxTokens`). */
  cutOff?: boolean;
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
  runs: { key: string; value: RunRecord; indexes: { status: RunStatus; createdAt: number } };
  trials: { key: [string, number]; value: TrialRow; indexes: { runId: string } };
  events: { key: number; value: LoggedEventRow; indexes: { runSeq: [string, number] } };
  traces: { key: number; value: TraceRow; indexes: { runId: string } };
  lmCache: { key: string; value: CacheRow; indexes: { lastUsed: number } };
  settings: { key: string; value: unknown };
  /** Internal bookkeeping kept transactionally with the data it describes (e.g. the cache's byte total). */
  meta: { key: string; value: unknown };
}

export type StoreName = StoreNames<PromptLabSchema>;
export type PromptLabDB = IDBPDatabase<PromptLabSchema>;

/** Every store, for transactions that must see all of them. */
export const STORE_NAMES: readonly StoreName[] = ['runs', 'trials', 'events', 'traces', 'lmCache', 'settings', 'meta'];

/**
 * Runs the migrations from `oldVersion` (0 for a new database) up to {@link DB_VERSION}.
 * Called by idb inside the `versionchange` transaction.
 */
export function upgradeSchema(
  db: PromptLabDB,
  oldVersion: number,
  tx: IDBPTransaction<PromptLabSchema, StoreName[], 'versionchange'>,
): void {
  // Why untyped: stores that a later version removed (datasets, programs) are no longer in
  // PromptLabSchema, but the migrations that created and removed them must still run.
  const legacy = db as unknown as IDBPDatabase;
  // Deliberate fall-through: each case upgrades by one version.
  switch (oldVersion) {
    case 0: {
      legacy.createObjectStore('datasets', { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
      legacy.createObjectStore('programs', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
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
    // falls through
    case 1: {
      // Version 1 created both stores in its one upgrade transaction, so they are there.
      legacy.deleteObjectStore('datasets');
      legacy.deleteObjectStore('programs');
    }
    // falls through
    case 2: {
      // Trials were kept three times (trials store, trial_end events, run results): keep one.
      void storeTrialsOnce(tx);
    }
  }
}

/**
 * Version 3: every trial lives in the `trials` store only. A trial_end event becomes a
 * reference and a run record's result loses its `trials`, each after its trial is in the
 * store (a trial already there wins: it is the one a resumed run rewrote last).
 */
async function storeTrialsOnce(tx: IDBPTransaction<PromptLabSchema, StoreName[], 'versionchange'>): Promise<void> {
  const trials = tx.objectStore('trials');
  const keep = async (runId: string, trial: TrialRecord) => {
    if ((await trials.getKey([runId, trial.index])) === undefined) await trials.put({ ...trial, runId });
  };
  for (let c = await tx.objectStore('events').openCursor(); c; c = await c.continue()) {
    const { event, trial } = splitTrial(c.value.event);
    if (!trial) continue;
    await keep(c.value.runId, trial);
    await c.update({ ...c.value, event });
  }
  for (let c = await tx.objectStore('runs').openCursor(); c; c = await c.continue()) {
    // Why the wider type: records written before version 3 may still hold the trials.
    const result: (RunSummary & { trials?: TrialRecord[] }) | undefined = c.value.result;
    if (!result?.trials) continue;
    for (const t of result.trials) await keep(c.value.id, t);
    const { trials: _stored, ...summary } = result;
    await c.update({ ...c.value, result: summary });
  }
}

/**
 * Splits a trial's end into the reference the log keeps and the trial the `trials` store
 * keeps; any other event is kept as it is.
 */
export function splitTrial(event: StoredEvent | TrialEndRef): { event: StoredEvent | TrialEndRef; trial?: TrialRecord } {
  const inner = event.type === 'optimizer' ? event.event : event;
  if (inner.type !== 'trial_end') return { event };
  return { event: { type: 'trial_end_ref', index: inner.trial.index }, trial: inner.trial };
}
