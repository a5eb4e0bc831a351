/**
 * Launches Debian's Chromium through playwright-core (never `npx playwright install`).
 * Two profiles: without WebGPU (no adapter) and with `--enable-unsafe-webgpu` (SwiftShader's
 * software adapter: no shader-f16, slow).
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BASE_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type Profile = 'no-webgpu' | 'webgpu';

export async function launch(profile: Profile = 'no-webgpu'): Promise<Browser> {
  const args = profile === 'webgpu' ? [...BASE_FLAGS, '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader'] : BASE_FLAGS;
  return chromium.launch({ executablePath: CHROMIUM, args });
}

/** Saves a screenshot under test-results/screenshots/ (look at them when changing the UI). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync('test-results/screenshots', { recursive: true });
  const path = `test-results/screenshots/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Collects console errors and uncaught exceptions of a page. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

/**
 * Screenshots in light and dark, then back to light: of `part` (a card), whole even where it
 * runs past the viewport, or of the viewport. Cards off screen skip painting
 * (`content-visibility: auto`), so they are all painted first.
 */
export async function schemeShots(page: Page, name: string, part?: Locator): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.addStyleTag({ content: '.card { content-visibility: visible !important; }' });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const path = `test-results/screenshots/${name}-${scheme}.png`;
    // From the top, so the sticky header is drawn there and not over the card.
    if (part) await page.evaluate(() => window.scrollTo(0, 0));
    const box = part && (await part.boundingBox());
    const scrollY = await page.evaluate(() => window.scrollY);
    await page.screenshot(box ? { path, fullPage: true, clip: { ...box, y: box.y + scrollY } } : { path });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
