/**
 * What crosses the boundary between the page and the local-model worker (types only).
 *
 * The worker runs web-llm's own `WebWorkerMLCEngineHandler`, so the engine messages are
 * web-llm's `WorkerRequest` / `WorkerResponse` (imported as types: no code from web-llm enters
 * the page's bundle). We add a few messages of our own, all prefixed "promptlab:", which our
 * worker answers before handing anything else to web-llm's handler.
 */
import type { ChatCompletion, ChatCompletionMessageParam, ChatCompletionRequestNonStreaming, InitProgressReport } from '@mlc-ai/web-llm';

/** Which storage web-llm caches model files in (web-llm's `AppConfig.cacheBackend`). */
export type CacheBackend = 'cache' | 'indexeddb' | 'opfs' | 'cross-origin';

/** One model record for a custom app config (web-llm's `ModelRecord`, the fields we use). */
export interface CustomModelRecord {
  model: string;
  model_id: string;
  model_lib: string;
  vram_required_MB?: number;
  low_resource_required?: boolean;
  required_features?: string[];
  overrides?: Record<string, unknown>;
}

/** Engine configuration sent to the worker: a custom model list, or web-llm's prebuilt one. */
export interface EngineConfig {
  /** Custom models; when absent the worker uses web-llm's `prebuiltAppConfig.model_list`. */
  modelList?: CustomModelRecord[];
  cacheBackend?: CacheBackend;
}

/** What we know about one model in the browser's cache. */
export interface CachedModelStatus {
  modelId: string;
  cached: boolean;
  /** Bytes stored for the model, when the backend lets us count them (Cache API only). */
  bytes?: number;
}

/** Our own requests to the worker. */
export type PromptLabRequest =
  | { kind: 'promptlab:configure'; uuid: string; content: EngineConfig }
  | { kind: 'promptlab:cacheStatus'; uuid: string; content: { modelIds: string[] } }
  | { kind: 'promptlab:deleteModel'; uuid: string; content: { modelId: string } };

/** The worker answers our requests the way web-llm's handler does: return or throw (a string). */
export type PromptLabResponse = { kind: 'return'; uuid: string; content: unknown } | { kind: 'throw'; uuid: string; content: string };

export type { ChatCompletion, ChatCompletionMessageParam, ChatCompletionRequestNonStreaming, InitProgressReport };

/**
 * The engine as WebLLMModel uses it. The worker client implements it; tests use an in-process
 * fake with the same `chat.completions.create` contract.
 */
export interface LocalEngine {
  configure(config: EngineConfig): Promise<void>;
  setInitProgressCallback(callback: ((report: InitProgressReport) => void) | undefined): void;
  reload(modelId: string): Promise<void>;
  chat: { completions: { create(request: ChatCompletionRequestNonStreaming): Promise<ChatCompletion> } };
  interruptGenerate(): void;
  unload(): Promise<void>;
  /** Calls `listener` once when the engine's host (the worker) dies; returns an unsubscribe. */
  onDeath(listener: (reason: string) => void): () => void;
  /** Ends the engine's host (terminates the worker); pending calls reject. */
  dispose(): void;
}

/** Cache management, answered by the worker (web-llm's cache helpers run there). */
export interface EngineCacheHost {
  configure(config: EngineConfig): Promise<void>;
  cacheStatus(modelIds: string[]): Promise<CachedModelStatus[]>;
  /** Deletes the model's weights, config and wasm; false when it was not cached. */
  deleteModel(modelId: string): Promise<boolean>;
}
