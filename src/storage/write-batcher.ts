/**
 * Batches a run's many small writes (trials, events, traces) into one transaction per flush,
 * so a run with thousands of LM calls costs a few dozen transactions instead of thousands.
 *
 * A flush runs `intervalMs` after the first queued write, as soon as `maxItems` are queued,
 * or on demand. Writes keep their order (one flush at a time; within a flush, queue order).
 * Nothing is dropped: a failed batch goes back to the front of the queue, is reported through
 * `onError`, and is retried with backoff. On a full disk the batcher first asks `makeRoom`
 * (e.g. the LM cache's `evict`) and retries once at once; if that fails too, `flush()`
 * rejects with `STORAGE_QUOTA` so the run can pause with a clear message, and its data
 * stays queued for the next flush.
 */
import { PlaygroundError } from '../core/errors';
import type { TrialRecord } from '../core/optimize';
import { byteSize, isQuotaError, quiet, writeTx } from './db';
import { eventRow, traceRow, trialRow, type TraceInput } from './run-logs';
import { splitTrial, type LoggedEventRow, type PromptLabDB, type StoredEvent, type TraceRow, type TrialRow } from './schema';

/** One queued write. */
export type WriteOp = { store: 'trials'; value: TrialRow } | { store: 'events'; value: LoggedEventRow } | { store: 'traces'; value: TraceRow };

export interface WriteBatcherOptions {
  /** Longest a write waits in the queue (default 250 ms). */
  intervalMs?: number;
  /** Queue length that triggers a flush at once (default 200). */
  maxItems?: number;
  /** Longest wait between retries of a failing batch (default 30 s). */
  maxBackoffMs?: number;
  /** Every failed flush, with the number of queued writes kept for the retry. */
  onError?: (err: unknown, info: { ops: number; attempt: number }) => void;
  /** Frees about `bytes` after a quota failure, before the one immediate retry. */
  makeRoom?: (bytes: number) => Promise<unknown>;
}

export class WriteBatcher {
  /** Writes per committed flush, in order (for the storage view and tests). */
  readonly flushSizes: number[] = [];
  private queue: WriteOp[] = [];
  private readonly opts: Required<Omit<WriteBatcherOptions, 'makeRoom'>> & Pick<WriteBatcherOptions, 'makeRoom'>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** A flush is chained but has not taken the queue yet: later writes will ride along. */
  private flushQueued = false;
  private failures = 0;
  private closed = false;

  constructor(private readonly db: PromptLabDB, opts: WriteBatcherOptions = {}) {
    this.opts = { intervalMs: 250, maxItems: 200, maxBackoffMs: 30_000, onError: () => undefined, ...opts };
  }

  /** Writes waiting for a flush. */
  get pending(): number {
    return this.queue.length;
  }

  addTrial(runId: string, trial: TrialRecord): void {
    this.enqueue({ store: 'trials', value: trialRow(runId, trial) });
  }

  /** Queues an event; a trial's end queues its trial and a reference to it (trials are stored once). */
  addEvent(runId: string, seq: number, event: StoredEvent, at?: number): void {
    const { event: logged, trial } = splitTrial(event);
    if (trial) this.addTrial(runId, trial);
    this.enqueue({ store: 'events', value: { ...eventRow(runId, seq, event, at), event: logged } });
  }

  /** Throws `INTERNAL` at once for a trace carrying more than messages (see `traceRow`). */
  addTrace(input: TraceInput): void {
    this.enqueue({ store: 'traces', value: traceRow(input) });
  }

  enqueue(op: WriteOp): void {
    if (this.closed) throw new PlaygroundError('INTERNAL', `A write to "${op.store}" arrived after its batcher was closed.`, { hint: 'This is a bug in PromptLab; please report it.' });
    this.queue.push(op);
    const full = this.queue.length >= this.opts.maxItems;
    if (full && !this.flushQueued) this.background();
    else if (!full) this.arm(this.opts.intervalMs);
  }

  /**
   * Writes everything queued so far, in one transaction.
   * @throws PlaygroundError `STORAGE_QUOTA` (or the storage error) when the batch could not be
   *   written; its writes stay queued and are retried.
   */
  flush(): Promise<void> {
    this.disarm();
    this.flushQueued = true;
    // Why: a failed earlier flush has already been reported; it must not fail this one.
    this.chain = this.chain.catch(() => undefined).then(() => this.flushOnce());
    return this.chain;
  }

  /** Flushes and refuses further writes. Rejects like `flush()` if the last writes fail. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    this.disarm();
  }

  private async flushOnce(): Promise<void> {
    this.flushQueued = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      await this.write(batch);
    } catch (first) {
      let err = first;
      if (isQuotaError(first) && this.opts.makeRoom) {
        try {
          await this.opts.makeRoom(2 * byteSize(batch.map((op) => op.value)));
          await this.write(batch);
          return;
        } catch (retryErr) {
          err = retryErr;
        }
      }
      this.queue = batch.concat(this.queue);
      this.failures++;
      this.opts.onError(err, { ops: this.queue.length, attempt: this.failures });
      if (!this.closed) this.arm(Math.min(this.opts.maxBackoffMs, this.opts.intervalMs * 2 ** this.failures));
      throw err;
    }
  }

  private async write(batch: WriteOp[]): Promise<void> {
    const stores = [...new Set(batch.map((op) => op.store))];
    await writeTx(this.db, stores, `save ${batch.length} run record(s)`, async (tx) => {
      // Requests are issued in queue order; IndexedDB applies them in that order.
      await Promise.all(batch.map((op): Promise<unknown> => {
        switch (op.store) {
          case 'trials':
            return quiet(tx.objectStore('trials').put(op.value));
          case 'events':
            return quiet(tx.objectStore('events').add(op.value));
          case 'traces':
            return quiet(tx.objectStore('traces').add(op.value));
        }
      }));
    });
    this.failures = 0;
    this.flushSizes.push(batch.length);
  }

  private background(): void {
    // Failures were reported through onError and the writes stay queued.
    this.flush().catch(() => undefined);
  }

  private arm(ms: number): void {
    if (this.timer === undefined) this.timer = setTimeout(() => {
      this.timer = undefined;
      this.background();
    }, ms);
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
