/**
 * Turns HTTP outcomes of an OpenAI-compatible endpoint into typed errors with hints, and
 * keeps secrets out of them: every text that may reach an error (server messages, URLs) goes
 * through a redactor that removes the API key and secret-looking header values.
 */
import { PlaygroundError, type ErrorCode } from '../errors';

/** Removes secrets from a text. */
export type Redactor = (text: string) => string;

const SECRET_HEADER = /authorization|key|token|secret|password|cookie/i;

/**
 * The shortest run of a secret that counts as leaking it. A server that echoes a key in part
 * ("sk-abc…xyz", or all but a few characters) must not leak the rest, so any run this long
 * is removed, not only the whole key; shorter runs are too likely to be ordinary text.
 */
const SECRET_RUN = 8;

/**
 * Tokens that look like API keys whoever they belong to: the usual provider prefixes (OpenAI
 * `sk-`, Groq `gsk_`, xAI `xai-`, Hugging Face `hf_`, GitHub, NVIDIA, Replicate, GitLab),
 * Google's `AIza`, and bearer tokens. Each needs a digit, so words such as "sk-learn" or
 * "Bearer authentication" stay readable.
 */
const KEY_LIKE = /\b(?:sk|rk|pk|gsk|xai|hf|ghp|gho|ghu|ghs|github_pat|nvapi|r8|glpat)[-_](?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{8,}|\bAIza[0-9A-Za-z_-]{30,}/g;
const BEARER = /\b(bearer)\s+(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,}/gi;

/** `user:password@` (or `user@`) after a URL's scheme, anywhere in a text. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;

/**
 * Builds the redactor for a key and the extra headers (values of secret-looking headers). It
 * removes URL credentials, each secret whole, any run of {@link SECRET_RUN} characters of a
 * secret, and key-looking tokens.
 */
export function makeRedactor(apiKey: string | undefined, headers: Record<string, string> = {}): Redactor {
  const secrets = new Set<string>();
  if (apiKey) secrets.add(apiKey);
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADER.test(name) || value.length < 4) continue;
    secrets.add(value);
    // "Bearer sk-..." in a header: the bare token is the secret too.
    const bare = value.replace(/^\s*(bearer|basic|token)\s+/i, '');
    if (bare.length >= 4) secrets.add(bare);
  }
  // Longest first, so a key that contains a shorter secret is removed whole.
  const list = [...secrets].sort((a, b) => b.length - a.length);
  const runs = new Set<string>();
  for (const s of list) for (let i = 0; i + SECRET_RUN <= s.length; i++) runs.add(s.slice(i, i + SECRET_RUN));
  return (text) => {
    let out = stripCredentials(text);
    for (const s of list) out = out.split(s).join('[redacted]');
    out = removeRuns(out, runs);
    return out.replace(KEY_LIKE, '[redacted]').replace(BEARER, '$1 [redacted]');
  };
}

/** `text` with every stretch covered by runs of a secret (each SECRET_RUN long) replaced. */
function removeRuns(text: string, runs: ReadonlySet<string>): string {
  if (runs.size === 0 || text.length < SECRET_RUN) return text;
  const stretches: [number, number][] = [];
  for (let i = 0; i + SECRET_RUN <= text.length; i++) {
    if (!runs.has(text.slice(i, i + SECRET_RUN))) continue;
    const last = stretches.at(-1);
    // A run that starts inside (or right at the end of) the last stretch extends it.
    if (last && i <= last[1]) last[1] = i + SECRET_RUN;
    else stretches.push([i, i + SECRET_RUN]);
  }
  let out = '';
  let from = 0;
  for (const [start, end] of stretches) {
    out += `${text.slice(from, start)}[redacted]`;
    from = end;
  }
  return out + text.slice(from);
}

/** True when a URL carries a user name or password (`http://user:pass@host`). */
export function hasCredentials(url: string): boolean {
  return /^\s*[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url);
}

/** A text with user:password@ credentials removed from every URL in it. */
export function stripCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1');
}

/** The server's own error text: `error.message`, `error` or `message` of a JSON body, else the body. */
function serverMessage(body: string): string {
  try {
    const json = JSON.parse(body) as unknown;
    if (json && typeof json === 'object') {
      const o = json as Record<string, unknown>;
      const err = o.error;
      if (typeof err === 'string') return err;
      if (err && typeof err === 'object' && typeof (err as Record<string, unknown>).message === 'string') {
        return (err as Record<string, unknown>).message as string;
      }
      if (typeof o.message === 'string') return o.message;
      if (typeof o.detail === 'string') return o.detail;
    }
  } catch {
    // Not JSON: the raw text is the message.
  }
  return body.trim();
}

