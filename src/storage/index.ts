/**
 * Browser persistence (IndexedDB via idb): runs with their trials, event logs and traces,
 * the LM-call cache, settings (the workspace, with its dataset and program). Not part of the
 * core: it uses browser globals but never imports UI code.
 *
 * Wiring in the optimizer worker, in short: open once (`openPromptLabDB`), create the run with
 * its redacted config, feed trials / events / traces to one `WriteBatcher` (with
 * `makeRoom: (n) => cache.evict(n)`), and at every trial boundary
 * `await batcher.flush(); await cache.flush(); await runs.saveCheckpoint(id, checkpoint, usage)`,
 * in that order, so a checkpoint never refers to trials or cached answers that were not saved
 * (a resumed run then replays the same LM answers from the cache). On page start, call
 * `holdTabLock(tabId)` then `runs.markInterruptedOnStartup()`.
 */
export { openPromptLabDB, isQuotaError, quotaError, unavailableError, storageError, newId } from './db';
export { storageEstimate, requestPersistence, type StorageEstimateInfo } from './estimate';
export { RunStore, assertNoSecrets, type NewRun, type RunPatch } from './run-store';
export { measureRuns, sumRunUsage, type RunUsage } from './run-usage';
export { TrialStore, EventLog, TraceStore, trialRow, eventRow, traceRow, type TraceInput, type TraceFilter } from './run-logs';
export { SettingsStore } from './settings-store';
export { IdbCacheStore, type IdbCacheOptions, type CacheStats } from './cache-store';
export { WriteBatcher, type WriteOp, type WriteBatcherOptions } from './write-batcher';
export { findSecrets } from './secrets';
export { tabLockName, holdTabLock, liveTabIds } from './tabs';
export {
  DB_NAME,
  DB_VERSION,
  STORE_NAMES,
  upgradeSchema,
  type CacheRow,
  type EventRow,
  type PromptLabDB,
  type PromptLabSchema,
  type RunRecord,
  type StoredEvent,
  type StoreName,
  type TraceRow,
  type TrialRow,
} from './schema';
