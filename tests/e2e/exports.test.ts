/**
 * The share panel's exports in the browser: "Export DSPy Python" and "Export DSPy JSON"
 * download two files that fit together (the Python file loads the JSON and runs, checked with
 * Python and the stub dspy), and "Export prompt" downloads the messages each step of the
 * program sends for the input typed in: exact for the first step of a multi-hop program,
 * with placeholders for what later steps wait for.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { buildFromTemplate } from '../../src/core/program';
import { encodeShare, renderPrompts, type SharePayload } from '../../src/core/share';
import { collectErrors, launch, screenshot } from './browser';

const PYTHON = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout?.trim() || undefined;
const STUB_RUNNER = resolve(__dirname, '../fixtures/dspy_stub/run_program.py');
const QUESTION = 'Which river flows through the capital of "France"?';

const MULTI_HOP = buildFromTemplate({ template: 'multi_hop', signature: 'question -> answer', name: 'Two hops' });
const HOP_STATE = {
  generate_query_1: { instruction: 'Write one search query for the question.', demos: [] },
  generate_query_2: { instruction: 'Search for what the first passages leave out.', demos: [] },
  generate_answer: { instruction: 'Answer from both hops in a few words.', demos: [{ fields: { question: 'What is the capital of Spain?', answer: 'Madrid' } }] },
};
const payload: SharePayload = { v: 1, spec: MULTI_HOP, state: HOP_STATE, meta: { name: 'Two hops' } };

/** Clicks `button` in `panel` and returns the downloaded file's name and text. */
async function download(page: Page, panel: Locator, button: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: button, exact: true }).click()]);
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
}

/** Shots of the share panel with the prompt export open, light and dark. */
async function panelShots(page: Page, panel: Locator, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: `test-results/screenshots/${name}-${colorScheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('share panel exports', () => {
  let browser: Browser;
  const dirs: string[] = [];
  beforeAll(async () => {
    browser = await launch('no-webgpu');
  });
  afterAll(async () => {
    await browser?.close();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('"Export DSPy Python" and "Export DSPy JSON" download a program.py that loads program.json and runs', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('appUrl'));
    const panel = page.getByRole('region', { name: 'Share and export' });
    const py = await download(page, panel, 'Export DSPy Python');
    const json = await download(page, panel, 'Export DSPy JSON');
    expect([py.name, json.name]).toEqual(['program.py', 'program.json']);
    expect(py.text).toContain('program.load("program.json")');
    expect(py.text).toMatch(/self\.\w+ = dspy\.ChainOfThought\(\w+\)/);
    expect(errors).toEqual([]);
    await context.close();
    if (!PYTHON) {
      console.warn('exports.test.ts: python3 is not on PATH; the downloaded program.py was not run.');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'export-e2e-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'program.py'), py.text);
    writeFileSync(join(dir, 'program.json'), json.text);
    const run = spawnSync(PYTHON, [STUB_RUNNER, join(dir, 'program.py'), JSON.stringify({ question: 'Why?' })], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout) as { parameters: string[]; prediction: Record<string, unknown> };
    expect(out.parameters).toEqual(Object.keys(JSON.parse(json.text) as object).filter((k) => k !== 'metadata'));
    expect(Object.keys(out.prediction)).toEqual(['answer']);
  });

  it('"Export prompt" downloads each step\'s messages for the typed input: the first exact, later ones waiting for earlier outputs', async () => {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const context = await browser.newContext({ viewport, acceptDownloads: true });
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(`${inject('appUrl')}#p=${encodeShare(payload)}`);
      await page.getByRole('dialog').getByRole('button', { name: 'Open in workspace' }).click();
      const panel = page.getByRole('region', { name: 'Share and export' });
      await panel.getByText('Export the prompts for one input').click();
      await panel.getByRole('textbox', { name: 'question' }).fill(QUESTION);
      const file = await download(page, panel, 'Export prompt');
      expect(file.name).toBe('prompts.json');
      const exported = JSON.parse(file.text) as ReturnType<typeof renderPrompts>;
      // What the program renders for this input, computed here from the same program and state.
      const expected = renderPrompts(MULTI_HOP, HOP_STATE, { question: QUESTION });
      expect({ ...exported, model_hint: undefined }).toEqual({ ...expected, model_hint: undefined });
      expect(exported.steps.map((s) => [s.step, s.exact])).toEqual([['generate_query_1', true], ['generate_query_2', false], ['generate_answer', false]]);
      expect(exported.steps[0]!.messages.at(-1)!.content).toContain(`[[ ## question ## ]]\n${QUESTION}`);
      await expect.poll(() => panel.getByRole('status').filter({ hasText: 'prompts.json' }).textContent()).toBe('Saved prompts.json: 3 steps; 2 wait for earlier outputs, marked {{step.field}}.');
      await panelShots(page, panel, `share-exports-${viewport.width}`);
      await screenshot(page, `share-exports-page-${viewport.width}`);
      expect(errors).toEqual([]);
      await context.close();
    }
  });
});
