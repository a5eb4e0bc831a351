/**
 * The open run's files and records: its LM calls (the trace inspector), its export as a run
 * bundle, and the import of a bundle as a replay. Each action returns an {@link Outcome} that
 * the component which asked shows; nothing here fails as an empty list or a missing file.
 */
import { PlaygroundError } from '../../core/errors';
import type { RunConfig } from '../../core/runner';
import { matchesTrace, type TraceFilter } from '../../storage';
import type { RunRecord } from '../../storage/schema';
import { createBundle, parseBundle, toRunEvent, type BundleTrace, type RunBundle } from '../bundle';
import type { RunSnapshot } from '../run/run-snapshot';
import type { OpenRun } from './open-run.svelte';
import { attempt, failed, ok, type Outcome } from './outcome';
import type { RunStorage } from './run-storage';
import type { Timeline } from './run-replay.svelte';

/** The open run's LM calls, its export as a bundle, and bundle import. */
export class RunArchive {
  constructor(private readonly run: OpenRun, private readonly storage: RunStorage) {}

  /** LM calls of the open run, exactly as sent and received (a replay's from its bundle). */
  async traces(filter: TraceFilter = {}): Promise<Outcome<BundleTrace[]>> {
    const run = this.run.current;
    if (!run) return failed(noRunOpen('show its LM calls'));
    if (run.replay) return ok((this.run.replayed?.traces ?? []).filter((r) => matchesTrace(r, filter)));
    return attempt(() => this.storage.traces(run.id, filter));
  }

  /** The open run as a bundle (config redacted, with traces); a replay exports its own bundle. */
  async exportBundle(): Promise<Outcome<RunBundle>> {
    const run = this.run.current;
    if (!run) return failed(noRunOpen('export it'));
    const replayed = this.run.replayed;
    if (replayed) return ok(replayed);
    return attempt(async () => {
      const [stored, traces] = await Promise.all([this.storage.load(run.id), this.storage.traces(run.id)]);
      return bundleOf(run, stored, traces);
    });
  }

  /** The open run's record, whole event log and trials, for a replay (a bundle's, or the stored run's). */
  async timeline(): Promise<Outcome<Timeline>> {
    const run = this.run.current;
    if (!run) return failed(noRunOpen('replay it'));
    const replayed = this.run.replayed;
    if (replayed) {
      // A bundle keeps no times: its events are a millisecond apart, in order.
      return ok({ run: replayed.run, events: replayed.events.map((event, i) => ({ event, at: replayed.run.createdAt + i, seq: i })), trials: replayed.trials });
    }
    return attempt(async () => {
      const stored = await this.storage.load(run.id);
      if (!stored) throw new PlaygroundError('RUN_NOT_FOUND', 'This run is no longer stored, so it cannot be replayed.', { hint: 'Open another run, or import its run bundle.' });
      const { checkpoint: _c, ownerTab: _o, updatedAt: _u, ...record } = stored.record;
      return { run: record, events: stored.events.map((r) => ({ event: toRunEvent(r.event), at: r.at, seq: r.seq })), trials: stored.trials };
    });
  }

  /** Reads a bundle file's text and opens it as a replay. A file that is no bundle fails with `SHARE_INVALID` or `SHARE_VERSION`. */
  importBundle(text: string): Outcome<RunBundle> {
    try {
      const bundle = parseBundle(text);
      this.run.replay(bundle);
      return ok(bundle);
    } catch (err) {
      return failed(err);
    }
  }
}

/**
 * The bundle of a stored run. What the page holds fills in where storage has less: a run not
 * (yet) stored exports from its snapshot, and the live trials and events win over shorter logs.
 */
function bundleOf(run: RunSnapshot, stored: Awaited<ReturnType<RunStorage['load']>>, traces: BundleTrace[]): RunBundle {
  const base: Omit<RunRecord, 'updatedAt'> = stored?.record ?? { id: run.id, status: run.status, createdAt: run.createdAt, config: run.config ?? ({} as RunConfig) };
  const { checkpoint: _c, ownerTab: _o, updatedAt: _u, ...rest } = base as RunRecord;
  const trials = stored?.trials ?? [];
  const events = stored?.events ?? [];
  return createBundle({
    run: { ...rest, ...(run.result && { result: run.result }) },
    trials: trials.length >= run.trials.length ? trials : run.trials,
    events: events.length ? events.map((r) => r.event) : run.events,
    traces,
  });
}

function noRunOpen(what: string): PlaygroundError {
  return new PlaygroundError('RUN_NOT_FOUND', `No run is open to ${what}.`, { hint: 'Open a run from Runs first.' });
}
