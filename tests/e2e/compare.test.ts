/**
 * Compare and iterate, in Chromium against the scripted server: a small MIPROv2 run's final
 * instruction shows as clean text (Copy instruction puts exactly it on the clipboard, and
 * copying the diff leaves the deleted words out); Evaluate edited program without changes is a
 * new run linked to its parent that sends no request (every answer is in the LM cache); an
 * edited instruction is evaluated as another linked run; then the runs list compares the
 * parent with the edited run side by side, at 1280 and 390 px, light and dark.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { irisHandler } from '../fixtures/iris-world';
import type { ChatCompletionBody } from '../fixtures/scripted-server';
import { mkdirSync } from 'node:fs';
import { collectErrors } from './browser';
import { SMALL_IRIS, own, serverAndBrowser, setUp, waitForSelector } from './flow';

const EDIT = 'Classify the iris by petal length: under 2.5 cm is setosa, under 4.9 cm is versicolor, otherwise virginica. Answer with the species only.';

/** Chat requests the server got (Test connection and the like aside, there are none here). */
const chats = (requests: { body: unknown }[]) => requests.filter((r) => (r.body as ChatCompletionBody | undefined)?.messages).length;

/** Screenshots of the regions named `regions` (one image each) at both widths, light and dark. */
async function shots(page: Page, name: string, regions: string[]): Promise<void> {
  await page.evaluate(() => getSelection()?.removeAllRanges());
  mkdirSync('test-results/screenshots', { recursive: true });
  for (const [w, h] of [[1280, 800], [390, 844]] as const) {
    await page.setViewportSize({ width: w, height: h });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [i, region] of regions.entries()) {
        const target = page.getByRole('region', { name: region, exact: true });
        await target.scrollIntoViewIfNeeded();
        // The app's sticky header would cover the region's top in an element screenshot.
        await target.screenshot({ path: `test-results/screenshots/${name}-${i}-${w}-${scheme}.png`, style: 'header.top { position: static !important; }' });
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Waits for the open run (named `name`) to complete. */
async function completed(page: Page, name: string): Promise<void> {
  await waitForSelector(page, 'header.head .title h2', name, 60_000);
  await waitForSelector(page, '[aria-label="Run status"]', 'completed', 240_000);
  await waitForSelector(page, '[aria-label="Optimized validation score"]');
}

describe('compare and iterate', () => {
  const env = serverAndBrowser(irisHandler);

  it('copies the clean instruction, re-evaluates edits as linked runs (unchanged: 0 requests), and compares two runs', { timeout: 420_000 }, async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const page = await context.newPage();
    const errors = collectErrors(page);
    await setUp(page, env.server.url, SMALL_IRIS);
    await page.getByLabel('Run title (optional)').fill('Iris light');
    await page.getByRole('button', { name: 'Start optimization' }).click();
    await completed(page, 'Iris light');

    // The final instruction as clean text; Copy instruction puts exactly it on the clipboard.
    const final = (await page.getByLabel(/^Final instruction for /).first().textContent())!;
    expect(final.length).toBeGreaterThan(10);
    await page.getByRole('button', { name: 'Copy instruction' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Copied' }).count()).toBe(1);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(final);
    // Copying the diff itself gives the new text too: deleted words cannot be selected.
    await page.getByText('Show changes').first().click();
    const diff = page.getByLabel(/^Instruction diff for /).first();
    expect(await diff.locator('del').count()).toBeGreaterThan(0);
    await diff.evaluate((el) => getSelection()!.selectAllChildren(el));
    await page.keyboard.press('Control+C');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(final);

    // Unchanged: a new run linked to its parent, every answer from the cache.
    env.server.reset();
    const edit = page.getByRole('form', { name: 'Edit program' });
    await shots(page, 'edit-form', ['Result', 'Edit and re-evaluate']);
    await edit.getByRole('button', { name: 'Evaluate edited program' }).click();
    await completed(page, 'Iris light (edited)');
    expect(chats(env.server.requests)).toBe(0);
    await expect.poll(() => page.getByText('edited from').first().isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('link', { name: 'Iris light', exact: true }).count()).toBe(1);
    expect(await page.getByLabel(/^Final instruction for /).first().textContent()).toBe(final);

    // Edited: back to the parent by its link, rewrite the instruction, evaluate.
    await page.getByRole('link', { name: 'Iris light', exact: true }).click();
    await waitForSelector(page, 'header.head .title h2', 'Iris light');
    await expect.poll(() => page.locator('header.head .title h2').textContent()).toBe('Iris light');
    await edit.getByLabel('Instruction').fill(EDIT);
    await edit.getByRole('button', { name: 'Evaluate edited program' }).click();
    await expect.poll(() => page.locator('header.head .title h2').textContent()).toBe('Iris light (edited)');
    await completed(page, 'Iris light (edited)');
    expect(chats(env.server.requests)).toBeGreaterThan(0);
    expect(await page.getByLabel(/^Final instruction for /).first().textContent()).toBe(EDIT);

    // Runs list: both edited runs name their parent; compare the parent with the edited one.
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Runs' }).click();
    const list = page.getByRole('list', { name: 'Stored runs' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(3);
    expect(await list.getByText('edited from').count()).toBe(2);
    const boxes = list.getByRole('checkbox', { name: 'Compare Iris light (edited)' });
    await boxes.first().check();
    await list.getByRole('checkbox', { name: 'Compare Iris light', exact: true }).check();
    await page.getByRole('button', { name: 'Compare selected' }).click();
    const view = page.getByRole('region', { name: 'Run comparison' });
    await expect.poll(() => view.isVisible()).toBe(true);
    expect(await view.getByLabel(/^Instruction A for /).first().textContent()).toBe(final);
    expect(await view.getByLabel(/^Instruction B for /).first().textContent()).toBe(EDIT);
    const scores = view.getByRole('table', { name: 'Scores compared' });
    expect(await scores.getByRole('row').count()).toBeGreaterThanOrEqual(3);
    expect(await scores.textContent()).toContain('95% CI');
    // B evaluated an edit without optimizing: its own "baseline" would only repeat its test score.
    expect(await scores.getByRole('row', { name: /^Baseline/ }).getByRole('cell').nth(1).textContent()).toBe('—');
    await shots(page, 'compare-view', ['Runs', 'Comparison']);
    // Nothing scrolls sideways at 390 px.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(own(errors)).toEqual([]);
    await context.close();
  });
});
