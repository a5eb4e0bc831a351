import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from '../../../src/core/lm';
import { runOptimizer } from '../../../src/core/optimize';
import { makeWorld } from './harness';

describe('MIPROv2 cost', () => {
  it('light, one predictor, few-shot, 100 train / 100 val: at most 650 task-program runs; an identical rerun sends nothing', async () => {
    const cache = new MemoryCacheStore(100_000);
    const first = makeWorld({ train: 100, val: 100, cache });
    const r = await runOptimizer('mipro_v2', first.ctx, { auto: 'light' });
    expect(r.plan!.taskProgramRuns.total).toBe(650); // 100 default + 10 x 35 + 2 x 100
    const u = first.usage.snapshot();
    expect(u.task.calls + u.task.cacheHits).toBe(650);
    expect(u.task.calls).toBeLessThanOrEqual(650);
    expect(u.proposer.calls).toBe(r.plan!.proposerCalls);
    expect(u.proposer.calls).toBeLessThanOrEqual(20);

    const second = makeWorld({ train: 100, val: 100, cache });
    const again = await runOptimizer('mipro_v2', second.ctx, { auto: 'light' });
    const u2 = second.usage.snapshot();
    expect(u2.task.calls + u2.teacher.calls + u2.proposer.calls + u2.judge.calls).toBe(0);
    expect(second.task.calls + second.proposer.calls).toBe(0);
    expect(again.state).toEqual(r.state);
  });
});
