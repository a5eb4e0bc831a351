/**
 * The wall clock the ETA reads. It ticks once a second only while something asks it to (a run
 * driven by this tab), so an idle page does not re-render every second.
 */
import { browserTimers, type Timers } from './ports';

/** A clock that ticks once a second while started. */
export class WallClock {
  /** Milliseconds since the epoch, updated every second while ticking. */
  now = $state(0);
  private ticker: unknown;
  private readonly timers: Timers;

  constructor(timers: Timers = browserTimers) {
    this.timers = timers;
    this.now = timers.now();
  }

  /** Starts ticking (again); a second start replaces the first. */
  start(): void {
    this.stop();
    this.now = this.timers.now();
    this.ticker = this.timers.setInterval(() => (this.now = this.timers.now()), 1000);
  }

  stop(): void {
    if (this.ticker !== undefined) this.timers.clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** True while ticking. */
  get ticking(): boolean {
    return this.ticker !== undefined;
  }
}
