/** Steps of the product path shared by the browser tests (against the scripted server). */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { startScriptedServer, type ScriptedHandler, type ScriptedServer } from '../fixtures/scripted-server';
import { launch } from './browser';
import { fixtureData } from '../fixtures/fixture-data';

const IRIS = fixtureData('iris/all.jsonl').text;

/** Every third Iris row: 50 rows, all three species (a run over it ends in seconds). */
export const SMALL_IRIS = IRIS.split('\n').filter((line, i) => line && i % 3 === 0).join('\n');

/** Console errors of the app itself. */
export const own = (errors: string[]) => errors.filter((e) => !e.includes('unsupported MIME type'));

/** Fills the setup for an Iris chain-of-thought MIPROv2-light run against the scripted server at `url` (all of Iris, or `data`'s JSONL rows). */
export async function setUp(page: Page, url: string, data = IRIS): Promise<void> {
  await page.goto(inject('appUrl'));
  await page.getByLabel('Paste dataset').fill(data);
  await page.getByRole('button', { name: 'Parse' }).click();
  await page.getByRole('tablist', { name: 'Template' }).getByRole('tab', { name: 'Chain of thought' }).click();
  await page.getByLabel('Signature').fill('sepal_length, sepal_width, petal_length, petal_width -> species');
  await page.getByLabel('Field scored').selectOption({ index: 0 });
  await setUpModels(page, url);
}

/**
 * Points the task and proposer roles at the scripted server at `url` (models "task-model" and
 * "proposer-model", one endpoint each) and picks MIPROv2 light.
 */
export async function setUpModels(page: Page, url: string): Promise<void> {
  const endpoints = page.getByRole('region', { name: 'API endpoints' });
  await endpoints.getByLabel('Base URL').first().fill(url);
  await endpoints.getByLabel('Model').first().fill('task-model');
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await endpoints.getByLabel('Base URL').nth(1).fill(url);
  await endpoints.getByLabel('Model').nth(1).fill('proposer-model');
  for (const [role, model] of [['task', 'task-model'], ['proposer', 'proposer-model']] as const) {
    const select = page.getByLabel(`${role} model`, { exact: true });
    const value = await select.locator('option', { hasText: model }).getAttribute('value');
    await select.selectOption(value!);
  }
  await page.getByLabel('Optimizer').selectOption('mipro_v2');
  await page.getByRole('tablist', { name: 'Budget' }).getByRole('tab', { name: 'Light' }).click();
}

/**
 * Waits for a CSS selector with a cheap, slow poll: Playwright's role and label locators
 * walk the whole accessibility tree on the page's main thread, and polling them during a
 * run would create the very long tasks this test measures.
 */
export async function waitForSelector(page: Page, selector: string, text?: string, timeout = 240_000): Promise<void> {
  await page.waitForFunction(
    ({ selector, text }) => {
      const el = document.querySelector(selector);
      return !!el && (text === undefined || (el.textContent ?? '').includes(text));
    },
    { selector, text },
    { polling: 250, timeout },
  );
}

export async function finalScores(page: Page): Promise<{ baseline: number; optimized: number }> {
  await waitForSelector(page, '[aria-label="Optimized test score"]');
  const read = async (label: string) => Number((await page.getByLabel(label).textContent())!.replace('%', ''));
  return { baseline: await read('Baseline test score'), optimized: await read('Optimized test score') };
}

/**
 * A scripted server answering with `handler` and a browser without WebGPU, for the tests of one
 * `describe`: started before them, closed after. Read them from the returned object once started.
 */
export function serverAndBrowser(handler: ScriptedHandler): { readonly server: ScriptedServer; readonly browser: Browser } {
  const live = {} as { server: ScriptedServer; browser: Browser };
  beforeAll(async () => {
    live.server = await startScriptedServer({ handler });
    live.browser = await launch('no-webgpu');
  });
  afterAll(async () => {
    await live.browser?.close();
    await live.server?.close();
  });
  return live;
}
