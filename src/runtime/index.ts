/**
 * The browser runtime for local models: WebGPU detection, the model catalog, and the WebLLM
 * engine (in its own worker) as a LanguageModel. Nothing here imports web-llm's code: the
 * engine is loaded only inside src/workers/llm.worker.ts.
 */
export { detectWebGPU, webgpuHelp, type WebGPUStatus, type NavigatorLike, type GpuAdapterLike } from './webgpu';
export {
  MODEL_CATALOG,
  CATALOG_WEBLLM_VERSION,
  buildCatalog,
  chooseDefaultModel,
  compatibleModels,
  estimateVramBudgetMB,
  incompatibility,
  type ModelInfo,
  type PrebuiltModelRecord,
} from './model-catalog';
export { WebLLMModel, type WebLLMModelOptions, type WebLLMLoadOptions, type WebLLMState, type LoadProgress } from './webllm-lm';
export { WorkerEngineClient, createLLMWorker, type WorkerLike } from './webllm-worker-client';
export { listCachedModels, deleteCachedModel, type CachedModel, type CacheConfig } from './webllm-cache';
export { mapWebLLMError } from './webllm-errors';
export type { CacheBackend, CustomModelRecord, EngineConfig, LocalEngine, EngineCacheHost, CachedModelStatus } from '../protocol/local-model';
export { createLocalModelBridge } from './local-model-bridge';
export { RunClient, createOptimizerWorker } from './run-client';
