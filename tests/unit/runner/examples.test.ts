/**
 * A run keeps every scored example's answers: the optimized program's on validation and test,
 * the baseline's on test, matching the split scores it reports, and findable in the calls the
 * run made (by phase and example id).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAICompatibleLM } from '../../../src/core/lm';
import { executeRun, type ModelConfig, type ObservedCall, type RunResult } from '../../../src/core/runner';
import { fixtureData } from '../../fixtures/fixture-data';
import { irisHandler, irisRunConfig } from '../../fixtures/iris-world';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';

// Every third row: 50 flowers, all three species.
const IRIS = fixtureData('iris/all.jsonl').text.split('\n').filter((line, i) => line && i % 3 === 0).join('\n');

function createLM(cfg: ModelConfig) {
  if (cfg.provider !== 'openai-compatible') throw new Error('openai-compatible only');
  return new OpenAICompatibleLM({ baseURL: cfg.baseURL, model: cfg.model, maxConcurrency: 4, backoffBaseMs: 1 });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('per-example outcomes in the run result', () => {
  let server: ScriptedServer;
  let result: RunResult;
  const calls: ObservedCall[] = [];
  beforeAll(async () => {
    server = await startScriptedServer({ handler: irisHandler });
    const config = { ...irisRunConfig(IRIS, server.url), optimizer: { kind: 'mipro_v2' as const, auto: 'light' as const, numTrials: 4 } };
    result = await executeRun(config, { createLM, observeCall: (c) => calls.push(c) });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('keeps the optimized answers on val and test and the baseline on test, matching the split scores', () => {
    const { val, test } = result.examples!;
    expect(val).toHaveLength(result.details.val.n);
    expect(test).toHaveLength(result.details.test!.n);
    expect(mean(val!.map((e) => e.optimized.score))).toBeCloseTo(result.details.val.mean, 10);
    expect(mean(test!.map((e) => e.optimized.score))).toBeCloseTo(result.details.test!.mean, 10);
    expect(mean(test!.map((e) => e.baseline!.score))).toBeCloseTo(result.details.baselineTest!.mean, 10);
    // The baseline was not scored on validation.
    expect(val!.every((e) => e.baseline === undefined)).toBe(true);
    // The optimization changed answers (the scripted model needs the rule or demos).
    expect(test!.some((e) => e.baseline!.score === 0 && e.optimized.score === 1)).toBe(true);
  });

  it('holds each example as data: its inputs, gold labels and the programs predictions, and no traces', () => {
    const e = result.examples!.test![0]!;
    expect(Object.keys(e.inputs).sort()).toEqual(['petal_length', 'petal_width', 'sepal_length', 'sepal_width']);
    expect(typeof e.labels.species).toBe('string');
    expect(typeof e.optimized.prediction.species).toBe('string');
    expect(JSON.stringify(result.examples)).not.toContain('trace');
    expect(structuredClone(result.examples)).toEqual(result.examples);
  });

  it('names examples the way their calls were filed, so the table can open them', () => {
    for (const e of result.examples!.test!) {
      expect(calls.some((c) => c.context.phase === 'evaluate' && c.context.exampleId === e.id)).toBe(true);
      expect(calls.some((c) => c.context.phase === 'baseline' && c.context.exampleId === e.id)).toBe(true);
    }
  });
});
