/**
 * Language models: the `LanguageModel` interface and its implementations (OpenAI-compatible
 * HTTP, scripted), the call cache, and per-role usage accounting.
 */
export type {
  CacheStore,
  CallOptions,
  ChatMessage,
  LanguageModel,
  LMRequest,
  LMResponse,
  LMRole,
  RoleUsage,
  TokenUsage,
  UsageSnapshot,
} from './types';
export { LM_ROLES } from './types';
export type { CallContext, CallPhase, LMCallRecord } from './types';
export { callRecord } from './call-record';
export { UsageMeter, emptyUsage, totalUsage, type UsageListener } from './usage';
export { cacheKey, copyResponse, MemoryCacheStore } from './cache';
export { createAccountedLM, type AccountedLMOptions } from './accounted-lm';
export { OpenAICompatibleLM, DEFAULT_MAX_CONCURRENCY, type FetchLike, type FetchRequestInit, type FetchResponseLike, type OpenAICompatibleOptions } from './openai-client';
export { ScriptedLM, estimateTokens, type Script, type ScriptedLMOptions } from './scripted-lm';
export { Semaphore, sleep, raceAbort } from './semaphore';
