/**
 * A task model that breaks the answer format about 30% of the time, in Chromium against the
 * scripted server: prose without the answer format, or an answer cut off at its token cap.
 * The run finishes — unreadable answers score 0 instead of spending the error budget — the
 * trial table shows how many answers each trial could not read, and the trace inspector
 * marks each unreadable call with its reason and the text exactly as the model sent it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { irisHandler } from '../fixtures/iris-world';
import { type ChatCompletionBody, type ScriptedHandler, type ScriptedReply } from '../fixtures/scripted-server';
import { hashString32 } from '../../src/core/util/random';
import { collectErrors, screenshot } from './browser';
import { SMALL_IRIS, own, serverAndBrowser, setUp, waitForSelector } from './flow';

/** Every unreadable answer the server sent, exactly. */
const broken = new Set<string>();

/** An answer that stops at the request's token cap, as OpenAI reports one (`finish_reason: "length"`). */
function cutOff(body: ChatCompletionBody, text: string): ScriptedReply {
  const choices = [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'length' }];
  return { body: { id: 'chatcmpl-cut', object: 'chat.completion', created: 0, model: body.model, choices, usage: { prompt_tokens: 100, completion_tokens: body.max_tokens ?? 64, total_tokens: 0 } } };
}

/**
 * The task model rambles on 2 prompts in 10 and is cut off on 1 in 10 (decided by a hash of
 * the prompt, so reruns agree). The cut-off text keeps leading spaces, blank lines and a tab:
 * the inspector must show them as sent.
 */
const handler: ScriptedHandler = (body, ctx) => {
  const last = String(body.messages?.at(-1)?.content ?? '');
  const task = !String(body.model ?? '').includes('proposer');
  const h = hashString32(JSON.stringify(body.messages)) % 10;
  if (task && h < 2) {
    const text = `Looking at ${last.length} characters of measurements, I would say it is probably one of the irises.`;
    broken.add(text);
    return text;
  }
  if (task && h === 2) {
    const text = `  Let me compare the petals.\n\n\tPetal length ${last.length % 7} is long, so the species must`;
    broken.add(text);
    return cutOff(body, text);
  }
  return irisHandler(body, ctx);
};

describe('a task model that breaks the format', () => {
  const env = serverAndBrowser(handler);

  it('finishes its run; the trial table counts the unreadable answers and the trace inspector shows them as received', { timeout: 240_000 }, async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await setUp(page, env.server.url, SMALL_IRIS);
    await page.getByRole('button', { name: 'Start optimization' }).click();
    await waitForSelector(page, '[aria-label="Optimized test score"]');

    const trials = page.getByRole('table', { name: 'Trials' });
    await expect(trials.getByRole('columnheader', { name: 'Unreadable' }).count()).resolves.toBe(1);
    const column = (await trials.getByRole('columnheader').allTextContents()).indexOf('Unreadable');
    const counts = await trials.locator(`tbody tr td:nth-child(${column + 1})`).allTextContents();
    const unreadable = counts.map(Number);
    expect(unreadable.length).toBeGreaterThan(0);
    expect(unreadable.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await screenshot(page, 'unreadable-run-1280');

    const inspector = page.getByRole('region', { name: 'Trace inspector' });
    const item = await onlyUnreadable(inspector);
    // The completion exactly as received: the cut-off text with its spaces, blank line and tab.
    const completion = item.getByRole('region', { name: 'Completion as received' });
    const raw = await completion.locator('pre').textContent();
    expect(broken.has(raw!)).toBe(true);
    expect(raw).toMatch(/^ {2}Let me compare the petals\.\n\n\tPetal length/);
    const text = (await item.textContent())!;
    expect(text).toContain('Unreadable — scored 0: missing "');
    expect(text).toMatch(/cut off at \d+ tokens/);
    expect(text).toMatch(/\d+ token cap/);
    expect(text).toMatch(/JSON schema|JSON object|chat/);
    await inspectorShots(page, inspector, item);
    await dspyExportNamesAdapter(page);
    expect(own(errors)).toEqual([]);
    await context.close();
  });
});

/**
 * Lists only the unreadable calls, checks that every one listed is marked, and opens the
 * first one that was cut off at its token cap.
 */
async function onlyUnreadable(inspector: Locator): Promise<Locator> {
  const filters = inspector.getByRole('form', { name: 'Filter LM calls' });
  await filters.getByRole('checkbox', { name: 'Only unreadable' }).check();
  await filters.getByRole('button', { name: 'Load LM calls' }).click();
  const calls = inspector.getByRole('list', { name: 'LM calls' });
  await calls.waitFor();
  expect(await filters.getByRole('status').textContent()).toMatch(/^\d+ unreadable calls?$/);
  const items = calls.getByRole('listitem');
  const texts = await items.allTextContents();
  expect(texts.length).toBeGreaterThan(0);
  expect(texts.every((t) => t.includes('Unreadable — scored 0'))).toBe(true);
  const item = items.filter({ hasText: /cut off at \d+ tokens/ }).first();
  await item.getByText('Unreadable — scored 0', { exact: true }).click();
  await item.getByRole('region', { name: 'Completion as received' }).waitFor();
  return item;
}

/**
 * The run's program was optimized with JSON-schema answers (`auto`, accepted by the server):
 * the share panel says which DSPy adapter to use, the exported file names it, and a link
 * made from the run tells whoever opens it.
 */
async function dspyExportNamesAdapter(page: Page): Promise<void> {
  const panel = page.getByRole('region', { name: 'Share and export' });
  expect(await panel.textContent()).toContain('Optimized with JSON-schema answers. In DSPy, use: dspy.configure(adapter=dspy.JSONAdapter())');
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export DSPy JSON' }).click()]);
  const json = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { metadata: Record<string, unknown> };
  expect(json.metadata.adapter).toBe('JSONAdapter');
  await panel.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: 'test-results/screenshots/share-dspy-adapter-390-light.png' });

  // A link made from the run carries the mode, and its preview asks to match it.
  await panel.getByRole('button', { name: 'Copy link' }).click();
  const link = await panel.getByRole('textbox', { name: 'Share link' }).inputValue();
  const other = await page.context().newPage();
  await other.goto(link);
  const dialog = other.getByRole('dialog');
  await dialog.waitFor();
  expect(await dialog.getByRole('note').textContent()).toBe("Optimized with JSON-schema answers: set the task model's answer format to match.");
  await dialog.screenshot({ path: 'test-results/screenshots/share-preview-output-1280-light.png' });
  await other.close();
}

/**
 * What a user sees of the inspector, at desktop and phone sizes, light and dark: its filters
 * with the first calls, and the open unreadable call (below the sticky header).
 */
async function inspectorShots(page: Page, inspector: Locator, item: Locator): Promise<void> {
  const scrollTo = (target: Locator) => target.evaluate((el) => {
    el.scrollIntoView({ block: 'start' });
    window.scrollBy(0, -110);
  });
  for (const [w, h] of [[1280, 800], [390, 844]] as const) {
    await page.setViewportSize({ width: w, height: h });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await scrollTo(inspector);
      await page.screenshot({ path: `test-results/screenshots/trace-unreadable-${w}-${scheme}-filters.png` });
      await scrollTo(item);
      await page.screenshot({ path: `test-results/screenshots/trace-unreadable-${w}-${scheme}-call.png` });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
