/**
 * Answer formats in Chromium against the scripted server:
 * - "Chat" picked for the task model in the Models panel goes into the run: the stored run's
 *   config carries `output: 'chat'`, no task request asks for a response format, and the usage
 *   table shows tokens per call;
 * - a server that refuses JSON schemas: the task model on Auto switches to chat by itself,
 *   the run view says so with the reason, and the Models panel then shows what was found,
 *   which "Check again" forgets.
 * Screenshots of the Models panel and the usage table at desktop and phone sizes.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { irisHandler } from '../fixtures/iris-world';
import { type ChatCompletionBody, type ScriptedHandler } from '../fixtures/scripted-server';
import { collectErrors } from './browser';
import { SMALL_IRIS, own, serverAndBrowser, setUp, waitForSelector } from './flow';
import { mkdirSync } from 'node:fs';

const SIZES = [[1280, 800], [390, 844]] as const;

/** A screenshot of one element (the panel being checked), under test-results/screenshots/. */
async function shoot(target: Locator, name: string): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true });
  await target.scrollIntoViewIfNeeded();
  // The app's sticky header would cover the element's top in an element screenshot.
  await target.screenshot({ path: `test-results/screenshots/${name}.png`, style: 'header.top { position: static !important; }' });
}

/** Every stored run's redacted config, read from the app's IndexedDB. */
async function storedConfigs(page: Page): Promise<{ models: Record<string, Record<string, unknown>> }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('promptlab');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('runs').objectStore('runs').getAll();
          req.onerror = () => reject(req.error);
          req.onsuccess = () => resolve((req.result as { config: unknown }[]).map((r) => r.config));
        };
      }),
  ) as never;
}

/** The model's endpoint section in the Models panel (its legend names it). */
const endpoint = (page: Page, id: string) => page.getByRole('region', { name: 'API endpoints' }).getByRole('group', { name: `Endpoint ${id}` });

const isTask = (body: ChatCompletionBody) => !String(body.model ?? '').includes('proposer');

describe('answer formats', () => {
  /** When set, the server refuses JSON schemas the way vLLM-like servers do (a 400 naming response_format). */
  let refuseSchemas = false;
  const handler: ScriptedHandler = (body, ctx) => {
    const format = body.response_format as { type?: string } | undefined;
    if (refuseSchemas && format?.type === 'json_schema') return { status: 400, body: { error: { message: 'response_format json_schema is not supported by this server' } } };
    return irisHandler(body, ctx);
  };
  const env = serverAndBrowser(handler);

  it('runs the task model in the chat format picked in the Models panel, and shows tokens per call', { timeout: 240_000 }, async () => {
    refuseSchemas = false;
    env.server.reset();
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await setUp(page, env.server.url, SMALL_IRIS);
    const task = endpoint(page, 'api-1');
    await task.getByRole('combobox', { name: 'Answer format' }).selectOption({ label: 'Chat ([[ ## field ## ]] sections)' });
    await expect(task.getByRole('spinbutton', { name: 'Max reasoning tokens' }).getAttribute('placeholder')).resolves.toBe('256');
    for (const [w, h] of SIZES) {
      await page.setViewportSize({ width: w, height: h });
      await shoot(page.locator('#step-models'), `output-models-panel-${w}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByRole('button', { name: 'Start optimization' }).click();
    await waitForSelector(page, '[aria-label="Optimized test score"]');

    const configs = await storedConfigs(page);
    expect(configs).toHaveLength(1);
    expect(configs[0]!.models.task).toMatchObject({ model: 'task-model', output: 'chat' });
    const taskRequests = env.server.requests.flatMap((r) => (typeof r.body === 'object' && r.body && isTask(r.body) ? [r.body] : []));
    expect(taskRequests.length).toBeGreaterThan(0);
    expect(taskRequests.filter((b) => b.response_format !== undefined)).toEqual([]);

    const usage = page.getByRole('table', { name: 'Usage by role' });
    await usage.waitFor();
    const headers = await usage.getByRole('columnheader').allTextContents();
    expect(headers).toContain('Tokens per call');
    // Every answer was read: no "Unreadable" column.
    expect(headers).not.toContain('Unreadable');
    const taskRow = usage.getByRole('row', { name: /^task/i });
    const perCall = await taskRow.getByRole('cell').nth(headers.indexOf('Tokens per call') - 1).textContent();
    expect(perCall).toMatch(/^[\d,]+ in \/ [\d,]+ out$/);
    // The runs view shows no note: nothing was decided by auto for the task model.
    await expect(page.getByRole('list', { name: 'Answer format' }).count()).resolves.toBe(0);
    for (const [w, h] of SIZES) {
      await page.setViewportSize({ width: w, height: h });
      await shoot(page.getByRole('region', { name: 'Usage by role' }), `output-usage-table-${w}`);
    }
    expect(own(errors)).toEqual([]);
    await context.close();
  });

  it('switches an Auto task model to chat when the server refuses JSON schemas, says so, and forgets it on "Check again"', { timeout: 240_000 }, async () => {
    refuseSchemas = true;
    env.server.reset();
    // In the dark scheme, so its screenshots show the notes' colours there.
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await setUp(page, env.server.url, SMALL_IRIS);
    const task = endpoint(page, 'api-1');
    await expect(task.getByRole('combobox', { name: 'Answer format' }).inputValue()).resolves.toBe('auto');
    await task.getByText(/^Not checked yet/).waitFor();
    // Scoring alone makes enough task calls: the first is refused, the rest go in chat.
    await page.getByLabel('Optimizer').selectOption('none');

    await page.getByRole('button', { name: 'Start evaluation' }).click();
    await waitForSelector(page, '[aria-label="Optimized test score"]');
    const note = page.getByRole('list', { name: 'Answer format' }).getByRole('listitem');
    const said = (await note.textContent())!.replace(/\s+/g, ' ').trim();
    expect(said).toMatch(/^The task and teacher model refused JSON schemas: answers were asked in chat format from then on\. openai-compatible:task-model@/);
    expect(said).toMatch(/The server said: .*HTTP 400.*response_format json_schema is not supported by this server/);
    for (const [w, h] of SIZES) {
      await page.setViewportSize({ width: w, height: h });
      await shoot(page.getByRole('list', { name: 'Answer format' }), `output-run-note-dark-${w}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    const [config] = await storedConfigs(page);
    expect(config!.models.task).not.toHaveProperty('output');

    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Setup' }).click();
    const found = task.getByText(/^This server refused JSON schemas on /);
    await found.waitFor();
    await expect(found.textContent()).resolves.toMatch(/answers are asked in chat format\.$/);
    await shoot(task, 'output-endpoint-refused-dark-1280');
    await task.getByRole('button', { name: /^Check again/ }).click();
    await task.getByText(/^Not checked yet/).waitFor();
    // Forgotten in the shared memory too: a reload reads nothing.
    await page.reload();
    await endpoint(page, 'api-1').getByText(/^Not checked yet/).waitFor();
    expect(own(errors)).toEqual([]);
    await context.close();
  });
});
