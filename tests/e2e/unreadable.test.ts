/**
 * A task model that breaks the answer format about 30% of the time (prose without the
 * `[[ ## field ## ]]` sections), in Chromium against the scripted server: the run finishes —
 * unreadable answers score 0 instead of spending the error budget — and the trial table shows
 * how many answers each trial could not read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { irisHandler } from '../fixtures/iris-world';
import { startScriptedServer, type ScriptedHandler } from '../fixtures/scripted-server';
import { hashString32 } from '../../src/core/util/random';
import { collectErrors, launch, screenshot } from './browser';
import { SMALL_IRIS, own, setUp, waitForSelector } from './flow';

/** The task model rambles on 3 prompts in 10 (decided by a hash of the prompt, so reruns agree). */
const handler: ScriptedHandler = (body, ctx) => {
  const last = String(body.messages?.at(-1)?.content ?? '');
  const task = !String(body.model ?? '').includes('proposer');
  if (task && hashString32(JSON.stringify(body.messages)) % 10 < 3) return `Looking at ${last.length} characters of measurements, I would say it is probably one of the irises.`;
  return irisHandler(body, ctx);
};

describe('a task model that breaks the format', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startScriptedServer>>;
  beforeAll(async () => {
    server = await startScriptedServer({ handler });
    browser = await launch('no-webgpu');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('finishes its run, and the trial table counts the unreadable answers', { timeout: 240_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await setUp(page, server.url, SMALL_IRIS);
    await page.getByRole('button', { name: 'Start optimization' }).click();
    await waitForSelector(page, '[aria-label="Optimized test score"]');

    const trials = page.getByRole('table', { name: 'Trials' });
    await expect(trials.getByRole('columnheader', { name: 'Unreadable' }).count()).resolves.toBe(1);
    const column = (await trials.getByRole('columnheader').allTextContents()).indexOf('Unreadable');
    const counts = await trials.locator(`tbody tr td:nth-child(${column + 1})`).allTextContents();
    const unreadable = counts.map(Number);
    expect(unreadable.length).toBeGreaterThan(0);
    expect(unreadable.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await screenshot(page, 'unreadable-run-1280');
    expect(own(errors)).toEqual([]);
    await context.close();
  });
});
