/**
 * Two tabs, one run: Web Locks let one tab drive a run; another tab that opens it watches it
 * live and read-only (the driving tab relays its updates), and sees the same result.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { irisHandler } from '../fixtures/iris-world';
import { startScriptedServer } from '../fixtures/scripted-server';
import { launch, screenshot } from './browser';
import { finalScores, setUp, waitForSelector } from './flow';

describe('two tabs', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startScriptedServer>>;
  beforeAll(async () => {
    // Slow answers keep the run going while the second tab opens it.
    server = await startScriptedServer({ handler: async (body, ctx) => ({ reply: irisHandler(body, ctx) as string, delayMs: 15 }) });
    browser = await launch('no-webgpu');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a second tab watches the running run read-only and sees it finish', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const driver = await context.newPage();
    await setUp(driver, server.url);
    await driver.getByRole('button', { name: 'Start optimization' }).click();
    await waitForSelector(driver, 'svg[aria-label^="Trial scores"] circle', undefined, 120_000);

    const watcher = await context.newPage();
    await watcher.goto(inject('appUrl'));
    await watcher.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Runs' }).click();
    const list = watcher.getByRole('list', { name: 'Stored runs' });
    await list.getByRole('listitem').filter({ hasText: 'running' }).first().getByRole('button', { name: /^Open/ }).click();
    await expect.poll(() => watcher.getByText('watching: another tab drives this run').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await watcher.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await screenshot(watcher, 'run-view-watching');

    const driven = await finalScores(driver);
    const watched = await finalScores(watcher);
    expect(watched).toEqual(driven);
    await context.close();
  }, 300_000);
});
