/**
 * Runs > Storage in the browser: the section the quota error sends users to. The database is
 * seeded in the page (three runs with their logs, three cached answers) instead of running an
 * optimization, so the test takes seconds; it then clears the cache and deletes old runs by
 * role and accessible name, and checks what is left in IndexedDB.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DB_NAME, DB_VERSION } from '../../src/storage/schema';
import { collectErrors, launch, screenshot } from './browser';
import { own } from './flow';

const DAY = 86_400_000;

/** Writes the runs and cache entries once the app has opened (and upgraded) the database. */
async function seed(page: Page): Promise<void> {
  await page.waitForFunction(async ({ name, version }) => (await indexedDB.databases()).some((d) => d.name === name && d.version === version), { name: DB_NAME, version: DB_VERSION });
  await page.evaluate(async ({ name, day }) => {
    // The live run's tab: holding its Web Lock keeps the run `running` (not interrupted).
    void navigator.locks.request('promptlab-tab:seed-tab', () => new Promise<never>(() => undefined));
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error);
    });
    const tx = db.transaction(['runs', 'trials', 'events', 'traces', 'lmCache', 'meta'], 'readwrite');
    const config = { program: { template: 'predict', signature: 'question -> answer' }, data: { text: 'q,a', format: 'csv' }, metric: { kind: 'exact_match', field: 'answer' }, optimizer: { kind: 'mipro_v2' }, models: {}, seed: 1 };
    const runs = [
      { id: 'old', name: 'Old run', status: 'completed', age: 10 * day },
      { id: 'fresh', name: 'Fresh run', status: 'completed', age: 0 },
      { id: 'live', name: 'Live run', status: 'running', age: 10 * day, ownerTab: 'seed-tab' },
    ];
    for (const { age, ...run } of runs) {
      const at = Date.now() - age;
      tx.objectStore('runs').put({ ...run, config, createdAt: at, updatedAt: at });
      for (let i = 0; i < 2; i++) tx.objectStore('trials').put({ runId: run.id, index: i, kind: 'full', params: {}, score: 0.5, n: 4, calls: { sent: 4, cacheHits: 0 }, errors: 0, durationMs: 1 });
      tx.objectStore('events').add({ runId: run.id, seq: 0, event: { type: 'phase', phase: 'search', status: 'start' }, at });
      for (let i = 0; i < 3; i++) {
        tx.objectStore('traces').add({ runId: run.id, stepId: 'generate', messages: [{ role: 'user', content: 'Question: what is 2 + 2?'.repeat(20) }], completion: '4', model: 'm', usage: { promptTokens: 90, completionTokens: 1 }, cached: false, trialIndex: i, at });
      }
    }
    for (let i = 0; i < 3; i++) tx.objectStore('lmCache').put({ key: `k${i}`, value: { completions: ['4'], usage: { promptTokens: 9, completionTokens: 1 }, model: 'm' }, size: 100, lastUsed: i });
    tx.objectStore('meta').put(300, 'lmCache.bytes');
    await new Promise((ok, fail) => {
      tx.oncomplete = ok;
      tx.onerror = () => fail(tx.error);
    });
    db.close();
  }, { name: DB_NAME, day: DAY });
}

/** Rows of run `id` in each log store, read straight from IndexedDB. */
function logsOf(page: Page, id: string): Promise<number[]> {
  return page.evaluate(async ({ name, id }) => {
    const db = await new Promise<IDBDatabase>((ok) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => ok(req.result);
    });
    const tx = db.transaction(['runs', 'trials', 'traces'], 'readonly');
    const count = (req: IDBRequest<number>) => new Promise<number>((ok) => (req.onsuccess = () => ok(req.result)));
    const counts = await Promise.all([
      count(tx.objectStore('runs').count(id)),
      count(tx.objectStore('trials').count(IDBKeyRange.bound([id, -Infinity], [id, Infinity]))),
      count(tx.objectStore('traces').index('runId').count(id)),
    ]);
    db.close();
    return counts;
  }, { name: DB_NAME, id });
}

describe('Runs > Storage', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch('no-webgpu');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows what is stored, clears the LM cache and deletes old runs, keeping the running and recent ones', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('appUrl'));
    await seed(page);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Runs' }).click();

    const storage = page.getByRole('region', { name: 'Storage' });
    await storage.scrollIntoViewIfNeeded();
    await expect.poll(() => storage.textContent()).toContain('3 runs');
    const text = (await storage.textContent())!;
    expect(text).toContain('3 answers · 300 B');
    expect(text).toContain('9 traced LM calls, 6 trials');
    expect(text).toMatch(/\d.* of .* used/);
    for (const [w, h] of [[1280, 800], [390, 844]] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.emulateMedia({ colorScheme: scheme });
        await screenshot(page, `storage-${w}-${scheme}`);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: 'light' });

    const status = storage.getByRole('status');
    // The header and the section read the same estimate.
    expect(text).toContain((await page.getByTitle('Storage used by this site (runs, cache, models)').textContent())!);
    await storage.getByRole('button', { name: 'Ask for persistent storage' }).click();
    await expect.poll(() => status.textContent()).toMatch(/^(Storage is persistent|The browser did not make storage persistent)/);
    await storage.getByRole('button', { name: 'Clear LM cache' }).click();
    await storage.getByRole('group').getByRole('button', { name: 'Clear the cache' }).click();
    await expect.poll(() => status.textContent()).toBe('Cleared the LM cache: 3 answers, 300 B freed.');
    await expect.poll(() => storage.textContent()).toContain('Empty');

    await storage.getByRole('combobox', { name: 'Which runs to delete' }).selectOption({ label: 'Finished over 7 days ago' });
    await storage.getByRole('button', { name: 'Delete old runs' }).click();
    const question = storage.getByRole('group');
    expect(await question.textContent()).toContain('1 run finished over 7 days ago');
    await screenshot(page, 'storage-confirm-1280-light');
    await question.getByRole('button', { name: 'Delete 1 run' }).click();
    await expect.poll(() => status.textContent()).toMatch(/^Deleted 1 run, [\d.]+ KB\.$/);
    await screenshot(page, 'storage-after-1280-light');

    // The runs list refreshed through onRunsDeleted; the old run's logs went with it.
    const list = page.getByRole('list', { name: 'Stored runs' });
    await expect.poll(() => list.getByRole('listitem').allTextContents()).toHaveLength(2);
    expect(await list.textContent()).not.toContain('Old run');
    expect(await list.textContent()).toContain('Live run');
    expect(await logsOf(page, 'old')).toEqual([0, 0, 0]);
    expect(await logsOf(page, 'live')).toEqual([1, 2, 3]);
    expect(await logsOf(page, 'fresh')).toEqual([1, 2, 3]);
    await expect.poll(() => storage.textContent()).toContain('2 runs');
    expect(own(errors)).toEqual([]);
    await context.close();
  }, 60_000);
});
