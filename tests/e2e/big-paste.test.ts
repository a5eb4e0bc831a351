/**
 * Pasting a large dataset (5 MB, ~374k short rows, the case) with a real Ctrl+V: the
 * page does not freeze. The text is kept out of the textarea (Chromium lays out a textarea
 * of that size on the main thread for seconds), parsed in the worker with progress, and the
 * first rows show while the rest is read. Prints the longest main-thread task (CPU time) and
 * fails above 1 s; the goal on a desktop is under 200 ms.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { collectErrors, launch, screenshot } from './browser';
import { mark, startTaskTrace, stopTaskTrace } from './main-thread';

/** About 5 MB: 374k rows of a short question and a one-word answer. */
function bigCsv(): { text: string; rows: number } {
  const lines = ['question,answer'];
  let bytes = 16;
  let i = 0;
  while (bytes < 5 * 1024 * 1024) {
    const line = `q${i},a${i % 7}`;
    lines.push(line);
    bytes += line.length + 1;
    i++;
  }
  return { text: `${lines.join('\n')}\n`, rows: i };
}

describe('a 5 MB paste', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch('no-webgpu');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('parses in the worker with progress, keeps the page responsive, and keeps the text out of the textarea', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('appUrl'));
    await page.getByRole('heading', { name: 'Data' }).waitFor();
    const { text, rows } = bigCsv();
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    const box = page.getByRole('textbox', { name: 'Paste dataset' });
    await box.focus();
    await startTaskTrace(browser, page);
    await mark(page, 'paste');
    await page.keyboard.press('Control+V');
    await page.getByTestId('row-count').filter({ hasText: `${rows} rows` }).waitFor({ timeout: 300_000 });
    await mark(page, 'parsed');
    const trace = await stopTaskTrace(browser, ['paste', 'parsed']);
    const longest = Math.max(...trace.tasks.map((t) => t.cpuMs));
    console.log(`5 MB paste: ${rows} rows, longest main-thread task ${longest.toFixed(0)} ms of CPU, parsed after ${trace.marks.parsed!.toFixed(0)} ms`);
    await screenshot(page, 'data-big-paste');
    expect(longest).toBeLessThan(1000);
    // The text stayed out of the textarea; the data card names the paste instead.
    await expect(box.inputValue()).resolves.toBe('');
    await expect(page.getByTestId('loaded-file').textContent()).resolves.toMatch(/Pasted data, 5\.\d million characters, \d+ rows — pasted/);

    // A program and a model: the plan of 486k rows is a large run, and offers capped splits.
    await page.getByRole('textbox', { name: 'Signature' }).fill('question -> answer');
    const endpoints = page.getByRole('region', { name: 'API endpoints' });
    await endpoints.getByLabel('Base URL').first().fill('http://127.0.0.1:9/v1');
    await endpoints.getByLabel('Model').first().fill('task-model');
    const large = page.getByRole('status', { name: 'Large run' });
    await large.waitFor({ timeout: 120_000 });
    await expect(large.textContent()).resolves.toMatch(/large run.*200 train \/ 300 validation \/ 300 test/s);
    await screenshot(page, 'plan-large-run');
    await large.getByRole('button', { name: 'Cap the splits' }).click();
    const plan = page.getByRole('region', { name: 'Plan' });
    await plan.getByText('200 / 300 / 300', { exact: true }).waitFor({ timeout: 120_000 });
    // Capped, the run may still be long for the budget (here with the assumed time per call): the cap is not offered again.
    await expect(page.getByRole('button', { name: 'Cap the splits' }).count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 600_000);
});
