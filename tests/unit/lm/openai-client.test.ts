import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PlaygroundError } from '../../../src/core/errors';
import { OpenAICompatibleLM, type OpenAICompatibleOptions } from '../../../src/core/lm';
import type { LMRequest } from '../../../src/core/lm/types';
import { echoHandler, startScriptedServer, type ChatCompletionBody, type ScriptedServer } from '../../fixtures/scripted-server';

const KEY = 'sk-test-SECRET-9f8e7d6c5b4a39281706';
const req: LMRequest = { messages: [{ role: 'user', content: 'What is 2+2?' }] };

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  server.setHandler(echoHandler);
});

/** A client on the scripted server; sleeps are recorded and skipped unless `realSleep`. */
function client(opts: Partial<OpenAICompatibleOptions> & { realSleep?: boolean } = {}) {
  const sleeps: number[] = [];
  const { realSleep, ...rest } = opts;
  const lm = new OpenAICompatibleLM({
    baseURL: server.url,
    model: 'scripted-model',
    apiKey: KEY,
    ...(!realSleep && { sleep: async (ms: number) => void sleeps.push(ms) }),
    ...rest,
  });
  return { lm, sleeps };
}

async function failure(p: Promise<unknown>): Promise<PlaygroundError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(PlaygroundError);
    return err as PlaygroundError;
  }
  throw new Error('expected the call to fail');
}

/** Everything about an error a user or a log could ever see. */
function serialized(err: PlaygroundError): string {
  return JSON.stringify({ data: err.toData(), message: err.message, stack: err.stack, cause: String(err.cause) });
}

const chatBodies = () => server.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body as ChatCompletionBody);

describe('OpenAICompatibleLM: requests and answers', () => {
  it('sends the set parameters, never the rollout id, and reads text and usage', async () => {
    server.setHandler(() => ({ reply: 'four', usage: { prompt_tokens: 12, completion_tokens: 3 } }));
    const { lm } = client();
    const res = await lm.call({ ...req, temperature: 0.7, maxTokens: 50, seed: 7, stop: ['\n\n'], rolloutId: 3 });
    expect(res.completions).toEqual(['four']);
    expect(res.usage).toEqual({ promptTokens: 12, completionTokens: 3 });
    expect(res.finishReasons).toEqual(['stop']);
    const body = chatBodies()[0]!;
    expect(body).toEqual({ model: 'scripted-model', messages: req.messages, temperature: 0.7, max_tokens: 50, seed: 7, stop: ['\n\n'] });
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(lm.id).toBe(`openai-compatible:scripted-model@${server.url}`);
    expect(JSON.stringify(res)).not.toContain(KEY);
  });

  it('sends a JSON schema as OpenAI\'s response_format, and JSON mode as a bare json_object', async () => {
    server.setHandler(() => '{"label": "yes"}');
    const { lm } = client();
    const schema = { type: 'object', properties: { label: { type: 'string', enum: ['yes', 'no'] } }, required: ['label'], additionalProperties: false };
    await lm.call({ ...req, responseFormat: { type: 'json_schema', name: 'DSPyProgramOutputs', schema, strict: true } });
    await lm.call({ ...req, responseFormat: { type: 'json_object' } });
    const [withSchema, jsonMode] = chatBodies();
    expect(withSchema!.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'DSPyProgramOutputs', schema, strict: true } });
    expect(jsonMode!.response_format).toEqual({ type: 'json_object' });
  });

  it.each([
    ['OpenAI', "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model."],
    ['an older proxy', 'Unrecognized request argument supplied: response_format'],
    ['llama.cpp', 'Failed to parse grammar'],
    ['vLLM', 'guided_json is not supported: structured outputs are disabled'],
  ])('reads a 400 about structured outputs from %s as LM_FORMAT_UNSUPPORTED, without retrying', async (_who, message) => {
    server.setHandler(() => ({ status: 400, body: { error: { message } } }));
    const { lm } = client();
    const err = await failure(lm.call({ ...req, responseFormat: { type: 'json_object' } }));
    expect(err.code).toBe('LM_FORMAT_UNSUPPORTED');
    expect(err.hint).toMatch(/"chat"/);
    expect(chatBodies()).toHaveLength(1);
  });

  it('returns one completion per choice for n > 1, and zero usage when the server sends none', async () => {
    server.setHandler(() => ({ reply: ['a', 'b', 'c'], usage: null }));
    const { lm } = client();
    const res = await lm.call({ ...req, n: 3 });
    expect(res.completions).toEqual(['a', 'b', 'c']);
    expect(res.usage).toEqual({ promptTokens: 0, completionTokens: 0 });
    expect(chatBodies()[0]!.n).toBe(3);
  });

  it('keeps credentials out of its id, and refuses them in the base URL (issue 11)', () => {
    const lm = new OpenAICompatibleLM({ baseURL: 'http://127.0.0.1:1/v1/', model: 'm', apiKey: KEY });
    expect(lm.id).toBe('openai-compatible:m@http://127.0.0.1:1/v1');
    expect(() => new OpenAICompatibleLM({ baseURL: `http://user:${KEY}@127.0.0.1:1/v1/`, model: 'm', apiKey: KEY })).toThrow(/user name or password/);
  });
});

