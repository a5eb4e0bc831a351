/**
 * Runs: their redacted config, status, plan, checkpoint and result.
 *
 * A run's record is small and rewritten at every trial boundary (its checkpoint); its bulky
 * logs (trials, events, traces) live in their own stores and go in batches (WriteBatcher).
 * Deleting a run deletes those logs in the same transaction, so nothing is orphaned.
 */
import type { IDBPTransaction } from 'idb';
import type { ErrorData } from '../core/errors';
import { PlaygroundError } from '../core/errors';
import type { UsageSnapshot } from '../core/lm';
import type { Plan } from '../core/optimize';
import { summaryOf, type PlanLatency, type RunConfig, type RunResult, type RunStatus } from '../core/runner';
import { newId, quiet, writeTx } from './db';
import { runRange } from './run-logs';
import type { PromptLabDB, PromptLabSchema, RunRecord } from './schema';
import { findSecrets } from './secrets';
import { liveTabIds } from './tabs';

/** What a caller gives to create a run. */
export interface NewRun {
  id?: string;
  name?: string;
  /** Must already be redacted (`redactConfig`): a config holding a key is refused. */
  config: RunConfig;
  status?: RunStatus;
  plan?: Plan;
  ownerTab?: string;
  /** Milliseconds per call the run is planned with (kept for its resume). */
  latency?: PlanLatency;
  /** The run this one evaluates an edit of. */
  parentRunId?: string;
}

/** Fields a running or finished run may change. */
export type RunPatch = Partial<Pick<RunRecord, 'name' | 'status' | 'plan' | 'result' | 'error' | 'checkpoint' | 'usage' | 'ownerTab'>>;

export class RunStore {
  constructor(private readonly db: PromptLabDB, private readonly now: () => number = Date.now) {}

  /**
   * Stores a new run (status `running` unless given).
   * @throws PlaygroundError `CONFIG_INVALID` when the config holds an API key or header value;
   *   `STORAGE_QUOTA` when the disk is full.
   */
  async create(input: NewRun): Promise<RunRecord> {
    assertNoSecrets(input, 'run');
    const at = this.now();
    const record: RunRecord = { ...input, id: input.id ?? newId(), status: input.status ?? 'running', createdAt: at, updatedAt: at };
    await writeTx(this.db, ['runs'], 'save the new run', (tx) => tx.objectStore('runs').add(record));
    return record;
  }

  get(id: string): Promise<RunRecord | undefined> {
    return this.db.get('runs', id);
  }

