import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from '../../../src/core/lm';
import { parseOptimizerConfig, runOptimizer, type MiproCheckpoint, type OptimizerEvent } from '../../../src/core/optimize';
import { evaluate } from '../../../src/core/evaluate';
import { planRun, type RunConfig } from '../../../src/core/runner';
import { codeOf, thrown } from '../errors';
import { makeWorld } from './harness';
import { taskModel } from './world';

const BUDGET = { budget: { taskCalls: 200 } };
const made = (w: ReturnType<typeof makeWorld>) => {
  const u = w.usage.snapshot();
  return u.task.calls + u.task.cacheHits + u.teacher.calls + u.teacher.cacheHits;
};

describe('MIPROv2 with a call budget', () => {
  it('finds the rule and the demos within 200 calls, and never spends more', async () => {
    const w = makeWorld({ train: 120, val: 120 });
    const r = await runOptimizer('mipro_v2', w.ctx, BUDGET);
    expect(made(w)).toBeLessThanOrEqual(200);
    // Bootstrapping leaves the rest to the search: the budget is spent, not left over.
    expect(made(w)).toBeGreaterThan(190);
    const test = await evaluate({ program: w.ctx.program, state: r.state, examples: w.test, metric: w.ctx.metric, ctx: { lm: taskModel() } });
    expect(test.mean).toBe(1);
    expect(r.plan!.budget!.calls).toBe(200);
    expect(r.trials[0]!.params).toEqual(Object.fromEntries(Object.keys(r.trials[0]!.params).map((k) => [k, 0])));
  });

  it('on a small validation set goes on to untried configurations, and stops where every one has seen every example', async () => {
    const w = makeWorld({ train: 120, val: 10 });
    const r = await runOptimizer('mipro_v2', w.ctx, { budget: { taskCalls: 2000 } });
    const configs = new Set(r.trials.map((t) => JSON.stringify(t.params)));
    const runs = r.trials.reduce((a, t) => a + t.n, 0);
    // Every configuration it scored saw all ten examples: it ran out of space, not of budget.
    expect(runs).toBe(configs.size * 10);
    expect(runs).toBeLessThanOrEqual(r.plan!.budget!.searchRunsMax!);
    // Every distinct configuration of this world (two distinct instructions x five demo sets);
    // it used to stop once the five it had tried had seen every example.
    expect(configs.size).toBe(10);
    expect(made(w)).toBeLessThan(2000);
    expect(r.plan!.notes.join(' ')).toMatch(/more than this search can use/);
  });

  it('counts cache hits, so a warm cache takes the same path as a cold one', async () => {
    const cache = new MemoryCacheStore(100_000);
    const cold = makeWorld({ train: 120, val: 120, cache });
    const a = await runOptimizer('mipro_v2', cold.ctx, BUDGET);
    const warm = makeWorld({ train: 120, val: 120, cache });
    const b = await runOptimizer('mipro_v2', warm.ctx, BUDGET);
    expect(warm.usage.snapshot().task.calls).toBe(0);
    expect(b.trials.map((t) => [t.params, t.score, t.n])).toEqual(a.trials.map((t) => [t.params, t.score, t.n]));
    expect(b.state).toEqual(a.state);
  });

  it('resumes inside the search to the same result, within the same budget', async () => {
    const full = makeWorld({ train: 120, val: 120 });
    const uninterrupted = await runOptimizer('mipro_v2', full.ctx, BUDGET);

    const controller = new AbortController();
    let checkpoint: MiproCheckpoint | undefined;
    const first = makeWorld({ train: 120, val: 120, signal: controller.signal });
    first.ctx.emit = (e: OptimizerEvent) => {
      if (e.type === 'checkpoint') checkpoint = e.checkpoint as MiproCheckpoint;
      if (e.type === 'trial_end' && e.trial.index === 12) controller.abort();
    };
    await expect(runOptimizer('mipro_v2', first.ctx, BUDGET)).rejects.toMatchObject({ code: 'ABORTED' });
    expect(checkpoint!.budgeted!.trials.length).toBeGreaterThanOrEqual(12);
    expect(checkpoint!.budget!.used).toBeGreaterThan(0);

    const second = makeWorld({ train: 120, val: 120 });
    const resumed = await runOptimizer('mipro_v2', second.ctx, BUDGET, checkpoint);
    expect(resumed.state).toEqual(uninterrupted.state);
    expect(resumed.trials.map((t) => [t.params, t.score])).toEqual(uninterrupted.trials.map((t) => [t.params, t.score]));
    // The resumed half made exactly the calls the interrupted one had not.
    expect(checkpoint!.budget!.used + made(second)).toBe(made(full));
  });

  it('searches duplicate proposals once', async () => {
    const w = makeWorld({ train: 120, val: 120 });
    const events: OptimizerEvent[] = [];
    w.ctx.emit = (e) => events.push(e);
    await runOptimizer('mipro_v2', w.ctx, BUDGET);
    // The scripted proposer writes the same rule twice: candidates 1 and 2 are twins.
    const proposals = events.flatMap((e) => (e.type === 'instruction_proposed' ? [e.instruction] : []));
    expect(new Set(proposals).size).toBeLessThan(proposals.length);
    const tried = new Set(events.flatMap((e) => (e.type === 'trial_start' ? [e.params['generate.instruction']] : [])));
    expect(tried.has(2)).toBe(false);
  });

  it('is a config error with auto or numTrials, and names the smallest workable budget', async () => {
    const both = parseOptimizerConfig({ kind: 'mipro_v2', auto: 'light', budget: { taskCalls: 200 } });
    expect(both.ok ? [] : both.problems.map((p) => p.split(':')[0])).toEqual(['budget']);
    expect(parseOptimizerConfig({ kind: 'mipro_v2', numTrials: 5, budget: { minutes: 5 } }).ok).toBe(false);
    expect(parseOptimizerConfig({ kind: 'mipro_v2', budget: { taskCalls: 10, minutes: 5 } }).ok).toBe(false);
    const w = makeWorld({ train: 120, val: 120 });
    const tiny = await runOptimizer('mipro_v2', w.ctx, { budget: { taskCalls: 10 } }).catch((e: unknown) => e);
    expect(tiny).toMatchObject({ code: 'OPTIMIZER_INVALID', details: { budget: 10, minimum: 30 } });
    expect(made(w)).toBe(0);
  });
});

