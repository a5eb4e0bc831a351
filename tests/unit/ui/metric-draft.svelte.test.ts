/**
 * The workspace's metric draft (issue 14): the rubric judge is an `llm_judge` without gold
 * whose instruction is the draft's rubric; a shared metric spec reads back into the menu's
 * choice and gives the same spec; a workspace saved before rubrics loads with the default one.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUBRIC } from '../../../src/core/evaluate';
import type { MetricSpec } from '../../../src/core/metric';
import { WorkspaceState } from '../../../src/ui/state/workspace.svelte';

describe('workspace: metric draft', () => {
  it('turns the rubric judge into an llm_judge with gold: false and the edited rubric, prefilled with the default', () => {
    const ws = new WorkspaceState();
    ws.metric.kind = 'rubric_judge';
    expect(ws.metricSpec()).toEqual({ kind: 'llm_judge', field: 'answer', gold: false, rubric: DEFAULT_RUBRIC });
    ws.metric.rubric = 'Pass short answers.';
    expect(ws.metricSpec()).toEqual({ kind: 'llm_judge', field: 'answer', gold: false, rubric: 'Pass short answers.' });
  });

  it.each<MetricSpec>([
    { kind: 'llm_judge', field: 'answer', gold: false, rubric: 'Grade it.' },
    { kind: 'retrieval_recall', field: 'gold_titles' },
    { kind: 'answer_in_context', field: 'answer' },
    { kind: 'numeric', field: 'answer', tolerance: 0.5, relative: true },
  ])('reads a shared %o back into the menu and gives the same spec', (spec) => {
    const ws = new WorkspaceState();
    ws.loadMetric(spec);
    expect(ws.metricSpec()).toEqual(spec);
  });

  it('reads a shared rubric judge back as the rubric-judge choice', () => {
    const ws = new WorkspaceState();
    ws.loadMetric({ kind: 'llm_judge', field: 'answer', gold: false });
    expect(ws.metric.kind).toBe('rubric_judge');
    expect(ws.metric.rubric).toBe(DEFAULT_RUBRIC);
  });

  it('loads a metric draft saved before rubrics and gold columns with the defaults', () => {
    const ws = new WorkspaceState();
    ws.restore({ metric: { kind: 'rubric_judge', field: '', tolerance: 0, relative: false } as unknown as WorkspaceState['metric'] });
    expect(ws.metric.rubric).toBe(DEFAULT_RUBRIC);
    expect(ws.metric.goldColumn).toBe('');
  });
});
