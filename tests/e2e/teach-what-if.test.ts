/**
 * Teaching mode's What-if on replayed run bundles made in Node by real MIPROv2 runs (scripted
 * LM): on a TPE trial, changing gamma or the random startup trials by their labels re-picks
 * the trial in the browser (no request leaves the page) and shows the pick in words with its
 * density bars; a light run, whose search was almost all random startup, says so at the top.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { RunBundle } from '../../src/ui/bundle';
import { tpeSteps, type TpeStepView } from '../../src/ui/teach/teach-model';
import { whatIfSource, whatIfView } from '../../src/ui/teach/what-if-model';
import { makeRunBundle } from '../unit/ui/run-fixture';
import { collectErrors, launch, screenshot } from './browser';
import { openTeaching, writeBundleFile } from './bundle-page';

/** Errors of this view: the service worker's registration (dist/ may not ship sw.js yet) is another area's. */
const own = (errors: string[]) => errors.filter((e) => !e.includes('unsupported MIME type'));


/** The what-if answer the page should show for `step` with `overrides` (the model is unit-tested). */
function expected(bundle: RunBundle, step: TpeStepView, overrides: { gammaFraction?: number; nStartupTrials?: number }) {
  const source = whatIfSource({ config: bundle.run.config, plan: bundle.run.plan, story: bundle.events, trials: bundle.trials });
  if (!source || !('search' in source)) throw new Error('no what-if source');
  return whatIfView(source, step, overrides);
}

/** The l/g column of a density figure, as shown. */
async function ratios(figure: Locator): Promise<string[]> {
  return (await figure.locator('tbody td.num').allTextContents()).map((t) => t.trim());
}

