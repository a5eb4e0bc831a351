/**
 * A running run's writes to IndexedDB: every event in order, every trial, every LM call as a
 * trace row with where in the run it was made, the plan, and the checkpoints.
 *
 * The order of writes is the point: at a checkpoint, the trials and cached answers it refers
 * to are committed first, then the checkpoint, so a resumed run never finds a checkpoint
 * ahead of its data (and replays the same LM answers from the cache).
 */
import type { ObservedCall, RunEvent } from '../core/runner';
import { EventLog, WriteBatcher, type IdbCacheStore, type PromptLabDB, type RunStore } from '../storage';

export interface RecorderStorage {
  db: PromptLabDB;
  runs: RunStore;
  events: EventLog;
  cache: IdbCacheStore;
}

export class RunRecorder {
  private readonly batcher: WriteBatcher;
  /** Writes to the run record, in the order their events arrived. */
  private saving: Promise<unknown> = Promise.resolve();

  private constructor(private readonly storage: RecorderStorage, private readonly runId: string, private seq: number) {
    this.batcher = new WriteBatcher(storage.db, { makeRoom: (bytes) => storage.cache.evict(bytes) });
  }

  /** A recorder continuing the run's event numbering (0 for a new run, after the last event on resume). */
  static async open(storage: RecorderStorage, runId: string): Promise<RunRecorder> {
    return new RunRecorder(storage, runId, await storage.events.nextSeq(runId));
  }

  /** Queues `event` and what it implies; returns its `seq` (the order the page folds events in). */
  record(event: RunEvent): number {
    const seq = this.seq++;
    this.batcher.addEvent(this.runId, seq, stripCheckpoint(event));
    if (event.type === 'plan') this.afterSaved(() => this.storage.runs.update(this.runId, { plan: event.plan }));
    if (event.type !== 'optimizer') return seq;
    const e = event.event;
    if (e.type === 'checkpoint') {
      this.afterSaved(async () => {
        await this.batcher.flush();
        await this.storage.cache.flush();
        await this.storage.runs.saveCheckpoint(this.runId, e.checkpoint, event.usage);
      });
    }
    return seq;
  }

  /** Queues a trace row for an answered call, under the step, trial and example it was made for, marked when its answer could not be read. */
  recordCall(call: ObservedCall): void {
    if (!call.record) return;
    const { phase, trialIndex, stepId, exampleId } = call.context;
    this.batcher.addTrace({
      runId: this.runId,
      stepId: stepId ?? call.role,
      call: call.record,
      role: call.role,
      ...(phase !== undefined && { phase }),
      ...(trialIndex !== undefined && { trialIndex }),
      ...(exampleId !== undefined && { exampleId }),
      ...(call.unreadable && { unreadable: call.unreadable }),
    });
  }

  /** Waits until every write so far is committed (run record, events, trials, traces, cache). */
  async finish(): Promise<void> {
    await this.saving;
    await this.batcher.flush();
    await this.storage.cache.flush();
  }

  /** Commits what is queued, for a run that ended in an error (the error itself is what matters). */
  async flushAfterError(): Promise<void> {
    await this.batcher.flush();
  }

  private afterSaved(write: () => Promise<unknown>): void {
    this.saving = this.saving.then(write);
  }
}

/**
 * Checkpoints live on the run record; the event log keeps that one was taken, and the usage
 * then (a few numbers): a reopened run shows the calls its optimizer had used of a budget,
 * which the record's final usage, the final scoring included, cannot tell.
 */
function stripCheckpoint(event: RunEvent): RunEvent {
  if (event.type === 'optimizer' && event.event.type === 'checkpoint') return { type: 'optimizer', event: { type: 'checkpoint', checkpoint: null }, ...(event.usage && { usage: event.usage }) };
  return event;
}

/** Whether the page gets this event (checkpoints are large and only storage needs them). */
export function isRelayed(event: RunEvent): boolean {
  return !(event.type === 'optimizer' && event.event.type === 'checkpoint');
}
