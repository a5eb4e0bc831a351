/**
 * The import rules of the tree (DESIGN.md "Architecture"), checked by `npm run check`.
 *
 * Data flows one way: core -> storage -> workers/runtime -> ui. The core is pure (it runs in
 * Node and in a worker); the worker protocols are a leaf both sides share; the page's runtime
 * and the workers talk only through them; the UI and storage use the core through each
 * folder's public face (its index.ts, or a file at the top of src/core).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles hide the order things initialize in; split the shared part out.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'src/core runs in Node and in a worker: no DOM frameworks, storage, workers, web-llm or app layers.',
      from: { path: '^src/core/' },
      to: { path: ['^src/(?!core/)', '(^|/)node_modules/(svelte|idb|comlink|@mlc-ai/web-llm|fake-indexeddb)/'] },
    },
    {
      name: 'storage-below-app',
      severity: 'error',
      comment: 'Storage sits under the workers and the UI and knows neither.',
      from: { path: '^src/storage/' },
      to: { path: '^src/(ui|workers|runtime|cli|node)/' },
    },
    {
      name: 'protocol-is-a-leaf',
      severity: 'error',
      comment: 'The worker protocols are types shared by both sides of a boundary; they import only the core.',
      from: { path: '^src/protocol/' },
      to: { path: '^src/(?!core/|protocol/)' },
    },
    {
      name: 'runtime-not-workers',
      severity: 'error',
      comment: 'The page runtime and the workers meet only in src/protocol.',
      from: { path: '^src/runtime/' },
      to: { path: '^src/workers/', pathNot: '\\.worker\\.ts$' },
    },
    {
      name: 'workers-not-runtime',
      severity: 'error',
      comment: 'The page runtime and the workers meet only in src/protocol.',
      from: { path: '^src/workers/' },
      to: { path: '^src/runtime/' },
    },
    {
      name: 'core-through-its-face',
      severity: 'error',
      comment:
        'The UI and storage use the core through a folder\'s index.ts (or a file at the top of src/core). A deliberate split for code splitting gets its own small entry file at the top of src/core.',
      from: { path: '^src/(ui|storage)/' },
      to: { path: '^src/core/[^/]+/', pathNot: '^src/core/[^/]+/index\\.ts$' },
    },
    {
      name: 'ui-on-top',
      severity: 'error',
      comment: 'Nothing below the UI imports it.',
      from: { path: '^src/(core|storage|workers|runtime|protocol|cli|node)/' },
      to: { path: '^src/ui/' },
    },
    {
      name: 'web-llm-in-its-worker',
      severity: 'error',
      comment: 'web-llm is ~6 MB: only its worker loads its code (types may be imported anywhere).',
      from: { path: '^src/', pathNot: '^src/workers/llm\\.worker\\.ts$' },
      to: { path: '(^|/)node_modules/@mlc-ai/web-llm/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A file nothing imports is dead or forgotten (knip reports unused exports).',
      from: { orphan: true, path: '^src/', pathNot: ['\\.d\\.ts$', '^src/main\\.ts$', '\\.worker\\.ts$', '^src/cli/', 'tsconfig\\.json$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.svelte', '.js', '.json'] },
    exclude: { path: '^src/vite-env\\.d\\.ts$' },
  },
};
