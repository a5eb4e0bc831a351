/**
 * Language models: the `LanguageModel` interface and its implementations (OpenAI-compatible
 * HTTP, scripted), the call cache, and per-role usage accounting.
 */
export type { CacheStore, CallOptions, CallPhase, ChatMessage, LanguageModel, LMCallRecord, LMRequest, LMResponse, LMRole, OutputMode, ResolvedOutput, TokenUsage, UsageSnapshot } from './types';
export { LM_ROLES, OUTPUT_MODES } from './types';
export { DEFAULT_MAX_REASONING_TOKENS, type OutputMemory, type OutputDecision } from './output';
export { UsageMeter, emptyUsage } from './usage';
export { cacheKey, copyResponse, MemoryCacheStore } from './cache';
export { createAccountedLM } from './accounted-lm';
export { OpenAICompatibleLM, DEFAULT_MAX_CONCURRENCY, type OpenAICompatibleOptions } from './openai-client';
export { ScriptedLM, type ScriptedLMOptions } from './scripted-lm';
export { probeLatency } from './probe';
export { checkEndpoint, type CheckFetch } from './endpoint-check';
