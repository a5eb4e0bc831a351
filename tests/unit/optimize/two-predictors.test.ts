import { describe, expect, it } from 'vitest';
import { runOptimizer, type OptimizerEvent } from '../../../src/core/optimize';
import { byHalf } from '../../../bench/budget/world';
import { CLASSIFY_RULE, HINT_RULE, twoStepWorld } from './two-step-world';

/** N = 6 (3 instructions, 6 demo sets per predictor), every trial a full evaluation, enough trials to find the optimum. */
const OPTIONS = { auto: null, numCandidates: 6, numTrials: 60, minibatch: false } as const;

function eventsOf<T extends OptimizerEvent['type']>(events: OptimizerEvent[], type: T): Extract<OptimizerEvent, { type: T }>[] {
  return events.filter((e): e is Extract<OptimizerEvent, { type: T }> => e.type === type);
}

describe('MIPROv2 on a two-predictor program', () => {
  it('chooses an instruction and a demo set per predictor: each predictor its own rewarded one', async () => {
    const w = twoStepWorld();
    const r = await runOptimizer('mipro_v2', w.ctx, OPTIONS);
    expect(r.valScore).toBe(1);
    const best = r.trials.find((t) => t.score === 1 && t.kind !== 'minibatch')!.params;
    // Different indices per predictor, each the rewarded one.
    expect(best['hint.instruction']).toBe(2);
    expect(best['classify.instruction']).toBe(1);
    expect(best['classify.demos']).toBe(1);
    expect(best['hint.demos']).toBeGreaterThanOrEqual(2);
    expect(r.state.hint!.instruction).toBe(HINT_RULE);
    expect(r.state.classify!.instruction).toBe(CLASSIFY_RULE);
    expect(r.state.hint!.demos.length).toBeGreaterThan(0);
    expect(r.state.hint!.demos.every((d) => d.augmented)).toBe(true);
    expect(r.state.classify!.demos.length).toBeGreaterThan(0);
    expect(r.state.classify!.demos.some((d) => d.augmented)).toBe(false);
  });

  it("takes an intermediate step's demos only from traces that passed the metric", async () => {
    const w = twoStepWorld();
    await runOptimizer('mipro_v2', w.ctx, OPTIONS);
    const sets = eventsOf(w.events, 'demo_set').filter((e) => e.kind === 'bootstrap' || e.kind === 'shuffled_bootstrap');
    const hintDemos = sets.flatMap((s) => s.demos['hint'] ?? []);
    expect(hintDemos.length).toBeGreaterThan(0);
    for (const set of sets) {
      for (const demo of set.demos['hint'] ?? []) {
        // The same run gave classify a demo, and its label was right: the trace passed.
        const run = (set.demos['classify'] ?? []).find((d) => d.augmented && d.exampleId === demo.exampleId);
        expect(run, `hint demo of ${demo.exampleId} without its trace's classify demo`).toBeDefined();
        expect(run!.fields['label']).toBe(byHalf(String(demo.fields['word'])));
      }
    }
  });

  it('with predictors ["classify"] searches classify only: hint keeps its instruction and demos', async () => {
    const hintDemo = { fields: { word: 'zzz', reasoning: 'kept', hint: 'level-0' } };
    const w = twoStepWorld({ state: (s) => ({ ...s, hint: { instruction: 'My own hint instruction.', demos: [hintDemo] } }) });
    const original = structuredClone(w.ctx.state.hint);
    const r = await runOptimizer('mipro_v2', w.ctx, { ...OPTIONS, predictors: ['classify'] });
    expect(r.state.hint).toEqual(original);
    expect(r.state.classify!.instruction).toBe(CLASSIFY_RULE);
    expect(r.trials.every((t) => Object.keys(t.params).every((k) => k.startsWith('classify.')))).toBe(true);
    expect(eventsOf(w.events, 'instruction_proposed').every((e) => e.predictor === 'classify')).toBe(true);
    expect(r.plan!.notes.join(' ')).toMatch(/Predictors searched: classify\. The other predictor keeps its instruction and demos/);
  });

  it('sizes the run by the predictors searched: fewer trials and proposals for one of two', async () => {
    const all = await runOptimizer('mipro_v2', twoStepWorld().ctx, { auto: 'light', numTrials: undefined });
    const one = await runOptimizer('mipro_v2', twoStepWorld().ctx, { auto: 'light', predictors: ['classify'] });
    // max(2 * V * log2 6, 9) with V = 2 per predictor searched (instructions and demos).
    expect(all.plan!.trials).toBe(20);
    expect(one.plan!.trials).toBe(10);
    expect(one.plan!.proposerCalls).toBeLessThan(all.plan!.proposerCalls);
  });

  it('budgeted: searches only the named predictors and keeps the others as they were', async () => {
    const w = twoStepWorld({ state: (s) => ({ ...s, hint: { instruction: 'My own hint instruction.', demos: [] } }) });
    const r = await runOptimizer('mipro_v2', w.ctx, { budget: { taskCalls: 400 }, predictors: ['classify'] });
    expect(r.state.hint).toEqual({ instruction: 'My own hint instruction.', demos: [] });
    expect(r.trials.every((t) => Object.keys(t.params).every((k) => k.startsWith('classify.')))).toBe(true);
  });

  it('rejects a step id the program does not have, naming its predictor steps', async () => {
    for (const kind of ['mipro_v2', 'opro']) {
      await expect(runOptimizer(kind, twoStepWorld().ctx, { predictors: ['answer'] })).rejects.toThrow(/"answer" is not a predictor step of this program\. Its predictor steps are "hint", "classify"/);
    }
    await expect(runOptimizer('mipro_v2', twoStepWorld().ctx, { predictors: [] })).rejects.toThrow(/predictors: must have at least 1 item/);
  });
});

describe('OPRO with predictors', () => {
  it('module level proposes for the named predictors only; the others keep their instruction', async () => {
    const w = twoStepWorld({ state: (s) => ({ ...s, hint: { instruction: 'My own hint instruction.', demos: [] } }) });
    const r = await runOptimizer('opro', w.ctx, { rounds: 2, candidatesPerRound: 2, predictors: ['classify'] });
    expect(r.plan!.trials).toBe(4); // 2 rounds x 1 predictor x 2 candidates
    expect(eventsOf(w.events, 'instruction_proposed').every((e) => e.predictor === 'classify')).toBe(true);
    expect(r.state.hint!.instruction).toBe('My own hint instruction.');
  });
});
