import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LMResponse } from '../../../src/core/lm/types';
import { FileCacheStore } from '../../../src/node/file-cache-store';

const response = (text: string): LMResponse => ({ completions: [text], usage: { promptTokens: 3, completionTokens: 1 }, model: 'm', finishReasons: ['stop'] });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lm-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileCacheStore', () => {
  it('keeps answers across close and reopen', async () => {
    const a = await FileCacheStore.open(dir);
    await a.set('k1', response('one'));
    await a.set('k2', { ...response('two'), cached: true });
    await a.set('k1', response('one, updated'));
    await a.close();
    const b = await FileCacheStore.open(dir);
    expect(b.size).toBe(2);
    expect(await b.get('k1')).toEqual(response('one, updated'));
    expect((await b.get('k2'))?.cached).toBeUndefined();
    expect(await b.get('missing')).toBeUndefined();
    await b.close();
  });

  it('survives a torn last line and keeps appending cleanly after it', async () => {
    const a = await FileCacheStore.open(dir);
    await a.set('k1', response('one'));
    await a.close();
    // A crash in the middle of writing the next entry.
    await appendFile(join(dir, 'cache.jsonl'), '{"k":"k2","v":{"completions":["tw');
    const b = await FileCacheStore.open(dir);
    expect(b.skippedLines).toBe(1);
    expect(b.size).toBe(1);
    await b.set('k3', response('three'));
    await b.close();
    const c = await FileCacheStore.open(dir);
    expect(c.skippedLines).toBe(0);
    expect((await c.get('k1'))?.completions).toEqual(['one']);
    expect((await c.get('k3'))?.completions).toEqual(['three']);
    expect(await c.get('k2')).toBeUndefined();
    await c.close();
  });

  it('skips a damaged line in the middle', async () => {
    const good = (k: string) => `${JSON.stringify({ k, v: response(k) })}\n`;
    await writeFile(join(dir, 'cache.jsonl'), `${good('a')}not json at all\n${good('b')}`);
    const store = await FileCacheStore.open(dir);
    expect(store.skippedLines).toBe(1);
    expect(store.size).toBe(2);
    await store.close();
  });

  it('writes thousands of concurrent entries quickly and reads them all back', async () => {
    const store = await FileCacheStore.open(dir);
    const n = 5000;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => store.set(`key-${i}`, response(`answer ${i} `.repeat(20)))));
    await store.flush();
    const writeMs = performance.now() - t0;
    await store.close();
    const t1 = performance.now();
    const again = await FileCacheStore.open(dir);
    const openMs = performance.now() - t1;
    expect(again.size).toBe(n);
    expect((await again.get('key-4321'))?.completions[0]).toContain('answer 4321');
    expect(writeMs).toBeLessThan(2000);
    expect(openMs).toBeLessThan(2000);
    await again.close();
    const lines = (await readFile(join(dir, 'cache.jsonl'), 'utf8')).split('\n').filter(Boolean);
    expect(lines).toHaveLength(n);
  });

  it('compacts a file full of overwritten entries when it opens', async () => {
    const a = await FileCacheStore.open(dir);
    for (let i = 0; i < 300; i++) await a.set('same', response(String(i)));
    await a.close();
    const b = await FileCacheStore.open(dir);
    expect((await b.get('same'))?.completions).toEqual(['299']);
    await b.close();
    const lines = (await readFile(join(dir, 'cache.jsonl'), 'utf8')).split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
  });
});

describe('FileCacheStore: one writer per folder', () => {
  it('refuses a second writer while the first has the folder open, then lets it in', async () => {
    const first = await FileCacheStore.open(dir);
    await first.set('a', response('1'));
    const err = await FileCacheStore.open(dir).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'CACHE_IO' });
    expect((err as Error).message).toContain(`pid ${process.pid}`);
    expect((err as { hint: string }).hint).toMatch(/--cache-dir/);
    await first.close();
    const second = await FileCacheStore.open(dir);
    expect((await second.get('a'))?.completions).toEqual(['1']);
    await second.close();
  });

  it('takes over a lock left by a runner that died (kill -9)', async () => {
    await writeFile(join(dir, 'cache.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: new Date(0).toISOString() }));
    const store = await FileCacheStore.open(dir);
    await store.set('k', response('x'));
    await store.close();
  });
});
