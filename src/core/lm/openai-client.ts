/**
 * A client for any OpenAI-compatible chat-completions endpoint (OpenAI, OpenRouter, Groq,
 * Together, Ollama, llama.cpp, vLLM, SGLang), over `fetch`, so the same code runs in Node,
 * the page and a worker.
 *
 * Behaviour follows the official SDKs where it matters: retries with exponential backoff and
 * jitter on 429, 408, 5xx, timeouts and network errors; Retry-After (seconds, HTTP date) and
 * `retry-after-ms` are honoured; each attempt has its own timeout. On top: a concurrency bound
 * (a semaphore that a cancelled caller leaves at once), typed errors with hints, and no secret
 * in anything it returns or throws.
 */
import { PlaygroundError } from '../errors';
import { Rng } from '../util/random';
import {
  badResponse,
  classifyHttpError,
  hasCredentials,
  makeRedactor,
  networkError,
  parseRetryAfter,
  stripCredentials,
  timeoutError,
  type AttemptFailure,
  type Redactor,
} from './openai-errors';
import { abortedError, raceAbort, Semaphore, sleep as defaultSleep } from './semaphore';
import type { CallOptions, LanguageModel, LMRequest, LMResponse, ResponseFormat } from './types';

/** What the client passes to `fetch`. */
export interface FetchRequestInit {
  method: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/** What the client reads from a `fetch` response (declared here so DOM and core typings both fit). */
export interface FetchResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The `fetch` the client needs (the global one, or a test double). */
export type FetchLike = (url: string, init: FetchRequestInit) => Promise<FetchResponseLike>;

export interface OpenAICompatibleOptions {
  /** e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`. */
  baseURL: string;
  model: string;
  /** Sent as `Authorization: Bearer ...`; never appears in errors, ids or details. */
  apiKey?: string;
  /**
   * Extra headers, e.g. `anthropic-dangerous-direct-browser-access`. Names are
   * case-insensitive (RFC 9110): one given here replaces the client's own of the same name, so
   * an `Authorization` header is sent instead of the Bearer `apiKey`, never next to it.
   */
  headers?: Record<string, string>;
  /** Requests in flight at once (default 4). */
  maxConcurrency?: number;
  /** Retries after the first attempt (default 4). */
  maxRetries?: number;
  /** Per-attempt timeout in ms (default 60 000). */
  timeoutMs?: number;
  /** Longest Retry-After we wait for; a longer one fails at once with `LM_RATE_LIMIT` (default 60 000). */
  maxRetryAfterMs?: number;
  /** First backoff delay in ms, doubled per retry before jitter (default 500). */
  backoffBaseMs?: number;
  fetch?: FetchLike;
  /** Injected in tests to observe or skip waits. Must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Seed of the backoff jitter. */
  seed?: number;
}

const MAX_BACKOFF_MS = 20_000;

/**
 * Upper bounds of the numeric options (the run config checks the same): a timeout past
 * setTimeout's 32-bit range fires at once, so every call would time out; more than 10 retries
 * turns a dead endpoint into a run that never ends; 256 calls in flight is already more than
 * a single server or the runner's abort listeners are sized for.
 */
export const CLIENT_LIMITS = { maxConcurrency: 256, maxRetries: 10, timeoutMs: 2 ** 31 - 1 } as const;

/** Requests in flight at once to one endpoint unless the config says otherwise. */
export const DEFAULT_MAX_CONCURRENCY = 4;

/** A `LanguageModel` over an OpenAI-compatible `/chat/completions` endpoint. */
export class OpenAICompatibleLM implements LanguageModel {
  readonly id: string;
  readonly maxConcurrency: number;
  readonly model: string;
  /** The endpoint without credentials, as shown in messages. */
  readonly baseURL: string;
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly backoffBaseMs: number;
  private readonly fetchImpl: FetchLike;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly semaphore: Semaphore;
  private readonly redact: Redactor;
  private readonly jitter: Rng;

