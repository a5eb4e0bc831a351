/**
 * Run bundles in the browser tests: written to a temporary file, imported from the Runs view
 * as a replay (no model needed), and teaching mode switched on.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { serializeBundle, type RunBundle } from '../../src/ui/bundle';

/** Writes `bundle` to a new temporary file and returns its path. */
export function writeBundleFile(bundle: RunBundle): string {
  const file = join(mkdtempSync(join(tmpdir(), 'promptlab-bundle-')), 'run.json');
  writeFileSync(file, serializeBundle(bundle));
  return file;
}

/** Opens the app and imports the bundle at `file` from Runs; resolves once its replay shows. */
export async function importBundle(page: Page, file: string): Promise<void> {
  await page.goto(inject('appUrl'));
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Runs' }).click();
  await page.getByLabel('Import run bundle').setInputFiles(file);
  await expect.poll(() => page.getByLabel('Run status').textContent()).toContain('replay');
}

/** {@link importBundle}, then teaching mode on; returns the teaching panel. */
export async function openTeaching(page: Page, file: string): Promise<Locator> {
  await importBundle(page, file);
  const toggle = page.getByRole('switch', { name: 'Teaching mode' });
  if (!(await toggle.isChecked())) await toggle.check();
  return page.getByRole('complementary', { name: 'Teaching mode' });
}