  /** Runs newest first, optionally only those with `status`, at most `limit`. */
  async list(opts: { status?: RunStatus; limit?: number } = {}): Promise<RunRecord[]> {
    const limit = opts.limit ?? Infinity;
    const out: RunRecord[] = [];
    let cursor = await this.db.transaction('runs').store.index('createdAt').openCursor(null, 'prev');
    while (cursor && out.length < limit) {
      if (opts.status === undefined || cursor.value.status === opts.status) out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out;
  }

  /**
   * Applies `patch` to a run in one transaction. Resolves to the new record, or `undefined`
   * when the run no longer exists (deleted, e.g. from another tab): it is not recreated.
   * @throws PlaygroundError `CONFIG_INVALID` when the patch holds a secret; `STORAGE_QUOTA`.
   */
  async update(id: string, patch: RunPatch): Promise<RunRecord | undefined> {
    assertNoSecrets(patch, 'run update');
    return writeTx(this.db, ['runs'], `update run ${id}`, async (tx) => {
      const store = tx.objectStore('runs');
      const old = await store.get(id);
      if (!old) return undefined;
      const record: RunRecord = { ...old, ...patch, id, updatedAt: this.now() };
      await store.put(record);
      return record;
    });
  }

  /** Saves the checkpoint taken at a trial boundary, with the usage at that moment. */
  saveCheckpoint(id: string, checkpoint: unknown, usage?: UsageSnapshot): Promise<RunRecord | undefined> {
    return this.update(id, usage ? { checkpoint, usage } : { checkpoint });
  }

  setStatus(id: string, status: RunStatus, error?: ErrorData): Promise<RunRecord | undefined> {
    return this.update(id, error ? { status, error } : { status });
  }

  /**
   * Marks a run completed with its result (the checkpoint is no longer needed; the trials are in
   * the trials store); a run stopped early keeps its result as `cancelled`.
   */
  complete(id: string, result: RunResult): Promise<RunRecord | undefined> {
    return this.update(id, { status: result.stoppedEarly ? 'cancelled' : 'completed', result: summaryOf(result), usage: result.usage, checkpoint: undefined });
  }

  /** Deletes a run with all its trials, events and traces, in one transaction. */
  async delete(id: string): Promise<DeletedLogs> {
    return writeTx(this.db, ['runs', 'trials', 'events', 'traces'], `delete run ${id}`, (tx) => deleteRun(tx, id));
  }

  /**
   * Deletes a run like {@link delete}, but only if `allow` holds for the run as stored when the
   * transaction reads it: a run that changed meanwhile (resumed by another tab) is kept.
   * Resolves to what was deleted, or `undefined` when the run was kept or is gone.
   */
  async deleteIf(id: string, allow: (run: RunRecord) => boolean): Promise<DeletedLogs | undefined> {
    return writeTx(this.db, ['runs', 'trials', 'events', 'traces'], `delete run ${id}`, async (tx) => {
      const run = await tx.objectStore('runs').get(id);
      return run && allow(run) ? deleteRun(tx, id) : undefined;
    });
  }

  /**
   * After a reload or crash: every `running` run whose owner tab is not alive becomes
   * `interrupted` (resumable). Liveness comes from Web Locks unless `liveTabs` is given.
   * Resolves to the ids it changed.
   */
  async markInterruptedOnStartup(opts: { liveTabs?: ReadonlySet<string> } = {}): Promise<string[]> {
    const candidates = await this.db.getAllKeysFromIndex('runs', 'status', 'running');
    if (candidates.length === 0) return [];
    // Asked before the write transaction: awaiting anything but a request would end it.
    const live = opts.liveTabs ?? (await liveTabIds());
    return writeTx(this.db, ['runs'], 'mark interrupted runs', async (tx) => {
      const store = tx.objectStore('runs');
      const changed: string[] = [];
      for (const id of candidates) {
        const run = await store.get(id);
        if (!run || run.status !== 'running' || (run.ownerTab !== undefined && live.has(run.ownerTab))) continue;
        await store.put({ ...run, status: 'interrupted', updatedAt: this.now() });
        changed.push(id);
      }
      return changed;
    });
  }
}

/** Rows removed with a deleted run. */
interface DeletedLogs {
  trials: number;
  events: number;
  traces: number;
}

type DeleteTx = IDBPTransaction<PromptLabSchema, ['runs', 'trials', 'events', 'traces'], 'readwrite'>;

async function deleteRun(tx: DeleteTx, id: string): Promise<DeletedLogs> {
  const run = runRange(id);
  const trials = tx.objectStore('trials');
  const [trialKeys, eventKeys, traceKeys] = await Promise.all([
    trials.getAllKeys(run),
    tx.objectStore('events').index('runSeq').getAllKeys(run),
    tx.objectStore('traces').index('runId').getAllKeys(id),
  ]);
  const events = tx.objectStore('events');
  const traces = tx.objectStore('traces');
  await Promise.all([
    quiet(tx.objectStore('runs').delete(id)),
    quiet(trials.delete(run)),
    ...eventKeys.map((k) => quiet(events.delete(k))),
    ...traceKeys.map((k) => quiet(traces.delete(k))),
  ]);
  return { trials: trialKeys.length, events: eventKeys.length, traces: traceKeys.length };
}

/** Throws `CONFIG_INVALID` when `value` holds an API key or an unredacted header. */
function assertNoSecrets(value: unknown, what: string): void {
  const found = findSecrets(value);
  if (found.length === 0) return;
  throw new PlaygroundError('CONFIG_INVALID', `Refusing to store a ${what} that holds secrets: ${found.join(', ')}.`, {
    hint: 'Store the redacted config (redactConfig) and keep API keys in memory; "remember on this device" keeps them in settings only.',
    details: { fields: found },
  });
}
