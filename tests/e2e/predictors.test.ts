/**
 * "Predictors to optimize", in Chromium against the scripted server: a multi-hop program built in
 * the setup lists its three predictor steps as checkboxes, all checked; unchecking the first
 * query step shrinks the plan (the trial count follows the predictors searched, and the plan
 * names them), and the run's result keeps that step's instruction and demos as they were while
 * the others are optimized.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import type { ChatCompletionBody, ScriptedHandler } from '../fixtures/scripted-server';
import { collectErrors, screenshot } from './browser';
import { mkdirSync } from 'node:fs';
import { own, serverAndBrowser, setUpModels, waitForSelector } from './flow';

const COUNTRIES = ['France:Paris', 'Spain:Madrid', 'Italy:Rome', 'Peru:Lima', 'Chile:Santiago', 'Japan:Tokyo', 'Kenya:Nairobi', 'Egypt:Cairo', 'Cuba:Havana', 'Nepal:Kathmandu'];
const ROWS = Array.from({ length: 30 }, (_, i) => {
  const [country, capital] = COUNTRIES[i % COUNTRIES.length]!.split(':') as [string, string];
  return JSON.stringify({ id: `q${i}`, question: `What is the capital of ${country}? (${i})`, answer: capital });
}).join('\n');
const PASSAGES = COUNTRIES.map((c) => `${c.split(':')[1]} is the capital of ${c.split(':')[0]}.`).join('\n');
const ANSWER_RULE = 'Answer with the capital city named in the context.';

type Msg = { role: string; content: string };
const field = (text: string, name: string) => new RegExp(`\\[\\[ ## ${name} ## \\]\\]\\n([^\\n]*)`).exec(text)?.[1]?.trim() ?? '';

/** Query steps write the question as the query; the answer step is right with the rule or with demos, else says "unknown". */
function task(messages: Msg[]): string {
  const system = messages[0]!.content;
  const last = messages.at(-1)!.content;
  const question = field(last, 'question');
  if (/`query`/.test(system)) return `[[ ## reasoning ## ]]\nSearch for it.\n\n[[ ## query ## ]]\n${question}\n\n[[ ## completed ## ]]`;
  const country = /capital of (\w+)/.exec(question)?.[1] ?? '';
  const capital = COUNTRIES.find((c) => c.startsWith(`${country}:`))?.split(':')[1] ?? 'unknown';
  const demos = messages.slice(1, -1).some((m) => m.role === 'assistant');
  const answer = system.includes(ANSWER_RULE) || demos ? capital : 'unknown';
  return `[[ ## reasoning ## ]]\nFrom the context.\n\n[[ ## answer ## ]]\n${answer}\n\n[[ ## completed ## ]]`;
}

function proposer(messages: Msg[]): string {
  const system = messages[0]!.content;
  if (system.includes('proposed_instruction')) {
    const answerStep = /generate_answer/.test(messages.at(-1)!.content);
    return `[[ ## proposed_instruction ## ]]\n${answerStep ? ANSWER_RULE : 'Write a short search query.'}\n\n[[ ## completed ## ]]`;
  }
  if (system.includes('[[ ## summary ## ]]')) return '[[ ## summary ## ]]\nQuestions about capital cities.\n\n[[ ## completed ## ]]';
  return '[[ ## observations ## ]]\nEach row asks for the capital of a country.\n\n[[ ## completed ## ]]';
}

const handler: ScriptedHandler = (body: ChatCompletionBody) => {
  const messages = (body.messages ?? []) as Msg[];
  return String(body.model ?? '').includes('proposer') ? proposer(messages) : task(messages);
};

async function setUpMultiHop(page: Page, url: string): Promise<void> {
  await page.goto(inject('appUrl'));
  await page.getByLabel('Paste dataset').fill(ROWS);
  await page.getByRole('button', { name: 'Parse' }).click();
  await page.getByRole('tablist', { name: 'Template' }).getByRole('tab', { name: 'Multi-hop' }).click();
  await page.getByLabel('Signature').fill('question -> answer');
  await page.getByLabel('Pasted passages').check();
  await page.getByLabel('Passages', { exact: true }).fill(PASSAGES);
  await page.getByLabel('Field scored').selectOption({ index: 0 });
  await setUpModels(page, url);
}

describe('Predictors to optimize', () => {
  const env = serverAndBrowser(handler);

  it('lists the predictor steps; an unchecked one shrinks the plan and keeps its instruction and demos', { timeout: 300_000 }, async () => {
    mkdirSync('test-results/screenshots', { recursive: true });
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    await setUpMultiHop(page, env.server.url);
    const group = page.getByRole('group', { name: 'Predictors to optimize' });
    const boxes = group.getByRole('checkbox');
    await expect.poll(() => boxes.count()).toBe(3);
    for (const id of ['generate_query_1', 'generate_query_2', 'generate_answer']) expect(await group.getByRole('checkbox', { name: id }).isChecked()).toBe(true);

    const plan = page.getByRole('region', { name: 'Plan' });
    const trials = () => plan.locator('dt', { hasText: 'Trials' }).locator('xpath=following-sibling::dd').textContent();
    // light, N = 6: max(2 * V * log2 6, 9) trials with V = 2 per predictor searched.
    await expect.poll(trials, { timeout: 30_000 }).toBe('31');
    await group.getByRole('checkbox', { name: 'generate_query_1' }).uncheck();
    await expect.poll(trials).toBe('20');
    await expect.poll(() => plan.textContent()).toMatch(/Predictors searched: generate_query_2, generate_answer\. The other predictor keeps its instruction and demos/);
    for (const [width, height] of [[1280, 800], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        await group.scrollIntoViewIfNeeded();
        await page.screenshot({ path: `test-results/screenshots/predictors-${width}-${colorScheme}.png` });
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('button', { name: 'Start optimization' }).click();
    await waitForSelector(page, '[aria-label="Optimized test score"]', undefined, 280_000);
    const result = page.getByRole('region', { name: 'Result' });
    const heading = (id: string) => result.locator('h4', { hasText: id });
    await expect.poll(() => heading('generate_query_1').textContent()).toMatch(/unchanged/);
    const kept = result.locator('div.diff').filter({ has: page.locator('h4', { hasText: 'generate_query_1' }) });
    await expect.poll(() => kept.textContent()).toMatch(/Demos after \(0\)/);
    await expect.poll(() => heading('generate_answer').textContent()).not.toMatch(/unchanged/);
    await screenshot(page, 'predictors-result-1280-light');
    expect(own(errors)).toEqual([]);
    await page.close();
  });
});
