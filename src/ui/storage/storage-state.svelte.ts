/**
 * The Storage section's state: what this browser holds for PromptLab (the origin's usage and
 * quota, the LM cache, the stored runs) and the two ways to free space, each confirmed first
 * and reported after ("Deleted 4 runs, about 3.2 MB").
 *
 * Deleting old runs never touches a `running` run (another tab may be driving it), a paused or
 * interrupted one (it can still resume), or the run open in this tab. The status is checked
 * again inside each delete's transaction, so a run resumed meanwhile by another tab is kept.
 */
import { PlaygroundError, type ErrorData } from '../../core/errors';
import { IdbCacheStore, measureRuns, RunStore, storageError, sumRunUsage, type PromptLabDB, type RunRecord, type StorageEstimateInfo } from '../../storage';
import { clearedReport, confirmation, deletedReport, figureLines, nothingToDelete, RUN_AGES, type Pending, type RunAge, type StorageFigures } from './storage-figures';
import type { RunStatus } from '../../core/runner';

/** What the state needs from the browser; tests pass fake-indexeddb and stubs. */
export interface StorageDeps {
  /** Opens the database (once; retried after a failure). */
  openDB: () => Promise<PromptLabDB>;
  /** The origin's usage, quota and persistence (`storageEstimate`). */
  estimate: () => Promise<StorageEstimateInfo>;
  /** Asks for persistent storage (`requestPersistence`); resolves to whether it is granted. */
  persist: () => Promise<boolean>;
  /** The run open in this tab, which is never deleted from here. */
  openRunId?: () => string | undefined;
  /** Clock for run ages (tests inject one). */
  now?: () => number;
  /** Every estimate read here, so other places that show usage (the header) agree with this one. */
  onEstimate?: (estimate: StorageEstimateInfo) => void;
}

/** Runs that can no longer continue, the only ones deleted by age. */
const FINISHED: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

const DAY_MS = 86_400_000;

/** The Storage section's figures and actions; one per app, its dependencies injected. */
export class StorageState {
  figures = $state.raw<StorageFigures | undefined>(undefined);
  /** The last failure, typed; cleared by the next action that succeeds. */
  error = $state.raw<ErrorData | undefined>(undefined);
  /** What the last action did, in words (the section's live status line). */
  report = $state('');
  /** An action waiting for the user's confirmation. */
  pending = $state.raw<Pending | undefined>(undefined);
  /** The age choice of "Delete old runs". */
  age = $state<RunAge>('30d');
  /** An action is under way (the buttons wait for it). */
  busy = $state(false);
  /** The figures as text. */
  readonly lines = $derived(figureLines(this.figures));
  /** The question for the pending action, and its confirm button's name. */
  readonly question = $derived(this.pending ? confirmation(this.pending) : undefined);

  private db: Promise<PromptLabDB> | undefined;
  private refreshes = 0;
  private readFailed = false;

  constructor(private readonly deps: StorageDeps) {}

  /** Reads the figures again. A slower earlier refresh never overwrites a newer one. */
  async refresh(): Promise<void> {
    const id = ++this.refreshes;
    try {
      const figures = await this.read();
      if (id !== this.refreshes) return;
      this.figures = figures;
      this.deps.onEstimate?.(figures.estimate);
      // A read that works again clears its own earlier failure, not an action's.
      if (this.readFailed) this.error = undefined;
      this.readFailed = false;
    } catch (err) {
      if (id !== this.refreshes) return;
      this.fail(err, 'read what is stored');
      this.readFailed = true;
    }
  }

  /** Asks the browser to keep PromptLab's data under storage pressure. */
  async askPersistence(): Promise<void> {
    await this.act('ask for persistent storage', async () => {
      const granted = await this.deps.persist();
      this.report = granted
        ? 'Storage is persistent: the browser will not clear it to make room.'
        : 'The browser did not make storage persistent. Chromium grants it to sites you bookmark, install or use often; Firefox asks you.';
    });
  }

