/**
 * Issue 12, section 4, in Chromium against the scripted server:
 * (a) a run on an endpoint that needs a key, reloaded mid-run: Resume asks for the key (the tab
 *     lost it) instead of sending requests without it, and the run completes once it is given;
 * (b) Cancel asks for confirmation, and a cancelled run keeps the best program found so far as
 *     its result, shown and shareable.
 * The server holds its answers while the test looks at a state ("gate"), so nothing waits on time.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { irisHandler } from '../fixtures/iris-world';
import type { ScriptedHandler } from '../fixtures/scripted-server';
import { screenshot } from './browser';
import { SMALL_IRIS, finalScores, serverAndBrowser, setUp } from './flow';

const KEY = 'sk-test-lifecycle';

/**
 * Answers only requests carrying the key (401 otherwise, counted). From the `holdAt`-th
 * authorized request on (mid-search: after bootstrap, proposals and the first trials), answers
 * wait for `release`, so the run is surely still running when the test acts on it.
 */
const gate = {
  unauthorized: 0,
  authorized: 0,
  holdAt: Infinity,
  waiting: [] as (() => void)[],
  reset(holdAt: number): void {
    Object.assign(this, { unauthorized: 0, authorized: 0, holdAt });
  },
  release(): void {
    this.holdAt = Infinity;
    for (const go of this.waiting.splice(0)) go();
  },
};
const handler: ScriptedHandler = async (body, ctx) => {
  if (ctx.headers.authorization !== `Bearer ${KEY}`) {
    gate.unauthorized++;
    return { status: 401, body: { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error' } } };
  }
  if (++gate.authorized >= gate.holdAt) await new Promise<void>((go) => gate.waiting.push(go));
  return irisHandler(body, ctx);
};

/** Mid-search: the server holds answers, and the run view shows at least `n` trials. */
async function midSearch(page: Page, n: number): Promise<void> {
  await expect.poll(() => gate.waiting.length, { timeout: 120_000 }).toBeGreaterThan(0);
  await expect.poll(() => page.locator('svg[aria-label^="Trial scores"] :is(rect.full, circle.mini)').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(n);
}

/** Authorized requests before the server holds its answers: past bootstrap, proposals and a few trials of the small Iris run. */
const HOLD_AT = 120;

/** Setup for a small Iris run whose two endpoints (one server) take `KEY`. */
async function setUpWithKey(page: Page, url: string): Promise<void> {
  await setUp(page, url, SMALL_IRIS);
  const endpoints = page.getByRole('region', { name: 'API endpoints' });
  for (const i of [0, 1]) await endpoints.getByLabel('API key').nth(i).fill(KEY);
}

/** Screenshots of `page` at desktop and phone sizes, light and dark. */
async function shots(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [w, h] of [[1280, 800], [390, 844]] as const) {
      await page.setViewportSize({ width: w, height: h });
      // The viewport only: the prompt sits at the top of the run view.
      await page.screenshot({ path: `test-results/screenshots/${name}-${w}-${scheme}.png` });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('run lifecycle: resume needs the key, cancel keeps the best', () => {
  const live = serverAndBrowser(handler);

  it('asks for the key on Resume after a reload, sends nothing without it, and completes once given', async () => {
    gate.reset(HOLD_AT);
    const context = await live.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await setUpWithKey(page, live.server.url);
    await page.getByRole('button', { name: 'Start optimization' }).click();
    await midSearch(page, 2);
    await page.reload();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Runs' }).click();
    const list = page.getByRole('list', { name: 'Stored runs' });
    await list.getByRole('listitem').filter({ hasText: 'interrupted' }).first().getByRole('button', { name: /^Open/ }).click();
    await page.getByRole('button', { name: 'Resume' }).click();

    const prompt = page.getByRole('form', { name: 'API key needed to resume' });
    await prompt.waitFor();
    const field = prompt.getByLabel(`API key for ${live.server.url}`);
    expect(await field.getAttribute('type')).toBe('password');
    await expect.poll(() => prompt.getByRole('button', { name: 'Open Models' }).isVisible()).toBe(true);
    expect(await page.getByLabel('Run status').textContent()).toBe('interrupted');
    await shots(page, 'lifecycle-key-prompt');
    expect(gate.unauthorized).toBe(0);

    gate.release();
    await field.fill(KEY);
    await prompt.getByRole('button', { name: /^Resume with this key/ }).click();
    const scores = await finalScores(page);
    expect(scores.optimized).toBeGreaterThan(0);
    expect(await page.getByLabel('Run status').textContent()).toBe('completed');
    expect(gate.unauthorized).toBe(0);
    await context.close();
  }, 300_000);

  it('asks before cancelling, then keeps the best program found so far as the result', async () => {
    gate.reset(HOLD_AT);
    const context = await live.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await setUpWithKey(page, live.server.url);
    await page.getByRole('button', { name: 'Start optimization' }).click();
    // The default program is scored (trial 0, a full evaluation), and the search has begun.
    await midSearch(page, 2);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Cancel run?' });
    await confirm.waitFor();
    await shots(page, 'lifecycle-cancel-confirm');
    // "Keep running" leaves the run alone.
    await confirm.getByRole('button', { name: 'Keep running' }).click();
    await expect.poll(() => confirm.count()).toBe(0);
    expect(await page.getByLabel('Run status').textContent()).toBe('running');

    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await confirm.getByRole('button', { name: 'Cancel run' }).click();
    gate.release();
    await expect.poll(() => page.getByLabel('Run status').textContent(), { timeout: 60_000 }).toBe('cancelled — best so far kept');
    const best = Number((await page.getByText(/best full score/).locator('strong').textContent())!.replace('%', ''));
    const kept = Number((await page.getByLabel('Optimized validation score').textContent())!.replace('%', ''));
    expect(kept).toBe(best);
    expect(await page.getByLabel('Optimized test score').count()).toBe(0);
    // The kept program is shareable.
    await page.getByRole('button', { name: 'Copy link' }).waitFor();
    await screenshot(page, 'lifecycle-cancelled-best-kept');
    // It stays so after a reload (stored as the cancelled run's result).
    await page.reload();
    await expect.poll(() => page.getByLabel('Run status').textContent(), { timeout: 30_000 }).toBe('cancelled — best so far kept');
    expect(gate.unauthorized).toBe(0);
    await context.close();
  }, 300_000);
});
