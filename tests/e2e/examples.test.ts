/**
 * "Every example, not just a score": after a small Iris run against the scripted server, the
 * run view lists every test example with the baseline's and the optimized program's answers;
 * "Only failures", "Changed by optimization" and the search narrow it; a row's link opens its
 * call in the trace inspector (marked correct or incorrect, searchable); the CSV export
 * neutralizes cells a spreadsheet would run as formulas (the ids here start with "=").
 * The table's mount and filters are measured: no main-thread task of theirs over 50 ms of CPU.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ExampleOutcome } from '../../src/core/runner';
import { serializeBundle, type RunBundle } from '../../src/ui/bundle';
import { makeRunBundle } from '../unit/ui/run-fixture';
import { irisHandler } from '../fixtures/iris-world';
import { collectErrors, screenshot } from './browser';
import { SMALL_IRIS, own, serverAndBrowser, setUp, waitForSelector } from './flow';
import { importBundle } from './bundle-page';
import { mark, startTaskTrace, stopTaskTrace } from './main-thread';

/**
 * Small Iris with cells a spreadsheet would run: every other id starts with "=", and every
 * fifth flower's gold species is a formula (which no program answers, so those fail).
 */
const FORMULA = `=cmd|' /C calc'!A0`;
const DATA = SMALL_IRIS.split('\n')
  .map((line, i) => {
    const row = JSON.parse(line) as Record<string, unknown>;
    return JSON.stringify({ ...row, id: i % 2 ? `=cmd${i}` : `r${i}`, ...(i % 5 === 0 && { species: FORMULA }) });
  })
  .join('\n');

/** Marks the moment the run's result shows (a MutationObserver sees it in the task that renders it). */
const MARK_WHEN_RESULT = () => {
  const seen = new MutationObserver(() => {
    if (!document.querySelector('[aria-label="Optimized test score"]')) return;
    performance.mark('test:result');
    seen.disconnect();
  });
  seen.observe(document.body, { childList: true, subtree: true });
};

async function rowIds(table: Locator): Promise<string[]> {
  return table.locator('tbody th[scope="row"]').evaluateAll((ths) => ths.map((th) => th.firstChild?.textContent ?? ''));
}

/** Each shown row's cells: [baseline, optimized] text (visually hidden verdicts included). */
async function answerCells(table: Locator): Promise<{ baseline: string; optimized: string; tag: string }[]> {
  return table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const tds = tr.querySelectorAll('td');
      return { baseline: tds[1]?.textContent ?? '', optimized: tds[2]?.textContent ?? '', tag: tr.querySelector('th .tag')?.textContent ?? '' };
    }),
  );
}

/** Screenshots taken while tasks are traced, each between two marks. */
const shots: string[] = [];
async function shot(page: Page, name: string): Promise<void> {
  shots.push(name);
  await mark(page, `${name}:from`);
  await screenshot(page, name);
  await mark(page, `${name}:to`);
}

async function runToResult(page: Page, url: string): Promise<void> {
  await setUp(page, url, DATA);
  const start = await page.getByRole('button', { name: 'Start optimization' }).elementHandle();
  await start!.click();
  await waitForSelector(page, '[aria-label="Run status"]', 'running', 30_000);
  await page.evaluate(MARK_WHEN_RESULT);
}

