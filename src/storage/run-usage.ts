/**
 * How much room stored runs take, for the Storage section: how many rows each run's logs
 * hold (counted exactly) and about how many bytes (UTF-8 JSON, the measure the LM cache uses).
 *
 * Traces are most of a run's bytes, and a long run has thousands. Reading all of them to size
 * them would cost more than the figure is worth, so a store's rows are measured exactly only
 * up to {@link SAMPLE_ROWS}; beyond that the first and last rows are measured and scaled to the
 * count (first and last, because a run's early calls, bootstrap and proposals, differ from
 * its trial calls).
 */
import { byteSize } from './db';
import { runRange } from './run-logs';
import type { PromptLabDB, RunRecord } from './schema';

/** Rows and approximate bytes of one run, or of several summed. */
export interface RunUsage {
  trials: number;
  events: number;
  traces: number;
  /** The run records and their logs, in bytes. */
  bytes: number;
  /** False when any store was sampled: `bytes` is then an estimate. */
  exact: boolean;
}

/** Rows measured per store and run before sampling starts. */
const SAMPLE_ROWS = 16;

/** The usage of each of `runs` (in that order), read in one transaction. */
export async function measureRuns(db: PromptLabDB, runs: readonly RunRecord[]): Promise<RunUsage[]> {
  const tx = db.transaction(['trials', 'events', 'traces'], 'readonly');
  const trials = tx.objectStore('trials');
  const events = tx.objectStore('events').index('runSeq');
  const traces = tx.objectStore('traces').index('runId');
  const out = await Promise.all(runs.map(async (run): Promise<RunUsage> => {
    const range = runRange(run.id);
    const [t, e, c] = await Promise.all([measure(trials, range), measure(events, range), measure(traces, IDBKeyRange.only(run.id))]);
    return { trials: t.rows, events: e.rows, traces: c.rows, bytes: byteSize(run) + t.bytes + e.bytes + c.bytes, exact: t.exact && e.exact && c.exact };
  }));
  await tx.done;
  return out;
}

/** The sum of several runs' usage. */
export function sumRunUsage(usages: readonly RunUsage[]): RunUsage {
  return usages.reduce(
    (sum, u) => ({ trials: sum.trials + u.trials, events: sum.events + u.events, traces: sum.traces + u.traces, bytes: sum.bytes + u.bytes, exact: sum.exact && u.exact }),
    { trials: 0, events: 0, traces: 0, bytes: 0, exact: true },
  );
}

/** What `measure` needs of an idb store or index (both have these methods). */
interface RowSource {
  count(query: IDBKeyRange): Promise<number>;
  getAll(query: IDBKeyRange, count?: number): Promise<unknown[]>;
  openCursor(query: IDBKeyRange, direction: IDBCursorDirection): Promise<RowCursor | null>;
}

interface RowCursor {
  value: unknown;
  continue(): Promise<RowCursor | null>;
}

async function measure(source: RowSource, range: IDBKeyRange): Promise<{ rows: number; bytes: number; exact: boolean }> {
  const rows = await source.count(range);
  if (rows <= SAMPLE_ROWS) return { rows, bytes: sizeOf(await source.getAll(range)), exact: true };
  const half = SAMPLE_ROWS / 2;
  const sample = await source.getAll(range, half);
  let cursor = await source.openCursor(range, 'prev');
  for (let i = 0; cursor && i < half; i++) {
    sample.push(cursor.value);
    cursor = await cursor.continue();
  }
  return { rows, bytes: Math.round((sizeOf(sample) / sample.length) * rows), exact: false };
}

function sizeOf(rows: readonly unknown[]): number {
  return rows.reduce<number>((n, row) => n + byteSize(row), 0);
}
