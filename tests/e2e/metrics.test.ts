/**
 * Issue 14 in the browser: the metric panel offers the metrics that see the trace when the
 * program retrieves (retrieval recall over a gold-titles column, the answer in the retrieved
 * passages), and an LLM judge with a rubric and no gold answer, whose instruction is shown and
 * editable. The config and the plan follow the choice; an evaluation with the rubric judge
 * against the scripted server never shows the judge a gold answer.
 */
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { fixtureData } from '../fixtures/fixture-data';
import { irisHandler } from '../fixtures/iris-world';
import type { ChatCompletionBody, ScriptedHandler } from '../fixtures/scripted-server';
import { collectErrors } from './browser';
import { SMALL_IRIS, own, serverAndBrowser, setUp, waitForSelector } from './flow';

const SIZES = [[1280, 800], [390, 844]] as const;
const RUBRIC = 'Pass an answer that names one iris species, and nothing else.';

/** Eight HoVer claims, with their gold titles as a list column. */
const HOVER = fixtureData('hover/dev.jsonl').text.split('\n').filter(Boolean).slice(0, 8);
/** One passage per gold title, "Title | text", as the corpus. */
const PASSAGES = [...new Set(HOVER.flatMap((l) => (JSON.parse(l) as { gold_titles: string[] }).gold_titles))].map((t) => `${t} | ${t} is the subject of this passage.`);

const isJudge = (body: ChatCompletionBody) => (body.messages ?? []).some((m) => m.role === 'system' && m.content.includes(RUBRIC));
const handler: ScriptedHandler = (body, ctx) => {
  if (!isJudge(body)) return irisHandler(body, ctx);
  return body.response_format ? JSON.stringify({ reasoning: 'Names a species.', passes: true }) : '[[ ## reasoning ## ]]\nNames a species.\n\n[[ ## passes ## ]]\nTrue\n\n[[ ## completed ## ]]';
};
const env = serverAndBrowser(handler);

/** A screenshot of one element, under test-results/screenshots/ (the sticky header kept out of it). */
async function shoot(target: Locator, name: string): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true });
  await target.scrollIntoViewIfNeeded();
  await target.screenshot({ path: `test-results/screenshots/${name}.png`, style: 'header.top { position: static !important; }' });
}

/** The metric config the panel shows, parsed. */
async function metricConfig(page: Page): Promise<Record<string, unknown>> {
  const details = page.locator('#step-metric details');
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.getByText('Metric config').click();
  return JSON.parse((await page.getByLabel('Metric config').textContent())!) as Record<string, unknown>;
}

/** A multi-hop program over HoVer claims with a pasted corpus, on the scripted server's task model. */
async function hoverSetup(page: Page): Promise<void> {
  await page.goto(inject('appUrl'));
  await page.getByLabel('Paste dataset').fill(HOVER.join('\n'));
  await page.getByRole('button', { name: 'Parse', exact: true }).click();
  await page.getByTestId('row-count').waitFor();
  await page.getByRole('tablist', { name: 'Template' }).getByRole('tab', { name: 'Multi-hop' }).click();
  await page.getByLabel('Signature').fill('claim -> label');
  await page.getByRole('textbox', { name: 'Passages' }).fill(PASSAGES.join('\n'));
  const endpoints = page.getByRole('region', { name: 'API endpoints' });
  await endpoints.getByLabel('Base URL').first().fill(env.server.url);
  await endpoints.getByLabel('Model').first().fill('task-model');
  const select = page.getByLabel('task model', { exact: true });
  await select.selectOption((await select.locator('option', { hasText: 'task-model' }).getAttribute('value'))!);
  await page.getByLabel('Optimizer').selectOption('bootstrap_few_shot');
}

