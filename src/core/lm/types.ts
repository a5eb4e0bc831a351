import type { ErrorData } from '../errors';

/** One chat message, exactly as sent to (or received from) a model. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Sampling parameters plus the messages: everything that determines a model's answer. */
export interface LMRequest {
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** Number of completions wanted (default 1). */
  n?: number;
  seed?: number;
  stop?: string[];
  /** Constrained decoding: a JSON object, or one matching a schema (absent: free text). */
  responseFormat?: ResponseFormat;
  /**
   * Deliberate resampling: two requests that differ only in rollout id are different cache
   * entries (DSPy's `rollout_id`). It is never sent to the model.
   */
  rolloutId?: number | string;
  /** Where in a run the call is made (for traces). Never sent, and not part of the cache key. */
  context?: CallContext;
}

/**
 * What the model is asked to return, as OpenAI's `response_format` names it. Each provider
 * sends it in its own shape (openai-client.ts, webllm-lm.ts).
 * - `json_object`: any JSON object (servers that offer JSON mode but no schemas).
 * - `json_schema`: an object matching `schema`; `strict` asks the server to enforce it.
 */
export type ResponseFormat =
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict: boolean };

/**
 * How a model is asked for its answers (a model entry's `output`):
 * - `chat`: DSPy's ChatAdapter, `[[ ## field ## ]]` sections, free text;
 * - `json`: DSPy's JSONAdapter, sent with `{ type: 'json_object' }`;
 * - `json_schema`: DSPy's JSONAdapter, sent with the signature's JSON Schema;
 * - `auto`: `json_schema`, falling back to `chat` when the model or server refuses schemas.
 */
export type OutputMode = 'chat' | 'json' | 'json_schema' | 'auto';
export const OUTPUT_MODES: readonly OutputMode[] = ['chat', 'json', 'json_schema', 'auto'];
/** A mode as calls are made with it (`auto` decided). */
export type ResolvedOutput = Exclude<OutputMode, 'auto'>;

/** The phases of a run, as traces and the trace inspector name them. */
export type CallPhase = 'bootstrap' | 'propose' | 'search' | 'evaluate' | 'baseline';

/**
 * Where in a run an LM call is made, set by the code that knows each part: the optimizer its
 * phase and trial, the evaluation its example, the program its step. Nothing infers it later.
 */
export interface CallContext {
  /** `evaluate` / `baseline`: the final scoring of the chosen / the unoptimized program. */
  phase?: CallPhase;
  /** The search trial (`TrialRecord.index`) the call belongs to. */
  trialIndex?: number;
  /** The program step that made the call. */
  stepId?: string;
  /** The example being run or scored. */
  exampleId?: string;
}

/** One LM call exactly as made: what the trace of a step and the stored traces keep. */
export interface LMCallRecord {
  model: string;
  messages: ChatMessage[];
  completion: string;
  temperature?: number;
  /** The token cap sent, if any. */
  maxTokens?: number;
  /** The constrained-decoding format asked for, if any. */
  responseFormat?: ResponseFormat['type'];
  /** Why generation stopped ("stop", "length": cut off at `maxTokens`), when the model says. */
  finishReason?: string;
  usage: TokenUsage;
  cached: boolean;
  durationMs: number;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** A model's answer. */
export interface LMResponse {
  /** One text per requested completion. */
  completions: string[];
  usage: TokenUsage;
  /** The model id that answered. */
  model: string;
  /** Why generation stopped, per completion, when the model says ("stop", "length"). */
  finishReasons?: (string | null)[];
  /** True when this answer came from the cache (no request was sent). */
  cached?: boolean;
  /**
   * HTTP requests this answer took, retries included, when the model sends requests that can
   * be retried (the OpenAI-compatible client). Absent means one (WebLLM, scripted models).
   * Usage accounting reads it; it is never cached or passed on to callers.
   */
  attempts?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * A language model: the local WebLLM engine, an OpenAI-compatible endpoint, or a scripted
 * model in tests. Implementations throw typed `LM_*` errors and `ABORTED`.
 */
export interface LanguageModel {
  /** Stable id of the model (part of every cache key), e.g. `openai-compatible:gpt-4o-mini`. */
  readonly id: string;
  /** How many calls may run at once (a local WebLLM model: 1). */
  readonly maxConcurrency: number;
  /**
   * How this role's model is asked for answers (set on the accounted model of each role;
   * wrappers pass it on). Absent: chat sections, as DSPy's ChatAdapter asks.
   */
  readonly output?: OutputChannel;
  call(request: LMRequest, options?: CallOptions): Promise<LMResponse>;
}

/** Who a call is made for. Usage is accounted per role. */
export type LMRole = 'task' | 'proposer' | 'teacher' | 'judge';
export const LM_ROLES: readonly LMRole[] = ['task', 'proposer', 'teacher', 'judge'];

/**
 * Usage of one role. `calls` counts LM calls that went to the network, one each whatever its
 * retries (cache hits are not calls); `attempts` counts the HTTP requests they sent.
 */
export interface RoleUsage {
  calls: number;
  /**
   * HTTP requests sent: every attempt of every call, retries, lost answers and the requests of
   * cancelled calls included (what a provider bills), so never less than `calls`. Snapshots
   * stored before it was counted read it as `calls` (each call sent at least one request).
   */
  attempts: number;
  cacheHits: number;
  failures: number;
  /** Answers received (not from the cache) that the adapter could not read. */
  parseFailures: number;
  /**
   * Tokens of every answer received whole, as the server reported them: read, unreadable by
   * the adapter, or refused by the client (a 200 that is no chat completion). An answer lost
   * on the way (a reset, a timeout mid-body) is an attempt with no tokens: nothing says what
   * it cost. The client retries no answer it received, so none is counted twice.
   */
  promptTokens: number;
  completionTokens: number;
}

export type UsageSnapshot = Record<LMRole, RoleUsage>;

/** A key-value store for cached LM responses (in-memory LRU, disk in Node, IndexedDB in the browser). */
export interface CacheStore {
  get(key: string): Promise<LMResponse | undefined>;
  set(key: string, value: LMResponse): Promise<void>;
}

/** One call's output mode; `settle` reports how the call went. */
export interface OutputTurn {
  output: ResolvedOutput;
  /**
   * `accepted`: the model answered; `refused`: it refused the format; `failed`: another
   * error. Returns the mode to retry a refused call with, if any (only `auto` retries).
   */
  settle(outcome: 'accepted' | 'refused' | 'failed', reason?: string): ResolvedOutput | undefined;
}

/** One role's output settings, carried by its model (`LanguageModel.output`). */
export interface OutputChannel {
  readonly requested: OutputMode;
  readonly maxReasoningTokens: number;
  /** The mode of the next call (waits while `auto`'s first call is deciding). */
  begin(signal?: AbortSignal): Promise<OutputTurn>;
  /** The mode calls are made in now (`undefined` while `auto` has not decided). */
  current(): ResolvedOutput | undefined;
  /** Every answer a predictor received, and whether it could be read (traces, usage). */
  answered(call: AnsweredCall): void;
}

/** An answer as a predictor read it. */
export interface AnsweredCall {
  request: LMRequest;
  response: LMResponse;
  durationMs: number;
  /** Why the answer could not be read (an `ADAPTER_PARSE` error); absent when it was. */
  unreadable?: ErrorData;
}
