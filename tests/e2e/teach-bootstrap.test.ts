/**
 * Teaching mode's bootstrap step shows the training rows themselves (issue 13): a replayed
 * bundle (a real MIPROv2 run in Node on a scripted LM) shows, for a kept row, its input and
 * gold answer, and for a rejected row its input, gold answer and the wrong answer the program
 * gave — not just "row-135". Bundles exported before rows carried their example still open
 * and say so; long values are clipped with a way to read them whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { OptimizerEvent } from '../../src/core/optimize';
import type { RunBundle } from '../../src/ui/bundle';
import { makeRunBundle } from '../unit/ui/run-fixture';
import { collectErrors, launch, screenshot } from './browser';
import { openTeaching, writeBundleFile } from './bundle-page';

type Kept = Extract<OptimizerEvent, { type: 'demo_bootstrapped' }>;
type Rejected = Extract<OptimizerEvent, { type: 'bootstrap_rejected' }>;

/** Errors of this view: the service worker's registration (dist/ may not ship sw.js yet) is another area's. */
const own = (errors: string[]) => errors.filter((e) => !e.includes('unsupported MIME type'));

/** The step shows the first 40 rows bootstrap tried. */
const SHOWN = 40;

/** Bootstrap's events of a bundle, one per row tried (a kept row's first event), in order. */
function rowEvents(bundle: RunBundle): (Kept | Rejected)[] {
  const out: (Kept | Rejected)[] = [];
  const seen = new Set<string>();
  for (const e of bundle.events) {
    if (e.type !== 'optimizer' || (e.event.type !== 'demo_bootstrapped' && e.event.type !== 'bootstrap_rejected')) continue;
    const key = `${e.event.set}:${e.event.round}:${e.event.exampleId}`;
    if (e.event.type === 'demo_bootstrapped' && seen.has(key)) continue;
    seen.add(key);
    out.push(e.event);
  }
  return out;
}