  constructor(opts: OpenAICompatibleOptions) {
    this.redact = makeRedactor(opts.apiKey, opts.headers);
    const base = opts.baseURL.trim().replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]/i.test(base)) {
      throw new PlaygroundError('CONFIG_INVALID', `The base URL must start with http:// or https://, but got "${this.redact(stripCredentials(base))}".`, {
        hint: 'Use e.g. https://api.openai.com/v1 or http://localhost:11434/v1.',
      });
    }
    // Credentials in a URL end up in every error message, log and proxy; keys have their own options.
    if (hasCredentials(base)) {
      throw new PlaygroundError('CONFIG_INVALID', `The base URL "${this.redact(stripCredentials(base))}" must not contain a user name or password.`, {
        hint: 'Give the key as the API key (apiKeyEnv in the headless runner), or an Authorization header.',
      });
    }
    if (!opts.model.trim()) throw new PlaygroundError('CONFIG_INVALID', 'The model name is empty.', { hint: 'Give the model name the endpoint expects, e.g. gpt-4o-mini.' });
    this.maxConcurrency = boundedInt('maxConcurrency', opts.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY, 1);
    this.maxRetries = boundedInt('maxRetries', opts.maxRetries ?? 4, 0);
    this.timeoutMs = boundedInt('timeoutMs', opts.timeoutMs ?? 60_000, 1);
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
    this.backoffBaseMs = opts.backoffBaseMs ?? 500;
    this.model = opts.model;
    this.url = `${base}/chat/completions`;
    this.baseURL = this.redact(stripCredentials(base));
    this.id = `openai-compatible:${opts.model}@${this.baseURL}`;
    this.headers = mergeHeaders({ 'content-type': 'application/json', ...(opts.apiKey && { authorization: `Bearer ${opts.apiKey}` }) }, opts.headers ?? {});
    // Bound to the global lazily: browsers throw "Illegal invocation" for an unbound fetch.
    this.fetchImpl = opts.fetch ?? ((url, init) => fetch(url, init));
    this.sleep = opts.sleep ?? defaultSleep;
    this.semaphore = new Semaphore(this.maxConcurrency);
    this.jitter = new Rng(opts.seed ?? 0);
  }

  /** Requests in flight and waiting for a slot (for progress displays). */
  get load(): { active: number; queued: number } {
    return { active: this.semaphore.inUse, queued: this.semaphore.waiting };
  }

  async call(request: LMRequest, options: CallOptions = {}): Promise<LMResponse> {
    const { signal } = options;
    if (signal?.aborted) throw abortedError();
    const body = JSON.stringify(requestBody(this.model, request));
    const release = await this.semaphore.acquire(signal);
    try {
      return await this.withRetries(body, signal);
    } finally {
      release();
    }
  }

  /**
   * Sends until answered, out of retries, or cancelled. Every way out says how many HTTP
   * requests were sent (`LMResponse.attempts`, `details.attempts` on errors, a cancel
   * included): the server got them all, and usage accounting counts them.
   */
  private async withRetries(body: string, signal: AbortSignal | undefined): Promise<LMResponse> {
    let sent = 0;
    try {
      for (;;) {
        sent++;
        const outcome = await this.attempt(body, signal);
        if (!('error' in outcome)) return { ...outcome, attempts: sent };
        const { error, retryable, retryAfterMs } = outcome;
        if (!retryable || sent > this.maxRetries) throw withAttempts(error, sent);
        // A server that asks for a long pause (a daily quota, say) will not recover within a run.
        if (retryAfterMs !== undefined && retryAfterMs > this.maxRetryAfterMs) throw withAttempts(error, sent);
        await this.sleep(retryAfterMs ?? this.backoff(sent - 1), signal);
      }
    } catch (err) {
      // Thrown rather than returned: a cancel, or a 200 that is no chat completion.
      if (!(err instanceof PlaygroundError) || err.details?.attempts !== undefined) throw err;
      throw err.code === 'ABORTED' ? withDetails(err, { attempts: sent }) : withAttempts(err, sent);
    }
  }

  /** Full-jitter-ish backoff: between half and all of base * 2^attempt, capped. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(MAX_BACKOFF_MS, this.backoffBaseMs * 2 ** attempt);
    return Math.round(ceiling * (0.5 + 0.5 * this.jitter.next()));
  }

  /** One HTTP attempt; returns the response or a classified failure. Throws only `ABORTED`. */
  private async attempt(body: string, signal: AbortSignal | undefined): Promise<LMResponse | AttemptFailure> {
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Rejects on timeout even if a fetch implementation ignores its signal.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
        reject(new Error('timeout'));
      }, this.timeoutMs);
    });
    deadline.catch(() => undefined);
    try {
      const exchange = (async () => {
        const res = await this.fetchImpl(this.url, { method: 'POST', headers: this.headers, body, signal: controller.signal });
        return { res, text: await res.text() };
      })();
      exchange.catch(() => undefined);
      const { res, text } = await raceAbort(Promise.race([exchange, deadline]), signal);
      if (!res.ok) return this.httpFailure(res, text);
      return this.parse(text);
    } catch (err) {
      if (signal?.aborted) throw abortedError();
      if (timedOut) return timeoutError(this.baseURL, this.timeoutMs);
      if (err instanceof PlaygroundError) throw err;
      return networkError(this.baseURL, err, this.redact);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private httpFailure(res: FetchResponseLike, text: string): AttemptFailure {
    const honoursRetryAfter = res.status === 429 || res.status === 503;
    const retryAfterMs = honoursRetryAfter
      ? parseRetryAfter(res.headers.get('retry-after-ms'), res.headers.get('retry-after'), Date.now())
      : undefined;
    return classifyHttpError({ status: res.status, body: text, retryAfterMs, url: this.baseURL, model: this.model, redact: this.redact });
  }

  private parse(text: string): LMResponse {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw badResponse(this.baseURL, 'not JSON', text, this.redact);
    }
    const o = (json ?? {}) as Record<string, unknown>;
    const usage = (o.usage ?? {}) as Record<string, unknown>;
    const tokens = { promptTokens: count(usage.prompt_tokens), completionTokens: count(usage.completion_tokens) };
    // The answer arrived whole and the server billed it even if we cannot use it: its tokens
    // travel on the error, so usage counts them.
    const bad = (why: string) => withDetails(badResponse(this.baseURL, why, text, this.redact), { usage: tokens });
    if (!Array.isArray(o.choices) || o.choices.length === 0) throw bad('no choices');
    const choices = (o.choices as unknown[])
      .map((c, i) => (c && typeof c === 'object' ? (c as Record<string, unknown>) : { index: i }))
      .sort((a, b) => (typeof a.index === 'number' && typeof b.index === 'number' ? a.index - b.index : 0));
    const completions: string[] = [];
    const finishReasons: (string | null)[] = [];
    for (const c of choices) {
      const message = c.message as Record<string, unknown> | undefined;
      const content = message?.content ?? (c as { text?: unknown }).text;
      // null content happens (e.g. a reasoning model that spent all its tokens): an empty answer, not a protocol error.
      if (content !== null && content !== undefined && typeof content !== 'string') {
        throw bad('a choice has no text content');
      }
      if (content === undefined && message === undefined) throw bad('a choice has no message');
      completions.push(content ?? '');
      finishReasons.push(typeof c.finish_reason === 'string' ? c.finish_reason : null);
    }
    return {
      completions,
      finishReasons,
      usage: tokens,
      model: typeof o.model === 'string' && o.model ? o.model : this.model,
    };
  }
}

