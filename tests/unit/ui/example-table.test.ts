import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { ExampleOutcome } from '../../../src/core/runner';
import { answerFields, changeOf, examplesCsv, examplesFileName, filterExamples, neutralizeCell, scoringVerdicts, verdictOf } from '../../../src/ui/run/example-table';
import { traceMatches } from '../../../src/ui/run/trace-view';

function row(id: string, gold: string, baseline: string | undefined, optimized: string, inputs: Record<string, unknown> = { text: `about ${id}` }): ExampleOutcome {
  const answer = (species: string) => ({ prediction: { reasoning: 'r', species }, score: species === gold ? 1 : 0 });
  return { id, inputs, labels: { species: gold }, optimized: answer(optimized), ...(baseline !== undefined && { baseline: answer(baseline) }) };
}

const ROWS = [
  row('a', 'setosa', 'setosa', 'setosa'), // right -> right
  row('b', 'virginica', 'setosa', 'virginica'), // wrong -> right
  row('c', 'versicolor', 'versicolor', 'virginica'), // right -> wrong
  row('d', 'virginica', 'setosa', 'setosa'), // wrong -> wrong
];
const ids = (rows: ExampleOutcome[]) => rows.map((r) => r.id);

describe('per-example filters', () => {
  it('"Only failures" keeps what the optimized program got wrong, or the baseline did', () => {
    expect(ids(filterExamples(ROWS, { failures: 'optimized' }))).toEqual(['c', 'd']);
    expect(ids(filterExamples(ROWS, { failures: 'baseline' }))).toEqual(['b', 'd']);
  });

  it('"Changed by optimization" keeps wrong -> right and right -> wrong', () => {
    expect(ids(filterExamples(ROWS, { changed: true }))).toEqual(['b', 'c']);
    expect(ROWS.map(changeOf)).toEqual([undefined, 'fixed', 'broken', undefined]);
  });

  it('searches ids, inputs, gold and answers in any case, combined with the other filters', () => {
    expect(ids(filterExamples(ROWS, { text: 'ABOUT C' }))).toEqual(['c']);
    expect(ids(filterExamples(ROWS, { text: 'virginica' }))).toEqual(['b', 'c', 'd']);
    expect(ids(filterExamples(ROWS, { text: 'virginica', failures: 'optimized' }))).toEqual(['c', 'd']);
    expect(ids(filterExamples(ROWS, { text: '  ' }))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('has no changes and no baseline failures where the baseline was not scored (validation)', () => {
    const val = [row('v1', 'setosa', undefined, 'virginica')];
    expect(filterExamples(val, { changed: true })).toEqual([]);
    expect(filterExamples(val, { failures: 'baseline' })).toEqual([]);
    expect(ids(filterExamples(val, { failures: 'optimized' }))).toEqual(['v1']);
  });

  it('compares on the gold fields, and without labels on the answer fields but reasoning', () => {
    expect(answerFields(ROWS)).toEqual(['species']);
    expect(answerFields([{ ...ROWS[0]!, labels: {} }])).toEqual(['species']);
  });

  it('counts partial credit as a failure', () => {
    const partial: ExampleOutcome = { id: 'p', inputs: {}, labels: { answer: 'x y' }, optimized: { prediction: { answer: 'x' }, score: 0.5 } };
    expect(ids(filterExamples([partial], { failures: 'optimized' }))).toEqual(['p']);
  });
});

describe('CSV export', () => {
  it('neutralizes cells that a spreadsheet would run as formulas (OWASP CSV injection)', () => {
    for (const bad of ['=cmd|" /C calc"!A0', '+1+cmd', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) expect(neutralizeCell(bad)).toBe(`'${bad}`);
    for (const fine of ['setosa', 'a=b', " '=x", '', '-1.5', '+3', '-.5e3']) expect(neutralizeCell(fine)).toBe(fine);
  });

  it('writes every row with inputs, gold, both answers, scores and the change, quoted by papaparse and neutralized', () => {
    const evil = row('=HYPERLINK("http://x")', '@gold', 'setosa', '-cmd', { text: 'has, comma and "quotes"\nand a newline', n: -4 });
    const csv = examplesCsv([...ROWS, evil]);
    const parsed = Papa.parse<string[]>(csv).data;
    expect(parsed[0]).toEqual(['id', 'input text', 'input n', 'gold species', 'baseline species', 'baseline score', 'baseline error', 'optimized species', 'optimized score', 'optimized error', 'change']);
    expect(parsed[2]).toEqual(['b', 'about b', '', 'virginica', 'setosa', '0', '', 'virginica', '1', '', 'fixed']);
    expect(parsed[5]).toEqual([`'=HYPERLINK("http://x")`, 'has, comma and "quotes"\nand a newline', '-4', "'@gold", 'setosa', '0', '', "'-cmd", '0', '', '']);
    // No cell of the file starts a formula.
    expect(parsed.flat().filter((c) => /^[=+@]/.test(c) || /^-(?!\d)/.test(c))).toEqual([]);
  });

  it('leaves out the baseline columns where the baseline was not scored', () => {
    const header = Papa.parse<string[]>(examplesCsv([row('v', 'setosa', undefined, 'setosa')])).data[0];
    expect(header).toEqual(['id', 'input text', 'gold species', 'optimized species', 'optimized score', 'optimized error']);
  });

  it('names the file after the run and split', () => {
    expect(examplesFileName('Iris: MIPROv2 light', 'test')).toBe('promptlab-iris-miprov2-light-test-examples.csv');
  });
});

describe('trace inspector marks and search', () => {
  const scores = scoringVerdicts({ val: [row('v', 'setosa', undefined, 'setosa')], test: ROWS });

  it('marks final-scoring calls of a scored example correct or incorrect, per program', () => {
    expect(verdictOf(scores, { phase: 'evaluate', exampleId: 'b' })).toBe('correct');
    expect(verdictOf(scores, { phase: 'baseline', exampleId: 'b' })).toBe('incorrect');
    expect(verdictOf(scores, { phase: 'evaluate', exampleId: 'v' })).toBe('correct');
    expect(verdictOf(scores, { phase: 'baseline', exampleId: 'v' })).toBeUndefined();
    // Search trials, bootstrap and proposals are not the final scoring; old runs have no scores.
    expect(verdictOf(scores, { phase: 'search', exampleId: 'b' })).toBeUndefined();
    expect(verdictOf(scoringVerdicts(undefined), { phase: 'evaluate', exampleId: 'b' })).toBeUndefined();
  });

  it('finds calls by text in their messages, answer, step or example', () => {
    const call = { stepId: 'generate', exampleId: 'row-7', completion: '[[ ## species ## ]]\nVirginica', messages: [{ role: 'user' as const, content: 'petal_length: 5.1' }] };
    expect(traceMatches(call, 'virginica')).toBe(true);
    expect(traceMatches(call, 'PETAL_LENGTH: 5.1')).toBe(true);
    expect(traceMatches(call, 'row-7')).toBe(true);
    expect(traceMatches(call, 'setosa')).toBe(false);
    expect(traceMatches(call, ' ')).toBe(true);
  });
});