/** What the viewport shows, as a class sees it (a full-page shot shrinks the panel to a strip). */
async function panelShot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png` });
}


const word = (e: Kept | Rejected) => String(e.example!.inputs.word);
const label = (fields: Record<string, unknown>) => String(fields.label);

describe('teaching mode: bootstrap shows the rows it kept and rejected', () => {
  let browser: Browser;
  let bundle: RunBundle;
  let file: string;
  let kept: Kept;
  let wrong: Rejected;
  beforeAll(async () => {
    bundle = await makeRunBundle();
    file = writeBundleFile(bundle);
    const shown = rowEvents(bundle).slice(0, SHOWN);
    kept = shown.find((e): e is Kept => e.type === 'demo_bootstrapped')!;
    wrong = shown.find((e): e is Rejected => e.type === 'bootstrap_rejected' && e.reason === 'wrong')!;
    browser = await launch('no-webgpu');
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function openBootstrap(page: Page, bundleFile: string): Promise<Locator> {
    const teach = await openTeaching(page, bundleFile);
    await teach.getByRole('navigation', { name: 'Teaching steps' }).getByRole('button', { name: 'Bootstrap demos' }).click();
    const decisions = teach.getByRole('list', { name: 'Bootstrap decisions' });
    await expect.poll(() => decisions.getByRole('listitem').count()).toBe(Math.min(SHOWN, rowEvents(bundle).length));
    return decisions;
  }

  /** The card of a row (the first of its set, as the fixture's rows are each tried once per set). */
  const card = (decisions: Locator, e: Kept | Rejected) => decisions.getByRole('listitem').filter({ has: decisions.page().getByText(`D${e.set} · ${e.exampleId}`, { exact: true }) }).first();
  const definitions = async (c: Locator) => (await c.getByRole('definition').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());

  it('a kept row shows its input, gold and answer; a rejected row its input, gold and the wrong answer', async () => {
    expect(kept.example).toBeDefined();
    expect(wrong.answer).toBeDefined();
    expect(label(wrong.answer!)).not.toBe(label(wrong.example!.labels));
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    const decisions = await openBootstrap(page, file);

    // The counts line stays above the cards.
    const all = rowEvents(bundle);
    const nKept = all.filter((e) => e.type === 'demo_bootstrapped').length;
    const reasons = all.flatMap((e) => (e.type === 'bootstrap_rejected' ? [e.reason] : []));
    const counts = `${nKept} rows kept, ${reasons.length} rejected (${reasons.filter((r) => r === 'wrong').length} wrong, ${reasons.filter((r) => r === 'unreadable').length} unreadable).`;
    await expect.poll(() => page.getByRole('complementary', { name: 'Teaching mode' }).getByText(counts, { exact: true }).isVisible()).toBe(true);

    const keptCard = card(decisions, kept);
    await expect.poll(() => keptCard.getByText('kept', { exact: true }).isVisible()).toBe(true);
    expect(await keptCard.getByRole('term').allTextContents()).toEqual(['Input', 'Gold', 'Answer']);
    expect(await definitions(keptCard)).toEqual([`word: ${word(kept)}`, `label: ${label(kept.example!.labels)}`, `label: ${label(kept.demo.fields)}`]);

    const wrongCard = card(decisions, wrong);
    await wrongCard.scrollIntoViewIfNeeded();
    await expect.poll(() => wrongCard.getByText('rejected: wrong answer').isVisible()).toBe(true);
    expect(await definitions(wrongCard)).toEqual([`word: ${word(wrong)}`, `label: ${label(wrong.example!.labels)}`, `label: ${label(wrong.answer!)}`]);
    expect(await wrongCard.getByText(`score ${wrong.score.toFixed(2)}`).isVisible()).toBe(true);
    await screenshot(page, 'teach-bootstrap-rows-1280');
    await panelShot(page, 'teach-bootstrap-rows-1280-view');
    expect(own(errors)).toEqual([]);
    await page.close();
  });

  it('opens bundles exported before rows carried their example, clips long values with a way to read them whole, and says an unreadable answer could not be read', async () => {
    const long = `${'verylongword'.repeat(20)}…`;
    // A second rejected row becomes unreadable: its answer was never read.
    const other = rowEvents(bundle).slice(0, SHOWN).find((e): e is Rejected => e.type === 'bootstrap_rejected' && e !== wrong)!;
    const { answer: _a, ...unread } = other;
    const edited: RunBundle = {
      ...bundle,
      events: bundle.events.map((e) => {
        if (e.type !== 'optimizer') return e;
        if (e.event === kept) {
          const { example: _x, ...old } = kept;
          return { ...e, event: old };
        }
        if (e.event === wrong) return { ...e, event: { ...wrong, example: { ...wrong.example!, inputs: { word: long } } } };
        if (e.event === other) return { ...e, event: { ...unread, reason: 'unreadable', error: { code: 'ADAPTER_PARSE', message: 'No [[ ## label ## ]] field.' } } };
        return e;
      }),
    };
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors = collectErrors(page);
    const decisions = await openBootstrap(page, writeBundleFile(edited));

    const oldCard = card(decisions, kept);
    await expect.poll(() => oldCard.getByText('(recorded before examples were kept)').isVisible()).toBe(true);
    expect(await oldCard.getByText(`D${kept.set} · ${kept.exampleId}`).isVisible()).toBe(true);
    expect(await oldCard.getByRole('definition').count()).toBe(0);

    const unreadCard = card(decisions, other);
    await expect.poll(() => unreadCard.getByText('rejected: unreadable answer').isVisible()).toBe(true);
    expect(await definitions(unreadCard)).toEqual([`word: ${word(other)}`, `label: ${label(other.example!.labels)}`, 'could not be read']);

    const longCard = card(decisions, wrong);
    await longCard.scrollIntoViewIfNeeded();
    const whole = longCard.getByText(long, { exact: true });
    expect(await whole.isVisible()).toBe(false);
    await longCard.getByText(/^word: verylongword.*…$/).click();
    await expect.poll(() => whole.isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, 'teach-bootstrap-old-and-long-390');
    await panelShot(page, 'teach-bootstrap-old-and-long-390-view');
    expect(own(errors)).toEqual([]);
    await page.close();
  });

  for (const [w, h] of [[1280, 800], [390, 844]] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`reads well at ${w}x${h} in ${scheme} mode`, async () => {
        const page = await browser.newPage({ viewport: { width: w, height: h } });
        await page.emulateMedia({ colorScheme: scheme });
        const errors = collectErrors(page);
        const decisions = await openBootstrap(page, file);
        await card(decisions, wrong).scrollIntoViewIfNeeded();
        await screenshot(page, `teach-bootstrap-${w}-${scheme}`);
        await panelShot(page, `teach-bootstrap-${w}-${scheme}-view`);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
        expect(own(errors)).toEqual([]);
        await page.close();
      });
    }
  }
});
