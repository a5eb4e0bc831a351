/** A planned run over 2,000 calls or 30 minutes is called large, with splits capped at 200 / 300 / 300 rows. */
import { describe, expect, it } from 'vitest';
import { planRun, type RunConfig } from '../../../src/core/runner';
import { largeRun } from '../../../src/ui/setup/large-run';

const config = (auto: 'light' | 'heavy'): RunConfig => ({
  program: { template: 'predict', signature: 'question -> answer' },
  data: { rows: [{ question: 'q', answer: 'a' }], split: { train: 0.3, val: 0.4, test: 0.3 } },
  metric: { kind: 'exact_match', field: 'answer' },
  optimizer: { kind: 'mipro_v2', auto },
  models: { task: { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:1/v1', model: 'm' } },
}) as RunConfig;

function planned(auto: 'light' | 'heavy', sizes: { train: number; val: number; test: number }, latencyMs = 1000) {
  return { ...planRun(config(auto), sizes, { task: latencyMs, proposer: latencyMs }), ...sizes };
}

describe('large runs', () => {
  it('says nothing for a small run', () => {
    expect(largeRun(planned('light', { train: 30, val: 40, test: 30 }, 100))).toBeUndefined();
  });

  it('calls a run over 2,000 calls large and offers the capped split, keeping smaller splits as they are', () => {
    const large = largeRun(planned('light', { train: 3000, val: 4000, test: 100 }));
    expect(large?.calls).toBeGreaterThan(2000);
    expect(large?.capped).toEqual({ train: 200, val: 300, test: 100 });
  });

  it('calls a run over 30 minutes large even under 2,000 calls', () => {
    const plan = planned('light', { train: 30, val: 100, test: 30 }, 60_000);
    expect(plan.estimatedSeconds!).toBeGreaterThan(1800);
    expect(largeRun(plan)).toMatchObject({ seconds: plan.estimatedSeconds });
  });

  it('offers no cap when the splits are already within it (the budget makes it large)', () => {
    const large = largeRun(planned('heavy', { train: 200, val: 300, test: 300 }));
    expect(large).toBeDefined();
    expect(large?.capped).toBeUndefined();
  });
});
