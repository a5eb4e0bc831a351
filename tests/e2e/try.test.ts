/**
 * "Try the program" in Chromium against the scripted server: after a small MIPROv2 run, an
 * input typed into the run view's panel (Enter in its last box runs it) is answered by the
 * optimized program and the baseline side by side, each with its reasoning and the messages
 * exactly as sent; the same input again answers from the cache. The run's share link, opened
 * in a fresh profile with no model, names the model to set up and sends nothing until Run,
 * and keeps what was typed while the model is set up. In the workspace, Ctrl+Enter runs from
 * a multi-line box and an unreadable answer shows as a typed error, losing nothing typed.
 */
import { describe, expect, inject, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { irisHandler } from '../fixtures/iris-world';
import { collectErrors } from './browser';
import { SMALL_IRIS, own, serverAndBrowser, setUp, waitForSelector } from './flow';

const FLOWER = { sepal_length: '6.3', sepal_width: '3.3', petal_length: '5.5', petal_width: '2.1' };

async function shoot(target: Locator, name: string): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true });
  await target.screenshot({ path: `test-results/screenshots/${name}.png` });
}

/** Light and dark, desktop and phone, of one region of `page`. */
async function shootSizes(page: Page, region: Locator, name: string): Promise<void> {
  // The sticky header would cover the top of a region scrolled into view.
  await page.addStyleTag({ content: 'header.top { position: static !important; }' });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [w, h] of [[1280, 800], [390, 844]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await shoot(region, `${name}-${scheme}-${w}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function fill(panel: Locator, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) await panel.getByLabel(name, { exact: true }).fill(value);
}

const chatRequests = (urls: { path: string }[]) => urls.filter((r) => r.path.endsWith('/chat/completions')).length;

describe('try the program', () => {
  const env = serverAndBrowser(irisHandler);
  let link = '';

  it('compares the optimized and baseline answers after a run, with the messages sent', { timeout: 300_000 }, async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await setUp(page, env.server.url, SMALL_IRIS);
    await page.getByRole('button', { name: 'Start optimization' }).click();
    await waitForSelector(page, '[aria-label="Optimized test score"]');
    const panel = page.getByRole('region', { name: 'Try the program' });
    await panel.waitFor();

    const before = chatRequests(env.server.requests);
    await fill(panel, FLOWER);
    // Nothing is sent while typing; Enter in the last one-line box runs it.
    expect(chatRequests(env.server.requests)).toBe(before);
    await panel.getByLabel('petal_width', { exact: true }).press('Enter');
    const optimized = panel.getByRole('article', { name: 'Optimized answer' });
    const baseline = panel.getByRole('article', { name: 'Baseline answer' });
    await expect.poll(() => optimized.textContent(), { timeout: 30_000 }).toContain('virginica');
    await expect.poll(() => baseline.textContent()).toContain('setosa');
    expect(await optimized.textContent()).toContain('Looking at the measurements.');
    expect(chatRequests(env.server.requests)).toBe(before + 2);

    // The messages exactly as sent, in the trace inspector's view.
    await optimized.getByText(/^Messages sent/).click();
    const sent = optimized.locator('details details').first();
    await expect.poll(() => sent.textContent()).toContain('[[ ## petal_length ## ]]');
    expect(await sent.textContent()).toContain('5.5');
    await shootSizes(page, panel, 'try-run');

    // The same input again answers from the cache: nothing more is sent.
    await panel.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => optimized.getByText(/from the cache/).count()).toBe(1);
    expect(chatRequests(env.server.requests)).toBe(before + 2);

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy link' }).click();
    link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
    expect(own(errors)).toEqual([]);
    await context.close();
  });

  it('opens a share link with no model: names the model to set up, sends nothing until Run, keeps what was typed', async () => {
    expect(link).toBeTruthy();
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    const before = chatRequests(env.server.requests);
    await page.goto(link);
    const dialog = page.getByRole('dialog');
    const panel = dialog.getByRole('region', { name: 'Try the program' });
    const note = panel.getByRole('note', { name: 'Task model needed' });
    await expect.poll(() => note.textContent()).toContain('"task-model"');
    await fill(panel, FLOWER);
    await shootSizes(page, dialog, 'try-share-no-model');
    await panel.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => panel.getByRole('alert').getAttribute('data-code')).toBe('CONFIG_INVALID');
    expect(chatRequests(env.server.requests)).toBe(before);

    // Set up the model in Models, then come back to the link: what was typed is still there.
    await note.getByRole('button', { name: 'Set up a model' }).click();
    await dialog.waitFor({ state: 'hidden' });
    for (const [w, h] of [[1280, 800], [390, 844]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.screenshot({ path: `test-results/screenshots/try-share-set-aside-${w}.png` });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    const endpoints = page.getByRole('region', { name: 'API endpoints' });
    await endpoints.getByLabel('Base URL').first().fill(env.server.url);
    await endpoints.getByLabel('Model').first().fill('task-model');
    await page.getByRole('button', { name: 'Back to the shared program' }).click();
    await dialog.waitFor();
    expect(await panel.getByLabel('petal_length', { exact: true }).inputValue()).toBe(FLOWER.petal_length);
    expect(await note.count()).toBe(0);
    expect(chatRequests(env.server.requests)).toBe(before);
    await panel.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => panel.getByRole('article', { name: 'Optimized answer' }).textContent(), { timeout: 30_000 }).toContain('virginica');
    expect(await panel.getByRole('article', { name: 'Baseline answer' }).textContent()).toContain('setosa');
    await shootSizes(page, panel, 'try-share-answered');
    expect(own(errors)).toEqual([]);
    await context.close();
  });

  it('in the workspace: Ctrl+Enter runs from a multi-line box; an unreadable answer is a typed error that loses nothing typed', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('appUrl'));
    await page.getByRole('tablist', { name: 'Template' }).getByRole('tab', { name: 'Chain of thought' }).click();
    await page.getByLabel('Signature').fill('question, context -> answer');
    const endpoints = page.getByRole('region', { name: 'API endpoints' });
    await endpoints.getByLabel('Base URL').first().fill(env.server.url);
    await endpoints.getByLabel('Model').first().fill('task-model');
    const panel = page.getByRole('region', { name: 'Try the program' });
    await panel.getByLabel('question', { exact: true }).fill('Which flower is it?');
    const context_ = panel.getByLabel('context', { exact: true });
    expect(await context_.evaluate((el) => el.tagName)).toBe('TEXTAREA');
    await context_.fill('Petals of 5.5 cm.');
    await context_.press('Enter');
    expect(await context_.inputValue()).toBe('Petals of 5.5 cm.\n');
    // The Iris world answers with a species, not the `answer` this program asks for.
    await context_.press('Control+Enter');
    const current = panel.getByRole('article', { name: 'Current program answer' });
    await expect.poll(() => current.getByRole('alert').getAttribute('data-code'), { timeout: 30_000 }).toBe('ADAPTER_PARSE');
    expect(await panel.getByRole('article').count()).toBe(1);
    expect(await panel.getByLabel('question', { exact: true }).inputValue()).toBe('Which flower is it?');
    expect(await context_.inputValue()).toBe('Petals of 5.5 cm.\n');
    await current.getByText(/^Messages sent/).click();
    await expect.poll(() => current.getByText('Unreadable answer').count()).toBeGreaterThan(0);
    await shootSizes(page, panel, 'try-workspace-unreadable');
    expect(own(errors)).toEqual([]);
    await context.close();
  });
});
