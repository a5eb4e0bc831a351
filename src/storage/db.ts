/**
 * Opening the database, and turning IndexedDB's DOMExceptions into typed errors.
 *
 * Browsers report a full disk as a `QuotaExceededError` on any write. Chromium aborts the
 * transaction: the request fails with an `AbortError` and the real cause sits on
 * `transaction.error`, so both places are checked. A missing or blocked IndexedDB (some
 * private modes, disabled storage) becomes `STORAGE_UNAVAILABLE`.
 */
import { openDB, type IDBPTransaction } from 'idb';
import { PlaygroundError } from '../core/errors';
import { storageEstimate, type StorageEstimateInfo } from './estimate';
import { DB_NAME, DB_VERSION, upgradeSchema, type PromptLabDB, type PromptLabSchema, type StoreName } from './schema';

/**
 * Opens (creating or upgrading as needed) the PromptLab database.
 *
 * @param name database name; tests pass a fresh one each.
 * @param opts.onVersionChange called when another tab needs a newer schema: this connection
 *   closes itself so the other tab can upgrade, and the caller should ask the user to reload.
 * @throws PlaygroundError `STORAGE_UNAVAILABLE` when IndexedDB is missing or refuses to open.
 */
export async function openPromptLabDB(name: string = DB_NAME, opts: { onVersionChange?: () => void } = {}): Promise<PromptLabDB> {
  if (typeof indexedDB === 'undefined') throw unavailableError(new Error('indexedDB is not defined'));
  try {
    const db: PromptLabDB = await openDB<PromptLabSchema>(name, DB_VERSION, {
      upgrade: (database, oldVersion, _newVersion, tx) => upgradeSchema(database, oldVersion, tx),
      blocking: () => {
        db.close();
        opts.onVersionChange?.();
      },
    });
    return db;
  } catch (err) {
    throw isQuotaError(err) ? quotaError(err, 'open the database') : unavailableError(err);
  }
}

/** True when `err` (or the transaction it came from) is a storage quota failure. */
export function isQuotaError(err: unknown, tx?: { error: DOMException | null }): boolean {
  const named = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'QuotaExceededError';
  return named(err) || named(tx?.error) || named((err as { cause?: unknown } | null)?.cause);
}

/** `STORAGE_QUOTA`: what could not be saved, how to free space, and the estimate when known. */
function quotaError(cause: unknown, what: string, estimate?: StorageEstimateInfo): PlaygroundError {
  const details: Record<string, unknown> = { action: what };
  if (estimate?.supported) Object.assign(details, { usage: estimate.usage, quota: estimate.quota, persisted: estimate.persisted });
  const used = estimate?.supported && estimate.usage !== undefined && estimate.quota !== undefined
    ? ` (using ${megabytes(estimate.usage)} of ${megabytes(estimate.quota)})`
    : '';
  return new PlaygroundError('STORAGE_QUOTA', `The browser's storage for PromptLab is full${used}: could not ${what}.`, {
    hint: 'Free space in Runs > Storage: clear the LM cache and delete old runs there (or ask for persistent storage, which browsers may give more room); then resume the run.',
    details,
    cause,
  });
}

/** `STORAGE_UNAVAILABLE`: IndexedDB is missing or refuses to open. */
function unavailableError(cause: unknown): PlaygroundError {
  const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new PlaygroundError('STORAGE_UNAVAILABLE', `IndexedDB is not available in this browser session (${reason}).`, {
    hint: 'Private or incognito windows and "block site data" settings disable storage. Open PromptLab in a normal window, or allow site data; runs will not be saved until then.',
    details: { reason },
    cause,
  });
}

/**
 * Any failure of a storage operation as a typed error: typed errors pass through, a full disk
 * becomes `STORAGE_QUOTA`, anything else `STORAGE_IO` saying what could not be done.
 */
export function storageError(err: unknown, what: string): PlaygroundError {
  if (err instanceof PlaygroundError) return err;
  if (isQuotaError(err)) return quotaError(err, what);
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new PlaygroundError('STORAGE_IO', `Could not ${what}: the browser's storage failed (${reason}).`, {
    hint: 'Reload the page and try again. If it keeps failing, close the other PromptLab tabs and reload.',
    details: { action: what, reason },
    cause: err,
  });
}

/**
 * Runs `body` in one read-write transaction over `stores` and waits for it to commit.
 * `body` must await every request it makes (so none is left unobserved). Any failure aborts
 * the whole transaction; a quota failure becomes `STORAGE_QUOTA` with the storage estimate.
 */
export async function writeTx<const Names extends readonly StoreName[], T>(
  db: PromptLabDB,
  stores: Names,
  what: string,
  body: (tx: IDBPTransaction<PromptLabSchema, Names, 'readwrite'>) => Promise<T>,
): Promise<T> {
  let tx;
  try {
    tx = db.transaction(stores, 'readwrite');
  } catch (err) {
    throw unavailableError(err);
  }
  const done = tx.done;
  // Why: an aborted transaction rejects `done` as well as the failing request; observe both.
  done.catch(() => undefined);
  try {
    const out = await body(tx);
    await done;
    return out;
  } catch (err) {
    try {
      tx.abort();
    } catch {
      // Already finished or aborted: nothing to undo.
    }
    if (isQuotaError(err, tx)) throw quotaError(err, what, await storageEstimate());
    throw err;
  }
}

/** Marks a request promise as observed (its failure surfaces through the transaction). */
export function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** A random id (UUID where available). */
export function newId(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** UTF-8 size of a value's JSON form (what a stored record roughly costs). */
export function byteSize(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value) ?? '').length;
}

function megabytes(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}
