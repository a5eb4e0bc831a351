/**
 * Evaluating a finished run's program again, edited or not, as a new run (optimizer `none`,
 * the program's state in the config): answers the first run got come from the LM cache, so an
 * unchanged program costs no calls, and an edited instruction asks anew.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCacheStore, OpenAICompatibleLM } from '../../../src/core/lm';
import { executeRun, type ModelConfig, type RunConfig } from '../../../src/core/runner';
import { editedRunConfig, setInstruction } from '../../../src/ui/run/edit-program';
import { fixtureData } from '../../fixtures/fixture-data';
import { irisHandler, irisRunConfig } from '../../fixtures/iris-world';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';

const SMALL_IRIS = fixtureData('iris/all.jsonl').text.split('\n').filter((line, i) => line && i % 3 === 0).join('\n');

function createLM(cfg: ModelConfig) {
  if (cfg.provider !== 'openai-compatible') throw new Error('openai-compatible only');
  return new OpenAICompatibleLM({ baseURL: cfg.baseURL, model: cfg.model, maxConcurrency: 4, backoffBaseMs: 1 });
}

describe('an edited run', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer({ handler: irisHandler });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('re-evaluates an unchanged program with 0 calls sent, and an edited one by asking anew', { timeout: 60_000 }, async () => {
    const base = irisRunConfig(SMALL_IRIS, server.url);
    const cfg: RunConfig = { ...base, optimizer: { kind: 'bootstrap_few_shot' } as RunConfig['optimizer'], models: { ...base.models, task: { ...base.models.task, output: 'chat' } } };
    const cache = new MemoryCacheStore(100_000);
    const parent = await executeRun(cfg, { createLM, cache });
    expect(parent.usage.task.calls).toBeGreaterThan(0);

    server.reset();
    const { spec, state } = parent.program;
    const same = await executeRun(editedRunConfig(cfg, spec, state), { createLM, cache });
    expect(same.usage.task.calls).toBe(0);
    expect(same.usage.task.cacheHits).toBeGreaterThan(0);
    expect(server.requests.length).toBe(0);
    expect(same.details.val).toEqual(parent.details.val);
    expect(same.details.test).toEqual(parent.details.test);

    const predictor = Object.keys(state)[0]!;
    const edited = setInstruction(state, predictor, `${state[predictor]!.instruction} Answer with the species name only.`);
    const changed = await executeRun(editedRunConfig(cfg, spec, edited), { createLM, cache });
    expect(changed.usage.task.calls).toBeGreaterThan(0);
    expect(changed.program.state[predictor]!.instruction).toBe(edited[predictor]!.instruction);
  });
});