  /** Prepares "Clear LM cache": counts what it would free and waits for `confirm`. */
  async askClearCache(): Promise<void> {
    await this.act('read the LM cache', async () => {
      const usage = await new IdbCacheStore(await this.open()).usage();
      if (usage.entries === 0) this.report = 'The LM cache is already empty.';
      else this.pending = { kind: 'clear-cache', ...usage };
    });
  }

  /** Prepares "Delete old runs" for the chosen age: finds the runs and waits for `confirm`. */
  async askDeleteRuns(): Promise<void> {
    const age = this.age;
    await this.act('find old runs', async () => {
      const db = await this.open();
      const runs = (await new RunStore(db).list()).filter(this.deletable(age));
      if (runs.length === 0) {
        this.report = nothingToDelete(age);
        return;
      }
      const sizes = await measureRuns(db, runs);
      this.pending = { kind: 'delete-runs', age, ids: runs.map((r) => r.id), sizes: sizes.map((s) => s.bytes), exact: sumRunUsage(sizes).exact };
    });
  }

  /** Runs the confirmed action. Resolves to how many runs were deleted (for the runs list to refresh). */
  async confirm(): Promise<{ runsDeleted: number }> {
    const action = this.pending;
    this.pending = undefined;
    let runsDeleted = 0;
    if (action?.kind === 'clear-cache') {
      await this.act('clear the LM cache', async () => {
        await new IdbCacheStore(await this.open()).clear();
        this.report = clearedReport(action.entries, action.bytes);
      });
    } else if (action?.kind === 'delete-runs') {
      const progress = { deleted: 0 };
      await this.act('delete old runs', () => this.deleteRuns(action, progress));
      runsDeleted = progress.deleted;
    }
    if (action) await this.refresh();
    return { runsDeleted };
  }

  /** Drops the action waiting for confirmation. */
  cancel(): void {
    this.pending = undefined;
  }

  /** Deletes the confirmed runs one transaction each, counting into `progress` (a failure midway keeps what was freed). */
  private async deleteRuns(action: Extract<Pending, { kind: 'delete-runs' }>, progress: { deleted: number }): Promise<void> {
    const store = new RunStore(await this.open());
    const allow = this.deletable(action.age);
    let bytes = 0;
    try {
      for (const [i, id] of action.ids.entries()) {
        if (await store.deleteIf(id, allow)) {
          progress.deleted++;
          bytes += action.sizes[i] ?? 0;
        }
      }
    } finally {
      this.report = deletedReport(progress.deleted, bytes, action.exact, action.ids.length - progress.deleted);
    }
  }

  /** Finished runs past the age, except the one open here. Checked again in each delete. */
  private deletable(age: RunAge): (run: RunRecord) => boolean {
    const days = RUN_AGES.find((a) => a.value === age)?.days ?? 0;
    const cutoff = (this.deps.now ?? Date.now)() - days * DAY_MS;
    return (run) => FINISHED.includes(run.status) && run.id !== this.deps.openRunId?.() && (age === 'all' || run.updatedAt < cutoff);
  }

  private async read(): Promise<StorageFigures> {
    const db = await this.open();
    const [estimate, cache, runs] = await Promise.all([this.deps.estimate(), new IdbCacheStore(db).usage(), new RunStore(db).list()]);
    const usage = sumRunUsage(await measureRuns(db, runs));
    return { estimate, cache, runs: { ...usage, count: runs.length, kept: runs.filter((r) => !FINISHED.includes(r.status)).length } };
  }

  /** Runs a user action: busy while it runs, its failure shown as a typed error, never swallowed. */
  private async act(what: string, body: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.report = '';
    try {
      await body();
      this.error = undefined;
      this.readFailed = false;
    } catch (err) {
      this.fail(err, what);
    } finally {
      this.busy = false;
    }
  }

  private fail(err: unknown, what: string): void {
    this.error = (err instanceof PlaygroundError ? err : storageError(err, what)).toData();
  }

  private open(): Promise<PromptLabDB> {
    this.db ??= this.deps.openDB().catch((err: unknown) => {
      // Forget the failure, so the next action tries again (the user may have allowed storage).
      this.db = undefined;
      throw err;
    });
    return this.db;
  }
}
