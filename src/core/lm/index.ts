/**
 * Language models: the `LanguageModel` interface and its implementations (OpenAI-compatible
 * HTTP, scripted), the call cache, and per-role usage accounting.
 */
export type { CacheStore, CallOptions, LanguageModel, LMRequest, LMResponse, LMRole, UsageSnapshot } from './types';
export { LM_ROLES } from './types';
export { UsageMeter, emptyUsage } from './usage';
export { cacheKey, MemoryCacheStore } from './cache';
export { createAccountedLM } from './accounted-lm';
export { OpenAICompatibleLM, DEFAULT_MAX_CONCURRENCY, type OpenAICompatibleOptions } from './openai-client';
export { ScriptedLM, type ScriptedLMOptions } from './scripted-lm';
