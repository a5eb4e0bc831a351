import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/evaluate';
import { PlaygroundError } from '../../../src/core/errors';
import { createAccountedLM, ScriptedLM } from '../../../src/core/lm';
import { bootstrapFewShot, labeledFewShot, runOptimizer } from '../../../src/core/optimize';
import type { ProgramState } from '../../../src/core/program/types';
import { makeWorld, type World } from './harness';

async function score(w: World, state: ProgramState): Promise<number> {
  const r = await evaluate({ program: w.ctx.program, state, examples: w.test, metric: w.ctx.metric, ctx: { lm: w.ctx.lms.task } });
  return r.mean;
}

describe('LabeledFewShot', () => {
  it('adds k seeded labeled demos and lifts the score when demos cover the labels', async () => {
    const w = makeWorld();
    const base = await score(w, w.ctx.state);
    const state = labeledFewShot(w.ctx.program, w.ctx.state, w.ctx.trainset, 8, 0);
    expect(state.generate!.demos).toHaveLength(8);
    expect(state.generate!.demos.every((d) => d.fields.word && d.fields.label && !d.augmented)).toBe(true);
    expect(labeledFewShot(w.ctx.program, w.ctx.state, w.ctx.trainset, 8, 0)).toEqual(state);
    expect(labeledFewShot(w.ctx.program, w.ctx.state, w.ctx.trainset, 8, 1)).not.toEqual(state);
    const after = await score(w, state);
    expect(base).toBeLessThan(0.65);
    expect(after).toBeGreaterThan(base + 0.15);
  });
});

describe('BootstrapFewShot', () => {
  it('keeps only traces that pass the metric, as augmented demos with the teacher outputs', async () => {
    const w = makeWorld();
    const r = await bootstrapFewShot(w.ctx, { maxBootstrappedDemos: 4, maxLabeledDemos: 4 });
    const demos = r.state.generate!.demos;
    const augmented = demos.filter((d) => d.augmented);
    expect(augmented).toHaveLength(4);
    // Each augmented demo carries the teacher's reasoning and a label equal to the gold one.
    for (const d of augmented) {
      expect(typeof d.fields.reasoning).toBe('string');
      const ex = w.ctx.trainset.find((e) => e.id === d.exampleId)!;
      expect(d.fields.label).toBe(ex.labels.label);
    }
    expect(r.bootstrapped).toEqual(augmented.map((d) => d.exampleId));
    // Rejected examples were announced, not silently skipped.
    const rejected = w.events.filter((e) => e.type === 'bootstrap_rejected');
    expect(rejected.length).toBe(r.teacherRuns - 4);
    const after = await score(w, r.state);
    expect(after).toBeGreaterThan((await score(w, w.ctx.state)) + 0.15);
  });

  it('treats unreadable teacher answers as rejected demos, not errors: a rambling teacher cannot stop it', async () => {
    const w = makeWorld();
    let n = 0;
    // Six answers in ten are prose (far past the error budget of 5 for 40 examples).
    const rambling = new ScriptedLM(async (req) => (n++ % 10 < 6 ? 'Well, it could be either of them.' : (await w.task.call(req)).completions[0]!));
    const ctx = { ...w.ctx, lms: { ...w.ctx.lms, teacher: createAccountedLM({ lm: rambling, role: 'teacher', usage: w.usage }) } };
    const r = await bootstrapFewShot(ctx, { maxBootstrappedDemos: 4, maxLabeledDemos: 4 });
    expect(r.bootstrapped).toHaveLength(4);
    const reasons = w.events.flatMap((e) => (e.type === 'bootstrap_rejected' ? [e.reason] : []));
    expect(reasons.filter((x) => x === 'unreadable').length).toBeGreaterThan(5);
  });

  it('still stops when teacher calls fail past the error budget', async () => {
    const w = makeWorld();
    const down = new ScriptedLM(() => {
      throw new PlaygroundError('LM_SERVER', 'HTTP 503');
    });
    const ctx = { ...w.ctx, lms: { ...w.ctx.lms, teacher: createAccountedLM({ lm: down, role: 'teacher', usage: w.usage }) } };
    await expect(bootstrapFewShot(ctx, { maxBootstrappedDemos: 4, maxLabeledDemos: 4 })).rejects.toMatchObject({ code: 'OPTIMIZER_ERROR_BUDGET' });
  });

  it('never shows the teacher its own example as a demo', async () => {
    const w = makeWorld();
    await bootstrapFewShot(w.ctx, { maxBootstrappedDemos: 2, maxLabeledDemos: 4 });
    for (const req of w.task.requests) {
      const word = /\[\[ ## word ## \]\]\n([a-z]+)/.exec(req.messages.at(-1)!.content)![1]!;
      const demoTurns = req.messages.slice(1, -1).filter((m) => m.role === 'user').map((m) => m.content);
      expect(demoTurns.some((t) => t.includes(`\n${word}\n`) || t.endsWith(`\n${word}`))).toBe(false);
    }
  });

  it('later rounds resample at temperature 1 with a new rollout id', async () => {
    const w = makeWorld({ train: 12 });
    await bootstrapFewShot(w.ctx, { maxBootstrappedDemos: 12, maxLabeledDemos: 0, maxRounds: 2 });
    const temps = new Set(w.task.requests.map((r) => r.temperature));
    expect(temps).toEqual(new Set([0, 1]));
  });
});

describe('BootstrapFewShotWithRandomSearch', () => {
  it('scores every candidate on the validation set and returns the best', async () => {
    const w = makeWorld({ val: 30 });
    const r = await runOptimizer('bootstrap_random_search', w.ctx, { numCandidatePrograms: 3, maxBootstrappedDemos: 3, maxLabeledDemos: 3 });
    expect(r.trials.map((t) => t.params.demos)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.trials.every((t) => t.n === 30 && t.kind === 'candidate')).toBe(true);
    const best = Math.max(...r.trials.map((t) => t.score));
    expect(r.valScore).toBe(best);
    expect(r.trials[0]!.score).toBeLessThan(best); // zero-shot loses to a demo set
    expect(r.state.generate!.demos.length).toBeGreaterThan(0);
  });
});
