/**
 * MIPROv2's modes in the optimizer panel, in Chromium against the scripted server: "Instructions
 * only (0-shot)" plans instruction candidates and no demo sets and runs to a program without
 * demos; "Demos only" plans no proposer calls; and both demo maximums at 0 in the default mode
 * is planned as a zero-shot run, as DSPy decides it.
 */
import { describe, expect, it } from 'vitest';
import { irisHandler } from '../fixtures/iris-world';
import { collectErrors, screenshot } from './browser';
import { SMALL_IRIS, own, serverAndBrowser, setUp, waitForSelector } from './flow';

describe("MIPROv2's modes in the optimizer panel", () => {
  const env = serverAndBrowser(irisHandler);

  it('offers instructions only, demos only, and zero-shot from 0/0 maximums; a 0-shot run keeps no demos', { timeout: 240_000 }, async () => {
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectErrors(page);
    await setUp(page, env.server.url, SMALL_IRIS);
    const modes = page.getByRole('tablist', { name: 'What MIPROv2 searches' });
    const plan = page.getByRole('region', { name: 'Plan' });
    await expect.poll(() => modes.getByRole('tab', { name: 'Instructions and demos' }).getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => plan.textContent(), { timeout: 30_000 }).toMatch(/6 demo sets per predictor/);

    await modes.getByRole('tab', { name: 'Demos only' }).click();
    await expect.poll(() => plan.textContent()).toMatch(/1 instruction candidate and 6 demo sets/);

    await modes.getByRole('tab', { name: 'Instructions and demos' }).click();
    await page.getByRole('button', { name: 'Show advanced options' }).click();
    await page.getByLabel('Max bootstrapped demos').fill('0');
    await page.getByLabel('Max labeled demos').fill('0');
    await expect.poll(() => plan.textContent()).toMatch(/Both demo maximums are 0, so this is a zero-shot run/);

    await modes.getByRole('tab', { name: 'Instructions only (0-shot)' }).click();
    // The maximums are the proposer's business in this mode: their fields go away.
    await expect.poll(() => page.getByLabel('Max bootstrapped demos').count()).toBe(0);
    await expect.poll(() => plan.textContent()).toMatch(/6 instruction candidates and 0 demo sets/);
    await screenshot(page, 'mipro-mode-zero-shot-1280');

    await page.getByRole('button', { name: 'Start optimization' }).click();
    await waitForSelector(page, '[aria-label="Optimized test score"]');
    const result = page.getByRole('region', { name: 'Result' });
    await expect.poll(() => result.textContent()).toMatch(/Demos after \(0\)|demos after \(0\)/i);
    expect(own(errors)).toEqual([]);
    await page.close();
  });
});
