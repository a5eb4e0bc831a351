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
export { openPromptLabDB, isQuotaError, storageError, newId } from './db';
export { storageEstimate, requestPersistence, type StorageEstimateInfo } from './estimate';
export { RunStore } from './run-store';
export { measureRuns, sumRunUsage, type RunUsage } from './run-usage';
export { TrialStore, EventLog, TraceStore, eventRow, matchesTrace, type TraceFilter } from './run-logs';
export { SettingsStore } from './settings-store';
export { IdbOutputMemory } from './output-memory';
export { IdbCacheStore, type IdbCacheOptions } from './cache-store';
export { WriteBatcher } from './write-batcher';
export { tabLockName, holdTabLock, liveTabIds } from './tabs';
export { DB_VERSION, STORE_NAMES, type PromptLabDB, type RunRecord, type TraceRow } from './schema';
