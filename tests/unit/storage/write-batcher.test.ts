import { beforeEach, describe, expect, it, vi } from 'vitest';
import { failWrites, freshDB } from './helpers';
import { EventLog, TraceStore, TrialStore, WriteBatcher, type PromptLabDB } from '../../../src/storage';
import type { PlaygroundError } from '../../../src/core/errors';
import type { TrialRecord } from '../../../src/core/optimize/types';
import type { LMCallRecord } from '../../../src/core/program/types';

const trial = (index: number): TrialRecord => ({ index, kind: 'minibatch', params: { i: index }, score: 0.5, n: 35, calls: { sent: 1, cacheHits: 0 }, errors: 0, durationMs: 1 });
const call: LMCallRecord = { model: 'm', messages: [{ role: 'user', content: 'q' }], completion: 'a', usage: { promptTokens: 1, completionTokens: 1 }, cached: false, durationMs: 1 };
const progress = (done: number) => ({ type: 'progress' as const, phase: 'search', done, total: 100 });

let db: PromptLabDB;
beforeEach(async () => {
  db = await freshDB();
});

describe('WriteBatcher', () => {
  it('flushes once maxItems are queued, and the rest on demand, one transaction each', async () => {
    const b = new WriteBatcher(db, { maxItems: 4, intervalMs: 60_000 });
    for (let i = 0; i < 4; i++) b.addTrial('r', trial(i));
    await vi.waitFor(() => expect(b.flushSizes).toEqual([4]));
    for (let i = 4; i < 8; i++) b.addEvent('r', i, progress(i));
    await vi.waitFor(() => expect(b.flushSizes).toEqual([4, 4]));
    b.addTrace({ runId: 'r', stepId: 's', call });
    b.addTrace({ runId: 'r', stepId: 's', call });
    expect(b.pending).toBe(2);
    await b.flush();
    expect(b.flushSizes).toEqual([4, 4, 2]);
    expect(await new TrialStore(db).count('r')).toBe(4);
    expect((await new EventLog(db).list('r')).length).toBe(4);
    expect(await new TraceStore(db).count('r')).toBe(2);
  });

  it('flushes by itself intervalMs after the first write', async () => {
    const b = new WriteBatcher(db, { intervalMs: 20 });
    b.addEvent('r', 0, progress(0));
    expect(await db.count('events')).toBe(0);
    await vi.waitFor(() => expect(b.flushSizes).toEqual([1]), { timeout: 1000 });
    expect(await db.count('events')).toBe(1);
  });

  it('keeps write order within and across overlapping flushes', async () => {
    const b = new WriteBatcher(db, { intervalMs: 60_000 });
    for (let i = 0; i < 3; i++) b.addEvent('r', i, progress(i));
    const first = b.flush();
    for (let i = 3; i < 6; i++) b.addEvent('r', i, progress(i));
    await Promise.all([first, b.flush()]);
    const rows = await db.getAll('events');
    expect(rows.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(b.flushSizes.reduce((a, n) => a + n, 0)).toBe(6);
  });

  it('keeps a failed batch queued, reports it, and retries it by itself: nothing is lost', async () => {
    const errors: [string | undefined, number][] = [];
    const b = new WriteBatcher(db, { intervalMs: 10, onError: (e, info) => errors.push([(e as PlaygroundError).code, info.ops]) });
    const spy = failWrites('trials', 'put', 1);
    try {
      b.addEvent('r', 0, progress(0));
      b.addTrial('r', trial(0));
      const err = (await b.flush().catch((e: unknown) => e)) as PlaygroundError;
      expect(err.code).toBe('STORAGE_QUOTA');
      // the transaction is atomic: the event of the failed batch was not written either
      expect(await db.count('events')).toBe(0);
      expect(b.pending).toBe(2);
      b.addTrial('r', trial(1));
      await vi.waitFor(() => expect(b.pending).toBe(0), { timeout: 1000 });
    } finally {
      spy.mockRestore();
    }
    expect(errors).toEqual([['STORAGE_QUOTA', 2]]);
    expect((await new TrialStore(db).list('r')).map((t) => t.index)).toEqual([0, 1]);
    expect(await db.count('events')).toBe(1);
  });

  it('on QuotaExceeded asks makeRoom to free space and retries at once', async () => {
    const asked: number[] = [];
    const onError = vi.fn();
    const b = new WriteBatcher(db, { intervalMs: 60_000, onError, makeRoom: async (bytes) => asked.push(bytes) });
    const spy = failWrites('traces', 'add', 1);
    try {
      b.addTrace({ runId: 'r', stepId: 's', call });
      await b.flush();
    } finally {
      spy.mockRestore();
    }
    expect(asked.length).toBe(1);
    expect(asked[0]).toBeGreaterThan(100);
    expect(onError).not.toHaveBeenCalled();
    expect(await new TraceStore(db).count('r')).toBe(1);
  });

  it('close() writes what is queued and refuses later writes', async () => {
    const b = new WriteBatcher(db, { intervalMs: 60_000 });
    b.addTrial('r', trial(3));
    await b.close();
    expect(await new TrialStore(db).count('r')).toBe(1);
    expect(() => b.addTrial('r', trial(4))).toThrow(/closed/);
  });

  it('rejects a leaking trace at once, before it is queued', () => {
    const b = new WriteBatcher(db);
    const leaky = { ...call, messages: [{ role: 'user', content: 'q', authorization: 'Bearer sk' }] } as unknown as LMCallRecord;
    expect(() => b.addTrace({ runId: 'r', stepId: 's', call: leaky })).toThrow(/messages/);
    expect(b.pending).toBe(0);
  });
});
