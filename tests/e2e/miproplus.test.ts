/**
 * MIPRO++ in the browser, against the scripted server: the optimizer menu offers it by name,
 * sized by DSPy's sizes only (no minutes: the core refuses them), and plans it with the core's
 * MIPRO++ note; a run reaches its result and the run view's "Proposer settings" card shows
 * every round's settings with its score and the report, one best value per setting and a
 * sentence naming them; teaching mode's Proposals step explains it and shows the report.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { irisHandler } from '../fixtures/iris-world';
import { collectErrors, schemeShots } from './browser';
import { SMALL_IRIS, own, serverAndBrowser, setUp, waitForSelector } from './flow';


/** Shots of `part` at 1280 and 390 wide. */
async function bothWidths(page: Page, name: string, part?: Locator): Promise<void> {
  await schemeShots(page, `${name}-1280`, part);
  await page.setViewportSize({ width: 390, height: 844 });
  await schemeShots(page, `${name}-390`, part);
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('MIPRO++ in the UI', () => {
  const env = serverAndBrowser(irisHandler);

  it('is chosen by its name, planned as MIPRO++, and its run shows the proposer settings report with a best value per setting', { timeout: 300_000 }, async () => {
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    await setUp(page, env.server.url, SMALL_IRIS);
    await page.getByLabel('Optimizer').selectOption({ label: "MIPRO++ (0-shot, learns the proposer's settings)" });
    await expect.poll(() => page.getByText(/learns which write good instructions; the final prompts carry no demos/).isVisible()).toBe(true);
    // Sized by DSPy's sizes only, and said why; MIPROv2's modes are not offered.
    const budget = page.getByRole('tablist', { name: 'Budget' });
    expect(await budget.getByRole('tab').allTextContents()).toEqual(['Light', 'Medium', 'Heavy']);
    expect(await page.getByText(/No minutes: MIPRO\+\+ runs a fixed number of proposal rounds/).isVisible()).toBe(true);
    expect(await page.getByRole('tablist', { name: 'What MIPROv2 searches' }).count()).toBe(0);
    const plan = page.getByRole('region', { name: 'Plan' });
    await expect.poll(() => plan.textContent(), { timeout: 30_000 }).toMatch(/0-shot MIPRO\+\+: \d+ proposal rounds\. In each, TPE picks the proposer's settings/);
    await bothWidths(page, 'miproplus-setup', page.locator('#step-optimize'));

    await page.getByRole('button', { name: 'Start optimization' }).click();
    await waitForSelector(page, '[aria-label="Optimized test score"]');
    const card = page.getByRole('region', { name: 'Proposer settings', exact: true });
    const report = card.getByRole('region', { name: 'Proposer settings report' });
    await expect.poll(() => report.count(), { timeout: 30_000 }).toBe(1);
    expect(await report.textContent()).toMatch(/Instructions written with .* scored best, by mean round score\.|No value of a setting scored best on its own/);
    expect(await report.textContent()).toMatch(/The returned program's instructions were written in round \d+|The original instructions won/);
    // Each setting's group of rows marks one best value, or the values tied at the best mean.
    const settings = await report.locator('tbody').all();
    expect(settings.length).toBeGreaterThanOrEqual(3);
    for (const group of settings) {
      const best = await group.getByRole('row', { name: /, best$/ }).count();
      const tied = await group.getByRole('row', { name: /, tied$/ }).count();
      expect(best === 1 ? tied === 0 : best === 0 && tied >= 2).toBe(true);
    }
    expect(await report.getByRole('row', { name: /^Tip: \w+, (best|tied)$/ }).count()).toBeGreaterThanOrEqual(1);
    // Every round is listed with its settings and, the run over, its score.
    const rounds = card.getByRole('table', { name: 'Proposal rounds' }).locator('tbody tr');
    expect(await rounds.count()).toBeGreaterThan(1);
    for (const row of await rounds.all()) expect(await row.textContent()).toMatch(/^\s*\d+\s*\d+\s*[\d.]+%\s*(at random|by TPE)\s*the dataset summary (on|off), .*temperature [\d.]+\s*$/);
    await bothWidths(page, 'miproplus-run-card', page.locator('#run-proposer-settings'));

    // Teaching mode: the Proposals step says what MIPRO++ searches and shows the report.
    await page.getByRole('switch', { name: 'Teaching mode' }).check();
    const teach = page.getByRole('complementary', { name: 'Teaching mode' });
    await teach.getByRole('navigation', { name: 'Teaching steps' }).getByRole('button', { name: 'Proposals' }).click();
    const plus = teach.getByRole('group', { name: 'MIPRO++' });
    await expect.poll(() => plus.textContent()).toMatch(/Bayesian optimization \(TPE\) picks them/);
    expect(await plus.getByRole('region', { name: 'Proposer settings report' }).count()).toBe(1);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
      await plus.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      await schemeShots(page, `miproplus-teach-${width}`);
    }
    expect(own(errors)).toEqual([]);
    await page.close();
  });
});
