/**
 * LM-call cache keys and the in-memory store.
 *
 * Like DSPy's cache, a key covers everything that determines an answer: the model id, the
 * messages and the sampling parameters, plus the rollout id (deliberate resampling). Defaults
 * are normalized first, so a request that spells out a default and one that omits it share
 * one entry.
 */
import { hashValue } from '../util/hash';
import type { CacheStore, LMRequest, LMResponse } from './types';

/** Bump when the key layout changes, so old entries are simply never found again. */
const KEY_VERSION = 1;

/** The stable cache key of a request to a model. */
export function cacheKey(modelId: string, req: LMRequest): string {
  return hashValue({
    v: KEY_VERSION,
    model: modelId,
    // Only role and content reach the model; anything else on a message object must not split entries.
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    temperature: req.temperature,
    maxTokens: req.maxTokens,
    n: req.n ?? 1,
    seed: req.seed,
    stop: req.stop && req.stop.length > 0 ? req.stop : undefined,
    responseFormat: req.responseFormat,
    rolloutId: req.rolloutId,
  });
}

/** A copy of a response that shares no arrays or objects with the original. */
export function copyResponse(r: LMResponse): LMResponse {
  const out: LMResponse = { completions: [...r.completions], usage: { ...r.usage }, model: r.model };
  if (r.finishReasons) out.finishReasons = [...r.finishReasons];
  if (r.cached !== undefined) out.cached = r.cached;
  return out;
}

/**
 * An in-memory LRU cache bounded by entry count. Reading an entry makes it the most recent;
 * inserting past the bound drops the least recently used one.
 */
export class MemoryCacheStore implements CacheStore {
  // A Map iterates in insertion order, so re-inserting on access keeps it ordered by recency.
  private readonly entries = new Map<string, LMResponse>();

  constructor(readonly maxEntries = 10_000) {
    if (!(maxEntries >= 1)) throw new RangeError(`maxEntries must be at least 1, but got ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<LMResponse | undefined> {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return copyResponse(hit);
  }

  async set(key: string, value: LMResponse): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, copyResponse(value));
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
