/**
 * Collects items that arrive faster than the screen refreshes and hands them over as one batch
 * per scheduled frame. A live run's worker sends hundreds of updates a second; folding each one
 * into `$state` would re-render per update and make long main-thread tasks.
 */
import type { Scheduler } from './ports';

/** A queue flushed as one batch per scheduled frame. */
export class FrameQueue<T> {
  private pending: T[] = [];
  private scheduled = false;

  /** `take` receives each batch, in arrival order; `schedule` says when the next batch is due. */
  constructor(private readonly take: (batch: T[]) => void, private readonly schedule: Scheduler) {}

  /** Queues `item`; the first item after a flush schedules the next one. */
  push(item: T): void {
    this.pending.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  /** Hands over what is queued now (also called at a run's end, so its last updates are not left waiting for a frame). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.take(batch);
  }

  /** Items waiting for the next flush. */
  get queued(): readonly T[] {
    return this.pending;
  }

  /** Drops what is queued (the run they belong to was closed). */
  clear(): void {
    this.pending = [];
  }
}
