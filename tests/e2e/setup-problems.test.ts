/**
 * Setup problems in Chromium against the built app: a mapping to a missing column and a split
 * that does not add up show at the Data card, at their fields, with Start disabled and a
 * summary near it that links to the card; fixed, Start is enabled. A dead endpoint (a closed
 * port) fails at Start within seconds, at the Models card, and no run is created. A test
 * split of 0 runs and the result shows validation scores only.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { irisHandler } from '../fixtures/iris-world';
import { collectErrors, screenshot } from './browser';
import { own, serverAndBrowser, setUp, SMALL_IRIS } from './flow';

const SIGNATURE = 'sepal_length, sepal_width, petal_length, petal_width -> species';

/** A port nothing listens on: one the system just gave out, closed again. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function pasteIris(page: Page, signature: string): Promise<void> {
  await page.goto(inject('appUrl'));
  await page.getByRole('textbox', { name: 'Signature' }).fill(signature);
  await page.getByRole('textbox', { name: 'Paste dataset' }).fill(SMALL_IRIS);
  await page.getByRole('button', { name: 'Parse', exact: true }).click();
  await page.getByTestId('row-count').waitFor();
}

const startButton = (page: Page) => page.getByRole('button', { name: /^Start (optimization|evaluation)$/ });

describe('setup problems', () => {
  const live = serverAndBrowser(irisHandler);

  it('shows a missing mapped column and a split that does not add up at the Data card, with Start disabled until fixed', async () => {
    const context = await live.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    // "color" has no column: the suggested mapping names it, and the Data card says so at its field.
    await pasteIris(page, `${SIGNATURE.replace(' ->', ', color ->')}`);
    const data = page.locator('#step-data');
    const color = data.getByRole('combobox', { name: 'Input “color”' });
    await expect(color.getAttribute('aria-invalid')).resolves.toBe('true');
    const colorProblem = page.locator(`#${(await color.getAttribute('aria-describedby'))!}`);
    await expect(colorProblem.getAttribute('role')).resolves.toBe('alert');
    await expect(colorProblem.textContent()).resolves.toContain('input "color" uses column "color", which is not in the data');
    await expect(startButton(page).isDisabled()).resolves.toBe(true);
    const summary = page.getByRole('status').filter({ hasText: 'Before you can start' });
    await expect(summary.textContent()).resolves.toContain('data.mapping.inputs.color');
    await expect(summary.getByRole('link', { name: 'Data' }).getAttribute('href')).resolves.toBe('#step-data');

    // A split over 1 is a second problem, at the split's fields.
    await data.getByRole('spinbutton', { name: 'Train' }).fill('0.8');
    const train = data.getByRole('spinbutton', { name: 'Train' });
    await expect.poll(() => train.getAttribute('aria-invalid')).toBe('true');
    const splitProblem = page.locator(`#${(await train.getAttribute('aria-describedby'))!}`);
    await expect(splitProblem.textContent()).resolves.toMatch(/add up to 1\.5, more than 1/);
    await page.locator('#step-data').scrollIntoViewIfNeeded();
    await screenshot(page, 'setup-problems-1280-light');

    // Fixed, one at a time: Start is enabled once both are.
    await color.selectOption('petal_width');
    await expect.poll(() => color.getAttribute('aria-invalid')).toBe('false');
    await expect(startButton(page).isDisabled()).resolves.toBe(true);
    await train.fill('0.3');
    await expect.poll(() => startButton(page).isEnabled()).toBe(true);
    await expect(page.getByRole('status').filter({ hasText: 'Before you can start' }).count()).resolves.toBe(0);
    expect(own(errors)).toEqual([]);
    await context.close();
  });

  it('takes screenshots of an inline problem at phone and desktop sizes, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      for (const [w, h] of [[1280, 800], [390, 844]] as const) {
        const context = await live.browser.newContext({ viewport: { width: w, height: h }, colorScheme: scheme });
        const page = await context.newPage();
        await pasteIris(page, `${SIGNATURE.replace(' ->', ', color ->')}`);
        await page.locator('#step-data').getByRole('spinbutton', { name: 'Train' }).fill('0.8');
        await page.locator('#split-problem').waitFor();
        await page.locator('#step-data .mapping').scrollIntoViewIfNeeded();
        await page.screenshot({ path: `test-results/screenshots/setup-problem-${w}-${scheme}.png` });
        await page.getByRole('status').filter({ hasText: 'Before you can start' }).scrollIntoViewIfNeeded();
        await page.screenshot({ path: `test-results/screenshots/setup-problem-summary-${w}-${scheme}.png` });
        await context.close();
      }
    }
  });

  it('fails a dead endpoint at Start within seconds, at the Models card, without creating a run', async () => {
    const context = await live.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const dead = `http://127.0.0.1:${await closedPort()}/v1`;
    await setUp(page, dead, SMALL_IRIS);
    const start = startButton(page);
    await expect.poll(() => start.isEnabled()).toBe(true);
    const t0 = Date.now();
    await start.click();
    const models = page.locator('#step-models');
    const note = models.getByRole('region', { name: `Endpoint not answering: ${dead}` });
    await note.waitFor({ timeout: 15_000 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    await expect(note.locator('[role="alert"]').getAttribute('data-code')).resolves.toBe('LM_NETWORK');
    await expect(note.textContent()).resolves.toContain('task and proposer models');
    await expect(page.getByRole('status').filter({ hasText: 'The run was not started' }).count()).resolves.toBe(1);
    await note.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/screenshots/setup-dead-endpoint-1280-light.png' });
    // Still in the setup, and no run was stored.
    await expect(page.getByRole('heading', { name: 'Data' }).isVisible()).resolves.toBe(true);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Runs' }).click();
    await page.getByText('No runs yet.').waitFor();
    await context.close();
  });

  it('runs with a test split of 0 and shows validation scores only', { timeout: 120_000 }, async () => {
    const context = await live.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await setUp(page, live.server.url, SMALL_IRIS);
    await page.getByLabel('Optimizer').selectOption('none');
    await page.locator('#step-data').getByRole('spinbutton', { name: 'Test' }).fill('0');
    await page.locator('#step-data').getByRole('spinbutton', { name: 'Train' }).fill('0.5');
    await page.locator('#step-data').getByRole('spinbutton', { name: 'Validation' }).fill('0.5');
    const start = startButton(page);
    await expect.poll(() => start.isEnabled()).toBe(true);
    await start.click();
    await page.getByLabel('Optimized validation score').waitFor({ timeout: 90_000 });
    await expect(page.getByLabel('Optimized test score').count()).resolves.toBe(0);
    await expect(page.getByText('No test split: the run was scored on validation only').count()).resolves.toBe(1);
    await screenshot(page, 'setup-problems-no-test-split');
    expect(own(errors)).toEqual([]);
    await context.close();
  });

  it('imports a DSPy file saved from another program into a fresh workspace, building the program from it', async () => {
    const context = await live.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('appUrl'));
    const file = {
      'classify.predict': {
        traces: [],
        train: [],
        demos: [{ augmented: true, sepal_length: 5.1, petal_length: 1.4, reasoning: 'Short petals.', species: 'setosa' }],
        signature: {
          instructions: 'Classify the iris by its measurements.',
          fields: [
            { prefix: 'Sepal Length:', description: '${sepal_length}' },
            { prefix: 'Petal Length:', description: '${petal_length}' },
            { prefix: "Reasoning: Let's think step by step in order to", description: '${reasoning}' },
            { prefix: 'Species:', description: '${species}' },
          ],
        },
        lm: null,
      },
      metadata: { dependency_versions: { python: '3.11', dspy: '2.6.27', cloudpickle: '3.1' } },
    };
    await page.locator('#share input[type="file"]').setInputFiles({ name: 'iris.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
    const note = page.getByRole('status').filter({ hasText: 'Built the program from iris.json' });
    await note.waitFor();
    await expect(note.textContent()).resolves.toContain('sepal_length, petal_length -> species');
    const program = page.locator('#step-program');
    await expect(program.getByRole('textbox', { name: 'Program inputs' }).inputValue()).resolves.toMatch(/sepal_length.*petal_length/);
    await expect(program.getByText('optimized state loaded').count()).resolves.toBe(1);
    await expect(program.getByText('valid', { exact: true }).count()).resolves.toBe(1);
    expect(own(errors)).toEqual([]);
    await context.close();
  });
});
