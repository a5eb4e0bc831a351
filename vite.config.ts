import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  test: {
    setupFiles: ['tests/unit/setup.ts'],
    environment: 'node',
    testTimeout: 20_000,
    // Hooks build fixtures (a scripted run, a bundle): on CI's two shared cores they can take
    // far longer than vitest's default 10 s.
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], exclude: ['tests/unit/**/*.svelte.test.ts'] } },
      // The UI state classes use runes: their tests load them compiled for the browser (as the
      // app runs them, with live `$state`/`$derived`), still in Node and without a DOM.
      {
        extends: true,
        resolve: { conditions: ['browser'] },
        test: { name: 'ui-state', include: ['tests/unit/**/*.svelte.test.ts'], environment: './tests/unit/ui/svelte-client-environment.ts' },
      },
    ],
  },
});
