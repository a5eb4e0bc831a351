/**
 * A MIPROv2 run with a budget in minutes, in Chromium against the scripted server: the plan
 * compares every budget choice before the run, with the task model's latency assumed until
 * Test connection measures it; "5 min" becomes a number of calls through that measurement;
 * the run shows the calls it used of that budget as it goes, and never more than it.
 *
 * The scripted server answers Test connection's probe after five seconds (a slow local
 * server's round trip), and the program's calls at once: the budget is sized for a 5 s model
 * (fewer calls than every configuration on every validation row, which caps the assumed
 * 800 ms one), and the run over a third of Iris ends in seconds, well inside it.
 */
import { describe, expect, it } from 'vitest';
import { irisHandler } from '../fixtures/iris-world';
import { type ScriptedHandler } from '../fixtures/scripted-server';
import { collectErrors, screenshot } from './browser';
import { SMALL_IRIS, own, serverAndBrowser, setUp, waitForSelector } from './flow';

const PROBE_MS = 5000;

/** Iris answers, and Test connection's probe ("Reply with the single word: ok") after five seconds. */
const handler: ScriptedHandler = (body, ctx) => {
  const last = body.messages?.at(-1)?.content ?? '';
  return last.startsWith('Reply with the single word') ? { reply: 'ok', delayMs: PROBE_MS } : irisHandler(body, ctx);
};

/** A number as the UI writes it ("1,234"). */
const count = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''));

describe('a budget in minutes', () => {
  const env = serverAndBrowser(handler);

  it('plans "5 min" from the measured latency, shows it before the run, and the run stays within it', { timeout: 240_000 }, async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await setUp(page, env.server.url, SMALL_IRIS);
    await page.getByRole('tablist', { name: 'Budget' }).getByRole('tab', { name: '5 min' }).click();

    // Before Test connection the plan uses an assumed latency, and says so.
    const plan = page.getByRole('region', { name: 'Plan' });
    const note = plan.getByLabel('Time per task call');
    await expect.poll(() => note.textContent(), { timeout: 30_000 }).toMatch(/assumed 800 ms a call/);
    const table = plan.getByRole('table', { name: 'Budget choices compared' });
    const fiveMinutes = table.getByRole('row', { name: /^5 min/ });
    const budgetOf = async () => count(await fiveMinutes.locator('.sub').textContent());
    await expect.poll(budgetOf).toBeGreaterThan(0);
    const assumed = await budgetOf();

    await page.getByRole('region', { name: 'API endpoints' }).getByRole('button', { name: 'Test connection' }).first().click();
    await expect.poll(() => note.textContent(), { timeout: 30_000 }).toMatch(/measured by Test connection/);
    // A model slower than assumed buys fewer calls in the same five minutes.
    await expect.poll(budgetOf).toBeLessThan(assumed);
    const budget = await budgetOf();
    expect(await table.getByRole('row').count()).toBe(7);
    expect(await fiveMinutes.getAttribute('aria-current')).toBe('true');
    await screenshot(page, 'budget-plan-1280');

    await page.getByRole('button', { name: 'Start optimization' }).click();
    await waitForSelector(page, '[aria-label="Budget calls"]', undefined, 60_000);
    // Every figure the run shows for the calls used, recorded as it changes.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { budgetSeen: number[] }).budgetSeen = seen;
      const read = () => {
        const el = document.querySelector('[aria-label="Budget calls used"]');
        if (el) seen.push(Number((el.textContent ?? '').replace(/[^\d]/g, '')));
      };
      new MutationObserver(read).observe(document.querySelector('section[aria-label="Budget"]')!, { subtree: true, childList: true, characterData: true });
      read();
    });
    expect(count(await page.locator('[aria-label="Budget calls"]').textContent())).toBe(budget);
    // The run view's result (the setup's own share panel is in the page too: wait for the scores).
    await waitForSelector(page, '[aria-label="Optimized test score"]');
    await screenshot(page, 'budget-run-completed-1280');

    const seen = await page.evaluate(() => (window as unknown as { budgetSeen: number[] }).budgetSeen);
    const used = count(await page.locator('[aria-label="Budget calls used"]').textContent());
    expect(used).toBeGreaterThan(0);
    expect(Math.max(used, ...seen)).toBeLessThanOrEqual(budget);
    await expect(page.getByRole('region', { name: 'Budget' }).textContent()).resolves.toMatch(/Search done/);
    // A budgeted search has no full evaluations: the chart's line is the leader's mean.
    await expect(page.locator('figure.chart figcaption').textContent()).resolves.toMatch(/leader's mean so far/);
    expect(own(errors)).toEqual([]);
    await context.close();
  });
});