describe('metrics that see the trace, and a rubric judge', () => {
  it('offers retrieval recall and answer-in-passages for a retrieving program; the config and plan follow', { timeout: 120_000 }, async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
      const page = await context.newPage();
      const errors = collectErrors(page);
      await hoverSetup(page);
      const metric = page.locator('#step-metric');
      await metric.getByRole('radio', { name: 'Retrieval recall (gold titles)' }).check();
      // The gold titles column is suggested by its name and mapped as the metric's label.
      const gold = metric.getByRole('combobox', { name: 'Gold titles column' });
      await expect(gold.locator('option:checked').textContent()).resolves.toBe('gold_titles (suggested)');
      await expect(metricConfig(page)).resolves.toEqual({ kind: 'retrieval_recall', field: 'gold_titles' });
      const plan = page.getByRole('region', { name: 'Plan' });
      await plan.getByText('Estimated time').waitFor();
      await expect(plan.textContent()).resolves.not.toContain('Judge calls');
      await expect(page.getByRole('button', { name: 'Start optimization' }).isEnabled()).resolves.toBe(true);
      for (const [w, h] of SIZES) {
        await page.setViewportSize({ width: w, height: h });
        await shoot(metric, `metrics-retrieval-recall-${w}-${scheme}`);
      }
      await page.setViewportSize({ width: 1280, height: 800 });

      await metric.getByRole('radio', { name: 'Answer in retrieved passages' }).check();
      await expect(metricConfig(page)).resolves.toEqual({ kind: 'answer_in_context', field: 'label' });
      await expect(metric.getByRole('combobox', { name: 'Field scored' }).count()).resolves.toBe(1);

      // Without a retrieve step the trace metrics are not offered once another metric is chosen;
      // while one is still chosen, the card says why it cannot run.
      await page.getByRole('tablist', { name: 'Template' }).getByRole('tab', { name: 'Chain of thought' }).click();
      await expect(metric.textContent()).resolves.toContain('the program has no retrieve step');
      await expect(page.getByRole('button', { name: 'Start optimization' }).isDisabled()).resolves.toBe(true);
      await metric.getByRole('radio', { name: 'Exact match' }).check();
      await expect(metric.getByRole('radio', { name: 'Retrieval recall (gold titles)' }).count()).resolves.toBe(0);
      await expect(metric.getByRole('radio', { name: 'Answer in retrieved passages' }).count()).resolves.toBe(0);
      expect(own(errors)).toEqual([]);
      await context.close();
    }
  });

  it('runs an evaluation with the rubric judge: its instruction is editable, the plan counts its calls, and it never sees a gold answer', { timeout: 240_000 }, async () => {
    env.server.reset();
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await setUp(page, env.server.url, SMALL_IRIS);
    const metric = page.locator('#step-metric');
    await metric.getByRole('radio', { name: 'LLM judge (rubric, no gold answer)' }).check();
    const rubric = metric.getByRole('textbox', { name: 'Judge instruction (rubric)' });
    await expect(rubric.inputValue()).resolves.toMatch(/^You are a careful grader\. There is no reference answer/);
    await rubric.fill(RUBRIC);
    await expect(metricConfig(page)).resolves.toEqual({ kind: 'llm_judge', field: 'species', gold: false, rubric: RUBRIC });
    await page.getByLabel('Optimizer').selectOption('none');
    const plan = page.getByRole('region', { name: 'Plan' });
    await plan.getByText('Judge calls').waitFor();
    const judgeCalls = Number((await plan.getByText('Judge calls').locator('xpath=..').locator('dd').textContent())!.replace(/\D/g, ''));
    expect(judgeCalls).toBeGreaterThan(0);
    await shoot(plan, 'metrics-plan-judge-calls-1280-light');

    await page.getByRole('button', { name: 'Start evaluation' }).click();
    await waitForSelector(page, '[aria-label="Optimized test score"]');
    const bodies = env.server.requests.map((r) => r.body).filter((b): b is ChatCompletionBody => typeof b === 'object' && b !== undefined && b !== null);
    const judged = bodies.filter(isJudge);
    // One judge call per scored answer, no more than the plan said.
    expect(judged.length).toBeGreaterThan(0);
    expect(judged.length).toBeLessThanOrEqual(judgeCalls);
    const species = /setosa|versicolor|virginica/i;
    for (const body of judged) {
      const user = body.messages!.filter((m) => m.role === 'user').at(-1)!.content;
      // The judge reads the task's inputs and the prediction: no gold field, and the only species named is the prediction's.
      expect(user).toContain('[[ ## task_input ## ]]');
      expect(user).toContain('[[ ## predicted_answer ## ]]');
      expect(body.messages!.map((m) => m.content).join('\n')).not.toMatch(/gold/i);
      const before = user.split('[[ ## predicted_answer ## ]]')[0]!;
      expect(before).not.toMatch(species);
    }
    expect(own(errors)).toEqual([]);
    await context.close();
  });

  it('shows the rubric judge at desktop and phone sizes, light and dark', { timeout: 120_000 }, async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
      const page = await context.newPage();
      await setUp(page, env.server.url, SMALL_IRIS);
      const metric = page.locator('#step-metric');
      await metric.getByRole('radio', { name: 'LLM judge (rubric, no gold answer)' }).check();
      await metricConfig(page);
      for (const [w, h] of SIZES) {
        await page.setViewportSize({ width: w, height: h });
        await shoot(metric, `metrics-rubric-judge-${w}-${scheme}`);
      }
      await context.close();
    }
  });
});
