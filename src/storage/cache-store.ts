/**
 * The LM-call cache in IndexedDB: a `CacheStore` (src/core/lm/types.ts) capped in bytes,
 * evicting the least recently used entries, like the in-memory `MemoryCacheStore` but
 * persistent and shared by every run and tab.
 *
 * Writes and recency updates ("touches") are queued and written in one transaction per flush
 * (every `flushIntervalMs`, or once `maxPending` are queued), so thousands of calls cost a
 * few transactions. The byte total lives in the `meta` store and changes in the same
 * transaction as the entries, so tabs sharing the cache agree on it.
 *
 * The cache is best-effort: `get` and `set` never throw, a failed flush is reported through
 * `onError` and dropped, and a full disk first evicts entries and retries once. Callers that
 * need an answer to be durable (a checkpoint is about to be written; resuming must replay the
 * same answers) call `flush()` first.
 */
import { copyResponse } from '../core/lm';
import type { CacheStore, LMResponse } from '../core/lm';
import { byteSize, isQuotaError, quiet, writeTx } from './db';
import type { CacheRow, PromptLabDB } from './schema';

export interface IdbCacheOptions {
  /** Size cap in bytes (default 200 MB). */
  maxBytes?: number;
  /** A flush runs this long after the first queued change (default 1000 ms). */
  flushIntervalMs?: number;
  /** A flush runs as soon as this many writes and touches are queued (default 64). */
  maxPending?: number;
  /** Clock for `lastUsed` (tests inject a counter). */
  now?: () => number;
  /** Best-effort failures (the cache carries on without them). */
  onError?: (err: unknown) => void;
}

/** Counters for the storage view and tests. */
export interface CacheStats {
  hits: number;
  misses: number;
  flushes: number;
  evicted: number;
  /** Entries lost because a flush failed even after eviction. */
  dropped: number;
}

const BYTES_KEY = 'lmCache.bytes';
/** After going over the cap, evict down to this fraction of it, so the next writes do not evict again. */
const LOW_WATER = 0.9;

export class IdbCacheStore implements CacheStore {
  readonly maxBytes: number;
  readonly stats: CacheStats = { hits: 0, misses: 0, flushes: 0, evicted: 0, dropped: 0 };
  private readonly pending = new Map<string, CacheRow>();
  private readonly touches = new Map<string, number>();
  private readonly opts: Required<Omit<IdbCacheOptions, 'maxBytes'>>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** A flush is chained but has not taken the queue yet: later writes will ride along. */
  private flushQueued = false;

  constructor(private readonly db: PromptLabDB, opts: IdbCacheOptions = {}) {
    this.maxBytes = opts.maxBytes ?? 200e6;
    if (!(this.maxBytes > 0)) throw new RangeError(`maxBytes must be positive, but got ${opts.maxBytes}`);
    this.opts = { flushIntervalMs: 1000, maxPending: 64, now: Date.now, onError: () => undefined, ...stripUndefined(opts) };
  }

  /** The cached answer, or undefined (also when the database fails: a miss is always safe). */
  async get(key: string): Promise<LMResponse | undefined> {
    const at = this.opts.now();
    const queued = this.pending.get(key);
    if (queued) {
      queued.lastUsed = at;
      this.stats.hits++;
      return copyResponse(queued.value);
    }
    let row: CacheRow | undefined;
    try {
      row = await this.db.get('lmCache', key);
    } catch (err) {
      this.opts.onError(err);
    }
    if (!row) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    this.touches.set(key, at);
    this.schedule();
    return row.value;
  }

  /** Queues the answer; it is written with the next flush. Never throws. */
  async set(key: string, value: LMResponse): Promise<void> {
    const stored = copyResponse(value);
    delete stored.cached;
    this.pending.set(key, { key, value: stored, size: byteSize(key) + byteSize(stored), lastUsed: this.opts.now() });
    this.touches.delete(key);
    this.schedule();
  }

  /** Writes everything queued. Resolves when written or reported as failed; never rejects. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushQueued = true;
    this.chain = this.chain.then(() => this.flushOnce());
    return this.chain;
  }

  /** Flushes and stops the timer. */
  close(): Promise<void> {
    return this.flush();
  }

  /** Entries and bytes stored (queued entries not included). */
  async usage(): Promise<{ entries: number; bytes: number }> {
    const [entries, bytes] = await Promise.all([this.db.count('lmCache'), this.db.get('meta', BYTES_KEY)]);
    return { entries, bytes: typeof bytes === 'number' ? bytes : 0 };
  }

