/**
 * Share links in the browser: a link made in Node opens in a fresh profile with a preview of
 * what it holds before anything is loaded; a truncated link gives the SHARE_INVALID message;
 * a link copied from the app never contains the API key typed into it.
 */
import { deflateSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { decodeShare, encodeShare, type SharePayload } from '../../src/core/share';
import { crc32, toBase64Url } from '../../src/core/share/bytes';
import { collectErrors, launch, screenshot } from './browser';
import { buildAndServePage } from './serve-page';

/** A format-1 link for any payload, made as a hand-crafted one would be (no validation). */
function craftLink(data: unknown): string {
  const json = new TextEncoder().encode(JSON.stringify(data));
  const deflated = deflateSync(json, { level: 9 });
  const bytes = new Uint8Array(deflated.length + 4);
  bytes.set(deflated);
  new DataView(bytes.buffer).setUint32(deflated.length, crc32(json));
  return `p1.${toBase64Url(bytes)}`;
}

const INSTRUCTION = 'Read the petal length first; it separates the three species.';

const payload: SharePayload = {
  v: 1,
  spec: {
    version: 1,
    name: 'Iris classifier (shared)',
    inputs: [{ name: 'petal_length' }, { name: 'petal_width' }],
    steps: [{ id: 'classify', kind: 'chain_of_thought', signature: 'petal_length, petal_width -> species' }],
    outputs: { species: 'classify.species' },
  },
  state: {
    classify: { instruction: INSTRUCTION, demos: [{ fields: { petal_length: 1.4, petal_width: 0.2, reasoning: 'Short petals.', species: 'setosa' } }] },
  },
  meta: { name: 'Iris classifier (shared)', metric: { kind: 'exact_match', field: 'species' }, scores: { val: 0.9, test: 0.93, baselineTest: 0.6 }, optimizer: 'MIPROv2 (light)' },
};

describe('share links', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch('no-webgpu');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('previews a shared program before loading it, then opens the same steps', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${inject('appUrl')}#p=${encodeShare(payload)}`);
    const dialog = page.getByRole('dialog', { name: 'Iris classifier (shared)' });
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain(INSTRUCTION);
    await expect(dialog.textContent()).resolves.toContain('1 demo');
    await expect(dialog.textContent()).resolves.toContain('93.0%');
    await screenshot(page, 'share-preview-1280');
    await dialog.getByRole('button', { name: 'Open in workspace' }).click();
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);

    const program = page.locator('#step-program');
    await expect(program.getByRole('textbox', { name: 'Step 1 id' }).inputValue()).resolves.toBe('classify');
    await expect(program.getByRole('combobox', { name: 'Step 1 kind' }).inputValue()).resolves.toBe('chain_of_thought');
    await expect(program.textContent()).resolves.toContain(INSTRUCTION);
    expect(new URL(page.url()).hash).toBe('');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('cancel leaves the workspace as it was', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${inject('appUrl')}#p=${encodeShare(payload)}`);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('textbox', { name: 'Signature' }).inputValue()).resolves.toBe('question -> answer');
    await context.close();
  });

  it('a truncated link shows the SHARE_INVALID message and nothing crashes', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    const encoded = encodeShare(payload);
    await page.goto(`${inject('appUrl')}#p=${encoded.slice(0, Math.floor(encoded.length / 2))}`);
    const dialog = page.getByRole('dialog', { name: 'This share link cannot be opened' });
    await dialog.waitFor();
    const alert = dialog.locator('[data-code="SHARE_INVALID"]');
    await expect(alert.textContent()).resolves.toMatch(/cut off|damaged|altered/);
    await screenshot(page, 'share-invalid-390');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'Data' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('crafted links with a repeated step id or a dangling binding give a clear SHARE_INVALID message, no crash', async () => {
    const step = payload.spec.steps[0]!;
    const repeated = { ...payload, spec: { ...payload.spec, steps: [step, { ...step }] } };
    const dangling = { ...payload, spec: { ...payload.spec, steps: [{ ...step, bind: { petal_width: 'sepal.width' } }] } };
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    for (const [crafted, says] of [[repeated, /Two steps share the id "classify"/], [dangling, /"sepal\.width"/]] as const) {
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(`${inject('appUrl')}#p=${craftLink(crafted)}`);
      const dialog = page.getByRole('dialog', { name: 'This share link cannot be opened' });
      await dialog.waitFor();
      await expect(dialog.locator('[data-code="SHARE_INVALID"]').textContent()).resolves.toMatch(says);
      await dialog.getByRole('button', { name: 'Close' }).click();
      await page.getByRole('heading', { name: 'Data' }).waitFor();
      expect(errors).toEqual([]);
      await page.close();
    }
    await context.close();
  });

  it('the preview shows whatever reaches it, even steps that share an id, without crashing', async () => {
    const served = await buildAndServePage('tests/e2e/pages/share-preview');
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectErrors(page);
    try {
      await page.goto(served.url);
      await page.locator('body[data-mounted]').waitFor({ state: 'attached' });
      expect(errors).toEqual([]);
      await expect(page.locator('body').getAttribute('data-mounted')).resolves.toBe('true');
      const steps = page.getByRole('list', { name: 'Shared steps' }).getByRole('listitem');
      await expect(steps.count()).resolves.toBe(2);
      await expect(steps.allTextContents()).resolves.toEqual([expect.stringMatching(/answer\s+predict/), expect.stringMatching(/answer\s+chain_of_thought/)]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await served.close();
    }
  });

  it('a copied link never contains the API key', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(inject('appUrl'));
    const secret = 'sk-test-NEVER-IN-LINKS-1234567890';
    await page.getByRole('textbox', { name: 'API key' }).first().fill(secret);
    await page.getByRole('button', { name: 'Copy link' }).click();
    const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
    expect(link).toContain('#p=');
    expect(link).not.toContain(secret);
    const decoded = decodeShare(link);
    expect(JSON.stringify(decoded)).not.toContain(secret);
    expect(decoded.spec.steps[0]?.id).toBe('generate');
    await context.close();
  });
});
