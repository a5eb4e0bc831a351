/**
 * A full disk under the LM cache: the first failed write is reported once, later answers stay
 * in memory without more write attempts, and close() behaves the same whenever it is called.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LMResponse } from '../../../src/core/lm/types';
import { FileCacheStore } from '../../../src/node/file-cache-store';

const response = (text: string): LMResponse => ({ completions: [text], usage: { promptTokens: 3, completionTokens: 1 }, model: 'm', finishReasons: ['stop'] });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lm-cache-full-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Makes the store's file handle fail every write with ENOSPC; returns how many writes were tried. */
function fillDisk(store: FileCacheStore): { tries: number } {
  const seen = { tries: 0 };
  const handle = (store as unknown as { handle: { write: (data: string) => Promise<unknown> } }).handle;
  handle.write = () => {
    seen.tries++;
    return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  };
  return seen;
}

describe('FileCacheStore on a full disk', () => {
  it('reports the first failed write once, keeps answers in memory, and close() resolves', async () => {
    const store = await FileCacheStore.open(dir);
    await store.set('ok', response('written'));
    const failures: Error[] = [];
    store.onWriteError = (err) => failures.push(err);
    const disk = fillDisk(store);
    await store.set('k1', response('one'));
    await Promise.all([store.set('k2', response('two')), store.set('k3', response('three'))]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.message).toContain('ENOSPC');
    expect(store.writeError?.code).toBe('CACHE_IO');
    expect(disk.tries).toBe(1);
    expect(await store.get('k3')).toEqual(response('three'));
    await expect(store.close()).resolves.toBeUndefined();
    expect(await readFile(join(dir, 'cache.jsonl'), 'utf8')).toContain('written');
  });

  it('close() resolves the same when a failing write is still in flight', async () => {
    const store = await FileCacheStore.open(dir);
    fillDisk(store);
    const pending = store.set('k1', response('one'));
    await expect(store.close()).resolves.toBeUndefined();
    await pending;
    expect(store.writeError?.message).toContain('ENOSPC');
  });
});
