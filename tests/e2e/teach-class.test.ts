/**
 * Teaching mode as a teacher runs it in class, on a run bundle made in Node by a real MIPROv2
 * run (scripted LM), with no model: each step scrolls the page to the card it explains and marks
 * it; the mode and step survive a reload (they are in the URL); the run replays with play,
 * pause, step and speed, the chart and TPE view growing as they did live; the walk exports as
 * slides. Screenshots at 1280x800 and 390x844, light and dark.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { RunBundle } from '../../src/ui/bundle';
import { makeRunBundle } from '../unit/ui/run-fixture';
import { collectErrors, launch, screenshot } from './browser';
import { openTeaching, writeBundleFile } from './bundle-page';
import { own } from './flow';

describe('teaching mode in class', () => {
  let browser: Browser;
  let bundle: RunBundle;
  let file: string;
  beforeAll(async () => {
    bundle = await makeRunBundle();
    file = writeBundleFile(bundle);
    browser = await launch('no-webgpu');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  const openBundle = (page: Page) => openTeaching(page, file);

  /** The element's top is on screen, below the sticky header. */
  async function onScreen(page: Page, locator: Locator): Promise<boolean> {
    const box = await locator.boundingBox();
    const vh = page.viewportSize()!.height;
    return !!box && box.y >= 40 && box.y < vh * 0.6;
  }

  it('a step scrolls to its card and marks it; the mode and step are kept in the URL', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    const teach = await openBundle(page);
    const steps = teach.getByRole('navigation', { name: 'Teaching steps' });
    const trials = page.getByRole('region', { name: 'Trial scores' });
    const proposals = page.getByRole('region', { name: 'Instructions and demos' });

    await steps.getByRole('button', { name: 'TPE search' }).click();
    await expect.poll(() => onScreen(page, trials)).toBe(true);
    await expect.poll(() => trials.getAttribute('data-teach-focus')).toBe('');
    await expect.poll(() => new URL(page.url()).searchParams.get('teach')).toBe('tpe');
    await screenshot(page, 'teach-step-tpe-1280');

    await steps.getByRole('button', { name: 'Proposals' }).click();
    await expect.poll(() => onScreen(page, proposals)).toBe(true);
    await expect.poll(() => proposals.getAttribute('data-teach-focus')).toBe('');
    expect(await trials.getAttribute('data-teach-focus')).toBeNull();

    // "Next step" moves the page too.
    await teach.getByRole('button', { name: 'Next step' }).click();
    await expect.poll(() => steps.getByRole('button', { name: 'TPE search' }).getAttribute('aria-current')).toBe('step');
    await expect.poll(() => onScreen(page, trials)).toBe(true);

    // A reload keeps teaching mode on, at its step (a bundle is not stored: the panel asks for a run).
    await page.reload();
    await expect.poll(() => page.getByRole('switch', { name: 'Teaching mode' }).isChecked()).toBe(true);
    const again = page.getByRole('complementary', { name: 'Teaching mode' });
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Runs' }).click();
    await page.getByLabel('Import run bundle').setInputFiles(file);
    await expect.poll(() => again.getByRole('navigation', { name: 'Teaching steps' }).getByRole('button', { name: 'TPE search' }).getAttribute('aria-current')).toBe('step');
    await expect.poll(() => onScreen(page, page.getByRole('region', { name: 'Trial scores' }))).toBe(true);
    expect(own(errors)).toEqual([]);
    await page.close();
  });

  it('replays the run: play, pause, step and speed; the chart and the TPE step grow as they did live', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    const teach = await openBundle(page);
    const controls = teach.getByRole('group', { name: 'Replay' });
    const chart = page.getByRole('region', { name: 'Trial scores' }).getByRole('group', { name: /Trial scores/ });
    const points = () => chart.getByRole('button', { name: /^Trial \d+/ }).count();
    const finalPoints = await points();
    expect(finalPoints).toBe(bundle.trials.length);

    await controls.getByRole('button', { name: 'Replay the run' }).click();
    // At the start nothing has happened: no result, no trial.
    await expect.poll(() => page.getByLabel('Run status').textContent()).toContain('running');
    await controls.getByRole('button', { name: 'Pause' }).click();
    const position = controls.getByRole('slider', { name: 'Replay position' });
    const at = async () => Number(await position.inputValue());
    const paused = await at();
    expect(await page.getByRole('region', { name: 'Result' }).count()).toBe(0);

    // Step: one event at a time.
    await controls.getByRole('button', { name: 'Step' }).click();
    await expect.poll(at).toBe(paused + 1);

    // 16x: it plays on its own; the chart grows; teaching mode follows the run to the search.
    await controls.getByRole('radio', { name: '16×' }).click();
    expect(await controls.getByRole('radio', { name: '16×' }).getAttribute('aria-checked')).toBe('true');
    await controls.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(points, { timeout: 60_000 }).toBeGreaterThan(3);
    await expect.poll(() => teach.getByRole('navigation', { name: 'Teaching steps' }).getByRole('button', { name: 'TPE search' }).getAttribute('aria-current'), { timeout: 60_000 }).toBe('step');
    await controls.getByRole('button', { name: 'Pause' }).click();
    const held = await at();
    const drawn = await points();
    expect(drawn).toBeLessThan(finalPoints);
    await screenshot(page, 'teach-replay-paused-1280');
    // Paused means paused: a later look finds the same frame.
    await page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))));
    expect(await at()).toBe(held);
    expect(await points()).toBe(drawn);

    // Play to the end: the whole run, its result card back.
    await controls.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(points, { timeout: 90_000 }).toBe(finalPoints);
    await expect.poll(() => page.getByRole('region', { name: 'Result' }).count(), { timeout: 90_000 }).toBe(1);
    await controls.getByRole('button', { name: 'End replay' }).click();
    await expect.poll(() => page.getByLabel('Run status').textContent()).toContain('completed');
    expect(own(errors)).toEqual([]);
    await page.close();
  });

  it('exports the walk as slides: one per step, the chart and the proposals in them, no script', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    const teach = await openBundle(page);
    const [download] = await Promise.all([page.waitForEvent('download'), teach.getByRole('button', { name: 'Export slides' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^promptlab-slides-.*\.html$/);
    const html = readFileSync((await download.path())!, 'utf8');
    const slides = [...html.matchAll(/<section class="slide" aria-label="Slide (\d): ([^"]+)"/g)].map((m) => m[2]);
    expect(slides).toEqual(['The run', 'Bootstrap demos', 'Proposals', 'TPE search', 'Minibatch vs full', 'Result']);
    expect(html).toContain('aria-label="Trial scores');
    const instruction = bundle.events.flatMap((e) => (e.type === 'optimizer' && e.event.type === 'instruction_proposed' ? [e.event.instruction] : []))[0]!;
    expect(html).toContain(instruction);
    expect(html).not.toMatch(/<script|<button|<input|<select/i);
    // The What-if's settings stay, as text.
    expect(html).toContain(': 0.1 (this run)');
    expect(html).not.toContain('sk-secret');
    // The page is back on the step it was on.
    expect(await teach.getByRole('navigation', { name: 'Teaching steps' }).getByRole('button', { name: 'The run' }).getAttribute('aria-current')).toBe('step');

    // The slides open as a page of their own, every slide drawn.
    const slidesPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await slidesPage.setContent(html);
    expect(await slidesPage.getByRole('region', { name: /^Slide \d/ }).count()).toBe(6);
    await screenshot(slidesPage, 'teach-slides-1280');
    for (const n of [1, 2, 4, 6]) await slidesPage.getByRole('region', { name: new RegExp(`^Slide ${n}:`) }).screenshot({ path: `test-results/screenshots/teach-slide-${n}-1280.png` });
    await slidesPage.close();
    expect(own(errors)).toEqual([]);
    await page.close();
  });

  for (const [w, h] of [[1280, 800], [390, 844]] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`class walk looks right at ${w}x${h} in ${scheme} mode`, async () => {
        const page = await browser.newPage({ viewport: { width: w, height: h } });
        await page.emulateMedia({ colorScheme: scheme });
        const errors = collectErrors(page);
        const teach = await openBundle(page);
        await teach.getByRole('navigation', { name: 'Teaching steps' }).getByRole('button', { name: 'TPE search' }).click();
        const trials = page.getByRole('region', { name: 'Trial scores' });
        await expect.poll(() => onScreen(page, trials)).toBe(true);
        // On a phone the panel is a sheet at the bottom: reachable without scrolling the page.
        // Desktop: the panel sticks beside the page; phone: the aside is a sheet at the bottom.
        const panel = await (w < 900 ? teach : teach.getByRole('region', { name: 'Teaching mode' })).boundingBox();
        expect(panel!.y).toBeLessThan(h);
        expect(panel!.y + panel!.height).toBeLessThanOrEqual(h + 1);
        await page.screenshot({ path: `test-results/screenshots/teach-class-${w}-${scheme}.png` });
        await screenshot(page, `teach-class-full-${w}-${scheme}`);
        let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        // Mid-replay, paused in the search: the progress labels and the panel's controls.
        const controls = teach.getByRole('group', { name: 'Replay' });
        await controls.getByRole('button', { name: 'Replay the run' }).click();
        await controls.getByRole('radio', { name: '16×' }).click();
        await expect.poll(() => page.getByRole('region', { name: 'Trial scores' }).getByRole('group', { name: /Trial scores/ }).getByRole('button', { name: /^Trial \d+/ }).count(), { timeout: 60_000 }).toBeGreaterThan(4);
        await controls.getByRole('button', { name: 'Pause' }).click();
        await teach.getByRole('navigation', { name: 'Teaching steps' }).getByRole('button', { name: 'The run' }).click();
        const progress = page.getByRole('region', { name: 'Progress' });
        await expect.poll(() => onScreen(page, progress)).toBe(true);
        await page.screenshot({ path: `test-results/screenshots/teach-replay-${w}-${scheme}.png` });
        overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        expect(own(errors)).toEqual([]);
        await page.close();
      });
    }
  }
});
