import { describe, expect, it } from 'vitest';
import { PlaygroundError } from '../../../src/core/errors';
import { MemoryCacheStore, type LanguageModel } from '../../../src/core/lm';
import { interceptCalls } from '../../../src/core/lm/intercept';
import { runOptimizer, type MiproCheckpoint, type OptimizerEvent, type TrialRecord } from '../../../src/core/optimize';
import { makeWorld } from './harness';
import { RULE } from './world';

const LIGHT = { auto: 'light' } as const;

function eventsOf<T extends OptimizerEvent['type']>(events: OptimizerEvent[], type: T): Extract<OptimizerEvent, { type: T }>[] {
  return events.filter((e): e is Extract<OptimizerEvent, { type: T }> => e.type === type);
}

describe('MIPROv2', () => {
  it('finds the configuration the landscape makes best: the grounded rule plus demos of both labels', async () => {
    const w = makeWorld({ train: 40, val: 60 });
    const r = await runOptimizer('mipro_v2', w.ctx, LIGHT);
    const def = r.trials[0]!;
    expect(def.kind).toBe('default');
    expect(def.params).toEqual({ 'generate.instruction': 0, 'generate.demos': 0 });
    expect(def.score).toBeLessThan(0.65);
    // The winner states the rule and has demos of both labels: the landscape's optimum (1.0).
    expect(r.state.generate!.instruction).toBe(RULE);
    const labels = new Set(r.state.generate!.demos.map((d) => d.fields.label));
    expect(labels).toEqual(new Set(['alpha', 'beta']));
    expect(r.valScore).toBe(1);
    // The winner is the best *full* evaluation, never a minibatch score.
    const full = r.trials.filter((t) => t.kind !== 'minibatch');
    expect(r.valScore).toBe(Math.max(...full.map((t) => t.score)));
  });

  it('runs the reference phases with its defaults: N=6 candidates, 10 trials, minibatches of 35, full evaluation every 5', async () => {
    const w = makeWorld({ train: 40, val: 60 });
    const r = await runOptimizer('mipro_v2', w.ctx, LIGHT);
    const plan = r.plan!;
    expect(plan.trials).toBe(10); // max(2 * 2 * log2(6), 1.5 * 6) = 10.3
    expect(eventsOf(w.events, 'demo_set').map((e) => e.kind)).toEqual(['zero_shot', 'labeled', 'bootstrap', 'shuffled_bootstrap', 'shuffled_bootstrap', 'shuffled_bootstrap']);
    // N/2 = 3 instruction candidates: the original plus 2 proposals (none wasted on the original).
    expect(eventsOf(w.events, 'instruction_proposed').map((e) => e.index)).toEqual([1, 2]);
    const kinds = r.trials.map((t) => t.kind);
    expect(kinds.filter((k) => k === 'minibatch')).toHaveLength(10);
    expect(r.trials.filter((t) => t.kind === 'minibatch').every((t) => t.n === 35)).toBe(true);
    // Full evaluations: the default first, then after trials 5 and 10.
    const fullAfter = r.trials.filter((t) => t.kind === 'full').map((t) => r.trials.slice(0, t.index).filter((x) => x.kind === 'minibatch').length);
    expect(fullAfter).toEqual([5, 10]);
    expect(r.trials.filter((t) => t.kind !== 'minibatch').every((t) => t.n === 60)).toBe(true);
  });

  it('re-checks the configuration with the best mean minibatch score on the full set', async () => {
    const w = makeWorld({ train: 40, val: 60 });
    const r = await runOptimizer('mipro_v2', w.ctx, LIGHT);
    for (const full of r.trials.filter((t) => t.kind === 'full')) {
      const before = r.trials.slice(0, full.index).filter((t) => t.kind === 'minibatch');
      const fullyEvaluated = new Set(r.trials.slice(0, full.index).filter((t) => t.kind !== 'minibatch').map((t) => JSON.stringify(t.params)));
      const means = new Map<string, number[]>();
      for (const t of before) {
        const k = JSON.stringify(t.params);
        if (!fullyEvaluated.has(k)) means.set(k, [...(means.get(k) ?? []), t.score]);
      }
      const best = Math.max(...[...means.values()].map((s) => s.reduce((a, b) => a + b, 0) / s.length));
      const chosen = means.get(JSON.stringify(full.params))!;
      expect(chosen.reduce((a, b) => a + b, 0) / chosen.length).toBe(best);
    }
  });

  it('grounds the proposer in the data, the program and bootstrapped demos', async () => {
    const w = makeWorld({ train: 40, val: 60 });
    await runOptimizer('mipro_v2', w.ctx, LIGHT);
    const proposals = w.proposer.requests.filter((r) => r.messages[0]!.content.includes('proposed_instruction'));
    expect(proposals).toHaveLength(2);
    const summaryCalls = w.proposer.requests.filter((r) => !r.messages[0]!.content.includes('proposed_instruction'));
    // The proposer read the training rows themselves.
    expect(summaryCalls.some((r) => r.messages.at(-1)!.content.includes(String(w.ctx.trainset[0]!.inputs.word)))).toBe(true);
    for (const req of proposals) {
      const user = req.messages.at(-1)!.content;
      expect(user).toContain('Six-letter lowercase words'); // the dataset summary
      expect(user).toContain('generate [ChainOfThought]'); // the program summary
      expect(user).toMatch(/word: [a-z]{6}\n/); // a bootstrapped demo
      expect(req.temperature).toBe(1);
    }
    const proposed = eventsOf(w.events, 'instruction_proposed');
    expect(proposed.every((e) => e.context.demos.length > 0 && e.context.demos.length <= 3 && e.context.demos.every((d) => d.augmented))).toBe(true);
  });

  it('announces a plan whose counts equal the calls made', async () => {
    const w = makeWorld({ train: 40, val: 60 });
    const r = await runOptimizer('mipro_v2', w.ctx, LIGHT);
    const plan = r.plan!;
    const issued = (t: TrialRecord) => t.calls.sent + t.calls.cacheHits;
    const search = r.trials.filter((t) => t.kind === 'minibatch').reduce((a, t) => a + issued(t), 0);
    const full = r.trials.filter((t) => t.kind !== 'minibatch').reduce((a, t) => a + issued(t), 0);
    expect(search).toBe(plan.taskProgramRuns.search);
    expect(full).toBe(plan.taskProgramRuns.fullEvaluations);
    expect(r.trials.filter((t) => t.kind !== 'minibatch')).toHaveLength(plan.fullEvaluations);
    const u = w.usage.snapshot();
    expect(u.task.calls + u.task.cacheHits).toBe(plan.taskCalls);
    expect(u.proposer.calls + u.proposer.cacheHits).toBe(plan.proposerCalls);
    expect(u.teacher.calls + u.teacher.cacheHits).toBeLessThanOrEqual(plan.teacherProgramRunsMax);
  });

  it('is reproducible for a seed (0 included), and another seed searches differently', async () => {
    const a = await runOptimizer('mipro_v2', makeWorld({ seed: 0 }).ctx, LIGHT);
    const b = await runOptimizer('mipro_v2', makeWorld({ seed: 0 }).ctx, LIGHT);
    const c = await runOptimizer('mipro_v2', makeWorld({ seed: 1 }).ctx, LIGHT);
    expect(b.trials.map((t) => [t.params, t.score])).toEqual(a.trials.map((t) => [t.params, t.score]));
    expect(b.state).toEqual(a.state);
    expect(c.trials.map((t) => t.params)).not.toEqual(a.trials.map((t) => t.params));
  });

  it('resumed from a checkpoint ends exactly like an uninterrupted run, re-sending nothing', async () => {
    const cache = new MemoryCacheStore(100_000);
    const full = makeWorld({ cache: new MemoryCacheStore(100_000) });
    const uninterrupted = await runOptimizer('mipro_v2', full.ctx, LIGHT);

    const controller = new AbortController();
    const first = makeWorld({ cache, signal: controller.signal });
    let checkpoint: MiproCheckpoint | undefined;
    const emit = first.ctx.emit!;
    first.ctx.emit = (e) => {
      emit(e);
      if (e.type === 'checkpoint') checkpoint = e.checkpoint as MiproCheckpoint;
      if (e.type === 'trial_end' && e.trial.index === 6) controller.abort();
    };
    await expect(runOptimizer('mipro_v2', first.ctx, LIGHT)).rejects.toMatchObject({ code: 'ABORTED' });
    expect(checkpoint!.search!.trials.length).toBeGreaterThanOrEqual(6);

    const second = makeWorld({ cache });
    const resumed = await runOptimizer('mipro_v2', second.ctx, LIGHT, checkpoint);
    expect(resumed.trials.map((t) => [t.kind, t.params, t.score, t.n])).toEqual(uninterrupted.trials.map((t) => [t.kind, t.params, t.score, t.n]));
    expect(resumed.state).toEqual(uninterrupted.state);
    expect(resumed.valScore).toBe(uninterrupted.valScore);
    // Nothing done before the interruption is sent again.
    const sent = first.task.calls + second.task.calls;
    expect(sent).toBe(full.task.calls);
    expect(second.proposer.calls).toBe(0);
  });

  it('zero-shot mode searches instructions only; demos-only mode keeps the original instruction', async () => {
    const zs = makeWorld();
    const r1 = await runOptimizer('mipro_v2', zs.ctx, { auto: 'light', mode: 'instructions_only' });
    expect(Object.keys(r1.trials[1]!.params)).toEqual(['generate.instruction']);
    expect(r1.state.generate!.demos).toEqual([]);
    expect(r1.state.generate!.instruction).toBe(RULE);
    const dm = makeWorld();
    const r2 = await runOptimizer('mipro_v2', dm.ctx, { auto: 'light', mode: 'demos_only' });
    expect(Object.keys(r2.trials[1]!.params)).toEqual(['generate.demos']);
    expect(r2.state.generate!.instruction).toBe(dm.ctx.state.generate!.instruction);
    expect(dm.proposer.calls).toBe(0);
  });

  it('both demo maximums at 0 is zero-shot: it searches instructions, grounds the proposer on bootstrapped demos, and finds the rule', async () => {
    const w = makeWorld();
    const r = await runOptimizer('mipro_v2', w.ctx, { auto: 'light', maxBootstrappedDemos: 0, maxLabeledDemos: 0 });
    expect(r.plan!.notes.join(' ')).toMatch(/zero-shot run/);
    // Not the degenerate demo search it used to be: one parameter, the instruction.
    expect(r.trials.slice(1).every((t) => Object.keys(t.params).join() === 'generate.instruction')).toBe(true);
    expect(r.state.generate!.demos).toEqual([]);
    expect(r.state.generate!.instruction).toBe(RULE);
    const baseline = r.trials[0]!.score;
    expect(r.valScore!).toBeGreaterThan(baseline + 0.2);
    // The proposer saw demos (the rule comes only from grounding demos in this world).
    expect(w.events.some((e) => e.type === 'instruction_proposed' && e.context.demos.length > 0)).toBe(true);
  });

  it('after its random startup trials, TPE concentrates on the configurations that score well', async () => {
    // Only one of 6 instructions (the third proposal) with a demo set of both labels scores 1; the rest score about 0.5.
    const w = makeWorld({ train: 40, val: 60, hard: true });
    const r = await runOptimizer('mipro_v2', w.ctx, { auto: 'medium', sampler: { nStartupTrials: 6 }, numTrials: 24 });
    expect(r.state.generate!.instruction).toBe(RULE);
    const minibatch = r.trials.filter((t) => t.kind === 'minibatch');
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const startup = mean(minibatch.slice(0, 6).map((t) => t.score));
    const guided = mean(minibatch.slice(12).map((t) => t.score));
    expect(startup).toBeLessThan(0.75);
    expect(guided).toBeGreaterThan(startup + 0.15);
  });

  it('with a validation set no larger than a minibatch, every trial is a full evaluation and TPE learns from them', async () => {
    const w = makeWorld({ train: 40, val: 30, hard: true });
    const r = await runOptimizer('mipro_v2', w.ctx, { auto: 'medium', sampler: { nStartupTrials: 6 }, numTrials: 24 });
    expect(r.trials.every((t) => t.kind !== 'minibatch' && t.n === 30)).toBe(true);
    expect(r.plan!.fullEvaluations).toBe(1);
    const search = r.trials.slice(1);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(search.slice(12).map((t) => t.score))).toBeGreaterThan(mean(search.slice(0, 6).map((t) => t.score)) + 0.15);
    expect(r.state.generate!.instruction).toBe(RULE);
  });

  /** The world's task model, failing every search call of the trials `fails` picks with an HTTP 503. */
  function failingTask(task: LanguageModel, fails: (trialIndex: number) => boolean): LanguageModel {
    return interceptCalls(task, (req, options) => (req.context?.phase === 'search' && fails(req.context.trialIndex ?? 0) ? Promise.reject(new PlaygroundError('LM_SERVER', 'HTTP 503')) : task.call(req, options)));
  }

  it('records a trial whose calls failed past the error budget as failed, and goes on to find the optimum', async () => {
    const w = makeWorld({ train: 40, val: 60 });
    const r = await runOptimizer('mipro_v2', { ...w.ctx, lms: { ...w.ctx.lms, task: failingTask(w.ctx.lms.task, (t) => t === 2) } }, LIGHT);
    const failed = r.trials.filter((t) => t.failed);
    expect(failed.map((t) => t.index)).toEqual([2]);
    expect(failed[0]!.failed!.code).toBe('EVAL_ERROR_BUDGET');
    expect(r.trials.filter((t) => t.kind === 'minibatch')).toHaveLength(10);
    expect(r.state.generate!.instruction).toBe(RULE);
  });

  it('stops after 3 failed trials in a row (maxFailedTrials), naming the error', async () => {
    const w = makeWorld({ train: 40, val: 60 });
    const err = await runOptimizer('mipro_v2', { ...w.ctx, lms: { ...w.ctx.lms, task: failingTask(w.ctx.lms.task, (t) => t >= 3) } }, LIGHT).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OPTIMIZER_ERROR_BUDGET' });
    expect((err as Error).message).toMatch(/3 trials in a row failed/);
    expect((err as Error).message).toMatch(/HTTP 503/);
    // Four failures in a row are tolerated when the option allows five.
    const w2 = makeWorld({ train: 40, val: 60 });
    const r = await runOptimizer('mipro_v2', { ...w2.ctx, lms: { ...w2.ctx.lms, task: failingTask(w2.ctx.lms.task, (t) => t >= 3 && t <= 6) } }, { ...LIGHT, maxFailedTrials: 5 });
    expect(r.trials.filter((t) => t.failed).length).toBeGreaterThanOrEqual(4);
  });

  it('rejects bad options listing each problem', async () => {
    const w = makeWorld();
    await expect(runOptimizer('mipro_v2', w.ctx, { auto: 'huge', minibatchSize: 0 })).rejects.toMatchObject({ code: 'OPTIMIZER_INVALID', details: { problems: [expect.stringContaining('auto'), expect.stringContaining('minibatchSize')] } });
  });
});
