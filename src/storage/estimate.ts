/**
 * The browser's storage estimate and persistence request (navigator.storage), the only ones
 * in the app: the Storage section, the header's usage figure and quota errors read this one.
 *
 * Both degrade quietly where the API is missing (old browsers, Node tests): the estimate says
 * `supported: false` and persistence resolves to `false`. Browsers may evict a non-persistent
 * origin's data under pressure, so the UI asks for persistence before a long run.
 */

/** What the browser says about this origin's storage. Sizes in bytes. */
export interface StorageEstimateInfo {
  supported: boolean;
  usage?: number;
  quota?: number;
  /** True when the browser granted persistent storage (no eviction under pressure). */
  persisted?: boolean;
}

/**
 * `navigator.storage.estimate()` plus `persisted()`, or `{ supported: false }`. Never throws.
 * The figures cover the whole origin: IndexedDB (runs, LM cache), and the Cache API where
 * local model weights live.
 */
export async function storageEstimate(): Promise<StorageEstimateInfo> {
  const storage = storageManager();
  if (!storage || typeof storage.estimate !== 'function') return { supported: false };
  try {
    const { usage, quota } = await storage.estimate();
    const info: StorageEstimateInfo = { supported: true };
    if (usage !== undefined) info.usage = usage;
    if (quota !== undefined) info.quota = quota;
    if (typeof storage.persisted === 'function') info.persisted = await storage.persisted();
    return info;
  } catch {
    return { supported: false };
  }
}

/**
 * Asks the browser to keep this origin's data under storage pressure
 * (`navigator.storage.persist()`). Resolves to whether it is granted; never throws.
 */
export async function requestPersistence(): Promise<boolean> {
  const storage = storageManager();
  if (!storage || typeof storage.persist !== 'function') return false;
  try {
    if (typeof storage.persisted === 'function' && (await storage.persisted())) return true;
    return await storage.persist();
  } catch {
    return false;
  }
}

function storageManager(): Partial<StorageManager> | undefined {
  // Why: `navigator` exists in workers and pages but not in every test host.
  const nav = (globalThis as { navigator?: { storage?: Partial<StorageManager> } }).navigator;
  return nav?.storage;
}
