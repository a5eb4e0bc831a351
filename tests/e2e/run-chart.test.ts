/**
 * The run view's score chart and trial table as a way into a trial's LM calls, on a replayed
 * bundle (a real MIPROv2 run made in Node on a scripted LM): a chart point, clicked or opened
 * from the keyboard by its name, and a table row's "Calls" button each load exactly that
 * trial's calls into the trace inspector and bring it into view. The chart's axes are titled,
 * and a proposed instruction that repeats an earlier one (in another case and spacing) is
 * marked as a duplicate in the run view and in teaching mode's Proposals step.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { TrialRecord } from '../../src/core/optimize';
import type { RunBundle } from '../../src/ui/bundle';
import { makeRunBundle } from '../unit/ui/run-fixture';
import { collectErrors, launch, screenshot } from './browser';
import { importBundle as importBundleFile, writeBundleFile } from './bundle-page';

/** Errors of this view: the service worker's registration (dist/ may not ship sw.js yet) is another area's. */
const own = (errors: string[]) => errors.filter((e) => !e.includes('unsupported MIME type'));

const KIND: Record<TrialRecord['kind'], string> = { default: 'baseline (full)', minibatch: 'minibatch', full: 'full eval', candidate: 'candidate' };

/** A chart point's name, as a teacher's screen reader says it. */
const pointName = (t: TrialRecord) => `Trial ${t.index}, ${KIND[t.kind]}, ${(t.score * 100).toFixed(1)}%: open its calls`;

/** One part of the page, saved next to the full-page screenshots. */
async function shot(part: Locator, name: string): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true });
  await part.screenshot({ path: `test-results/screenshots/${name}.png` });
}

/** The bundle's second proposal, rewritten to repeat the first in another case and spacing. */
function withRepeatedProposal(bundle: RunBundle): { bundle: RunBundle; first: string; repeat: string } {
  const proposed = bundle.events.flatMap((e) => (e.type === 'optimizer' && e.event.type === 'instruction_proposed' ? [e.event] : []));
  const [first, second] = proposed;
  if (!first || !second || first.predictor !== second.predictor) throw new Error('the fixture run should propose two instructions for one predictor');
  const repeat = `  ${first.instruction.toUpperCase().replace(' ', '   ')} `;
  const events = bundle.events.map((e) => (e.type === 'optimizer' && e.event === second ? { ...e, event: { ...second, instruction: repeat } } : e));
  return { bundle: { ...bundle, events }, first: first.instruction, repeat };
}

/** Focuses trial `index`'s point from the keyboard (Tab from the point before it), as a keyboard user would. */
async function tabTo(page: Page, chart: Locator, index: number): Promise<void> {
  await chart.getByRole('button').nth(index - 1).focus();
  await page.keyboard.press('Tab');
  await expect.poll(() => chart.getByRole('button').nth(index).evaluate((g) => g.matches(':focus-visible'))).toBe(true);
}

