/**
 * Issue 11, defect 3: usage counts HTTP attempts next to calls. `calls` stays one per LM call
 * that went to the network; `attempts` is every request sent (retries, lost answers and the
 * requests of a cancelled call included), which is what a provider bills. The tokens of every
 * complete answer received count, even one the client then refused.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PlaygroundError } from '../../../src/core/errors';
import { createAccountedLM, OpenAICompatibleLM, ScriptedLM, UsageMeter, type OpenAICompatibleOptions } from '../../../src/core/lm';
import type { LMRequest } from '../../../src/core/lm/types';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';

const ask = (content: string): LMRequest => ({ messages: [{ role: 'user', content }] });

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

function accounted(opts: Partial<OpenAICompatibleOptions> = {}) {
  const usage = new UsageMeter();
  const client = new OpenAICompatibleLM({ baseURL: server.url, model: 'm', sleep: async () => undefined, ...opts });
  return { usage, lm: createAccountedLM({ lm: client, role: 'task', usage }) };
}

async function rejection(p: Promise<unknown>): Promise<PlaygroundError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(PlaygroundError);
  return err as PlaygroundError;
}

describe('attempts per role', () => {
  it('a call answered after two dropped connections is one call in three attempts', async () => {
    server.setHandler((_body, ctx) => (ctx.index < 2 ? { destroySocket: true } : { reply: 'ok', usage: { prompt_tokens: 5, completion_tokens: 1 } }));
    const { usage, lm } = accounted();
    expect((await lm.call(ask('q'))).completions).toEqual(['ok']);
    expect(usage.snapshot().task).toMatchObject({ calls: 1, attempts: 3, failures: 0, promptTokens: 5, completionTokens: 1 });
    expect(server.requests).toHaveLength(3);
  });

  it('a call that fails after its retries counts every attempt', async () => {
    server.setHandler(() => ({ status: 500 }));
    const { usage, lm } = accounted({ maxRetries: 2 });
    expect((await rejection(lm.call(ask('q')))).code).toBe('LM_SERVER');
    expect(usage.snapshot().task).toMatchObject({ calls: 1, failures: 1, attempts: 3 });
    expect(server.requests).toHaveLength(3);
  });

  it('a call cancelled during its backoff is no call, but its requests were sent and count', async () => {
    server.setHandler(() => ({ status: 503 }));
    const caller = new AbortController();
    // The backoff wait is where the caller gives up; the client's wait then ends with ABORTED.
    const sleep = (_ms: number, signal?: AbortSignal) =>
      new Promise<void>((_, reject) => {
        signal?.addEventListener('abort', () => reject(new PlaygroundError('ABORTED', 'The operation was cancelled.')), { once: true });
        caller.abort();
      });
    const { usage, lm } = accounted({ sleep });
    expect((await rejection(lm.call(ask('q'), { signal: caller.signal }))).code).toBe('ABORTED');
    // The caller is released at once; the shared request settles a moment later.
    await vi.waitFor(() => expect(usage.snapshot().task.attempts).toBe(1));
    expect(usage.snapshot().task).toMatchObject({ calls: 0, failures: 0, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('counts the tokens of a complete 200 that the client could not use', async () => {
    server.setHandler(() => ({ body: { object: 'chat.completion', choices: [], usage: { prompt_tokens: 11, completion_tokens: 4 } } }));
    const { usage, lm } = accounted();
    expect((await rejection(lm.call(ask('q')))).code).toBe('LM_BAD_RESPONSE');
    expect(usage.snapshot().task).toMatchObject({ calls: 1, failures: 1, attempts: 1, promptTokens: 11, completionTokens: 4 });
  });

  it('without faults, calls and attempts both equal the requests the server received', async () => {
    server.setHandler(() => 'fine');
    const { usage, lm } = accounted();
    await Promise.all(['a', 'b', 'c', 'd', 'a'].map((q) => lm.call(ask(q))));
    expect(usage.snapshot().task).toMatchObject({ calls: 4, attempts: 4, cacheHits: 1 });
    expect(server.requests).toHaveLength(4);
  });

  it('a model that does not report attempts (WebLLM, scripted) counts one per call', async () => {
    const usage = new UsageMeter();
    const lm = createAccountedLM({ lm: new ScriptedLM(() => 'x'), role: 'teacher', usage });
    await lm.call(ask('a'));
    await lm.call(ask('b'));
    expect(usage.snapshot().teacher).toMatchObject({ calls: 2, attempts: 2 });
    expect(usage.total()).toMatchObject({ calls: 2, attempts: 2 });
  });

  it('a usage snapshot stored before attempts were counted reads them as its calls', () => {
    const old = { calls: 7, cacheHits: 1, failures: 2, parseFailures: 0, promptTokens: 70, completionTokens: 7 };
    const meter = new UsageMeter({ initial: { task: old } as never });
    expect(meter.snapshot().task).toMatchObject({ calls: 7, attempts: 7 });
    meter.restore({ ...meter.snapshot(), proposer: { ...old, calls: 3 } as never });
    expect(meter.snapshot().proposer.attempts).toBe(3);
  });
});
