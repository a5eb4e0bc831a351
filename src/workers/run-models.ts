/**
 * Model clients inside the optimizer worker: OpenAI-compatible endpoints are called directly
 * (the key stays in this worker's memory and goes only to its own endpoint); the local WebLLM
 * model is reached through the page's bridge (the page owns that worker).
 */
import { PlaygroundError, fromErrorData, throwIfAborted } from '../core/errors';
import { OpenAICompatibleLM } from '../core/lm';
import type { LanguageModel } from '../core/lm/types';
import type { ModelConfig } from '../core/runner';
import type { LocalModelBridge } from '../protocol/optimizer';

export function createModel(cfg: ModelConfig, localModel: LocalModelBridge | undefined): LanguageModel {
  switch (cfg.provider) {
    case 'openai-compatible':
      return new OpenAICompatibleLM({
        baseURL: cfg.baseURL,
        model: cfg.model,
        ...(cfg.apiKey && { apiKey: cfg.apiKey }),
        ...(cfg.headers && { headers: cfg.headers }),
        ...(cfg.maxConcurrency !== undefined && { maxConcurrency: cfg.maxConcurrency }),
        ...(cfg.timeoutMs !== undefined && { timeoutMs: cfg.timeoutMs }),
        ...(cfg.maxRetries !== undefined && { maxRetries: cfg.maxRetries }),
      });
    case 'webllm':
      return bridgeModel(cfg.model, localModel);
    default:
      throw new PlaygroundError('CONFIG_INVALID', `Provider "${cfg.provider}" is not available in the browser.`, {
        hint: 'Pick a local model or an OpenAI-compatible endpoint.',
      });
  }
}

/** The local model behind the page's bridge. web-llm queues requests, so one call at a time. */
function bridgeModel(model: string, bridge: LocalModelBridge | undefined): LanguageModel {
  return {
    id: `webllm:${model}`,
    maxConcurrency: 1,
    async call(request, options) {
      if (!bridge) {
        throw new PlaygroundError('WEBGPU_UNAVAILABLE', `The local model ${model} is not loaded in this tab.`, {
          hint: 'Load the model in the Models panel (it needs WebGPU), or use an API model.',
        });
      }
      throwIfAborted(options?.signal);
      const onAbort = () => void bridge.interrupt();
      options?.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const { context: _context, rolloutId: _rollout, ...sent } = request;
        const out = await bridge.call(sent);
        throwIfAborted(options?.signal);
        if (!out.ok) throw fromErrorData(out.error);
        return out.value;
      } finally {
        options?.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
