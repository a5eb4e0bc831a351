/**
 * What the runs UI reads and writes in IndexedDB, as one small interface. The state classes
 * take it in their constructor, so tests give them a fake-indexeddb database (or a storage
 * that fails) and no class opens the database on its own.
 */
import { EventLog, RunStore, TraceStore, TrialStore, openPromptLabDB, type TraceFilter } from '../../storage';
import type { EventRow, PromptLabDB, RunRecord, TraceRow } from '../../storage/schema';
import type { TrialRecord } from '../../core/optimize';
import type { RunStatus } from '../../core/runner';

/** A stored run with its logs, as opening it needs them. */
export interface StoredRun {
  record: RunRecord;
  events: EventRow[];
  trials: TrialRecord[];
}

/** The runs UI's access to storage. Every method rejects with a typed error when storage fails. */
export interface RunStorage {
  /** Runs newest first. */
  list(): Promise<RunRecord[]>;
  /** Marks `running` runs whose tab is gone as `interrupted`; resolves to their ids. */
  markInterrupted(): Promise<string[]>;
  get(runId: string): Promise<RunRecord | undefined>;
  /** A run's record, events and trials; `undefined` when the run is not stored. */
  load(runId: string): Promise<StoredRun | undefined>;
  /** A run's LM calls, optionally those of one trial only. */
  traces(runId: string, filter?: TraceFilter): Promise<TraceRow[]>;
  setStatus(runId: string, status: RunStatus): Promise<void>;
  delete(runId: string): Promise<void>;
}

/**
 * The app's storage: PromptLab's IndexedDB database, opened on first use. A failed open is
 * not kept, so the next action tries again (e.g. after the user leaves private mode).
 */
export function idbRunStorage(openDB: () => Promise<PromptLabDB> = () => openPromptLabDB()): RunStorage {
  let opening: Promise<PromptLabDB> | undefined;
  const db = (): Promise<PromptLabDB> => {
    opening ??= openDB().catch((err: unknown) => {
      opening = undefined;
      throw err;
    });
    return opening;
  };
  return {
    list: async () => new RunStore(await db()).list(),
    markInterrupted: async () => new RunStore(await db()).markInterruptedOnStartup(),
    get: async (runId) => new RunStore(await db()).get(runId),
    async load(runId) {
      const d = await db();
      const record = await new RunStore(d).get(runId);
      if (!record) return undefined;
      const [events, trials] = await Promise.all([new EventLog(d).list(runId), new TrialStore(d).list(runId)]);
      return { record, events, trials };
    },
    traces: async (runId, filter = {}) => new TraceStore(await db()).list(runId, filter),
    async setStatus(runId, status) {
      await new RunStore(await db()).setStatus(runId, status);
    },
    async delete(runId) {
      await new RunStore(await db()).delete(runId);
    },
  };
}
