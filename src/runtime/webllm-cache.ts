/**
 * Cache management for local models: what is cached, how big it is, delete.
 *
 * web-llm's cache helpers (`hasModelInCache`, `deleteModelAllInfoInCache`) run inside the model
 * worker (see src/workers/llm.worker.ts), so the page never loads web-llm; these functions ask
 * the worker through an EngineCacheHost (a WorkerEngineClient). The origin's usage and quota
 * (models included) come from `storageEstimate` in src/storage/estimate.ts.
 */
import { PlaygroundError } from '../core/errors';
import type { ModelInfo } from './model-catalog';
import { mapWebLLMError } from './webllm-errors';
import type { CacheBackend, CustomModelRecord, EngineCacheHost } from '../protocol/local-model';

/** A catalog model that is in the browser's cache. */
export interface CachedModel {
  model: ModelInfo;
  /** Bytes stored, when the cache backend lets us count them (the Cache API does). */
  bytes?: number;
}

/** The models' cache location: web-llm's prebuilt list or custom records, and the backend. */
export interface CacheConfig {
  model_list?: CustomModelRecord[];
  cacheBackend?: CacheBackend;
}

/** Lists the catalog models that are cached, with their sizes where known. */
export async function listCachedModels(host: EngineCacheHost, catalog: readonly ModelInfo[], appConfig: CacheConfig = {}): Promise<CachedModel[]> {
  try {
    await host.configure(toEngineConfig(appConfig));
    const statuses = await host.cacheStatus(catalog.map((m) => m.id));
    const byId = new Map(catalog.map((m) => [m.id, m]));
    const cached: CachedModel[] = [];
    for (const s of statuses) {
      const model = byId.get(s.modelId);
      if (!model || !s.cached) continue;
      cached.push(s.bytes === undefined ? { model } : { model, bytes: s.bytes });
    }
    return cached;
  } catch (err) {
    throw cacheError(err, 'reading the model cache');
  }
}

/** Deletes a cached model (weights, config, wasm). Returns false when it was not cached. */
export async function deleteCachedModel(host: EngineCacheHost, modelId: string, appConfig: CacheConfig = {}): Promise<boolean> {
  try {
    await host.configure(toEngineConfig(appConfig));
    return await host.deleteModel(modelId);
  } catch (err) {
    throw cacheError(err, `deleting model "${modelId}" from the cache`);
  }
}

function toEngineConfig(appConfig: CacheConfig): { modelList?: CustomModelRecord[]; cacheBackend?: CacheBackend } {
  const config: { modelList?: CustomModelRecord[]; cacheBackend?: CacheBackend } = {};
  if (appConfig.model_list) config.modelList = appConfig.model_list;
  if (appConfig.cacheBackend) config.cacheBackend = appConfig.cacheBackend;
  return config;
}

function cacheError(err: unknown, doing: string): PlaygroundError {
  const mapped = mapWebLLMError(err, '(cache)', 'load');
  if (mapped.code === 'STORAGE_QUOTA' || mapped.code === 'MODEL_ENGINE_DIED') return mapped;
  return new PlaygroundError('CACHE_IO', `Failed while ${doing}: ${mapped.message}`, { hint: 'Reload the page and try again.', cause: err });
}