/** The JSON body: only parameters that are set, and never the rollout id (a cache-only field). */
function requestBody(model: string, req: LMRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model, messages: req.messages.map((m) => ({ role: m.role, content: m.content })) };
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.maxTokens !== undefined) body.max_tokens = req.maxTokens;
  if (req.n !== undefined && req.n !== 1) body.n = req.n;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.stop !== undefined && req.stop.length > 0) body.stop = req.stop;
  if (req.responseFormat) body.response_format = responseFormatBody(req.responseFormat);
  return body;
}

/** OpenAI's `response_format`: the schema goes under `json_schema` with its name and strictness. */
function responseFormatBody(format: ResponseFormat): Record<string, unknown> {
  if (format.type === 'json_object') return { type: 'json_object' };
  return { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, strict: format.strict } };
}

/** The error with `details.attempts` (always, for usage) and, past one attempt, a message that says so. */
function withAttempts(error: PlaygroundError, attempts: number): PlaygroundError {
  if (attempts <= 1) return withDetails(error, { attempts });
  return withDetails(error, { attempts }, `${error.message} (after ${attempts} attempts)`);
}

function withDetails(error: PlaygroundError, details: Record<string, unknown>, message = error.message): PlaygroundError {
  return new PlaygroundError(error.code, message, {
    ...(error.hint !== undefined && { hint: error.hint }),
    details: { ...error.details, ...details },
  });
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

function boundedInt(name: keyof typeof CLIENT_LIMITS, v: number, min: number): number {
  const max = CLIENT_LIMITS[name];
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new PlaygroundError('CONFIG_INVALID', `${name} must be an integer from ${min} to ${max}, but got ${v}.`);
  }
  return v;
}

/**
 * `own` headers with `given` ones on top, names lower-cased: fetch joins two spellings of one
 * name into one comma-separated value ("Bearer a, Bearer b"), which servers reject or misread.
 */
function mergeHeaders(own: Record<string, string>, given: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of [...Object.entries(own), ...Object.entries(given)]) out[name.toLowerCase()] = value;
  return out;
}