describe('the plan of a budgeted run', () => {
  const config = (optimizer: RunConfig['optimizer'], local = false): RunConfig => ({
    program: { template: 'chain_of_thought', signature: 'word -> label' },
    data: { text: 'word,label\na,b', split: { train: 0.5, val: 0.5 } },
    metric: { kind: 'exact_match', field: 'label' },
    optimizer,
    models: { task: local ? { provider: 'webllm', model: 'm' } : { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:1/v1', model: 'm', maxConcurrency: 8 } },
  });
  const sizes = { train: 120, val: 120, test: 100 };

  it('turns minutes into the most calls whose estimated optimization time fits them', () => {
    const local = planRun(config({ kind: 'mipro_v2', budget: { minutes: 5 } }, true), sizes, { task: 1500 });
    // One call at a time: 200 calls of 1.5 s are 5 minutes, and the proposer's calls take their share.
    expect(local.budget).toMatchObject({ calls: 200 - local.proposerCalls, minutes: 5 });
    const api = planRun(config({ kind: 'mipro_v2', budget: { minutes: 5 } }), sizes, { task: 800 });
    // Five examples of a chunk run at once against the API; bootstrapping and proposals do not.
    expect(api.budget!.calls).toBeGreaterThan(4 * Math.floor((5 * 60_000) / 800));
    expect(api.budget!.calls).toBeLessThan(5 * Math.floor((5 * 60_000) / 800));
    const longer = planRun(config({ kind: 'mipro_v2', budget: { taskCalls: api.budget!.calls + 10 } }), sizes, { task: 800 });
    expect(longer.estimatedSeconds).toBeGreaterThan(api.estimatedSeconds!);
    expect(codeOf(() => planRun(config({ kind: 'mipro_v2', budget: { minutes: 5 } }), sizes))).toBe('CONFIG_INVALID');
  });

  it('expects the run\'s own cache to answer part of a multi-step program\'s search', () => {
    const spec = {
      version: 1 as const,
      name: 'hint_then_label',
      inputs: [{ name: 'word' }],
      steps: [
        { id: 'hint', kind: 'predict' as const, signature: 'word -> hint' },
        { id: 'classify', kind: 'predict' as const, signature: 'word, hint -> label' },
      ],
      outputs: { label: 'classify.label' },
    };
    const twoSteps = (taskCalls: number): RunConfig => ({ ...config({ kind: 'mipro_v2', budget: { taskCalls } }, true), program: { spec } });
    const one = planRun(config({ kind: 'mipro_v2', budget: { taskCalls: 600 } }, true), sizes, { task: 1000 });
    const two = planRun(twoSteps(600), sizes, { task: 1000 });
    expect(one.budget!.sentShare).toBe(1);
    expect(two.budget!.sentShare).toBeLessThan(1);
    expect(two.estimatedSeconds!).toBeLessThan(one.estimatedSeconds! * 2);
  });

  it('keeps the final scoring apart from the budget, and estimates the budget at its minutes', () => {
    const plan = planRun(config({ kind: 'mipro_v2', budget: { minutes: 5 } }, true), sizes, { task: 1500 });
    expect(plan.taskProgramRuns.final).toBe(120 + 2 * 100);
    expect(plan.notes.join(' ')).toMatch(/outside the budget/);
    // 5 minutes of search and bootstrap, then the final scoring, proposals on top.
    const finalSeconds = ((120 + 200) * 1500) / 1000;
    expect(plan.estimatedSeconds! - finalSeconds).toBeGreaterThan(5 * 60 * 0.95);
    expect(plan.estimatedSeconds! - finalSeconds).toBeLessThan(5 * 60 * 1.1);
    expect(thrown(() => planRun(config({ kind: 'mipro_v2', budget: { taskCalls: 12 } }), sizes)).details).toMatchObject({ minimum: 30 });
  });
});