const CONTEXT_LENGTH = /context[ _-]?length|maximum context|context window|too many tokens|(?:prompt|input) is too long|exceeds? the (?:model'?s? )?(?:maximum|max)|reduce the length|max_tokens.*(?:exceed|too large)/i;

/**
 * A 4xx whose message is about structured outputs: vLLM, llama.cpp, Ollama, OpenAI and
 * proxies word it differently, but all name the parameter or the feature.
 */
const FORMAT_REFUSAL = /response[ _-]?format|json[ _-]?schema|json[ _-]?object|structured[ _-]?outputs?|guided[ _-]?(?:json|decoding)|grammar/i;

/** What a failed attempt means: the error to throw, and whether trying again may help. */
export interface AttemptFailure {
  error: PlaygroundError;
  retryable: boolean;
  /** The server asked us to wait this long (Retry-After). */
  retryAfterMs?: number;
}

export interface HttpContext {
  status: number;
  body: string;
  retryAfterMs: number | undefined;
  /** Endpoint (without credentials) and model, for messages. */
  url: string;
  model: string;
  redact: Redactor;
}

/** Classifies a non-2xx response. */
export function classifyHttpError(ctx: HttpContext): AttemptFailure {
  const { status, url, model, redact } = ctx;
  const said = clip(redact(serverMessage(ctx.body)));
  const quote = said ? `: "${said}"` : '.';
  const details: Record<string, unknown> = { status, url, model };
  if (said) details.serverMessage = said;
  const fail = (code: ErrorCode, message: string, hint: string, retryable = false): AttemptFailure => ({
    error: new PlaygroundError(code, message, { hint, details }),
    retryable,
    ...(ctx.retryAfterMs !== undefined && { retryAfterMs: ctx.retryAfterMs }),
  });

  if (status === 401 || status === 403) {
    return fail('LM_AUTH', `The endpoint ${url} refused the request (HTTP ${status})${quote}`,
      `Check the API key for ${url}: it may be missing, mistyped, expired, or for another provider. Keys are per endpoint.`);
  }
  if (status === 404) {
    return fail('LM_NOT_FOUND', `HTTP 404 from ${url} for model "${model}"${quote}`,
      'Check the base URL (it usually ends in /v1, e.g. http://localhost:11434/v1) and the model name (list them at <base URL>/models).');
  }
  if (status === 429) {
    if (ctx.retryAfterMs !== undefined) details.retryAfterMs = ctx.retryAfterMs;
    return fail('LM_RATE_LIMIT', `The endpoint ${url} is rate limiting requests (HTTP 429)${quote}`,
      'Lower the concurrency, wait a little, or check the account\'s quota and billing.', true);
  }
  if (status === 408) {
    return fail('LM_TIMEOUT', `The endpoint ${url} timed out the request (HTTP 408)${quote}`,
      'The server is slow or busy; try again, lower the concurrency, or raise the timeout.', true);
  }
  if (status >= 500) {
    return fail('LM_SERVER', `The endpoint ${url} failed with HTTP ${status}${quote}`,
      'The server had a problem; it was retried. Try again later, or check the server\'s logs if it is yours.', true);
  }
  if (FORMAT_REFUSAL.test(said)) {
    return fail('LM_FORMAT_UNSUPPORTED', `The endpoint ${url} does not accept the response format asked for (HTTP ${status})${quote}`,
      `Set the model's output to "chat" (or "json" if the server offers JSON mode), or leave it on "auto", which falls back to chat by itself.`);
  }
  if (CONTEXT_LENGTH.test(said)) {
    return fail('LM_CONTEXT_LENGTH', `The prompt is too long for model "${model}" (HTTP ${status})${quote}`,
      'Use fewer demos, shorter inputs or a lower max tokens, or pick a model with a bigger context window.');
  }
  return fail('LM_BAD_REQUEST', `The endpoint ${url} rejected the request (HTTP ${status})${quote}`,
    'Check the model name and the sampling parameters this endpoint supports (some reject n > 1, seed or stop).');
}

/** A request that never got an HTTP answer (fetch threw). */
export function networkError(url: string, cause: unknown, redact: Redactor): AttemptFailure {
  const why = cause instanceof Error ? cause.message : String(cause);
  return {
    retryable: true,
    error: new PlaygroundError('LM_NETWORK', `Could not reach ${url}: ${clip(redact(why))}`, {
      hint:
        'The server may be down, the URL wrong, or (in a browser) the server may not allow cross-origin requests (CORS). ' +
        'Ollama: start it with OLLAMA_ORIGINS set to this page\'s origin (or *). ' +
        'llama.cpp (llama-server): recent versions restrict origins with --cors-origins; add this page\'s origin. ' +
        'vLLM: start it with --allowed-origins \'["<this page\'s origin>"]\'. ' +
        'An https page may also be blocked from calling a plain-http address other than localhost.',
      details: { url },
    }),
  };
}

/** The attempt took longer than the timeout. */
export function timeoutError(url: string, timeoutMs: number): AttemptFailure {
  return {
    retryable: true,
    error: new PlaygroundError('LM_TIMEOUT', `The request to ${url} timed out after ${seconds(timeoutMs)} without an answer.`, {
      hint: 'The server may be hung, or the model slow or overloaded: check that the server answers (Test connection), then raise the timeout, lower the concurrency, or ask for fewer tokens.',
      details: { url, timeoutMs },
    }),
  };
}

/** A 2xx answer we cannot use. */
export function badResponse(url: string, why: string, body: string, redact: Redactor): PlaygroundError {
  return new PlaygroundError('LM_BAD_RESPONSE', `The endpoint ${url} sent an unusable answer (${why}).`, {
    hint: 'Check that the base URL points at an OpenAI-compatible API (chat completions), not a web page or another API.',
    details: { url, bodyStart: clip(redact(body)) },
  });
}

/**
 * Parses Retry-After (delay in seconds, or an HTTP date) and OpenAI's `retry-after-ms`.
 * Returns undefined when absent or unreadable.
 */
export function parseRetryAfter(headerMs: string | null, header: string | null, now: number): number | undefined {
  if (headerMs !== null && headerMs.trim() !== '') {
    const ms = Number(headerMs);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  if (header === null || header.trim() === '') return undefined;
  const s = header.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** A timeout as a person reads it: "60 s", "2.5 s", "300 ms". */
function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${+(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

function clip(s: string, max = 300): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}
