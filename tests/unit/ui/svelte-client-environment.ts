import type { Environment } from 'vitest/environments';

export default <Environment>{
  name: 'svelte-client',
  viteEnvironment: 'client',
  setup() {
    (globalThis as any).__svelteClientEnv = true;
    return { teardown() {} };
  },
};