describe('the score chart and trial table open a trial’s calls', () => {
  let browser: Browser;
  let bundle: RunBundle;
  let file: string;
  let firstIndex: number;
  beforeAll(async () => {
    const made = withRepeatedProposal(await makeRunBundle());
    bundle = made.bundle;
    firstIndex = 1;
    file = writeBundleFile(bundle);
    browser = await launch('no-webgpu');
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function importBundle(page: Page): Promise<void> {
    await importBundleFile(page, file);
    await expect.poll(() => page.getByRole('button', { name: 'Calls of trial 0' }).isVisible()).toBe(true);
  }

  const callsOf = (index: number) => bundle.traces.filter((t) => t.trialIndex === index).length;
  const inspector = (page: Page) => page.locator('#run-traces');

  /** Waits until the inspector lists `index`'s calls: its trial filter, its count, and each shown call's trial. */
  async function expectTrialCalls(page: Page, index: number): Promise<void> {
    const traces = inspector(page);
    await expect.poll(() => traces.getByRole('combobox', { name: 'Trial' }).inputValue()).toBe(String(index));
    await expect.poll(() => traces.getByRole('status').textContent()).toBe(`${callsOf(index)} calls`);
    const shown = traces.getByRole('list', { name: 'LM calls' }).getByRole('listitem');
    await expect.poll(() => shown.count()).toBe(Math.min(25, callsOf(index)));
    const metas = await shown.allTextContents();
    expect(metas.every((m) => m.includes(`trial ${index}`) && !m.includes(`trial ${index}0`))).toBe(true);
    // The inspector was brought into view, its filters clear of the sticky header.
    await expect.poll(() => traces.getByRole('form', { name: 'Filter LM calls' }).evaluate((f) => {
      const r = f.getBoundingClientRect();
      return f.contains(document.elementFromPoint(r.left + 4, r.top + 4));
    })).toBe(true);
  }

  it('titles the axes, and a point clicked or opened from the keyboard, or a row’s button, loads that trial’s calls', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    await importBundle(page);
    const chart = page.getByRole('group', { name: /^Trial scores/ });
    expect(await chart.getByText('Trial', { exact: true }).isVisible()).toBe(true);
    expect(await chart.getByText('Validation score', { exact: true }).isVisible()).toBe(true);
    // One named point per trial.
    expect(await chart.getByRole('button').count()).toBe(bundle.trials.length);

    // A full evaluation, clicked (its calls: the whole validation set, cached or not).
    const full = bundle.trials.find((t) => t.kind === 'full')!;
    expect(callsOf(full.index)).toBe(full.n);
    await chart.getByRole('button', { name: pointName(full) }).click();
    await expectTrialCalls(page, full.index);
    await screenshot(page, 'run-chart-jump-1280');

    // A minibatch trial, from the keyboard.
    const mini = bundle.trials.filter((t) => t.kind === 'minibatch').at(-1)!;
    await chart.getByRole('button', { name: pointName(mini) }).focus();
    await page.keyboard.press('Enter');
    await expectTrialCalls(page, mini.index);
    const other = bundle.trials.find((t) => t.kind === 'minibatch' && t.index !== mini.index)!;
    await chart.getByRole('button', { name: pointName(other) }).focus();
    await page.keyboard.press(' ');
    await expectTrialCalls(page, other.index);

    // A table row's button: the baseline trial 0.
    await page.getByRole('table', { name: 'Trials' }).getByRole('button', { name: 'Calls of trial 0' }).click();
    await expectTrialCalls(page, 0);

    // Back at the chart, a point reached by Tab: the focus ring shows.
    await page.locator('#run-trials').scrollIntoViewIfNeeded();
    await tabTo(page, chart, full.index);
    await shot(page.locator('#run-trials'), 'run-chart-card-1280');
    expect(own(errors)).toEqual([]);
    await page.close();
  });

  it('marks a proposal repeating an earlier one (other case and spacing) as a duplicate, in the run view and in teaching mode', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    await importBundle(page);
    const proposed = page.getByRole('region', { name: 'Proposed instructions' });
    const items = proposed.locator('details');
    await expect.poll(() => items.count()).toBeGreaterThan(1);
    expect(await items.nth(0).textContent()).not.toContain('duplicate of');
    expect(await items.nth(1).locator('summary').textContent()).toContain(`duplicate of I${firstIndex}`);
    expect(await proposed.getByText(/small proposer model often repeats itself/).textContent()).toContain('fewer real choices');
    await shot(page.locator('#run-proposals'), 'run-proposals-duplicate-1280');

    await page.getByRole('switch', { name: 'Teaching mode' }).check();
    const teach = page.getByRole('complementary', { name: 'Teaching mode' });
    await teach.getByRole('navigation', { name: 'Teaching steps' }).getByRole('button', { name: 'Proposals' }).click();
    await expect.poll(() => teach.getByText(`duplicate of I${firstIndex}`).isVisible()).toBe(true);
    expect(await teach.getByText(/small proposer model often repeats itself/).isVisible()).toBe(true);
    await page.screenshot({ path: 'test-results/screenshots/teach-proposals-duplicate-1280.png' });
    expect(own(errors)).toEqual([]);
    await page.close();
  });

  for (const [w, h] of [[1280, 800], [390, 844]] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`looks right at ${w}x${h} in ${scheme} mode`, async () => {
        const page = await browser.newPage({ viewport: { width: w, height: h } });
        await page.emulateMedia({ colorScheme: scheme });
        const errors = collectErrors(page);
        await importBundle(page);
        const card = page.locator('#run-trials');
        await card.scrollIntoViewIfNeeded();
        const chart = page.getByRole('group', { name: /^Trial scores/ });
        expect(await chart.getByText('Validation score', { exact: true }).isVisible()).toBe(true);
        await tabTo(page, chart, 6);
        await shot(card, `run-chart-card-${w}-${scheme}`);
        await page.locator('#run-proposals').scrollIntoViewIfNeeded();
        await shot(page.locator('#run-proposals'), `run-proposals-${w}-${scheme}`);
        await page.getByRole('button', { name: 'Calls of trial 6' }).click();
        await expectTrialCalls(page, 6);
        await page.screenshot({ path: `test-results/screenshots/run-chart-jumped-${w}-${scheme}.png` });
        await page.getByRole('switch', { name: 'Teaching mode' }).check();
        const teach = page.getByRole('complementary', { name: 'Teaching mode' });
        await teach.getByRole('navigation', { name: 'Teaching steps' }).getByRole('button', { name: 'Proposals' }).click();
        await expect.poll(() => teach.getByText(`duplicate of I${firstIndex}`).isVisible()).toBe(true);
        await teach.getByText(`duplicate of I${firstIndex}`).scrollIntoViewIfNeeded();
        await page.screenshot({ path: `test-results/screenshots/teach-proposals-${w}-${scheme}.png` });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        expect(own(errors)).toEqual([]);
        await page.close();
      });
    }
  }
});
