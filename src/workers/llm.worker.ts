/**
 * The local-model worker: web-llm's engine behind its own `WebWorkerMLCEngineHandler`.
 *
 * web-llm (6.8 MB) is imported only here, so the page's bundle never carries it. We answer our
 * own "promptlab:" messages (engine configuration and cache management, see
 * src/runtime/webllm-protocol.ts) and hand every other message to web-llm's handler.
 */
import { WebWorkerMLCEngineHandler, deleteModelAllInfoInCache, hasModelInCache, prebuiltAppConfig, type AppConfig } from '@mlc-ai/web-llm';
import type { CachedModelStatus, EngineConfig, PromptLabRequest, PromptLabResponse } from '../protocol/local-model';

const handler = new WebWorkerMLCEngineHandler();
let appConfig: AppConfig = prebuiltAppConfig;

self.onmessage = (event: MessageEvent) => {
  const msg = event.data as { kind?: unknown; uuid?: unknown; content?: unknown };
  if (typeof msg?.kind === 'string' && msg.kind.startsWith('promptlab:')) {
    void answer(msg as PromptLabRequest);
    return;
  }
  if (msg?.kind === 'reload') {
    // web-llm reports nothing until its wasm has been fetched and started; tell the page that
    // loading has begun, through web-llm's own progress channel.
    const modelId = (msg.content as { modelId?: string[] } | null)?.modelId?.join(', ') ?? '';
    postMessage({ kind: 'initProgressCallback', uuid: '', content: { progress: 0, timeElapsed: 0, text: `Fetching the config and library of ${modelId}` } });
  }
  handler.onmessage(event);
};

async function answer(msg: PromptLabRequest): Promise<void> {
  let response: PromptLabResponse;
  try {
    response = { kind: 'return', uuid: msg.uuid, content: await run(msg) };
  } catch (err) {
    response = { kind: 'throw', uuid: msg.uuid, content: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
  postMessage(response);
}

async function run(msg: PromptLabRequest): Promise<unknown> {
  switch (msg.kind) {
    case 'promptlab:configure':
      appConfig = toAppConfig(msg.content);
      handler.engine.setAppConfig(appConfig);
      return null;
    case 'promptlab:cacheStatus':
      return Promise.all(msg.content.modelIds.map(cacheStatus));
    case 'promptlab:deleteModel': {
      // web-llm's delete helpers throw on a model that was never cached: ask first.
      if (!(await hasModelInCache(msg.content.modelId, appConfig))) return false;
      await deleteModelAllInfoInCache(msg.content.modelId, appConfig);
      return true;
    }
  }
}

function toAppConfig(config: EngineConfig): AppConfig {
  const modelList = (config.modelList as AppConfig['model_list'] | undefined) ?? prebuiltAppConfig.model_list;
  const next: AppConfig = { model_list: modelList };
  if (config.cacheBackend !== undefined) next.cacheBackend = config.cacheBackend;
  return next;
}

async function cacheStatus(modelId: string): Promise<CachedModelStatus> {
  const cached = await hasModelInCache(modelId, appConfig);
  const status: CachedModelStatus = { modelId, cached };
  if (cached && (appConfig.cacheBackend ?? 'cache') === 'cache') {
    const bytes = await cacheApiBytes(modelId);
    if (bytes !== undefined) status.bytes = bytes;
  }
  return status;
}

/** Sums the sizes of a model's entries in web-llm's Cache API stores (weights, config, wasm). */
async function cacheApiBytes(modelId: string): Promise<number | undefined> {
  const record = appConfig.model_list.find((r) => r.model_id === modelId);
  if (!record || typeof caches === 'undefined') return undefined;
  const base = modelBaseUrl(record.model);
  let total = 0;
  for (const scope of ['webllm/model', 'webllm/config', 'webllm/wasm']) {
    const cache = await caches.open(scope);
    for (const request of await cache.keys()) {
      if (!request.url.startsWith(base) && request.url !== record.model_lib) continue;
      const response = await cache.match(request);
      if (!response) continue;
      const length = Number(response.headers.get('content-length'));
      // Blob sizes come from the cache's metadata; the bytes are not read.
      total += Number.isFinite(length) && length > 0 ? length : (await response.blob()).size;
    }
  }
  return total;
}

/** web-llm's rule for model URLs: "https://host/user/model" means ".../resolve/main/". */
function modelBaseUrl(model: string): string {
  let url = model.endsWith('/') ? model : `${model}/`;
  if (!/.+\/resolve\/.+\//.test(url)) url += 'resolve/main/';
  return new URL(url, self.location.origin).href;
}