describe('teaching mode: What-if and the random startup note', () => {
  let browser: Browser;
  let bundle: RunBundle;
  let light: RunBundle;
  let file: string;
  let lightFile: string;
  beforeAll(async () => {
    bundle = await makeRunBundle();
    light = await makeRunBundle({ kind: 'mipro_v2', auto: 'light' });
    file = writeBundleFile(bundle);
    lightFile = writeBundleFile(light);
    browser = await launch('no-webgpu');
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Imports a bundle, turns teaching mode on and opens its TPE step. */
  async function openTpe(page: Page, path: string): Promise<Locator> {
    const teach = await openTeaching(page, path);
    await teach.getByRole('navigation', { name: 'Teaching steps' }).getByRole('button', { name: 'TPE search' }).click();
    return teach;
  }

  async function goToStep(teach: Locator, from: number, to: number): Promise<void> {
    for (let i = from; i < to; i++) await teach.getByRole('button', { name: 'Next trial' }).click();
    for (let i = from; i > to; i--) await teach.getByRole('button', { name: 'Previous trial' }).click();
  }

  it('re-picks a trial with another gamma and fewer startup trials, in words and density bars, without any request', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(inject('appUrl'))) requests.push(r.url());
    });
    const teach = await openTpe(page, file);
    const steps = tpeSteps(bundle.events, bundle.trials);
    const t = steps.findIndex((s) => s.mode === 'tpe');
    await goToStep(teach, 0, t);
    await expect.poll(() => teach.getByText(`trial ${steps[t]!.trial} (`).isVisible()).toBe(true);
    // 4 of 16 trials were random: no note.
    expect(await teach.getByRole('note').count()).toBe(0);

    const whatIf = teach.getByRole('region', { name: 'What-if' });
    await expect.poll(() => whatIf.getByText(`With the run's own settings TPE picks ${steps[t]!.paramsLabel} — the same as the run.`).isVisible()).toBe(true);
    await expect.poll(() => whatIf.getByText('nothing is sent to a model').isVisible()).toBe(true);

    await whatIf.getByLabel('Good-group fraction (gamma)').selectOption('0.5');
    const wider = expected(bundle, steps[t]!, { gammaFraction: 0.5 });
    await expect.poll(() => whatIf.getByText(wider.sentence).isVisible()).toBe(true);
    expect(wider.sentence).toMatch(/^With gamma 0.5 TPE would pick/);
    expect(await whatIf.getByText(wider.why).isVisible()).toBe(true);
    const figure = whatIf.getByRole('figure', { name: 'Densities for generate.demos' });
    await expect.poll(() => ratios(figure)).toEqual(wider.densities[1]!.choices.map((c) => (Number.isFinite(c.ratio) ? c.ratio.toFixed(2) : '∞')));
    // The figure is the what-if's, not the recorded one's.
    expect(await ratios(figure)).not.toEqual(await ratios(teach.getByRole('figure', { name: 'Densities for generate.demos' }).first()));
    await whatIf.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/screenshots/teach-whatif-gamma-1280.png' });

    // Back to the last random startup trial: with no startup trials TPE models it instead.
    const s = steps.map((x) => x.mode).lastIndexOf('startup');
    await goToStep(teach, t, s);
    await whatIf.getByLabel('Good-group fraction (gamma)').selectOption('0.1');
    await whatIf.getByLabel('Random startup trials').selectOption('0');
    const modelled = expected(bundle, steps[s]!, { nStartupTrials: 0 });
    await expect.poll(() => whatIf.getByText(modelled.sentence).isVisible()).toBe(true);
    expect(modelled.sentence).toMatch(/^With 0 random startup trials TPE would pick/);
    expect(await whatIf.getByText(modelled.modeLabel, { exact: true }).isVisible()).toBe(true);
    expect(modelled.modeLabel).not.toBe('random startup');
    await expect.poll(() => whatIf.getByRole('figure', { name: 'Densities for generate.instruction' }).isVisible()).toBe(true);
    await whatIf.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/screenshots/teach-whatif-startup-1280.png' });

    await whatIf.getByLabel('Random startup trials').selectOption('5');
    await expect.poll(() => whatIf.getByText(`With the run's own settings TPE picks ${steps[s]!.paramsLabel} — the same as the run.`).isVisible()).toBe(true);
    expect(await whatIf.getByRole('figure').count()).toBe(0);

    expect(requests).toEqual([]);
    expect(own(errors)).toEqual([]);
    await page.close();
  });

  it('says when the search was almost all random startup and points to where TPE chooses', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    const teach = await openTpe(page, lightFile);
    const note = teach.getByRole('note');
    // The full evaluation after trial 5 is told to TPE too (as in DSPy since 2.6.1), so the 10 startup trials end one trial sooner.
    await expect.poll(() => note.textContent()).toContain("8 of this search's 10 trials were random startup picks.");
    const text = (await note.textContent())!.replace(/\s+/g, ' ');
    expect(text).toContain('TPE needs 10 finished trials');
    expect(text).toContain('only the last 2 could use what it had learned');
    expect(text).toMatch(/medium or heavy, or with more trials — or try the What-if below/);
    await page.screenshot({ path: 'test-results/screenshots/teach-whatif-all-random-1280.png' });
    expect(own(errors)).toEqual([]);
    await page.close();
  });

  for (const [w, h] of [[1280, 800], [390, 844]] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`looks right at ${w}x${h} in ${scheme} mode`, async () => {
        const page = await browser.newPage({ viewport: { width: w, height: h } });
        await page.emulateMedia({ colorScheme: scheme });
        const errors = collectErrors(page);
        const teach = await openTpe(page, scheme === 'light' ? file : lightFile);
        const steps = tpeSteps(scheme === 'light' ? bundle.events : light.events, scheme === 'light' ? bundle.trials : light.trials);
        const pick = scheme === 'light' ? steps.findIndex((s) => s.mode === 'tpe') : steps.length - 2;
        await goToStep(teach, 0, pick);
        const whatIf = teach.getByRole('region', { name: 'What-if' });
        await whatIf.getByLabel(scheme === 'light' ? 'Good-group fraction (gamma)' : 'Random startup trials').selectOption(scheme === 'light' ? '0.25' : '3');
        await expect.poll(() => whatIf.getByText(/TPE would pick/).isVisible()).toBe(true);
        await whatIf.scrollIntoViewIfNeeded();
        // At 1280 the panel scrolls on its own (a full-page shot shows its top): the viewport as seen, the What-if alone, the page.
        await page.screenshot({ path: `test-results/screenshots/teach-whatif-view-${w}-${scheme}.png` });
        await whatIf.screenshot({ path: `test-results/screenshots/teach-whatif-region-${w}-${scheme}.png` });
        await screenshot(page, `teach-whatif-${w}-${scheme}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        expect(own(errors)).toEqual([]);
        await page.close();
      });
    }
  }
});
