/**
 * The run view's chart, its jumps into the trace inspector and its duplicate proposals: the
 * best-so-far line ends at the last trial run (not the plan's end) while a run is going; every
 * point has a name to be opened by; a trial's jump filters the inspector to that trial; repeated
 * proposed instructions are marked and the cost to the search said.
 */
import { describe, expect, it } from 'vitest';
import type { ProposerContext, TrialRecord } from '../../../src/core/optimize/types';
import type { RunEvent } from '../../../src/core/runner';
import { focusFilters } from '../../../src/ui/run/trace-view';
import { chartModel, proposals, repeatsNote, type NewBest } from '../../../src/ui/run/view-models';

function trial(index: number, kind: TrialRecord['kind'], score: number): TrialRecord {
  return { index, kind, params: { 'generate.instruction': index % 3, 'generate.demos': 0 }, score, n: kind === 'minibatch' ? 35 : 100, calls: { sent: 10, cacheHits: 0 }, errors: 0, durationMs: 5 };
}

/** The x where the best line's path ends (its last horizontal move). */
function lineEnd(path: string): number {
  return Number([...path.matchAll(/H([\d.]+)/g)].at(-1)?.[1]);
}

describe('score chart while a run is going', () => {
  const planned = 20;
  const done = [trial(0, 'default', 0.4), trial(1, 'minibatch', 0.7), trial(2, 'full', 0.6), trial(3, 'minibatch', 0.5)];
  const best: NewBest[] = [0, 2].map((i) => ({ trial: i, score: done[i]!.score, params: done[i]!.params }));

  it('ends the best-so-far line at the last finished trial, not at the end of the plan', () => {
    const m = chartModel(done, 400, 220, planned, best);
    const last = m.points.at(-1)!;
    expect(lineEnd(m.bestPath)).toBe(last.x);
    expect(lineEnd(m.bestPath)).toBeLessThan(m.plot.right);
  });

  it('reaches the last trial once the run has finished all of them', () => {
    const all = Array.from({ length: planned }, (_, i) => trial(i, i === 0 ? 'default' : i % 6 === 0 ? 'full' : 'minibatch', 0.5));
    const m = chartModel(all, 400, 220, planned, [{ trial: 0, score: 0.5, params: all[0]!.params }]);
    expect(lineEnd(m.bestPath)).toBe(m.plot.right);
    expect(lineEnd(m.bestPath)).toBe(m.points.at(-1)!.x);
  });

  it('names each point by trial, kind and score, as a control that opens its calls', () => {
    const m = chartModel(done, 400, 220, planned, best);
    expect(m.points.map((p) => p.name)).toEqual(['Trial 0, baseline (full), 40.0%: open its calls', 'Trial 1, minibatch, 70.0%: open its calls', 'Trial 2, full eval, 60.0%: open its calls', 'Trial 3, minibatch, 50.0%: open its calls']);
  });

  it('places the axis titles inside the chart, clear of the plot and its tick labels, even at phone width', () => {
    const m = chartModel(done, 300, 220, planned, best);
    // "Trial" below the x tick labels (drawn 16px under the plot), inside the height.
    expect(m.xTitle.y).toBeGreaterThan(m.plot.bottom + 16 + 8);
    expect(m.xTitle.y).toBeLessThanOrEqual(m.height);
    expect(m.xTitle.x).toBe((m.plot.left + m.plot.right) / 2);
    // "Validation score" rotated, left of the y tick labels ("100%" is about 24px wide at 10px).
    expect(m.yTitle.x).toBeGreaterThan(0);
    expect(m.yTitle.x + 8).toBeLessThan(m.plot.left - 6 - 24);
    expect(m.yTitle.y).toBe((m.plot.top + m.plot.bottom) / 2);
  });
});

describe('a trial jump into the trace inspector', () => {
  it("filters to that trial's calls in every phase, clearing the example, listed closed", () => {
    expect(focusFilters({ trialIndex: 4 })).toEqual({ phase: '', trial: '4', example: '', openFirst: false });
    expect(focusFilters({ trialIndex: 0 }).trial).toBe('0');
  });

  it("still jumps to one example's scoring call, open, from the per-example table", () => {
    expect(focusFilters({ exampleId: 'row-12', phase: 'evaluate' })).toEqual({ phase: 'evaluate', trial: '', example: 'row-12', openFirst: true });
  });
});

describe('duplicate proposals', () => {
  const context = (current: string): ProposerContext => ({ datasetSummary: '', programSummary: '', moduleDescription: '', demos: [], currentInstruction: current, tip: '' });
  const proposed = (predictor: string, index: number, instruction: string, current = 'Answer the question.'): RunEvent => ({
    type: 'optimizer',
    event: { type: 'instruction_proposed', predictor, index, instruction, tip: 'none', context: context(current) },
  });

  it('marks a repeat of an earlier proposal of the same predictor, ignoring case and spacing', () => {
    const list = proposals([
      proposed('generate', 1, 'Classify the word carefully.'),
      proposed('generate', 2, '  classify the   WORD carefully. '),
      proposed('generate', 3, 'Classify the word quickly.'),
      proposed('generate', 4, 'Classify the word carefully.'),
    ]);
    expect(list.map((p) => p.duplicateOf)).toEqual([undefined, 1, undefined, 1]);
  });

  it('marks a proposal that gives back the original instruction as a duplicate of I0', () => {
    const list = proposals([proposed('generate', 1, 'answer the question.'), proposed('generate', 2, 'Answer briefly.')]);
    expect(list.map((p) => p.duplicateOf)).toEqual([0, undefined]);
  });

  it('does not mark the same words for two different predictors, nor a proposal announced twice by a resumed run', () => {
    const list = proposals([proposed('hop1', 1, 'Find the fact.', 'A'), proposed('hop2', 1, 'Find the fact.', 'B'), proposed('hop1', 1, 'Find the fact.', 'A')]);
    expect(list.map((p) => p.duplicateOf)).toEqual([undefined, undefined, undefined]);
    expect(repeatsNote(list)).toBeUndefined();
  });

  it('says why duplicates happen and how many real choices the search has left', () => {
    const list = proposals([proposed('generate', 1, 'Classify.'), proposed('generate', 2, 'classify.'), proposed('generate', 3, 'Answer the question.')]);
    const note = repeatsNote(list)!;
    expect(note).toContain('2 proposals repeat an earlier instruction');
    expect(note).toContain('small proposer model often repeats itself');
    expect(note).toContain('fewer real choices');
    // I0, I1, I2 (= I1), I3 (= I0): two distinct of four.
    expect(note).toContain('generate: 2 distinct of 4 instructions');
  });
});
