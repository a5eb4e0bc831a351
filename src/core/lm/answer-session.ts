/**
 * A run's answers that are not (or not yet) in the LM cache.
 *
 * Only answers the program could read go into the cache. A 200 with an empty or garbled
 * answer is the model's (or the server's) momentary failure: cached, a rerun against a
 * healthy server would replay it forever and never ask again. So an answer waits here until
 * its reader says whether it could read it (`OutputChannel.answered`):
 * - readable: it goes into the cache;
 * - unreadable: it stays with the run only. Identical calls later in the run get the same
 *   answer (so the run is consistent with itself), and checkpoints carry these answers, so a
 *   resumed run takes the same path as an uninterrupted one. A new run asks again.
 *
 * `refresh` ignores answers cached before this run (they are asked again and overwritten),
 * while answers cached during it are still reused.
 */
import { copyResponse } from './cache';
import type { CacheStore, LMResponse } from './types';

export class AnswerSession {
  /** Answers received whose reader has not said yet whether it could read them. */
  private readonly unconfirmed = new Map<string, LMResponse>();
  private readonly unreadable = new Map<string, LMResponse>();
  /** Keys cached during this run: read even when `refresh` ignores the older ones. */
  private readonly fresh = new Set<string>();
  readonly refresh: boolean;

  constructor(opts: { refresh?: boolean; unreadable?: Record<string, LMResponse> } = {}) {
    this.refresh = opts.refresh ?? false;
    for (const [key, response] of Object.entries(opts.unreadable ?? {})) this.unreadable.set(key, copyResponse(response));
  }

  /** The answer this run already has for `key`: its own first, then the cache. */
  async lookup(key: string, cache: CacheStore | undefined): Promise<LMResponse | undefined> {
    const own = this.unconfirmed.get(key) ?? this.unreadable.get(key);
    if (own) return copyResponse(own);
    if (!cache || (this.refresh && !this.fresh.has(key))) return undefined;
    try {
      return await cache.get(key);
    } catch {
      // A broken cache degrades to no cache rather than failing calls.
      return undefined;
    }
  }

  /** An answer arrived; it is cached once its reader could read it (`settle`). */
  received(key: string, response: LMResponse): void {
    this.unconfirmed.set(key, stripped(response));
  }

  /** The reader's verdict on the answer for `key`. */
  settle(key: string, readable: boolean, cache: CacheStore | undefined): void {
    const response = this.unconfirmed.get(key);
    if (!response) return;
    this.unconfirmed.delete(key);
    if (readable) this.store(key, response, cache);
    else this.unreadable.set(key, response);
  }

  /** Caches `response` at once (a caller that reads no answers, so there is no verdict to wait for). */
  store(key: string, response: LMResponse, cache: CacheStore | undefined): void {
    if (!cache) return;
    this.fresh.add(key);
    try {
      // The store's own buffering is synchronous, so the answer is queued before any checkpoint.
      void cache.set(key, stripped(response)).catch(() => undefined);
    } catch {
      // See lookup: the answer is still returned to the caller.
    }
  }

  /** The unreadable answers, for a checkpoint. */
  snapshot(): Record<string, LMResponse> {
    return Object.fromEntries([...this.unreadable].map(([k, r]) => [k, copyResponse(r)]));
  }
}

function stripped(response: LMResponse): LMResponse {
  const out = copyResponse(response);
  delete out.cached;
  return out;
}
