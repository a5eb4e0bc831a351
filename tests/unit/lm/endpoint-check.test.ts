/**
 * The check before a run: a GET of `<baseURL>/models`, with the key, that fails at once for a
 * server that is not there (refused, no answer in time) or refuses the key, and passes a
 * server without a model list (404/405). A hung chat call's error says it timed out.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaygroundError } from '../../../src/core/errors';
import { checkEndpoint, OpenAICompatibleLM, type CheckFetch } from '../../../src/core/lm';
import { classifyEndpointCheck } from '../../../src/core/lm/endpoint-check';
import { checkRunEndpoints } from '../../../src/core/runner';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';

const KEY = 'sk-test-SECRET-9f8e7d6c5b4a39281706';
let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});

/** A port nothing listens on: one the system just gave out, closed again. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const answering = (status: number): CheckFetch => async () => ({ status, text: async () => JSON.stringify({ error: { message: 'nope' } }) });

describe('checkEndpoint', () => {
  it('passes a server that lists its models, sending the key as a GET of /models', async () => {
    server.reset();
    expect(await checkEndpoint({ baseURL: `${server.url}/`, model: 'scripted-model', apiKey: KEY })).toBeUndefined();
    const [req] = server.requests;
    expect(req).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(req!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('fails a closed port at once with LM_NETWORK', async () => {
    const baseURL = `http://127.0.0.1:${await closedPort()}/v1`;
    const t0 = performance.now();
    const err = await checkEndpoint({ baseURL, model: 'm' });
    expect(err).toBeInstanceOf(PlaygroundError);
    expect(err!.code).toBe('LM_NETWORK');
    expect(err!.message).toContain(baseURL);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('fails a server that does not answer in time with LM_TIMEOUT, saying so', async () => {
    const hang: CheckFetch = (_url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    const err = await checkEndpoint({ baseURL: 'http://10.0.0.1/v1', model: 'm' }, { fetch: hang, timeoutMs: 50 });
    expect(err!.code).toBe('LM_TIMEOUT');
    expect(err!.message).toMatch(/timed out after 0\.1 s/);
  });

  it('fails a refused key with LM_AUTH, never quoting it', async () => {
    for (const status of [401, 403]) {
      const err = await checkEndpoint({ baseURL: 'http://x.test/v1', model: 'm', apiKey: KEY }, { fetch: answering(status) });
      expect(err!.code).toBe('LM_AUTH');
      expect(JSON.stringify(err!.toData())).not.toContain(KEY);
    }
  });

  it('passes a server without a model list (404, 405) and any other answer', async () => {
    for (const status of [200, 404, 405, 500]) expect(await checkEndpoint({ baseURL: 'http://x.test/v1', model: 'm' }, { fetch: answering(status) })).toBeUndefined();
  });

  it('keeps credentials in the base URL out of its message', () => {
    const err = classifyEndpointCheck({ baseURL: 'http://user:pw@x.test/v1', model: 'm' }, { error: new Error('refused') });
    expect(err!.message).not.toContain('pw');
  });
});

describe('checkRunEndpoints', () => {
  it('checks each endpoint once for all its roles and skips local models', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/v1`;
    server.reset();
    const failures = await checkRunEndpoints({
      task: { provider: 'openai-compatible', baseURL: dead, model: 'a' },
      proposer: { provider: 'openai-compatible', baseURL: server.url, model: 'b' },
      teacher: { provider: 'openai-compatible', baseURL: dead, model: 'c' },
      judge: { provider: 'webllm', model: 'local' },
    });
    expect(failures.map((f) => [f.roles, f.baseURL, f.error.code])).toEqual([[['task', 'teacher'], dead, 'LM_NETWORK']]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('a hung chat call', () => {
  it('says it timed out, after how long, and what to do', async () => {
    const hung = createServer(() => undefined);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    try {
      const lm = new OpenAICompatibleLM({ baseURL: `http://127.0.0.1:${(hung.address() as AddressInfo).port}/v1`, model: 'm', timeoutMs: 1500, maxRetries: 0 });
      const err = await lm.call({ messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e as PlaygroundError);
      expect(err).toBeInstanceOf(PlaygroundError);
      expect((err as PlaygroundError).code).toBe('LM_TIMEOUT');
      expect((err as PlaygroundError).message).toMatch(/timed out after 1\.5 s/);
      expect((err as PlaygroundError).hint).toMatch(/Test connection/);
    } finally {
      hung.closeAllConnections();
      hung.close();
    }
  });
});
