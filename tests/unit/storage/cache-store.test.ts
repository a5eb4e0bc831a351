import { beforeEach, describe, expect, it } from 'vitest';
import { countWriteTransactions, failWrites, freshDB } from './helpers';
import { IdbCacheStore, type IdbCacheOptions, type PromptLabDB } from '../../../src/storage';
import { byteSize } from '../../../src/storage/db';
import { createAccountedLM, ScriptedLM, UsageMeter } from '../../../src/core/lm';
import type { LMResponse } from '../../../src/core/lm/types';

const answer = (text: string): LMResponse => ({ completions: [text], usage: { promptTokens: 10, completionTokens: 2 }, model: 'm' });
/** Bytes one entry `k<i>` -> answer('x'.repeat(100)) costs. */
const ENTRY = byteSize('k0') + byteSize(answer('x'.repeat(100)));

let db: PromptLabDB;
let clock: number;
const make = (opts: IdbCacheOptions = {}) => new IdbCacheStore(db, { now: () => clock++, flushIntervalMs: 60_000, maxPending: 1000, ...opts });
const keysIn = async () => (await db.getAllKeys('lmCache')).sort();

beforeEach(async () => {
  db = await freshDB();
  clock = 1;
});

describe('IdbCacheStore', () => {
  it('answers from the queue at once, persists on flush, and never marks stored answers as cached', async () => {
    const cache = make();
    await cache.set('k', { ...answer('4'), cached: true, finishReasons: ['stop'] });
    expect(await cache.get('k')).toEqual({ ...answer('4'), finishReasons: ['stop'] });
    expect(await db.count('lmCache')).toBe(0);
    await cache.flush();
    const other = make();
    expect(await other.get('k')).toEqual({ ...answer('4'), finishReasons: ['stop'] });
    expect(await other.get('missing')).toBeUndefined();
    expect(other.stats).toMatchObject({ hits: 1, misses: 1 });
    expect(await cache.usage()).toEqual({ entries: 1, bytes: byteSize('k') + byteSize({ ...answer('4'), finishReasons: ['stop'] }) });
  });

  it('evicts least recently used entries first and stays under its byte cap', async () => {
    const cache = make({ maxBytes: 3.5 * ENTRY });
    for (const k of ['k1', 'k2', 'k3']) await cache.set(k, answer('x'.repeat(100)));
    await cache.flush();
    await cache.get('k1');
    await cache.flush();
    await cache.set('k4', answer('x'.repeat(100)));
    await cache.flush();
    expect(await keysIn()).toEqual(['k1', 'k3', 'k4']);
    expect(cache.stats.evicted).toBe(1);
    const { bytes } = await cache.usage();
    expect(bytes).toBe(3 * ENTRY);
    expect(bytes).toBeLessThanOrEqual(cache.maxBytes);
    // k3 is now the least recently used
    await cache.set('k5', answer('x'.repeat(100)));
    await cache.flush();
    expect(await keysIn()).toEqual(['k1', 'k4', 'k5']);
  });

  it('batches recency touches: many reads cost no write until one flush transaction', async () => {
    const cache = make();
    for (let i = 0; i < 20; i++) await cache.set(`k${i}`, answer(String(i)));
    await cache.flush();
    const before = (await db.get('lmCache', 'k0'))!.lastUsed;
    const txs = countWriteTransactions();
    try {
      for (let round = 0; round < 3; round++) for (let i = 0; i < 20; i++) await cache.get(`k${i}`);
      expect(txs.count).toBe(0);
      expect((await db.get('lmCache', 'k0'))!.lastUsed).toBe(before);
      await cache.flush();
      expect(txs.count).toBe(1);
    } finally {
      txs.restore();
    }
    expect((await db.get('lmCache', 'k0'))!.lastUsed).toBeGreaterThan(before);
  });

  it('flushes by itself once maxPending changes are queued', async () => {
    const cache = make({ maxPending: 5 });
    for (let i = 0; i < 5; i++) await cache.set(`k${i}`, answer('a'));
    await cache.close();
    expect(cache.stats.flushes).toBe(1);
    expect(await db.count('lmCache')).toBe(5);
  });

  it('on QuotaExceeded evicts the oldest entries and retries the write once', async () => {
    const errors: unknown[] = [];
    const cache = make({ maxBytes: 100 * ENTRY, onError: (e) => errors.push(e) });
    for (let i = 0; i < 20; i++) await cache.set(`k${String(i).padStart(2, '0')}`, answer('x'.repeat(100)));
    await cache.flush();
    const spy = failWrites('lmCache', 'put', 1);
    try {
      await cache.set('new', answer('x'.repeat(100)));
      await cache.flush();
    } finally {
      spy.mockRestore();
    }
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['STORAGE_QUOTA']);
    // 10% of the cap = 10 entries freed, oldest first
    expect(cache.stats.evicted).toBe(10);
    expect(await keysIn()).toEqual(['k10', 'k11', 'k12', 'k13', 'k14', 'k15', 'k16', 'k17', 'k18', 'k19', 'new']);
    expect((await cache.usage()).bytes).toBe(11 * (ENTRY + 1)); // three-letter keys
  });

  it('never fails the run: a cache that cannot write drops its entries and the calls still succeed', async () => {
    const errors: unknown[] = [];
    const cache = make({ onError: (e) => errors.push(e), maxPending: 1 });
    const spy = failWrites('lmCache', 'put');
    const lm = new ScriptedLM(() => '[[ ## answer ## ]]\n4');
    const accounted = createAccountedLM({ lm, role: 'task', usage: new UsageMeter(), cache });
    try {
      const res = await accounted.call({ messages: [{ role: 'user', content: '2+2?' }] });
      expect(res.completions).toEqual(['[[ ## answer ## ]]\n4']);
      await cache.flush();
    } finally {
      spy.mockRestore();
    }
    expect(cache.stats.dropped).toBe(1);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(await db.count('lmCache')).toBe(0);
  });

  it('serves a later run from the persisted cache (no request sent)', async () => {
    const lm = new ScriptedLM(() => 'ok');
    const req = { messages: [{ role: 'user' as const, content: 'hi' }], temperature: 0 };
    const first = make();
    await createAccountedLM({ lm, role: 'task', usage: new UsageMeter(), cache: first }).call(req);
    await first.close();
    const usage = new UsageMeter();
    const res = await createAccountedLM({ lm, role: 'task', usage, cache: make() }).call(req);
    expect(res.cached).toBe(true);
    expect(lm.requests.length).toBe(1);
  });

  it('clear() empties the cache and its byte count', async () => {
    const cache = make();
    await cache.set('a', answer('1'));
    await cache.flush();
    await cache.clear();
    expect(await cache.usage()).toEqual({ entries: 0, bytes: 0 });
    expect(await cache.get('a')).toBeUndefined();
  });
});
