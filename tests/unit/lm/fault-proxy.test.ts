/**
 * The fault proxy fixture (tests/fixtures/fault-proxy.ts) does what its header says: each
 * fault reaches a plain `fetch` client as described, counts add up, the draws are seeded, and
 * `recover()` stops them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_FAULTS, startFaultProxy, WRONG_FORMAT_TEXT, type FaultKind, type FaultProxy } from '../../fixtures/fault-proxy';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer({ handler: () => 'fine' });
});
afterAll(async () => {
  await server.close();
});

/** One chat request through the proxy: the status and text, or the error's name, within `timeoutMs`. */
async function ask(proxy: FaultProxy, content: string, timeoutMs = 2000): Promise<{ status?: number; text?: string; headers?: Headers; error?: string }> {
  try {
    const res = await fetch(`${proxy.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content }] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  } catch (err) {
    return { error: (err as Error).name };
  }
}

async function withProxy<T>(faults: readonly FaultKind[], rate: number, body: (proxy: FaultProxy) => Promise<T>): Promise<T> {
  server.reset();
  const proxy = await startFaultProxy({ target: server.url, rate, faults, trickleMs: 1 });
  try {
    return await body(proxy);
  } finally {
    await proxy.close();
  }
}

const content = (text: string | undefined) => (JSON.parse(text!) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;

describe('fault proxy', () => {
  it('passes everything through at rate 0, counting what it received and forwarded', async () => {
    await withProxy(ALL_FAULTS, 0, async (proxy) => {
      for (let i = 0; i < 5; i++) expect(content((await ask(proxy, `q${i}`)).text)).toBe('fine');
      expect([proxy.received, proxy.forwarded, server.requests.length]).toEqual([5, 5, 5]);
      expect(proxy.requests.every((r) => r.fault === undefined && r.forwarded)).toBe(true);
    });
  });

  it('injects each fault as described', async () => {
    const one = (fault: FaultKind, timeoutMs?: number) => withProxy([fault], 1, async (proxy) => ({ reply: await ask(proxy, 'q', timeoutMs), proxy: { received: proxy.received, forwarded: proxy.forwarded, injected: proxy.injected[fault] }, server: server.requests.length }));

    const before = await one('reset-before-body');
    expect(before).toMatchObject({ reply: { error: 'TypeError' }, proxy: { received: 1, forwarded: 0, injected: 1 }, server: 0 });
    const after = await one('reset-after-body');
    expect(after).toMatchObject({ reply: { error: 'TypeError' }, proxy: { received: 1, forwarded: 1, injected: 1 }, server: 1 });
    const limited = await one('rate-limit');
    expect(limited.reply.status).toBe(429);
    expect(limited.reply.headers!.get('retry-after')).toBe('0');
    expect(limited.server).toBe(0);
    expect((await one('server-error')).reply.status).toBe(500);
    expect((await one('unavailable')).reply.status).toBe(503);
    expect(await one('hang', 300)).toMatchObject({ reply: { error: 'TimeoutError' }, server: 0 });
    const trickled = await one('trickle');
    expect(content(trickled.reply.text)).toBe('fine');
    expect(trickled.server).toBe(1);
    expect(content((await one('empty-200')).reply.text)).toBe('');
    expect(content((await one('wrong-format-200')).reply.text)).toBe(WRONG_FORMAT_TEXT);
  });

  it('spoils about `rate` of the requests, the same ones for the same seed, and none after recover()', async () => {
    const faulted = async (seed: number) => {
      server.reset();
      const proxy = await startFaultProxy({ target: server.url, rate: 0.3, faults: ['empty-200', 'server-error'], seed });
      try {
        for (let i = 0; i < 60; i++) await ask(proxy, `q${i}`);
        const which = proxy.requests.map((r) => r.fault ?? '-');
        expect(proxy.forwarded).toBe(server.requests.length);
        proxy.recover();
        for (let i = 0; i < 20; i++) expect(content((await ask(proxy, `q${i}`)).text)).toBe('fine');
        expect(proxy.requests.slice(60).every((r) => r.fault === undefined)).toBe(true);
        proxy.resume();
        proxy.reset();
        for (let i = 0; i < 60; i++) await ask(proxy, `q${i}`);
        expect(proxy.requests.map((r) => r.fault ?? '-')).toEqual(which);
        return which;
      } finally {
        await proxy.close();
      }
    };
    const a = await faulted(1);
    const spoiled = a.filter((f) => f !== '-').length;
    expect(spoiled).toBeGreaterThan(8);
    expect(spoiled).toBeLessThan(30);
    expect(await faulted(1)).toEqual(a);
    expect(await faulted(2)).not.toEqual(a);
  }, 60_000);
});
