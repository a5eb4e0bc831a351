import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { collectErrors, launch, screenshot } from './browser';

describe('app shell', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch('no-webgpu');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('builds, loads and renders without errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    await page.goto(inject('appUrl'));
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('PromptLab');
    await screenshot(page, 'app-shell');
    expect(errors).toEqual([]);
  });
});
