/**
 * The page's side of the local model for the optimizer worker: the worker calls through this
 * bridge (comlink) and the page forwards to the WebLLM model it owns (the page owns that
 * worker because it also shows download progress). Errors travel back as plain data.
 */
import { toErrorData } from '../core/errors';
import type { LanguageModel } from '../core/lm';
import type { LocalModelBridge } from '../protocol/optimizer';

/** A bridge over a loaded local model (a WebLLMModel, or any LanguageModel in tests). */
export function createLocalModelBridge(model: LanguageModel): LocalModelBridge {
  let current: AbortController | undefined;
  return {
    async call(request) {
      current = new AbortController();
      try {
        return { ok: true, value: await model.call(request, { signal: current.signal }) };
      } catch (err) {
        return { ok: false, error: toErrorData(err) };
      } finally {
        current = undefined;
      }
    },
    // Aborting the call's signal makes WebLLMModel interrupt the generation in progress.
    async interrupt() {
      current?.abort();
    },
  };
}
