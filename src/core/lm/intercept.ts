/**
 * A model that is `lm` with its calls passed through `call`: the one way to wrap a model, so
 * every wrapper keeps the id, the concurrency and the role's output channel (a wrapper that
 * dropped the channel would silently send chat requests to a model meant for JSON schemas).
 */
import type { CallOptions, LanguageModel, LMRequest, LMResponse } from './types';

export function interceptCalls(lm: LanguageModel, call: (request: LMRequest, options?: CallOptions) => Promise<LMResponse>): LanguageModel {
  return { id: lm.id, maxConcurrency: lm.maxConcurrency, ...(lm.output && { output: lm.output }), call };
}