describe('OpenAICompatibleLM: retries', () => {
  it('waits for Retry-After (seconds) on 429 before retrying', async () => {
    server.setHandler((_b, { index }) => (index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : 'ok'));
    const { lm } = client({ realSleep: true });
    const t0 = performance.now();
    const res = await lm.call(req);
    const elapsed = performance.now() - t0;
    expect(res.completions).toEqual(['ok']);
    expect(chatBodies()).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    server.setHandler((_b, { index }) => (index === 0 ? { status: 503, headers: { 'retry-after': new Date(Date.now() + 5000).toUTCString() } } : 'ok'));
    const { lm, sleeps } = client();
    await lm.call(req);
    expect(sleeps).toHaveLength(1);
    // HTTP dates have one-second resolution.
    expect(sleeps[0]).toBeGreaterThan(3000);
    expect(sleeps[0]).toBeLessThanOrEqual(5000);
  });

  it('fails with LM_RATE_LIMIT carrying retryAfterMs once retries are used up', async () => {
    server.setHandler(() => ({ status: 429, headers: { 'retry-after': '2' }, body: { error: { message: 'Rate limit reached' } } }));
    const { lm, sleeps } = client({ maxRetries: 2 });
    const err = await failure(lm.call(req));
    expect(err.code).toBe('LM_RATE_LIMIT');
    expect(err.details?.retryAfterMs).toBe(2000);
    expect(sleeps).toEqual([2000, 2000]);
    expect(chatBodies()).toHaveLength(3);
  });

  it('does not wait for a Retry-After longer than maxRetryAfterMs', async () => {
    server.setHandler(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const { lm, sleeps } = client({ maxRetryAfterMs: 10_000 });
    const err = await failure(lm.call(req));
    expect(err.code).toBe('LM_RATE_LIMIT');
    expect(err.details?.retryAfterMs).toBe(3_600_000);
    expect(sleeps).toEqual([]);
    expect(chatBodies()).toHaveLength(1);
  });

  it('retries a 500 with exponential backoff and returns the later success', async () => {
    server.setHandler((_b, { index }) => (index < 2 ? { status: 500 } : 'recovered'));
    const { lm, sleeps } = client({ backoffBaseMs: 400 });
    const res = await lm.call(req);
    expect(res.completions).toEqual(['recovered']);
    expect(chatBodies()).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(200);
    expect(sleeps[0]).toBeLessThanOrEqual(400);
    expect(sleeps[1]).toBeGreaterThanOrEqual(400);
    expect(sleeps[1]).toBeLessThanOrEqual(800);
  });

  it('gives up on a permanent 500 with LM_SERVER after maxRetries', async () => {
    server.setHandler(() => ({ status: 500, body: { error: { message: 'CUDA out of memory' } } }));
    const { lm } = client({ maxRetries: 3 });
    const err = await failure(lm.call(req));
    expect(err.code).toBe('LM_SERVER');
    expect(err.message).toContain('CUDA out of memory');
    expect(err.details?.attempts).toBe(4);
    expect(chatBodies()).toHaveLength(4);
  });

  it('retries a dropped connection', async () => {
    server.setHandler((_b, { index }) => (index === 0 ? { destroySocket: true } : 'ok'));
    const { lm } = client();
    expect((await lm.call(req)).completions).toEqual(['ok']);
    expect(chatBodies()).toHaveLength(2);
  });
});

describe('OpenAICompatibleLM: typed errors', () => {
  it('times out a slow answer with LM_TIMEOUT', async () => {
    server.setHandler(() => ({ reply: 'late', delayMs: 1000 }));
    const { lm } = client({ timeoutMs: 100, maxRetries: 0 });
    const t0 = performance.now();
    const err = await failure(lm.call(req));
    expect(err.code).toBe('LM_TIMEOUT');
    expect(performance.now() - t0).toBeLessThan(800);
  });

  it('reports malformed JSON and answers without choices as LM_BAD_RESPONSE, without retrying', async () => {
    server.setHandler(() => ({ status: 200, body: '{"choices": [ {"message": ' }));
    const { lm } = client();
    expect((await failure(lm.call(req))).code).toBe('LM_BAD_RESPONSE');
    expect(chatBodies()).toHaveLength(1);
    server.setHandler(() => ({ status: 200, body: { id: 'x', object: 'chat.completion', choices: [] } }));
    expect((await failure(lm.call(req))).code).toBe('LM_BAD_RESPONSE');
  });

  it('maps 401 to LM_AUTH and never reveals the key, even when the server echoes it', async () => {
    server.setHandler(() => ({ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}.`, type: 'invalid_request_error' } } }));
    const { lm } = client();
    const err = await failure(lm.call(req));
    expect(err.code).toBe('LM_AUTH');
    expect(err.hint).toMatch(/key/i);
    expect(err.message).toContain('Incorrect API key provided');
    expect(serialized(err)).not.toContain(KEY);
    expect(chatBodies()).toHaveLength(1);
  });

  it('keeps a secret extra header out of errors too', async () => {
    const secret = 'azure-key-0123456789abcdef';
    server.setHandler(() => ({ status: 403, body: { error: `bad api-key ${secret}` } }));
    const lm = new OpenAICompatibleLM({ baseURL: server.url, model: 'm', headers: { 'api-key': secret } });
    const err = await failure(lm.call(req));
    expect(err.code).toBe('LM_AUTH');
    expect(serialized(err)).not.toContain(secret);
  });

  it('recognises a context-length 400 as LM_CONTEXT_LENGTH', async () => {
    server.setHandler(() => ({
      status: 400,
      body: { error: { message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9100 tokens.", code: 'context_length_exceeded' } },
    }));
    const { lm } = client();
    const err = await failure(lm.call(req));
    expect(err.code).toBe('LM_CONTEXT_LENGTH');
    expect(err.hint).toMatch(/demos/);
  });

  it('quotes the server on other 400s (LM_BAD_REQUEST) and maps 404 to LM_NOT_FOUND', async () => {
    server.setHandler(() => ({ status: 400, body: { error: { message: "Unsupported parameter: 'seed'" } } }));
    const { lm } = client();
    const bad = await failure(lm.call({ ...req, seed: 1 }));
    expect(bad.code).toBe('LM_BAD_REQUEST');
    expect(bad.message).toContain("Unsupported parameter: 'seed'");
    server.setHandler(() => ({ status: 404, body: { error: { message: 'model "nope" not found' } } }));
    expect((await failure(lm.call(req))).code).toBe('LM_NOT_FOUND');
  });

  it('maps an unreachable server to LM_NETWORK with CORS hints', async () => {
    const gone = await startScriptedServer();
    await gone.close();
    const lm = new OpenAICompatibleLM({ baseURL: gone.url, model: 'm', apiKey: KEY, maxRetries: 1, sleep: async () => {} });
    const err = await failure(lm.call(req));
    expect(err.code).toBe('LM_NETWORK');
    expect(err.hint).toContain('OLLAMA_ORIGINS');
    expect(err.hint).toContain('vLLM');
    expect(err.hint).toContain('llama');
    expect(serialized(err)).not.toContain(KEY);
  });
});

describe('OpenAICompatibleLM: cancellation and concurrency', () => {
  it('rejects at once with ABORTED when aborted mid-request', async () => {
    server.setHandler(() => ({ reply: 'slow', delayMs: 3000 }));
    const { lm } = client();
    const ctrl = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ctrl.abort(), 50);
    const err = await failure(lm.call(req, { signal: ctrl.signal }));
    expect(err.code).toBe('ABORTED');
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('rejects at once with ABORTED when aborted while queued, and never sends that request', async () => {
    server.setHandler((body) => ({ reply: 'done', delayMs: body.messages?.[0]?.content === 'first' ? 400 : 0 }));
    const { lm } = client({ maxConcurrency: 1 });
    const first = lm.call({ messages: [{ role: 'user', content: 'first' }] });
    const ctrl = new AbortController();
    const queued = lm.call({ messages: [{ role: 'user', content: 'queued' }] }, { signal: ctrl.signal });
    await new Promise((r) => setTimeout(r, 30));
    expect(lm.load).toEqual({ active: 1, queued: 1 });
    const t0 = performance.now();
    ctrl.abort();
    expect((await failure(queued)).code).toBe('ABORTED');
    expect(performance.now() - t0).toBeLessThan(100);
    expect(lm.load.queued).toBe(0);
    await first;
    expect(chatBodies().map((b) => b.messages?.[0]?.content)).toEqual(['first']);
  });

  it('rejects during a backoff wait as soon as the signal fires', async () => {
    server.setHandler(() => ({ status: 500 }));
    const { lm } = client({ realSleep: true, backoffBaseMs: 10_000 });
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 100);
    const t0 = performance.now();
    expect((await failure(lm.call(req, { signal: ctrl.signal }))).code).toBe('ABORTED');
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('never has more than maxConcurrency requests at the server', async () => {
    server.setHandler(() => ({ reply: 'x', delayMs: 40 }));
    const { lm } = client({ maxConcurrency: 3 });
    const calls = Array.from({ length: 12 }, (_, i) => lm.call({ messages: [{ role: 'user', content: `q${i}` }] }));
    await Promise.all(calls);
    expect(chatBodies()).toHaveLength(12);
    expect(server.peakInFlight).toBe(3);
  });
});

describe('scripted server', () => {
  it('answers GET /v1/models and CORS preflights', async () => {
    const models = await fetch(`${server.url}/models`);
    expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual(['scripted-model']);
    const pre = await fetch(`${server.url}/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-extra' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(pre.headers.get('access-control-allow-headers')).toContain('x-extra');
  });
});
