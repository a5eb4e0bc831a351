/**
 * The paper's six task presets: each builds a valid run config over its data sample, with the
 * paper's program shape and metric; HotPotQA Conditional's rows and metric follow its rules;
 * HoVer's corpus falls back to the rows' gold titles.
 */
import { describe, expect, it } from 'vitest';
import { createMetric } from '../../../src/core/metric';
import { validateRunConfig } from '../../../src/core/runner';
import { PAPER_TASKS, conditionalRows, fitSplit, paperTask, taskRunParts, titleCorpus } from '../../../src/core/tasks';
import { fixtureData, type FixtureName } from '../../fixtures/fixture-data';

const example = (answer: unknown) => ({ id: 'x', inputs: {}, labels: { answer } });

describe('paper task presets', () => {
  it.each(PAPER_TASKS.map((t) => [t.id] as const))('%s makes a valid run config over its data sample', (id) => {
    const task = paperTask(id)!;
    const parts = taskRunParts(task, fixtureData(task.file as FixtureName).rows);
    const { notes: _notes, ...config } = parts;
    const problems = validateRunConfig({ ...config, optimizer: { kind: 'mipro_v2', auto: 'light' }, models: { task: { provider: 'scripted', model: 'm' } } });
    expect(problems).toEqual([]);
  });

  it('keeps the paper program shapes: predictors per task', () => {
    const predictors = Object.fromEntries(PAPER_TASKS.map((t) => [t.id, t.program.steps.filter((s) => s.kind !== 'retrieve').map((s) => s.id)]));
    expect(predictors.scone).toHaveLength(1);
    expect(predictors.iris).toHaveLength(1);
    expect(predictors.hotpotqa).toEqual(['generate_query_1', 'generate_query_2', 'generate_answer']);
    expect(predictors.hover).toEqual(['summarize_1', 'generate_query_2', 'summarize_2', 'generate_query_3']);
    expect(predictors.heart_disease).toEqual(['opinion_symptoms', 'opinion_tests', 'opinion_risk', 'vote']);
    expect(paperTask('hover')!.program.steps.filter((s) => s.kind === 'retrieve')).toHaveLength(3);
  });

  it('HotPotQA Conditional writes each gold answer in its rule\'s form, and its metric wants both form and answer', async () => {
    const rows = conditionalRows([{ answer: 'yes' }, { answer: '1998' }, { answer: 'Chief of Protocol' }]);
    expect(rows.map((r) => r.answer)).toEqual(['YES', '[1998]', 'chief of protocol']);
    expect(rows[2]!.raw_answer).toBe('Chief of Protocol');
    const metric = createMetric(paperTask('hotpotqa_conditional')!.metric);
    expect(await metric.score(example('YES'), { answer: 'YES' })).toBe(1);
    expect(await metric.score(example('YES'), { answer: 'yes' })).toBe(0);
    expect(await metric.score(example('[1998]'), { answer: '[1998]' })).toBe(1);
    expect(await metric.score(example('[1998]'), { answer: '1998' })).toBe(0);
    expect(await metric.score(example('[1998]'), { answer: '[1999]' })).toBe(0);
    expect(await metric.score(example('chief of protocol'), { answer: 'chief of protocol' })).toBe(1);
    expect(await metric.score(example('chief of protocol'), { answer: 'Chief of Protocol' })).toBe(0);
    // Plain HotPotQA's exact match accepts the formatted answers too.
    expect(await createMetric(paperTask('hotpotqa')!.metric).score(example('1998'), { answer: '[1998]' })).toBe(1);
  });

  it('formatted_answer takes other rules, and refuses unknown ones', () => {
    expect(() => createMetric({ kind: 'formatted_answer', field: 'answer', formats: { number: 'brackets', other: 'any' } })).not.toThrow();
    expect(() => createMetric({ kind: 'formatted_answer', field: 'answer', formats: { other: 'italic' } } as never)).toThrow(/formats\.other/);
  });

  it('HoVer retrieves over a given corpus, else over every row\'s gold titles', () => {
    const hover = paperTask('hover')!;
    const rows = fixtureData('hover/dev.jsonl').rows;
    const own = taskRunParts(hover, rows);
    const titles = titleCorpus(rows, 'gold_titles');
    expect(own.data.corpus).toEqual({ passages: titles });
    expect(titles).toContain('Life Goes On (Fergie song)');
    expect(new Set(titles).size).toBe(titles.length);
    expect(own.notes.join(' ')).toMatch(/gold titles of all rows/);
    const given = taskRunParts(hover, rows, { passages: ['A | a', 'B | b'] });
    expect(given.data.corpus).toEqual({ passages: ['A | a', 'B | b'] });
    expect(given.notes.join(' ')).not.toMatch(/gold titles/);
  });

  it('fits a split to smaller files and says so', () => {
    expect(fitSplit({ train: 100, val: 100, test: 100 }, 40)).toEqual({ train: 13, val: 13, test: 13 });
    expect(fitSplit({ train: 10, val: 10, test: 10 }, 40)).toEqual({ train: 10, val: 10, test: 10 });
    const parts = taskRunParts(paperTask('hotpotqa')!, fixtureData('hotpotqa/dev.jsonl').rows);
    expect(parts.notes.join(' ')).toMatch(/40 usable rows/);
    expect(parts.data.corpus).toEqual({ column: 'context' });
  });
});
