/**
 * The runs stored in this browser, as the runs list shows them: reloaded on demand (runs
 * orphaned by a closed tab become `interrupted` on the way), and deleted with their logs.
 */
import type { ErrorData } from '../../core/errors';
import type { RunRecord } from '../../storage/schema';
import { attempt, errorOf, type Outcome } from './outcome';
import type { RunControlClient } from './ports';
import type { RunStorage } from './run-storage';
import type { RunStatus } from '../../core/runner';

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
  /** The run this one evaluates an edit of. */
  parentRunId?: string;
}

/** What the runs list depends on. */
export interface StoredRunsDeps {
  storage: RunStorage;
  /** To cancel a run this tab drives before deleting it. */
  client: Pick<RunControlClient, 'activeRuns' | 'cancel'>;
  /** A run was deleted (the open run closes when it is that one). */
  onDeleted?: (runId: string) => void;
}

/** The stored runs list: refresh, delete, and statuses this tab just set. */
export class StoredRuns {
  /** Stored runs, newest first. */
  list = $state.raw<RunListItem[]>([]);
  /** The last failure of reading or deleting runs. */
  error = $state.raw<ErrorData | undefined>(undefined);

  constructor(private readonly deps: StoredRunsDeps) {}

  /** Reloads the list; runs orphaned by a closed tab become `interrupted`. */
  async refresh(): Promise<Outcome<RunListItem[]>> {
    const out = await attempt(async () => {
      // Every time, not once: a tab that just closed (or reloaded) can hold its lock a moment longer.
      await this.deps.storage.markInterrupted();
      return (await this.deps.storage.list()).map(listItem);
    });
    this.error = errorOf(out);
    if (out.ok) this.list = out.value;
    return out;
  }

  /** Deletes a stored run with its trials, events and traces (cancels it first when this tab drives it), then reloads the list. */
  async delete(runId: string): Promise<Outcome<RunListItem[]>> {
    const { client, storage } = this.deps;
    const deleted = await attempt(async () => {
      if (client.activeRuns().includes(runId)) await client.cancel(runId);
      await storage.delete(runId);
    });
    if (!deleted.ok) {
      this.error = deleted.error;
      return deleted;
    }
    this.deps.onDeleted?.(runId);
    return this.refresh();
  }

  /** Shows a status this tab just gave a run, before the next refresh reads it back. */
  setStatus(runId: string, status: RunStatus): void {
    this.list = this.list.map((r) => (r.id === runId ? { ...r, status } : r));
  }
}

/** A stored run's list entry (scores from its result, when it has one). */
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
    // Without an optimizer the "baseline" is the program itself: no before and after to show.
    ...(d?.baselineTest && r.config.optimizer?.kind !== 'none' && { baselineTest: d.baselineTest.mean }),
    ...(r.parentRunId !== undefined && { parentRunId: r.parentRunId }),
  };
}
