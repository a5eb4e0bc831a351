/**
 * Is an OpenAI-compatible endpoint there at all? One GET of `<baseURL>/models` before a run
 * starts, so a dead server (refused, no such host, a wrong port) fails at once instead of
 * after a minute of the client's retries, and a key the server refuses says so up front.
 *
 * It is not a chat call: nothing is generated or billed. Servers without a model list (an
 * answer of 404 or 405) pass, as does any other answer: the server is there, and what it
 * thinks of a chat request is the run's business. Only no answer (a network error, or none
 * within the timeout) and 401/403 fail.
 */
import { PlaygroundError } from '../errors';
import { classifyHttpError, makeRedactor, networkError, stripCredentials } from './openai-errors';

/** The endpoint to check: what the run's client is given. */
export interface EndpointToCheck {
  baseURL: string;
  model: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

/** The `fetch` the check needs (the global one, or a test double). */
export type CheckFetch = (url: string, init: { method: 'GET'; headers: Record<string, string>; signal: AbortSignal }) => Promise<{ status: number; text(): Promise<string> }>;

/** How long the check waits for an answer unless told otherwise. */
const ENDPOINT_CHECK_TIMEOUT_MS = 5_000;

/** What the check saw: an HTTP status, an error thrown by fetch, or no answer in time. */
export type CheckOutcome = { status: number; body: string } | { error: unknown } | { timedOutMs: number };

/**
 * GETs `<baseURL>/models` (with the key and headers the run would send) and returns why the
 * endpoint cannot serve a run, or undefined when it answered. Never throws.
 */
export async function checkEndpoint(endpoint: EndpointToCheck, opts: { fetch?: CheckFetch; timeoutMs?: number } = {}): Promise<PlaygroundError | undefined> {
  const timeoutMs = opts.timeoutMs ?? ENDPOINT_CHECK_TIMEOUT_MS;
  const doFetch: CheckFetch = opts.fetch ?? ((url, init) => fetch(url, init));
  const headers: Record<string, string> = { ...(endpoint.apiKey && { authorization: `Bearer ${endpoint.apiKey}` }), ...endpoint.headers };
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ timedOutMs: timeoutMs });
    }, timeoutMs);
  });
  const answer = (async (): Promise<CheckOutcome> => {
    try {
      const res = await doFetch(`${endpoint.baseURL.trim().replace(/\/+$/, '')}/models`, { method: 'GET', headers, signal: controller.signal });
      return { status: res.status, body: await res.text().catch(() => '') };
    } catch (error) {
      return { error };
    }
  })();
  try {
    return classifyEndpointCheck(endpoint, await Promise.race([answer, deadline]));
  } finally {
    clearTimeout(timer);
  }
}

/** The error an outcome of the check means for `endpoint`, or undefined when the endpoint is there. */
export function classifyEndpointCheck(endpoint: EndpointToCheck, outcome: CheckOutcome): PlaygroundError | undefined {
  const redact = makeRedactor(endpoint.apiKey, endpoint.headers);
  const url = redact(stripCredentials(endpoint.baseURL.trim().replace(/\/+$/, '')));
  if ('timedOutMs' in outcome) {
    const s = +(outcome.timedOutMs / 1000).toFixed(1);
    return new PlaygroundError('LM_TIMEOUT', `The endpoint ${url} did not answer: GET ${url}/models timed out after ${s} s.`, {
      hint: 'The server may be down, asleep or overloaded, or the address may be wrong. Check that it is running (and reachable from this page), then press Start again.',
      details: { url, timeoutMs: outcome.timedOutMs },
    });
  }
  if ('error' in outcome) return networkError(url, outcome.error, redact).error;
  if (outcome.status === 401 || outcome.status === 403) {
    return classifyHttpError({ status: outcome.status, body: outcome.body, retryAfterMs: undefined, url, model: endpoint.model, redact }).error;
  }
  return undefined;
}
