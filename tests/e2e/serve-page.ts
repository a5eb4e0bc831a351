/**
 * Builds a test page (a folder with index.html) with Vite's API into a temp dir and serves it
 * on 127.0.0.1, so runtime tests can drive the real workers and IndexedDB without the UI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { build, preview, type PreviewServer } from 'vite';

export interface ServedPage {
  url: string;
  close(): Promise<void>;
}

export async function buildAndServePage(root: string): Promise<ServedPage> {
  const outDir = mkdtempSync(join(tmpdir(), 'promptlab-page-'));
  // The Svelte plugin lets a page mount one of the app's components on its own.
  const config = { root: resolve(root), configFile: false as const, plugins: [svelte()], base: './', logLevel: 'warn' as const, worker: { format: 'es' as const }, build: { outDir, emptyOutDir: true, target: 'es2022' } };
  await build(config);
  const server: PreviewServer = await preview({ ...config, preview: { host: '127.0.0.1', port: 0 } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the preview server did not report its URL');
  return {
    url,
    async close() {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
