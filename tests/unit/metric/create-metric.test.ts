import { describe, expect, it } from 'vitest';
import type { Example } from '../../../src/core/data';
import { createMetric, meanAndCI95, passes, tCritical, validateMetricSpec, type MetricSpec } from '../../../src/core/metric';
import { codeOf } from '../errors';

const ex: Example = { id: 'e1', inputs: { question: 'q' }, labels: { answer: 'Paris', total: '18' } };

async function rejection(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('createMetric', () => {
  it('reads prediction[field] and example.labels[field]', async () => {
    const em = createMetric({ kind: 'exact_match', field: 'answer' });
    expect(em.name).toBe('exact_match(answer)');
    expect(await em.score(ex, { answer: 'paris.' })).toBe(1);
    expect(await em.score(ex, { answer: 'Lyon', total: 'Paris' })).toBe(0);
    expect(await createMetric({ kind: 'numeric', field: 'total' }).score(ex, { total: 'That makes $18.' })).toBe(1);
    expect(await createMetric({ kind: 'f1', field: 'answer' }).score(ex, { answer: 'Paris France' })).toBeCloseTo(2 / 3, 10);
    expect(await createMetric({ kind: 'contains', field: 'answer' }).score(ex, { answer: 'It is Paris' })).toBe(1);
    expect(await createMetric({ kind: 'one_of_labels', field: 'answer', labels: ['Paris', 'Rome'] }).score(ex, { answer: 'Surely Paris' })).toBe(1);
  });

  it('scores a missing prediction field 0 instead of crashing', async () => {
    const m = createMetric({ kind: 'exact_match', field: 'answer' });
    expect(await m.score(ex, {})).toBe(0);
    expect(await m.score(ex, { answer: null })).toBe(0);
  });

  it('throws METRIC_INVALID when the gold label is missing (a mapping problem, not a zero score)', async () => {
    const m = createMetric({ kind: 'exact_match', field: 'label' });
    expect(await rejection(m.score(ex, { label: 'x' }))).toBe('METRIC_INVALID');
  });

  it('rejects invalid specs with METRIC_INVALID', () => {
    expect(codeOf(() => createMetric({ kind: 'bleu', field: 'answer' } as unknown as MetricSpec))).toBe('METRIC_INVALID');
    expect(codeOf(() => createMetric({ kind: 'exact_match' } as unknown as MetricSpec))).toBe('METRIC_INVALID');
    expect(codeOf(() => createMetric({ kind: 'numeric', field: 'x', tolerance: -1 }))).toBe('METRIC_INVALID');
    expect(codeOf(() => createMetric({ kind: 'one_of_labels', field: 'x', labels: [] }))).toBe('METRIC_INVALID');
  });

  it('needs a judge for llm_judge, and clamps its verdict to [0, 1]', async () => {
    expect(codeOf(() => createMetric({ kind: 'llm_judge', field: 'answer' }))).toBe('METRIC_INVALID');
    const seen: unknown[] = [];
    const m = createMetric({ kind: 'llm_judge', field: 'answer' }, {
      judge: async (example, prediction) => {
        seen.push([example.id, prediction.answer]);
        return prediction.answer === 'Paris' ? 1.7 : -0.2;
      },
    });
    expect(await m.score(ex, { answer: 'Paris' })).toBe(1);
    expect(await m.score(ex, { answer: 'Rome' })).toBe(0);
    expect(seen).toEqual([['e1', 'Paris'], ['e1', 'Rome']]);
  });

  it('stops with ABORTED when the signal has fired', async () => {
    const ctl = new AbortController();
    ctl.abort();
    expect(await rejection(createMetric({ kind: 'f1', field: 'answer' }).score(ex, { answer: 'Paris' }, { signal: ctl.signal }))).toBe('ABORTED');
  });
});

describe('validateMetricSpec', () => {
  it('accepts valid specs', () => {
    expect(validateMetricSpec({ kind: 'numeric', field: 'answer', tolerance: 0.01, relative: true })).toEqual([]);
    expect(validateMetricSpec({ kind: 'llm_judge', field: 'answer', signature: 'a, b -> correct: bool' })).toEqual([]);
  });

  it('lists every problem at once', () => {
    expect(validateMetricSpec(null)).toHaveLength(1);
    const problems = validateMetricSpec({ kind: 'numeric', tolerance: 'x', relative: 1 });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/^field: /m);
    expect(problems.join('\n')).toMatch(/^tolerance: /m);
    expect(validateMetricSpec({ kind: 'rouge', field: 'a' })[0]).toMatch(/kind: must be one of .*exact_match/);
  });
});

describe('passes', () => {
  it('compares against the threshold (default 1)', () => {
    expect(passes(1)).toBe(true);
    expect(passes(0.99)).toBe(false);
    expect(passes(0.5, 0.5)).toBe(true);
  });
});

describe('meanAndCI95', () => {
  it('uses a t-interval for graded scores, clamped to [0, 1] when the scores are in [0, 1]', () => {
    const r = meanAndCI95([0.5, 0.7, 0.9]);
    expect(r.mean).toBeCloseTo(0.7, 12);
    expect(r.lo).toBeCloseTo(0.7 - (4.303 * 0.2) / Math.sqrt(3), 10);
    expect(r.hi).toBe(1);
    expect(r.n).toBe(3);
  });

  it('does not clamp scores outside [0, 1]', () => {
    const r = meanAndCI95([10, 20, 30]);
    expect(r.lo).toBeCloseTo(20 - (4.303 * 10) / Math.sqrt(3), 10);
    expect(r.hi).toBeCloseTo(20 + (4.303 * 10) / Math.sqrt(3), 10);
  });

  it('uses the Wilson interval for pass/fail scores, so a perfect minibatch is not certain', () => {
    const perfect = meanAndCI95(Array<number>(35).fill(1));
    expect(perfect.mean).toBe(1);
    expect(perfect.hi).toBe(1);
    expect(perfect.lo).toBeCloseTo(0.9011, 4);
    const eight = meanAndCI95([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    expect(eight.lo).toBeCloseTo(0.4902, 4);
    expect(eight.hi).toBeCloseTo(0.9433, 4);
  });

  it('handles no scores and a single score without NaN', () => {
    expect(meanAndCI95([])).toEqual({ mean: 0, lo: 0, hi: 0, n: 0 });
    expect(meanAndCI95([0.4])).toEqual({ mean: 0.4, lo: 0, hi: 1, n: 1 });
    expect(meanAndCI95([7])).toEqual({ mean: 7, lo: 7, hi: 7, n: 1 });
  });

  it('has t critical values that approach the normal 1.96', () => {
    expect(tCritical(1)).toBe(12.706);
    expect(tCritical(30)).toBe(2.042);
    expect(tCritical(31)).toBeCloseTo(2.0395, 3);
    expect(tCritical(60)).toBeCloseTo(2.0003, 3);
    expect(tCritical(120)).toBeCloseTo(1.9799, 3);
    expect(tCritical(100000)).toBeCloseTo(1.96, 3);
  });
});
