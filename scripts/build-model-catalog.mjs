/**
 * Writes src/runtime/model-catalog.json: a small snapshot of web-llm's `prebuiltAppConfig`.
 *
 * Why a snapshot: web-llm ships as one ~6.8 MB ES module, and importing only
 * `prebuiltAppConfig` from it still bundles all of it (measured: 6.07 MB minified, 2.1 MB gzip),
 * so the page would download the engine just to show a model list. The snapshot keeps only
 * what the catalog shows (~20 KB). Run it after upgrading @mlc-ai/web-llm:
 *   node scripts/build-model-catalog.mjs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';

const pkg = JSON.parse(readFileSync(new URL('../node_modules/@mlc-ai/web-llm/package.json', import.meta.url), 'utf8'));

const models = prebuiltAppConfig.model_list.map((r) => {
  const row = { model_id: r.model_id, vram_required_MB: r.vram_required_MB ?? null };
  if (r.model_type !== undefined) row.model_type = r.model_type;
  if (r.low_resource_required !== undefined) row.low_resource_required = r.low_resource_required;
  if (r.overrides?.context_window_size !== undefined) row.context_window_size = r.overrides.context_window_size;
  if (r.required_features?.length) row.required_features = r.required_features;
  if (r.buffer_size_required_bytes !== undefined) row.buffer_size_required_bytes = r.buffer_size_required_bytes;
  return row;
});

const out = { webllmVersion: pkg.version, models };
const path = new URL('../src/runtime/model-catalog.json', import.meta.url);
writeFileSync(path, JSON.stringify(out, null, 0).replace(/\},\{/g, '},\n{') + '\n');
console.log(`wrote ${models.length} model records from web-llm ${pkg.version} to src/runtime/model-catalog.json`);
