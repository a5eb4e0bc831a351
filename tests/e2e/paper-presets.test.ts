/**
 * The MIPRO paper's task presets in the data card: Iris loads from the bundle; HoVer takes the
 * file the user chooses, sets the three-hop program, Recall over gold titles and a corpus of the
 * rows' gold titles, and the setup is complete enough to plan a run; a file without the
 * preset's columns is refused with a message naming them.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { paperWorldHandler } from '../fixtures/paper-world';
import { fixtureData } from '../fixtures/fixture-data';
import { uciHeartText } from '../fixtures/paper-sources';
import { collectErrors, screenshot } from './browser';
import { own, serverAndBrowser, setUpModels } from './flow';

const HOVER_FILE = fileURLToPath(new URL('../fixtures/data/hover/dev.jsonl', import.meta.url));
const SCONE_FILE = fileURLToPath(new URL('../fixtures/data/scone/train.jsonl', import.meta.url));

describe("the paper's task presets", () => {
  const env = serverAndBrowser(paperWorldHandler({ hover: fixtureData('hover/dev.jsonl').rows }));

  it('sets program, metric, split and corpus from a preset and its file', { timeout: 180_000 }, async () => {
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(inject('appUrl'));
    await page.getByText("The MIPRO paper's six tasks").click();
    const presets = page.getByRole('group', { name: 'Paper task presets' });
    await expect.poll(() => presets.getByRole('button').count()).toBe(11);

    await presets.getByRole('button', { name: 'Use the Iris preset', exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'preset set' }).textContent()).toMatch(/Iris preset set/);
    await expect.poll(() => page.getByLabel('Metric config').textContent()).toMatch(/"kind": "one_of_labels"/);

    // A file of another task is refused, naming what is missing.
    let chooser = page.waitForEvent('filechooser');
    await presets.getByRole('button', { name: 'Use the HoVer preset with a file' }).click();
    await (await chooser).setFiles(SCONE_FILE);
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'is not' }).textContent()).toMatch(/train\.jsonl is not hover\/dev\.jsonl: its rows have no claim, gold_titles/);

    chooser = page.waitForEvent('filechooser');
    await presets.getByRole('button', { name: 'Use the HoVer preset with a file' }).click();
    await (await chooser).setFiles(HOVER_FILE);
    const status = page.getByRole('status').filter({ hasText: 'preset set' });
    await expect.poll(() => status.textContent()).toMatch(/HoVer preset set/);
    await expect.poll(() => status.textContent()).toMatch(/gold titles of all rows/);
    await expect.poll(() => page.getByLabel('Metric config').textContent()).toMatch(/"kind": "retrieval_recall"/);
    // The three-hop program is in the step editor.
    const values = () => page.locator('#step-program input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    await expect.poll(values).toEqual(expect.arrayContaining(['summarize_1', 'generate_query_2', 'summarize_2', 'generate_query_3', 'retrieve_3']));

    await setUpModels(page, env.server.url);
    await page.getByLabel('Optimizer').selectOption('bootstrap_random_search');
    // A complete setup: the plan is drawn (25 train, 25 val, 50 test from the 100-row sample).
    await expect.poll(() => page.getByRole('region', { name: 'Plan' }).textContent(), { timeout: 60_000 }).toMatch(/\d+ program runs|trials|candidate/);
    await screenshot(page, 'paper-presets-hover-1280');
    expect(own(errors)).toEqual([]);
    await page.close();
  });

  it('downloads a preset from its public source, and says what to do when the source fails', { timeout: 120_000 }, async () => {
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectErrors(page);
    let answer: 'ok' | 'down' = 'down';
    // The pinned UCI mirror, answered here from the repository's sample.
    await page.route('https://raw.githubusercontent.com/**', (route) =>
      answer === 'ok' && route.request().url().includes('processed.cleveland.data')
        ? route.fulfill({ status: 200, body: uciHeartText(fixtureData('heart_disease/all.jsonl').rows), headers: { 'access-control-allow-origin': '*' } })
        : route.fulfill({ status: 503, body: 'unavailable', headers: { 'access-control-allow-origin': '*' } }));
    await page.goto(inject('appUrl'));
    await page.getByText("The MIPRO paper's six tasks").click();
    const presets = page.getByRole('group', { name: 'Paper task presets' });
    const heart = presets.getByRole('button', { name: 'Use the Heart Disease preset', exact: true });
    await heart.click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'HTTP 503' }).textContent()).toMatch(/processed\.cleveland\.data answered HTTP 503/);
    answer = 'ok';
    await heart.click();
    const status = page.getByRole('status').filter({ hasText: 'preset set' });
    await expect.poll(() => status.textContent()).toMatch(/Heart Disease preset set/);
    // The sample's row with a missing value is left out, and said so.
    await expect.poll(() => status.textContent()).toMatch(/1 of 100 rows miss a mapped value/);
    await expect.poll(() => page.getByLabel('Metric config').textContent()).toMatch(/"field": "target"/);
    const values = () => page.locator('#step-program input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    await expect.poll(values).toEqual(expect.arrayContaining(['opinion_symptoms', 'opinion_tests', 'opinion_risk', 'vote']));
    // The cards and the note under them, wide and on a phone, light and dark.
    const card = page.locator('details.presets');
    for (const [width, scheme] of [[1280, 'light'], [390, 'dark']] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await card.scrollIntoViewIfNeeded();
      await card.screenshot({ path: `test-results/screenshots/paper-presets-heart-${width}-${scheme}.png` });
    }
    // The browser logs the refused download itself; nothing else may go wrong.
    expect(own(errors).filter((e) => !e.includes('503'))).toEqual([]);
    await page.close();
  });
});
