import { describe, expect, it } from 'vitest';
import type { Example } from '../../../src/core/data/types';
import { evaluate, type ExampleResult } from '../../../src/core/evaluate';
import { ScriptedLM, type ScriptedLMOptions } from '../../../src/core/lm';
import type { LMRequest } from '../../../src/core/lm/types';
import { createMetric } from '../../../src/core/metric';
import { resolveProgram } from '../../../src/core/program';
import { answer, block, lastUser, rejection } from '../program/scripted';
import { PlaygroundError } from '../../../src/core/errors';

/**
 * An addition task: "x + y" for x = 0..n-1. The scripted model adds correctly when x < 7 and
 * is off by one otherwise, so the expected score of any example set is known exactly.
 */
const program = resolveProgram({
  version: 1,
  inputs: [{ name: 'sum' }],
  steps: [{ id: 'add', kind: 'predict', signature: 'sum -> answer' }],
  outputs: { answer: 'add.answer' },
});
const metric = createMetric({ kind: 'exact_match', field: 'answer' });

function sums(n: number): Example[] {
  return Array.from({ length: n }, (_, x) => ({ id: `e${x}`, inputs: { sum: `${x} + 3` }, labels: { answer: String(x + 3) } }));
}

function operands(req: LMRequest): [number, number] {
  const [x, y] = (block(lastUser(req), 'sum') ?? '').split(' + ').map(Number);
  return [x!, y!];
}

/** Right when x < 7; garbles its format when `garble(x)`; fails as a server would when `fail(x)`. */
function adder(opts: ScriptedLMOptions & { garble?: (x: number) => boolean; fail?: (x: number) => boolean } = {}): ScriptedLM {
  return new ScriptedLM((req) => {
    const [x, y] = operands(req);
    if (opts.fail?.(x)) throw new PlaygroundError('LM_SERVER', 'The server answered 500.');
    if (opts.garble?.(x)) return `I think it is ${x + y}.`;
    return answer({ answer: String(x < 7 ? x + y : x + y + 1) });
  }, opts);
}

/** Wilson score interval at 95%, written out independently of the code under test. */
function wilson(correct: number, n: number): { lo: number; hi: number } {
  const z = 1.959963984540054;
  const p = correct / n;
  const center = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { lo: center - half, hi: center + half };
}

