/**
 * Issue 11, defect 6: no secret reaches a message. A base URL with a user name or password is
 * refused; URLs with credentials are cleaned out of any text; a key the server echoes in part,
 * or any other key-looking token, is redacted; and the Authorization header is sent once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PlaygroundError } from '../../../src/core/errors';
import { OpenAICompatibleLM } from '../../../src/core/lm';
import { makeRedactor } from '../../../src/core/lm/openai-errors';
import { validateRunConfig } from '../../../src/core/runner';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';
import { thrown } from '../errors';

const KEY = 'sk-test-SECRET-9f8e7d6c5b4a39281706';

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(PlaygroundError);
    const e = err as PlaygroundError;
    return JSON.stringify({ data: e.toData(), message: e.message, stack: e.stack });
  }
  throw new Error('expected the call to fail');
}

/** Every run of 8 characters of `secret` found in `text`. */
function runsOf(secret: string, text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) if (text.includes(secret.slice(i, i + 8))) found.push(secret.slice(i, i + 8));
  return found;
}

describe('credentials in base URLs', () => {
  it('are refused by the client, without repeating them', () => {
    const e = thrown(() => new OpenAICompatibleLM({ baseURL: 'http://alice:hunter2@127.0.0.1:1/v1', model: 'm' }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(JSON.stringify(e)).not.toMatch(/alice|hunter2/);
  });

  it('are refused by config validation, without repeating them', () => {
    const problems = validateRunConfig({
      program: { template: 'predict', signature: 'q -> a' },
      data: { text: 'q,a\nx,y', split: { train: 0.5, val: 0.5 } },
      metric: { kind: 'exact_match', field: 'a' },
      optimizer: { kind: 'none' },
      models: { task: { provider: 'openai-compatible', baseURL: 'https://alice:hunter2@api.example/v1', model: 'm' } },
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['models.task.baseURL']);
    expect(problems.join()).not.toMatch(/alice|hunter2/);
  });

  it('are stripped from any text a message quotes', () => {
    const redact = makeRedactor(undefined);
    expect(redact('fetch failed for http://alice:hunter2@10.0.0.1:8000/v1/chat and https://bob@x.example/')).toBe('fetch failed for http://10.0.0.1:8000/v1/chat and https://x.example/');
  });
});

describe('key redaction', () => {
  it('removes any 8-character run of the key a server echoes', async () => {
    const echoed = `Incorrect API key provided: ${KEY.slice(0, -3)}***; also ${KEY.slice(5, 20)}.`;
    server.setHandler(() => ({ status: 401, body: { error: { message: echoed } } }));
    const lm = new OpenAICompatibleLM({ baseURL: server.url, model: 'm', apiKey: KEY });
    const seen = await failure(lm.call({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(seen).toContain('Incorrect API key provided');
    expect(runsOf(KEY, seen)).toEqual([]);
  });

  it('removes key-looking tokens that are not the key, and bearer tokens', () => {
    const redact = makeRedactor('sk-mine-0123456789abcdef');
    const out = redact('keys sk-proj-AbCdEf0123456789xyz, gsk_0123456789abcdefABCD and Bearer eyJhbGciOiJIUzI1NiJ9.e30.x; skip-this stays');
    expect(out).not.toMatch(/AbCdEf0123456789|0123456789abcdefABCD|eyJhbGciOiJIUzI1NiJ9/);
    expect(out).toContain('skip-this stays');
  });

  it('keeps short secrets exact: a 5-character header value is still removed whole, nothing more', () => {
    const redact = makeRedactor(undefined, { 'x-api-key': 'abcde' });
    expect(redact('got abcde and abcd')).toBe('got [redacted] and abcd');
  });
});

describe('the Authorization header', () => {
  it('is sent once: headers.Authorization (any case) replaces the Bearer key', async () => {
    server.setHandler(() => 'ok');
    const lm = new OpenAICompatibleLM({ baseURL: server.url, model: 'm', apiKey: KEY, headers: { Authorization: 'Bearer from-headers', 'Content-Type': 'application/json' } });
    await lm.call({ messages: [{ role: 'user', content: 'hi' }] });
    const sent = server.requests.at(-1)!.headers;
    expect(sent.authorization).toBe('Bearer from-headers');
    expect(sent['content-type']).toBe('application/json');
  });

  it('carries the key when no header says otherwise', async () => {
    server.setHandler(() => 'ok');
    const lm = new OpenAICompatibleLM({ baseURL: server.url, model: 'm', apiKey: KEY, headers: { 'x-org': 'o' } });
    await lm.call({ messages: [{ role: 'user', content: 'hi' }] });
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
  });
});
