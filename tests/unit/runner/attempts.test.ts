/**
 * Issue 11, defect 3, end to end in process: a run over the Iris world, its models at the fault
 * proxy in front of the scripted server. Under 30% connection resets (before the request is
 * read, and after the server answered: lost answers), the attempts in the run's usage add up to
 * the requests the proxy received; `calls` stays the count of logical calls. Without faults,
 * calls, attempts and the server's count agree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LM_ROLES, OpenAICompatibleLM, type UsageSnapshot } from '../../../src/core/lm';
import { executeRun, type ModelConfig, type RunConfig } from '../../../src/core/runner';
import { startFaultProxy } from '../../fixtures/fault-proxy';
import { fixtureData } from '../../fixtures/fixture-data';
import { irisHandler, irisRunConfig } from '../../fixtures/iris-world';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';

const IRIS = fixtureData('iris/all.jsonl').text;

function createLM(cfg: ModelConfig) {
  if (cfg.provider !== 'openai-compatible') throw new Error('openai-compatible only');
  // Enough retries that 30% resets never exhaust them (0.3^9), and no real backoff waits.
  return new OpenAICompatibleLM({ baseURL: cfg.baseURL, model: cfg.model, maxConcurrency: 4, maxRetries: 8, backoffBaseMs: 1 });
}

function config(url: string): RunConfig {
  return { ...irisRunConfig(IRIS, url), optimizer: { kind: 'mipro_v2', auto: 'light', numTrials: 4 } };
}

function sum(usage: UsageSnapshot, field: 'calls' | 'attempts'): number {
  return LM_ROLES.reduce((n, role) => n + (usage[role][field] as number), 0);
}

describe('attempts against the fault proxy', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer({ handler: irisHandler });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('under 30% connection resets, attempts equal the requests the proxy received', async () => {
    server.reset();
    const proxy = await startFaultProxy({ target: server.url, rate: 0.3, faults: ['reset-before-body', 'reset-after-body'], seed: 11 });
    try {
      const result = await executeRun(config(proxy.url), { createLM });
      const calls = sum(result.usage, 'calls');
      const attempts = sum(result.usage, 'attempts');
      console.info(`resets: ${calls} calls, ${attempts} attempts; proxy received ${proxy.received}, forwarded ${proxy.forwarded} (server ${server.requests.length}); ${proxy.injected['reset-before-body']} resets before the body, ${proxy.injected['reset-after-body']} after`);
      expect(attempts).toBe(proxy.received);
      expect(proxy.forwarded).toBe(server.requests.length);
      expect(proxy.injected['reset-before-body']).toBeGreaterThan(0);
      expect(proxy.injected['reset-after-body']).toBeGreaterThan(0);
      // Every reset cost an attempt, and nothing else did.
      expect(attempts - calls).toBe(proxy.injected['reset-before-body'] + proxy.injected['reset-after-body']);
      expect(result.usage.task.failures).toBe(0);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('without faults, calls, attempts and the server count agree', async () => {
    server.reset();
    const result = await executeRun(config(server.url), { createLM });
    expect(sum(result.usage, 'calls')).toBe(server.requests.length);
    expect(sum(result.usage, 'attempts')).toBe(server.requests.length);
  }, 60_000);
});
