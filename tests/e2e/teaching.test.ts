/**
 * Teaching mode on a replayed run bundle, with no model configured at all: a bundle made in
 * Node by a real MIPROv2 run (scripted LM) is imported from the Runs view, and the guided
 * walk shows bootstrap decisions, proposals with their grounding, a TPE step with l(x)/g(x)
 * bars, and the minibatch-vs-full view.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunBundle } from '../../src/ui/bundle';
import { minibatchClouds, tpeSteps } from '../../src/ui/teach/teach-model';
import { makeRunBundle } from '../unit/ui/run-fixture';
import { collectErrors, launch, screenshot } from './browser';
import { importBundle as importBundleFile, writeBundleFile } from './bundle-page';

/** Errors of this view: the service worker's registration (dist/ may not ship sw.js yet) is another area's. */
const own = (errors: string[]) => errors.filter((e) => !e.includes('unsupported MIME type'));

describe('teaching mode on a replayed bundle', () => {
  let browser: Browser;
  let bundle: RunBundle;
  let file: string;
  beforeAll(async () => {
    bundle = await makeRunBundle();
    file = writeBundleFile(bundle);
    browser = await launch('no-webgpu');
  });
  afterAll(async () => {
    await browser?.close();
  });

  const importBundle = (page: Page) => importBundleFile(page, file);

  it('walks bootstrap, proposals, a TPE step with density bars and the minibatch cloud, without any model', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(inject('appUrl'))) requests.push(r.url());
    });
    await importBundle(page);
    await expect.poll(() => page.getByLabel('Optimized test score').textContent()).toBe(`${(bundle.run.result!.details.test!.mean * 100).toFixed(1)}%`);
    await screenshot(page, 'run-view-replay-1280');

    await page.getByRole('switch', { name: 'Teaching mode' }).check();
    const teach = page.getByRole('complementary', { name: 'Teaching mode' });
    const steps = teach.getByRole('navigation', { name: 'Teaching steps' });

    await steps.getByRole('button', { name: 'Bootstrap demos' }).click();
    const decisions = teach.getByRole('list', { name: 'Bootstrap decisions' });
    await expect.poll(() => decisions.getByText('kept').count()).toBeGreaterThan(0);
    await screenshot(page, 'teach-bootstrap-1280');

    await steps.getByRole('button', { name: 'Proposals' }).click();
    const proposal = bundle.events.flatMap((e) => (e.type === 'optimizer' && e.event.type === 'instruction_proposed' ? [e.event] : []))[0]!;
    await expect.poll(() => teach.getByText(proposal.instruction).first().isVisible()).toBe(true);
    await teach.getByText('What the proposer saw').first().click();
    await expect.poll(() => teach.getByText(proposal.context.moduleDescription).first().isVisible()).toBe(true);
    await screenshot(page, 'teach-proposals-1280');

    await steps.getByRole('button', { name: 'TPE search' }).click();
    // `.first()`: the step's own tag and figures come before the What-if's (teach-what-if.test.ts).
    await expect.poll(() => teach.getByText('random startup').first().isVisible()).toBe(true);
    const firstTpe = tpeSteps(bundle.events, bundle.trials).findIndex((s) => s.mode === 'tpe');
    for (let i = 0; i < firstTpe; i++) await teach.getByRole('button', { name: 'Next trial' }).click();
    await expect.poll(() => teach.getByText('TPE pick').first().isVisible()).toBe(true);
    await expect.poll(() => teach.getByRole('figure', { name: 'Densities for generate.instruction' }).first().isVisible()).toBe(true);
    await expect.poll(() => teach.getByRole('figure', { name: 'Densities for generate.demos' }).first().isVisible()).toBe(true);
    expect(await teach.getByRole('figure', { name: 'Densities for generate.demos' }).first().getByRole('row').count()).toBe(1 + 6);
    await screenshot(page, 'teach-tpe-1280');

    await steps.getByRole('button', { name: 'Minibatch vs full' }).click();
    const cloud = teach.getByRole('img', { name: /Minibatch scores/ });
    const drawn = minibatchClouds(bundle.trials).slice(0, 10);
    await expect.poll(() => cloud.locator('circle').count()).toBe(drawn.reduce((a, c) => a + c.minibatch.length, 0));
    expect(await cloud.locator('rect').count()).toBe(drawn.filter((c) => c.full !== undefined).length);
    await screenshot(page, 'teach-noise-1280');

    // The trace inspector reads the bundle's calls: exactly as sent.
    await page.getByRole('button', { name: 'Load LM calls' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'LM calls' }).getByRole('listitem').count()).toBe(25);

    expect(requests).toEqual([]);
    expect(own(errors)).toEqual([]);
    await page.close();
  });

  it('refuses a file that is not a bundle with a clear message', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(inject('appUrl'));
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Runs' }).click();
    await page.getByLabel('Import run bundle').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":1}') });
    await expect.poll(() => page.getByRole('alert').getAttribute('data-code')).toBe('SHARE_INVALID');
    await page.close();
  });

  for (const [w, h] of [[1280, 800], [390, 844]] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`looks right at ${w}x${h} in ${scheme} mode`, async () => {
        const page = await browser.newPage({ viewport: { width: w, height: h } });
        await page.emulateMedia({ colorScheme: scheme });
        const errors = collectErrors(page);
        await importBundle(page);
        await screenshot(page, `run-view-${w}-${scheme}`);
        await page.getByRole('switch', { name: 'Teaching mode' }).check();
        const teach = page.getByRole('complementary', { name: 'Teaching mode' });
        await teach.getByRole('button', { name: 'TPE search' }).click();
        for (let i = 0; i < 7; i++) await teach.getByRole('button', { name: 'Next trial' }).click();
        await teach.scrollIntoViewIfNeeded();
        await screenshot(page, `teach-tpe-${w}-${scheme}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        expect(own(errors)).toEqual([]);
        await page.close();
      });
    }
  }
});
