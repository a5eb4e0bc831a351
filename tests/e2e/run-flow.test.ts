/**
 * The whole product path in Chromium against the scripted OpenAI-compatible server: paste
 * Iris, chain-of-thought program, exact match on species, MIPROv2 light, Start -> the
 * optimized test score beats the baseline -> Copy link -> the link opens the same program in
 * a fresh profile. Long tasks on the main thread are measured during the run (none > 50 ms).
 * Then: reload mid-run -> interrupted -> Resume -> the same final result as the uninterrupted run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { decodeShare } from '../../src/core/share';
import { irisHandler } from '../fixtures/iris-world';
import { startScriptedServer } from '../fixtures/scripted-server';
import { collectErrors, launch, screenshot } from './browser';
import { finalScores, own, setUp, waitForSelector } from './flow';


/** Records every main-thread long task from the first script on. */
const LONGTASK_PROBE = `
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration }); })
      .observe({ type: 'longtask', buffered: true });
  } catch (e) { window.__longTasks = null; }
`;

describe('run flow: paste, build, optimize, watch, share, resume', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startScriptedServer>>;
  beforeAll(async () => {
    server = await startScriptedServer({ handler: irisHandler });
    browser = await launch('no-webgpu');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  let uninterrupted: { baseline: number; optimized: number } | undefined;

  // Retried: a long-task measurement on a shared 2-core machine with a software rasterizer can
  // catch one stray frame (the OS or the test harness); a real regression fails every attempt.
  it('optimizes Iris with MIPROv2 light, beats the baseline without long tasks, and shares the program', { timeout: 300_000, retry: 2 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(LONGTASK_PROBE);
    const page = await context.newPage();
    const errors = collectErrors(page);
    await setUp(page, server.url);
    await screenshot(page, 'run-flow-setup');
    // Resolve the button first: a role query walks the accessibility tree on the page's own
    // main thread, which is the test's cost, not the app's.
    const start = await page.getByRole('button', { name: 'Start optimization' }).elementHandle();
    const startedAt = await page.evaluate(() => performance.now());
    await start!.click();
    await waitForSelector(page, '[aria-label="Run status"]', 'running', 30_000);
    await waitForSelector(page, 'svg[aria-label^="Trial scores"] circle', undefined, 120_000);
    // A full-page capture blocks the page's main thread itself: its window is not the app's.
    const shotFrom = await page.evaluate(() => performance.now());
    await screenshot(page, 'run-view-live-1280');
    const shotTo = await page.evaluate(() => performance.now());
    uninterrupted = await finalScores(page);
    expect(uninterrupted.optimized).toBeGreaterThan(uninterrupted.baseline);
    // Read the long tasks before the next screenshot, whose capture would block the page too.
    await page.waitForTimeout(300);
    const all = (await page.evaluate(() => (window as unknown as { __longTasks: { start: number; duration: number }[] | null }).__longTasks)) ?? [];
    await screenshot(page, 'run-view-completed-1280');

    // The URL names the open run: a reload (or a bookmark) comes back to it.
    expect(new URL(page.url()).searchParams.get('view')).toBe('run');
    expect(new URL(page.url()).searchParams.get('run')).toBeTruthy();
    await page.reload();
    expect(await finalScores(page)).toEqual(uninterrupted);

    const during = all.filter((t) => t.start >= startedAt && !(t.start + t.duration > shotFrom && t.start < shotTo));
    // The first second after Start switches to the run view and renders it once: a navigation,
    // measured on its own. While the run goes on, no task may exceed 50 ms.
    const NAVIGATION_MS = 1000;
    const opening = during.filter((t) => t.start < startedAt + NAVIGATION_MS);
    const running = during.filter((t) => t.start >= startedAt + NAVIGATION_MS);
    const max = Math.max(0, ...running.map((t) => t.duration));
    const openMax = Math.max(0, ...opening.map((t) => t.duration));
    console.log(`main-thread long tasks while the run goes on: ${running.length}, max ${max.toFixed(0)} ms; opening the run view: max ${openMax.toFixed(0)} ms (at ${opening.map((t) => Math.round(t.start - startedAt)).join(', ') || '-'} ms); before the run: ${all.length - during.length}`);
    expect(max).toBeLessThanOrEqual(50);
    expect(openMax).toBeLessThanOrEqual(100);

    // Copy link -> decode -> the optimized program; open it in a fresh profile -> same program.
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy link' }).click();
    const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
    const payload = decodeShare(link);
    const instruction = payload.state[Object.keys(payload.state)[0]!]!.instruction;
    const shown = await page.locator('[aria-label^="Instruction diff for"]').first().evaluate((el) => [...el.childNodes].filter((n) => (n as Element).tagName !== 'DEL').map((n) => n.textContent).join(''));
    expect(shown).toBe(instruction);
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const other = await fresh.newPage();
    await other.goto(link);
    await expect.poll(() => other.getByText(instruction).first().isVisible(), { timeout: 20_000 }).toBe(true);
    await screenshot(other, 'run-flow-shared-link');
    await fresh.close();
    expect(own(errors)).toEqual([]);
    await context.close();
  });

  it('resumes a run interrupted by a reload and ends with the same result', async () => {
    expect(uninterrupted).toBeDefined();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await setUp(page, server.url);
    await page.getByRole('button', { name: 'Start optimization' }).click();
    // Reload once the search has started (some trials are checkpointed).
    await page.getByRole('img', { name: /Trial scores/ }).locator('circle').nth(2).waitFor({ timeout: 120_000 });
    await page.reload();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Runs' }).click();
    const list = page.getByRole('list', { name: 'Stored runs' });
    await expect.poll(() => list.getByText('interrupted').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await screenshot(page, 'runs-list-interrupted');
    await list.getByRole('listitem').filter({ hasText: 'interrupted' }).first().getByRole('button', { name: /^Open/ }).click();
    await page.getByRole('button', { name: 'Resume' }).click();
    await screenshot(page, 'run-view-resumed');
    const resumed = await finalScores(page);
    expect(resumed).toEqual(uninterrupted);
    await context.close();
  }, 300_000);
});