describe('every example, not just a score', () => {
  const env = serverAndBrowser(irisHandler);

  it('lists, filters, searches, opens and exports every test example', { timeout: 300_000 }, async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await runToResult(page, env.server.url);
    await startTaskTrace(env.browser, page);
    await mark(page, 'test:trace-start');
    await waitForSelector(page, 'table[aria-label="Examples"] tbody tr');
    await mark(page, 'test:table');

    const card = page.getByRole('region', { name: 'Every example' });
    const table = card.getByRole('table', { name: 'Examples' });
    const status = card.getByRole('status');
    const total = Number((await status.textContent())!.match(/(\d+) examples/)![1]);
    expect(total).toBe(Number((await page.getByLabel('Optimized test score').locator('xpath=..').textContent())!.match(/n = (\d+)/)![1]));
    const all = await rowIds(table);
    expect(all.length).toBe(Math.min(total, 50));
    const cells = await answerCells(table);
    const failing = all.filter((_, i) => cells[i]!.optimized.includes('incorrect'));
    const baselineFailing = all.filter((_, i) => cells[i]!.baseline.includes('incorrect'));
    const changed = all.filter((_, i) => cells[i]!.tag !== '');
    // The scripted model answers "setosa" until the prompt has the rule or demos: the optimization fixes examples.
    expect(changed.length).toBeGreaterThan(0);
    expect(baselineFailing.length).toBeGreaterThan(failing.length);
    await shot(page, 'examples-1280');

    // Only failures: what the optimized program got wrong; then the baseline's.
    const filters = card.getByRole('group', { name: 'Filter examples' });
    await filters.getByRole('checkbox', { name: 'Only failures' }).check();
    expect(failing.length).toBeGreaterThan(0);
    await expect.poll(() => rowIds(table)).toEqual(failing);
    expect((await answerCells(table)).every((c) => c.optimized.includes('incorrect'))).toBe(true);
    await filters.getByRole('combobox', { name: 'Failures of' }).selectOption('baseline');
    await expect.poll(() => rowIds(table)).toEqual(baselineFailing);
    await filters.getByRole('checkbox', { name: 'Only failures' }).uncheck();

    // Changed by optimization: wrong -> right and right -> wrong, each tagged.
    await filters.getByRole('checkbox', { name: 'Changed by optimization' }).check();
    await expect.poll(() => rowIds(table)).toEqual(changed);
    expect((await answerCells(table)).every((c) => c.tag === 'fixed' || c.tag === 'broken')).toBe(true);
    await shot(page, 'examples-changed-1280');
    await filters.getByRole('checkbox', { name: 'Changed by optimization' }).uncheck();

    // Search: by id, then by an answer.
    const target = changed[0]!;
    await filters.getByRole('searchbox', { name: 'Search examples' }).fill(target);
    await expect.poll(() => rowIds(table)).toEqual([target]);
    await filters.getByRole('searchbox', { name: 'Search examples' }).fill('VIRGINICA');
    await expect.poll(async () => (await rowIds(table)).length).toBeGreaterThan(0);
    expect((await table.locator('tbody tr').allTextContents()).every((t) => t.toLowerCase().includes('virginica'))).toBe(true);
    await filters.getByRole('searchbox', { name: 'Search examples' }).fill('');
    await expect.poll(() => rowIds(table)).toEqual(all);
    await mark(page, 'test:filters-done');
    const { tasks, marks } = await stopTaskTrace(env.browser, ['test:trace-start', 'test:result', 'test:table', 'test:filters-done', ...shots.flatMap((n) => [`${n}:from`, `${n}:to`])]);

    // CSV of every example: one row each, ids that start with "=" neutralized, none left to run.
    const download = page.waitForEvent('download');
    await filters.getByRole('button', { name: 'Export as CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/-test-examples\.csv$/);
    const csv = Papa.parse<string[]>(readFileSync((await file.path())!, 'utf8')).data;
    expect(csv[0]![0]).toBe('id');
    expect(csv.slice(1).map((r) => r[0]!.replace(/^'/, ''))).toEqual(all);
    expect(csv.slice(1).some((r) => r[0]!.startsWith("'=cmd"))).toBe(true);
    expect(csv.slice(1).some((r) => r[csv[0]!.indexOf('gold species')] === `'${FORMULA}`)).toBe(true);
    expect(csv.flat().filter((c) => /^[=+@]/.test(c))).toEqual([]);

    // The row's link opens its call in the trace inspector: that example, the optimized program's final scoring, marked.
    await table.getByRole('button', { name: `Open the optimized call for ${target}` }).click();
    const inspector = page.getByRole('form', { name: 'Filter LM calls' });
    const calls = page.getByRole('list', { name: 'LM calls' }).getByRole('listitem');
    await expect.poll(() => inspector.getByLabel('Example', { exact: true }).inputValue()).toBe(target);
    await expect.poll(async () => {
      const shown = await calls.locator('summary').allTextContents();
      return shown.length > 0 && shown.every((t) => t.includes(target) && t.includes(' · evaluate'));
    }).toBe(true);
    expect(await calls.first().locator('details').getAttribute('open')).not.toBeNull();
    const verdict = cells[all.indexOf(target)]!.optimized.includes('incorrect') ? '✗ incorrect' : '✓ correct';
    expect(await calls.first().locator('summary').textContent()).toContain(verdict);
    await screenshot(page, 'examples-trace-1280');
    // The baseline's call of the same example, marked with the baseline's verdict.
    await table.getByRole('button', { name: `Open the baseline call for ${target}` }).click();
    await expect.poll(async () => (await calls.locator('summary').allTextContents()).every((t) => t.includes(' · baseline'))).toBe(true);
    const baseVerdict = cells[all.indexOf(target)]!.baseline.includes('incorrect') ? '✗ incorrect' : '✓ correct';
    expect(await calls.first().locator('summary').textContent()).toContain(baseVerdict);

    // Search over the calls' messages and answers.
    await inspector.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => calls.count()).toBeGreaterThan(1);
    await inspector.getByRole('searchbox', { name: 'Search calls' }).fill('proposed_instruction');
    await expect.poll(async () => {
      const roles = await calls.locator('summary').allTextContents();
      return roles.length > 0 && roles.every((t) => t.includes('proposer'));
    }).toBe(true);
    await expect.poll(() => inspector.getByRole('status').textContent()).toMatch(/^\d+ of \d+ calls/);

    // The table's own tasks (mounting after the result, filtering) stay under 50 ms of CPU each.
    // A full-page capture blocks the page's main thread itself: its windows are not the app's.
    const inShot = (t: { start: number; wallMs: number }) => shots.some((n) => t.start + t.wallMs > marks[`${n}:from`]! && t.start < marks[`${n}:to`]!);
    const ours = tasks.filter((t) => t.start >= marks['test:result']! && t.start < marks['test:filters-done']! && !inShot(t));
    const cpuMax = Math.max(0, ...ours.map((t) => t.cpuMs));
    console.log(`examples table: ${ours.length} tasks from the result to the end of filtering, max ${cpuMax.toFixed(0)} ms of CPU; result shown at ${marks['test:result']!.toFixed(0)} ms, table at ${marks['test:table']!.toFixed(0)} ms`);
    expect(ours.length).toBeGreaterThan(10);
    expect(cpuMax).toBeLessThanOrEqual(50);

    // The table is stored with the run: a reload shows it again.
    await page.reload();
    await expect.poll(() => card.getByRole('status').textContent(), { timeout: 30_000 }).toBe(`${total} examples`);

    // Screenshots: wide and narrow, light and dark, the whole page and the card.
    await filters.getByRole('checkbox', { name: 'Only failures' }).check();
    for (const [width, height] of [[1280, 800], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        const name = `examples-${width}${scheme === 'dark' ? '-dark' : ''}`;
        await card.screenshot({ path: `test-results/screenshots/${name}-card.png` });
        // What a phone shows: the card's top under the sticky header.
        if (width === 390) {
          await card.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 120));
          await page.screenshot({ path: `test-results/screenshots/${name}-view.png` });
        }
        await page.getByRole('form', { name: 'Filter LM calls' }).screenshot({ path: `test-results/screenshots/${name}-trace-bar.png` });
        if (width === 390) await screenshot(page, name);
      }
    }
    expect(own(errors)).toEqual([]);
    await context.close();
  });

  it('pages a large split, and shows "not recorded" for a run bundle made before examples were kept', { timeout: 120_000 }, async () => {
    const old = await makeRunBundle();
    expect(old.run.result!.examples).toBeUndefined();
    const test = Array.from({ length: 120 }, (_, i) => outcome(i));
    const withExamples: RunBundle = { ...old, run: { ...old.run, name: 'With examples', result: { ...old.run.result!, examples: { test } } } };
    const dir = mkdtempSync(join(tmpdir(), 'promptlab-examples-'));
    const files = { old: join(dir, 'old.json'), new: join(dir, 'new.json') };
    writeFileSync(files.old, serializeBundle(old));
    writeFileSync(files.new, serializeBundle(withExamples));
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    const card = page.getByRole('region', { name: 'Every example' });

    await importBundle(page, files.old);
    await expect.poll(() => card.getByRole('note').textContent()).toMatch(/not recorded/);
    expect(await card.getByRole('table').count()).toBe(0);

    await importBundle(page, files.new);
    const table = card.getByRole('table', { name: 'Examples' });
    const pager = card.getByRole('navigation', { name: 'Example pages' });
    await expect.poll(() => rowIds(table)).toEqual(test.slice(0, 50).map((e) => e.id));
    expect(await card.getByRole('status').textContent()).toBe('120 examples');
    await pager.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => rowIds(table)).toEqual(test.slice(50, 100).map((e) => e.id));
    await pager.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => rowIds(table)).toEqual(test.slice(100).map((e) => e.id));
    expect(await pager.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    expect(await pager.textContent()).toContain('rows 101–120 of 120');
    // A filter starts again at its first page.
    await card.getByRole('checkbox', { name: 'Only failures' }).check();
    const failing = test.filter((e) => e.optimized.score < 1).map((e) => e.id);
    await expect.poll(() => rowIds(table)).toEqual(failing.slice(0, 50));
    await screenshot(page, 'examples-replay-paged-1280');
    expect(own(errors)).toEqual([]);
    await page.close();
  });
});

/** A made-up scored example: the optimized program misses every seventh, the baseline every third. */
function outcome(i: number): ExampleOutcome {
  const label = i % 2 ? 'yes' : 'no';
  const answer = (wrong: boolean) => ({ prediction: { label: wrong ? (label === 'yes' ? 'no' : 'yes') : label }, score: wrong ? 0 : 1 });
  return { id: `row-${i + 1}`, inputs: { word: `word${i + 1}` }, labels: { label }, optimized: answer(i % 7 === 0), baseline: answer(i % 3 === 0) };
}

