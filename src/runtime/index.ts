/**
 * The browser runtime for local models: WebGPU detection, the model catalog, and the WebLLM
 * engine (in its own worker) as a LanguageModel. Nothing here imports web-llm's code: the
 * engine is loaded only inside src/workers/llm.worker.ts.
 */
export { detectWebGPU, webgpuHelp, type WebGPUStatus } from './webgpu';
export { chooseDefaultModel, compatibleModels, type ModelInfo } from './model-catalog';
export { WebLLMModel, type LoadProgress } from './webllm-lm';
export { WorkerEngineClient } from './webllm-worker-client';
export { listCachedModels, deleteCachedModel } from './webllm-cache';
export type { CustomModelRecord } from '../protocol/local-model';
