/**
 * Issue 11, defect 4: a run config is one strict schema. Typos are named (with the key they
 * were probably meant to be), every problem is listed at once, and numbers that would break
 * the client (a timeout past setTimeout's range, a retry count that never ends) are refused.
 */
import { describe, expect, it } from 'vitest';
import { OpenAICompatibleLM } from '../../../src/core/lm';
import { parseOptimizerConfig } from '../../../src/core/optimize';
import { validateRunConfig, type RunConfig } from '../../../src/core/runner';
import { codeOf } from '../errors';

const valid: RunConfig = {
  program: { template: 'predict', signature: 'q -> a' },
  data: { text: 'q,a\nx,y\nz,w', format: 'csv', split: { train: 1, val: 1 } },
  metric: { kind: 'numeric', field: 'a', tolerance: 0.1 },
  optimizer: { kind: 'mipro_v2', numTrials: 4 },
  models: { task: { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:1/v1', model: 'm', apiKeyEnv: 'K', timeoutMs: 1000, maxRetries: 2 } },
};

/** `valid` with `patch` applied at a dotted path (`undefined` deletes the key). */
function withAt(path: string, key: string, value: unknown): unknown {
  const copy = structuredClone(valid) as unknown as Record<string, unknown>;
  let at = copy;
  for (const part of path ? path.split('.') : []) at = at[part] as Record<string, unknown>;
  at[key] = value;
  return copy;
}

describe('run config: unknown keys', () => {
  it('accepts the valid config', () => {
    expect(validateRunConfig(valid)).toEqual([]);
  });

  it.each([
    ['', 'optimiser', 'optimizer'],
    ['optimizer', 'numTrails', 'numTrials'],
    ['models.task', 'apikey', 'apiKey'],
    ['models.task', 'timeout', 'timeoutMs'],
    ['data', 'fromat', 'format'],
    ['metric', 'tolerence', 'tolerance'],
  ])('names %s.%s and suggests %s', (path, typo, meant) => {
    const problems = validateRunConfig(withAt(path, typo, 1));
    const where = path ? `${path}.${typo}` : typo;
    expect(problems).toContainEqual(`${where}: is not an allowed key here; did you mean "${meant}"?`);
  });

  it('refuses unknown keys in every object: program, split, mapping, corpus, models, budget', () => {
    const bad = structuredClone(valid) as unknown as Record<string, any>;
    bad.program.temperature = 0;
    bad.data.split.tset = 1;
    bad.data.mapping = { inputs: { q: 'q' }, labels: { a: 'a' }, ids: 'id' };
    bad.data.corpus = { passages: ['p'], colum: 'x' };
    bad.models.taks = bad.models.task;
    bad.optimizer.budget = { taskCalls: 10, minuts: 1 };
    bad.optimizer.numTrials = undefined;
    const where = validateRunConfig(bad).map((p) => p.split(':')[0]);
    expect(where).toEqual(expect.arrayContaining(['program.temperature', 'data.split.tset', 'data.mapping.ids', 'data.corpus.colum', 'models.taks', 'optimizer.budget.minuts']));
  });

  it('suggests the near key in optimizer options on their own too', () => {
    const r = parseOptimizerConfig({ kind: 'mipro_v2', minibatchsize: 35 });
    expect(r.ok ? [] : r.problems).toEqual(['minibatchsize: is not an allowed key here; did you mean "minibatchSize"?']);
  });

  it('names no key when nothing is near', () => {
    expect(validateRunConfig(withAt('', 'xyzzy', 1))).toEqual(['xyzzy: is not an allowed key here']);
  });
});

describe('run config: shapes and bounds', () => {
  it('reports a mapping that is not an object, instead of crashing later', () => {
    expect(validateRunConfig(withAt('data', 'mapping', 'word'))).toEqual(['data.mapping: must be an object, but got "word"']);
  });

  it('lists every problem at once', () => {
    const bad = structuredClone(valid) as unknown as Record<string, any>;
    bad.models.task.timeoutMs = 0;
    bad.models.task.maxRetries = -1;
    bad.metric.tolerance = -1;
    bad.data.split.val = 0;
    expect(validateRunConfig(bad).map((p) => p.split(':')[0])).toEqual(['data.split.val', 'metric.tolerance', 'models.task.timeoutMs', 'models.task.maxRetries']);
  });

  it('bounds timeoutMs by what setTimeout can wait, retries by 10, concurrency by 256', () => {
    expect(validateRunConfig(withAt('models.task', 'timeoutMs', 2 ** 31 - 1))).toEqual([]);
    expect(validateRunConfig(withAt('models.task', 'timeoutMs', 2 ** 31))).toEqual(['models.task.timeoutMs: must be at most 2147483647, but got 2147483648']);
    expect(validateRunConfig(withAt('models.task', 'maxRetries', 1e9))).toEqual(['models.task.maxRetries: must be at most 10, but got 1000000000']);
    expect(validateRunConfig(withAt('models.task', 'maxConcurrency', 10_000))).toEqual(['models.task.maxConcurrency: must be at most 256, but got 10000']);
    expect(validateRunConfig(withAt('', 'concurrency', 10_000))).toEqual(['concurrency: must be at most 256, but got 10000']);
  });

  it('refuses the same bounds in the client itself', () => {
    const make = (o: object) => () => new OpenAICompatibleLM({ baseURL: 'http://127.0.0.1:1/v1', model: 'm', ...o });
    expect(codeOf(make({ timeoutMs: 2 ** 31 }))).toBe('CONFIG_INVALID');
    expect(codeOf(make({ maxRetries: 1e9 }))).toBe('CONFIG_INVALID');
    expect(codeOf(make({ timeoutMs: 2 ** 31 - 1, maxRetries: 10 }))).toBeUndefined();
  });

  it('refuses headers that are not an object of strings', () => {
    // The value is not quoted back: a header given as a string is likely to hold a key.
    expect(validateRunConfig(withAt('models.task', 'headers', 'Authorization: Bearer x'))).toEqual(['models.task.headers: must be an object of header names and values, e.g. { "x-org": "acme" }']);
    expect(validateRunConfig(withAt('models.task', 'headers', { 'x-n': 1 }))).toEqual(['models.task.headers["x-n"]: must be a string, but got 1']);
  });
});

describe('run config: predictors named by the optimizer', () => {
  it('reports a predictors id that is not a predictor step of the program, with the steps it has, before any run', () => {
    const config = (predictors: string[]) => ({ ...valid, optimizer: { kind: 'opro', predictors } });
    expect(validateRunConfig(config(['predict']))).toEqual([]);
    expect(validateRunConfig(config(['predcit']))).toEqual(['optimizer.predictors: "predcit" is not a predictor step of the program; its predictor steps are "predict"']);
    const hop = { ...valid, program: { template: 'multi_hop', signature: 'question -> answer' }, data: { ...valid.data, corpus: { passages: ['p'] } }, metric: { kind: 'exact_match', field: 'answer' }, optimizer: { kind: 'mipro_v2', predictors: ['retrieve_1', 'generate_answer'] } };
    expect(validateRunConfig(hop)).toEqual(['optimizer.predictors: "retrieve_1" is not a predictor step of the program; its predictor steps are "generate_query_1", "generate_query_2", "generate_answer"']);
  });
});