describe('evaluate: scores', () => {
  it('reports the exact mean and a 95% interval around it', async () => {
    const lm = adder();
    const result = await evaluate({ program, state: {}, examples: sums(10), metric, ctx: { lm } });
    expect(result.mean).toBe(0.7);
    expect(result.n).toBe(10);
    expect(result.errors).toBe(0);
    const expected = wilson(7, 10);
    expect(result.ci95.lo).toBeCloseTo(expected.lo, 10);
    expect(result.ci95.hi).toBeCloseTo(expected.hi, 10);
    expect(result.ci95.lo).toBeCloseTo(0.397, 3);
    expect(result.ci95.hi).toBeCloseTo(0.892, 3);
    expect(lm.calls).toBe(10);
  });

  it('keeps per-example results in example order, with predictions and scores', async () => {
    const result = await evaluate({ program, state: {}, examples: sums(10), metric, ctx: { lm: adder({ latencyMs: 1 }) }, concurrency: 4 });
    expect(result.results.map((r) => r.exampleId)).toEqual(sums(10).map((e) => e.id));
    expect(result.results.map((r) => r.score)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(result.results[2]!.prediction).toEqual({ answer: '5' });
    expect(result.results[8]!.prediction).toEqual({ answer: '12' });
  });

  it('scores failed examples 0, counts them, and keeps their error', async () => {
    const lm = adder({ fail: (x) => x === 1 || x === 8 });
    const result = await evaluate({ program, state: {}, examples: sums(10), metric, ctx: { lm } });
    expect(result.errors).toBe(2);
    expect(result.parseFailures).toBe(0);
    expect(result.mean).toBe(0.6);
    const failed = result.results.filter((r) => r.error);
    expect(failed.map((r) => [r.exampleId, r.score, r.error!.code])).toEqual([
      ['e1', 0, 'LM_SERVER'],
      ['e8', 0, 'LM_SERVER'],
    ]);
  });

  it('scores an unreadable answer 0 and counts it apart from errors, keeping the raw answer', async () => {
    const lm = adder({ garble: (x) => x === 1 || x === 8 });
    const result = await evaluate({ program, state: {}, examples: sums(10), metric, ctx: { lm } });
    expect(result.errors).toBe(0);
    expect(result.parseFailures).toBe(2);
    expect(result.mean).toBe(0.6);
    const unreadable = result.results.filter((r) => r.unreadable);
    expect(unreadable.map((r) => [r.exampleId, r.score, r.error!.code])).toEqual([
      ['e1', 0, 'ADAPTER_PARSE'],
      ['e8', 0, 'ADAPTER_PARSE'],
    ]);
    expect(unreadable[0]!.trace[0]!.lm!.completion).toBe('I think it is 4.');
  });

  it('counts a metric failure (no gold label) as a failed example', async () => {
    const examples = sums(3);
    examples[1] = { ...examples[1]!, labels: {} };
    const result = await evaluate({ program, state: {}, examples, metric, ctx: { lm: adder() } });
    expect(result.errors).toBe(1);
    expect(result.results[1]).toMatchObject({ score: 0, error: { code: 'METRIC_INVALID' } });
    expect(result.results[1]!.prediction).toEqual({ answer: '4' });
  });

  it('gives an empty example set a zero mean, not NaN', async () => {
    const result = await evaluate({ program, state: {}, examples: [], metric, ctx: { lm: adder() } });
    expect(result).toMatchObject({ mean: 0, n: 0, errors: 0, results: [] });
  });
});

describe('evaluate: concurrency', () => {
  it('never runs more calls at once than asked, and does use the width', async () => {
    for (const concurrency of [1, 3]) {
      const lm = adder({ latencyMs: 5 });
      await evaluate({ program, state: {}, examples: sums(12), metric, ctx: { lm }, concurrency });
      expect(lm.peakConcurrency).toBe(concurrency);
    }
  });

  it("defaults to the model's own maxConcurrency", async () => {
    const lm = adder({ latencyMs: 5, maxConcurrency: 2 });
    await evaluate({ program, state: {}, examples: sums(8), metric, ctx: { lm } });
    expect(lm.peakConcurrency).toBe(2);
  });
});

describe('evaluate: error budget', () => {
  it('stops with EVAL_ERROR_BUDGET once failures exceed the budget, without running the rest', async () => {
    const lm = adder({ fail: () => true });
    const err = await rejection(evaluate({ program, state: {}, examples: sums(40), metric, ctx: { lm }, maxErrors: 3, concurrency: 1 }));
    expect(err.code).toBe('EVAL_ERROR_BUDGET');
    expect(err.details).toMatchObject({ errors: 4, maxErrors: 3, firstError: { code: 'LM_SERVER' } });
    expect(lm.calls).toBe(4);
  });

  it('with several calls in flight, stops starting new examples once over budget', async () => {
    const lm = adder({ fail: () => true, latencyMs: 2 });
    const err = await rejection(evaluate({ program, state: {}, examples: sums(40), metric, ctx: { lm }, maxErrors: 3, concurrency: 4 }));
    expect(err.code).toBe('EVAL_ERROR_BUDGET');
    // At most the budget + 1 failures, plus the calls already in flight at that moment.
    expect(lm.calls).toBeLessThanOrEqual(3 + 1 + 3);
  });

  it('tolerates failures up to the budget', async () => {
    const lm = adder({ fail: (x) => x < 3 });
    const result = await evaluate({ program, state: {}, examples: sums(10), metric, ctx: { lm }, maxErrors: 3 });
    expect(result.errors).toBe(3);
    expect(result.mean).toBe(0.4);
  });

  it('stops when every example failed, whatever the budget: a run with nothing scored is of no use', async () => {
    const lm = adder({ fail: () => true });
    const err = await rejection(evaluate({ program, state: {}, examples: sums(8), metric, ctx: { lm }, maxErrors: 1000 }));
    expect(err.code).toBe('EVAL_ERROR_BUDGET');
    expect(err.message).toMatch(/all 8 examples failed/);
    expect(err.details).toMatchObject({ errors: 8, firstError: { code: 'LM_SERVER' } });
  });

  it('defaults to a budget of 10% of the examples, at least 5', async () => {
    const small = adder({ fail: (x) => x < 5 });
    expect((await evaluate({ program, state: {}, examples: sums(10), metric, ctx: { lm: small } })).errors).toBe(5);
    const over = adder({ fail: (x) => x < 6 });
    expect((await rejection(evaluate({ program, state: {}, examples: sums(10), metric, ctx: { lm: over }, concurrency: 1 }))).details).toMatchObject({ maxErrors: 5 });
    const large = adder({ fail: (x) => x < 7 });
    expect((await rejection(evaluate({ program, state: {}, examples: sums(60), metric, ctx: { lm: large }, concurrency: 1 }))).details).toMatchObject({ errors: 7, maxErrors: 6 });
  });

  it('never spends it on unreadable answers: a model that breaks the format 30% of the time finishes', async () => {
    const lm = adder({ garble: (x) => x % 10 < 3 });
    const result = await evaluate({ program, state: {}, examples: sums(40), metric, ctx: { lm }, maxErrors: 3 });
    expect(result).toMatchObject({ n: 40, errors: 0, parseFailures: 12 });
    expect(lm.calls).toBe(40);
  });

  it('stops with MODEL_UNREADABLE when no answer at all can be read, with the first one to look at', async () => {
    const lm = adder({ garble: () => true });
    const err = await rejection(evaluate({ program, state: {}, examples: sums(60), metric, ctx: { lm }, concurrency: 1 }));
    expect(err.code).toBe('MODEL_UNREADABLE');
    expect(err.details).toMatchObject({ answers: 20, firstAnswer: 'I think it is 3.', firstError: { code: 'ADAPTER_PARSE' } });
    expect(lm.calls).toBe(20);
    // A small evaluation (a search's chunk) is scored, all zeros, rather than stopped.
    expect(await evaluate({ program, state: {}, examples: sums(5), metric, ctx: { lm } })).toMatchObject({ mean: 0, parseFailures: 5 });
    // Between ten and twenty examples, it stops once it has seen them all.
    expect((await rejection(evaluate({ program, state: {}, examples: sums(12), metric, ctx: { lm } }))).details).toMatchObject({ answers: 12 });
    // One readable answer among the first twenty is enough to go on.
    const one = adder({ garble: (x) => x !== 15 });
    expect(await evaluate({ program, state: {}, examples: sums(30), metric, ctx: { lm: one }, concurrency: 1 })).toMatchObject({ n: 30, parseFailures: 29 });
  });
});

describe('evaluate: traces and progress', () => {
  it('keeps each example trace with its LM call', async () => {
    const lm = adder();
    const result = await evaluate({ program, state: {}, examples: sums(3), metric, ctx: { lm }, concurrency: 1 });
    result.results.forEach((r, i) => {
      expect(r.trace.map((t) => t.stepId)).toEqual(['add']);
      expect(r.trace[0]!.inputs).toEqual({ sum: `${i} + 3` });
      expect(r.trace[0]!.lm!.messages).toStrictEqual(lm.requests[i]!.messages);
    });
  });

  it('drops traces when asked, keeping predictions and scores', async () => {
    const result = await evaluate({ program, state: {}, examples: sums(3), metric, ctx: { lm: adder() }, omitTraces: true });
    for (const r of result.results) expect(r.trace).toEqual([]);
    expect(result.results.map((r) => r.prediction.answer)).toEqual(['3', '4', '5']);
    expect(result.mean).toBe(1);
  });

  it('reports progress after every example', async () => {
    const seen: [number, number, ExampleResult][] = [];
    await evaluate({ program, state: {}, examples: sums(5), metric, ctx: { lm: adder() }, onProgress: (done, total, r) => seen.push([done, total, r]) });
    expect(seen.map(([d, t]) => [d, t])).toEqual([1, 2, 3, 4, 5].map((d) => [d, 5]));
    expect(new Set(seen.map(([, , r]) => r.exampleId)).size).toBe(5);
  });
});

describe('evaluate: cancellation', () => {
  it('throws ABORTED when cancelled midway, and starts no new example', async () => {
    const controller = new AbortController();
    const lm = new ScriptedLM((req) => {
      if (lm.calls === 3) controller.abort();
      const [x, y] = operands(req);
      return answer({ answer: String(x + y) });
    });
    const err = await rejection(evaluate({ program, state: {}, examples: sums(20), metric, ctx: { lm, signal: controller.signal }, concurrency: 1 }));
    expect(err.code).toBe('ABORTED');
    expect(lm.calls).toBe(3);
  });

  it('throws ABORTED before any call when already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const lm = adder();
    const err = await rejection(evaluate({ program, state: {}, examples: sums(5), metric, ctx: { lm, signal: controller.signal } }));
    expect(err.code).toBe('ABORTED');
    expect(lm.calls).toBe(0);
  });
});