  /** Deletes every entry (the "clear LM cache" button). */
  async clear(): Promise<void> {
    this.pending.clear();
    this.touches.clear();
    await writeTx(this.db, ['lmCache', 'meta'], 'clear the LM cache', async (tx) => {
      await Promise.all([quiet(tx.objectStore('lmCache').clear()), quiet(tx.objectStore('meta').put(0, BYTES_KEY))]);
    });
  }

  /**
   * Frees at least `bytes` by deleting the least recently used entries (deletes succeed on a
   * full disk). Resolves to the bytes freed. Used on QuotaExceeded, by this cache and by
   * writers of runs and trials that need room.
   */
  async evict(bytes: number): Promise<number> {
    return writeTx(this.db, ['lmCache', 'meta'], 'evict LM cache entries', async (tx) => {
      const total = await readTotal(tx.objectStore('meta'));
      const freed = await this.evictOldest(tx.objectStore('lmCache'), bytes);
      await tx.objectStore('meta').put(Math.max(0, total - freed), BYTES_KEY);
      return freed;
    });
  }

  private schedule(): void {
    const full = this.pending.size + this.touches.size >= this.opts.maxPending;
    if (full && !this.flushQueued) void this.flush();
    else if (!full && this.timer === undefined) this.timer = setTimeout(() => void this.flush(), this.opts.flushIntervalMs);
  }

  private async flushOnce(): Promise<void> {
    this.flushQueued = false;
    if (this.pending.size === 0 && this.touches.size === 0) return;
    const writes = [...this.pending.values()];
    const touches = [...this.touches];
    this.touches.clear();
    try {
      await this.writeBatch(writes, touches);
    } catch (err) {
      this.opts.onError(err);
      // writeTx wraps the DOMException as STORAGE_QUOTA with it as the cause; isQuotaError sees both.
      if (!isQuotaError(err)) return this.drop(writes);
      try {
        const batchBytes = writes.reduce((n, w) => n + w.size, 0);
        await this.evict(Math.max(2 * batchBytes, 0.1 * this.maxBytes));
        await this.writeBatch(writes, touches);
      } catch (retryErr) {
        this.opts.onError(retryErr);
        return this.drop(writes);
      }
    }
    this.stats.flushes++;
    this.forget(writes);
  }

  /** One transaction: apply touches, write entries, keep the byte total, evict over the cap. */
  private async writeBatch(writes: CacheRow[], touches: [string, number][]): Promise<void> {
    await writeTx(this.db, ['lmCache', 'meta'], `cache ${writes.length} LM answer(s)`, async (tx) => {
      const store = tx.objectStore('lmCache');
      const meta = tx.objectStore('meta');
      let total = await readTotal(meta);
      await Promise.all(touches.map(async ([key, at]) => {
        const row = await store.get(key);
        if (row && row.lastUsed < at) await store.put({ ...row, lastUsed: at });
      }));
      const sizes = await Promise.all(writes.map(async (w) => {
        const old = await store.get(w.key);
        await store.put(w);
        return w.size - (old?.size ?? 0);
      }));
      total += sizes.reduce((a, b) => a + b, 0);
      if (total > this.maxBytes) total -= await this.evictOldest(store, total - LOW_WATER * this.maxBytes);
      await meta.put(Math.max(0, total), BYTES_KEY);
    });
  }

  private async evictOldest(store: { index(name: 'lastUsed'): { openCursor(): Promise<EvictCursor | null> } }, bytes: number): Promise<number> {
    let freed = 0;
    let cursor = await store.index('lastUsed').openCursor();
    while (cursor && freed < bytes) {
      freed += cursor.value.size;
      this.stats.evicted++;
      await cursor.delete();
      cursor = await cursor.continue();
    }
    return freed;
  }

  /** Removes written entries from the queue, unless a newer value was queued meanwhile. */
  private forget(writes: CacheRow[]): void {
    for (const w of writes) if (this.pending.get(w.key) === w) this.pending.delete(w.key);
  }

  private drop(writes: CacheRow[]): void {
    this.stats.dropped += writes.length;
    this.forget(writes);
  }
}

interface EvictCursor {
  value: CacheRow;
  delete(): Promise<void>;
  continue(): Promise<EvictCursor | null>;
}

async function readTotal(meta: { get(key: string): Promise<unknown> }): Promise<number> {
  const v = await meta.get(BYTES_KEY);
  return typeof v === 'number' ? v : 0;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
