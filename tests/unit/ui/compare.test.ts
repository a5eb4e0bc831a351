/**
 * Comparing and editing runs: the instruction diff copies as the new text, two runs' scores
 * and per-example agreement, and the config of an edited program's evaluation.
 */
import { describe, expect, it } from 'vitest';
import type { ProgramState } from '../../../src/core/program';
import type { RunSummary, SplitScore } from '../../../src/core/runner';
import { compareRuns } from '../../../src/ui/run/compare';
import { draftOf, dropDemo, editedRunConfig, editedTitle, isEdited, setInstruction } from '../../../src/ui/run/edit-program';
import { wordDiff } from '../../../src/ui/run/view-models';
import { CONFIG, result } from './state-fakes';

describe('instruction diff', () => {
  const pairs = [
    ['Classify the iris.', 'Classify the iris by petal length.'],
    ['Given the fields, produce the species.', 'Decide   the species:\nunder 2.5 cm is setosa.'],
    ['a b c d', 'a c'],
    ['', 'All new text.'],
    ['Old text only.', ''],
  ];

  it.each(pairs)('copies as the new instruction once deleted words are left out (%j -> %j)', (before, after) => {
    const parts = wordDiff(before, after);
    expect(parts.filter((p) => p.op !== 'del').map((p) => p.text).join('')).toBe(after);
    expect(parts.filter((p) => p.op !== 'add').map((p) => p.text).join('')).toBe(before);
  });
});

const score = (mean: number, lo: number, hi: number, n = 20): SplitScore => ({ mean, ci95: { lo, hi }, n, errors: 0 });

function summary(instruction: string, details: RunSummary['details']): RunSummary {
  const { trials: _t, ...r } = result();
  const state: ProgramState = { 'generate.predict': { instruction, demos: [{ fields: { q: instruction } }] } };
  return { ...r, details, program: { ...r.program, state } };
}

describe('two runs compared', () => {
  const a = { id: 'a', name: 'A', result: summary('Classify the iris.', { val: score(0.5, 0.3, 0.7), test: score(0.4, 0.2, 0.6), baselineTest: score(0.4, 0.2, 0.6) }) };
  const b = { id: 'b', name: 'B', result: summary('Classify the iris by petal length.', { val: score(0.9, 0.75, 0.97), test: score(0.5, 0.3, 0.7) }) };

  it('shows each split with both scores, B minus A in points, and whether the intervals overlap', () => {
    const c = compareRuns(a, b);
    expect(c.scores.map((s) => [s.label, s.delta, s.overlap])).toEqual([
      ['Validation', '+40.0 points', false],
      ['Test', '+10.0 points', true],
      ['Baseline (test)', undefined, undefined],
    ]);
    expect(c.scores[2]!.a).toBeDefined();
    expect(c.scores[2]!.b).toBeUndefined();
  });

  it('shows no baseline for a run that only evaluated (no optimizer): the runner repeats its test score there', () => {
    const evaluated = { ...b, result: { ...b.result, config: { ...b.result.config, optimizer: { kind: 'none' } }, details: { ...b.result.details, baselineTest: b.result.details.test! } } as RunSummary };
    const row = compareRuns(a, evaluated).scores.find((s) => s.label === 'Baseline (test)')!;
    expect(row.a).toBeDefined();
    expect(row.b).toBeUndefined();
  });

  it("diffs A's final instruction into B's, per predictor, with both demo lists", () => {
    const [p] = compareRuns(a, b).predictors;
    expect(p!.predictor).toBe('generate.predict');
    expect(p!.instruction.filter((x) => x.op === 'del').map((x) => x.text).join('')).toBe('iris.');
    expect(p!.instruction.filter((x) => x.op === 'add').map((x) => x.text).join('')).toBe('iris by petal length.');
    expect(p!.before.instruction).toBe('Classify the iris.');
    expect(p!.after.demos).toHaveLength(1);
    expect(p!.changed).toBe(true);
  });

  it('has no agreement when either run recorded no per-example results', () => {
    expect(compareRuns(a, b).agreement).toBeUndefined();
  });

  it('counts agreement on the examples both runs scored, per split', () => {
    // As results record them: per split, each example's id and the returned program's score.
    const outcomes = (scores: Record<string, number>) => Object.entries(scores).map(([id, score]) => ({ id, inputs: {}, labels: {}, optimized: { prediction: {}, score } }));
    const ea = { test: outcomes({ x1: 1, x2: 1, x3: 0, x4: 0, 'only-a': 1 }) };
    const eb = { test: outcomes({ x1: 1, x2: 0, x3: 1, x4: 0 }), val: outcomes({ v1: 1 }) };
    const c = compareRuns({ ...a, result: { ...a.result, examples: ea } as RunSummary }, { ...b, result: { ...b.result, examples: eb } as RunSummary });
    expect(c.agreement).toEqual([{ split: 'test', shared: 4, bothRight: 1, bothWrong: 1, onlyA: 1, onlyB: 1 }]);
  });
});

describe('an edited program', () => {
  const state: ProgramState = { gen: { instruction: 'Old.', demos: [{ fields: { a: 1 } }, { fields: { a: 2 } }] } };

  it('edits a copy: the run result stays as it was', () => {
    const draft = setInstruction(dropDemo(draftOf(state), 'gen', 0), 'gen', 'New.');
    expect(draft.gen).toEqual({ instruction: 'New.', demos: [{ fields: { a: 2 } }] });
    expect(state.gen!.demos).toHaveLength(2);
    expect(isEdited(state, draft)).toBe(true);
    expect(isEdited(state, draftOf(state))).toBe(false);
  });

  it("is evaluated with the parent's data, metric, models and seed, its state, and no optimizer", () => {
    const spec = result().program.spec;
    const cfg = editedRunConfig(CONFIG, spec, state);
    expect(cfg.optimizer).toEqual({ kind: 'none' });
    expect(cfg.program).toEqual({ spec, state });
    expect({ ...cfg, program: CONFIG.program, optimizer: CONFIG.optimizer }).toEqual(CONFIG);
  });

  it('is titled after its parent, once', () => {
    expect(editedTitle('Iris run')).toBe('Iris run (edited)');
    expect(editedTitle('Iris run (edited)')).toBe('Iris run (edited)');
    expect(editedTitle(undefined)).toBe('Run (edited)');
  });
});
