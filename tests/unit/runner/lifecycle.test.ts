/**
 * Issue 12, section 4, in the runner: a run stopped early (`host.stop`) returns the best
 * program found so far without scoring it again, and a stored config remembers which endpoints
 * were given a key (the `<redacted>` mark), so a resume can ask for it instead of sending none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAICompatibleLM } from '../../../src/core/lm';
import { executeRun, missingKeys, redactConfig, restoreSecrets, validateRunConfig, withKeys, type ModelConfig, type RunEvent } from '../../../src/core/runner';
import { fixtureData } from '../../fixtures/fixture-data';
import { irisHandler, irisRunConfig } from '../../fixtures/iris-world';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';

const IRIS = fixtureData('iris/all.jsonl').text;

function createLM(cfg: ModelConfig) {
  if (cfg.provider !== 'openai-compatible') throw new Error('openai-compatible only');
  return new OpenAICompatibleLM({ baseURL: cfg.baseURL, model: cfg.model, maxConcurrency: 4 });
}

describe('a run stopped early', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer({ handler: irisHandler });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('keeps the best program scored so far, with its measured score, and makes no call after the trial boundary', async () => {
    const stop = new AbortController();
    const events: RunEvent[] = [];
    let requestsAtBoundary = -1;
    const onEvent = (e: RunEvent) => {
      events.push(e);
      if (e.type !== 'optimizer') return;
      if (e.event.type === 'new_best' && e.event.trial > 0) stop.abort();
      // The checkpoint after the stopping trial is its boundary: nothing is sent after it.
      if (stop.signal.aborted && e.event.type === 'checkpoint' && requestsAtBoundary < 0) requestsAtBoundary = server.requests.length;
    };
    const result = await executeRun(irisRunConfig(IRIS, server.url), { createLM, stop: stop.signal, onEvent });
    expect(result.stoppedEarly).toBe(true);
    const best = [...events].reverse().find((e) => e.type === 'optimizer' && e.event.type === 'new_best');
    const bestEvent = best?.type === 'optimizer' && best.event.type === 'new_best' ? best.event : undefined;
    expect(bestEvent).toBeDefined();
    // The kept program is the best found so far: the best full evaluation of the trials run.
    const full = result.trials.filter((t) => t.kind !== 'minibatch' && !t.failed);
    expect(result.scores.val).toBe(Math.max(...full.map((t) => t.score)));
    expect(result.scores.val).toBe(bestEvent!.score);
    expect(result.scores.val).toBeGreaterThan(result.trials[0]!.score);
    expect(result.details.val.n).toBe(result.trials[bestEvent!.trial]!.n);
    expect(result.details.val.ci95.lo).toBeLessThanOrEqual(result.scores.val);
    expect(result.scores.test).toBeUndefined();
    expect(events.some((e) => e.type === 'phase' && e.phase.startsWith('evaluate'))).toBe(false);
    expect(server.requests.length).toBe(requestsAtBoundary);
    expect(result.program.state.generate?.instruction).toBeTypeOf('string');
  }, 120_000);
});

describe('stored configs remember which endpoints need a key', () => {
  const config = irisRunConfig(IRIS, 'http://127.0.0.1:9/v1', 'sk-secret');
  const open = { ...config, models: { ...config.models, proposer: { provider: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:9/v1', model: 'open-model' } } };

  it('marks a given key <redacted> and lists it as missing until it is given again', () => {
    const stored = redactConfig(open, { keepData: true });
    expect(JSON.stringify(stored)).not.toContain('sk-secret');
    expect(stored.models.task).toMatchObject({ apiKey: '<redacted>' });
    expect(stored.models.proposer).not.toHaveProperty('apiKey');
    expect(missingKeys(stored)).toEqual([{ baseURL: 'http://127.0.0.1:9/v1', models: ['task-model'], roles: ['task'] }]);
    // Setup holds no key after a reload: still missing. Holding it: restored.
    expect(missingKeys(restoreSecrets(stored, { task: { ...open.models.task, apiKey: undefined } as ModelConfig }))).toHaveLength(1);
    expect(missingKeys(restoreSecrets(stored, open.models))).toEqual([]);
    const given = withKeys(stored, { 'http://127.0.0.1:9/v1': 'sk-typed' });
    expect(given.models.task).toMatchObject({ apiKey: 'sk-typed' });
    expect(missingKeys(given)).toEqual([]);
  });

  it('refuses to run with the mark in place of a key (no request goes out without it)', async () => {
    expect(validateRunConfig(redactConfig(config, { keepData: true })).join('\n')).toMatch(/models\.task\.apiKey/);
    await expect(executeRun(redactConfig(config, { keepData: true }), { createLM })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('opens runs stored before the mark: no key is asked for', () => {
    const { apiKey: _a, ...task } = config.models.task as Extract<ModelConfig, { provider: 'openai-compatible' }>;
    expect(missingKeys({ ...config, models: { task } })).toEqual([]);
  });
});
