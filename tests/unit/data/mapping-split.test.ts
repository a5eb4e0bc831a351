import { describe, expect, it } from 'vitest';
import { parseDataset, splitCounts, splitExamples, suggestMapping, toExamples, type Example, type ParsedTable } from '../../../src/core/data';
import { fixtureData } from '../../fixtures/fixture-data';
import { codeOf, thrown } from '../errors';

const iris = () => parseDataset(fixtureData('iris/all.jsonl').text);
const IRIS_INPUTS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

function table(rows: Record<string, unknown>[], sourceRows?: number[]): ParsedTable {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return { format: 'json', columns, rows, dropped: [], warnings: [], ...(sourceRows && { sourceRows }) };
}

describe('suggestMapping', () => {
  it('matches names exactly, then ignoring case, then ignoring spaces, _ and -', () => {
    const m = suggestMapping(['ID', 'Question', 'sepal length', 'ANSWER', 'answer_text'], ['question', 'sepal_length'], ['answer']);
    expect(m).toEqual({ inputs: { question: 'Question', sepal_length: 'sepal length' }, labels: { answer: 'ANSWER' }, id: 'ID' });
  });

  it('prefers the exact column over a case-insensitive one', () => {
    expect(suggestMapping(['Answer', 'answer'], [], ['answer']).labels).toEqual({ answer: 'answer' });
  });

  it('maps an unmatched name to itself so toExamples names it', () => {
    const m = suggestMapping(['question'], ['question', 'context'], ['answer']);
    expect(m.inputs.context).toBe('context');
    const err = thrown(() => toExamples(table([{ question: 'q' }]), m));
    expect(err.code).toBe('DATA_MAPPING');
    expect(err.message).toMatch(/"context"/);
    expect(err.message).toMatch(/"answer"/);
    expect(err.details?.columns).toEqual(['question']);
  });
});

describe('toExamples', () => {
  it('turns iris into 150 examples with ids from the id column and numeric inputs', () => {
    const t = iris();
    const { examples, dropped } = toExamples(t, suggestMapping(t.columns, IRIS_INPUTS, ['species']));
    expect(dropped).toEqual([]);
    expect(examples).toHaveLength(150);
    expect(examples[0]).toEqual({ id: '1', inputs: { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }, labels: { species: 'setosa' } });
    expect(new Set(examples.map((e) => e.id)).size).toBe(150);
  });

  it('throws DATA_MAPPING naming an unknown column and listing the available ones', () => {
    const t = iris();
    const err = thrown(() => toExamples(t, { inputs: { question: 'Question' }, labels: { species: 'species' } }));
    expect(err.code).toBe('DATA_MAPPING');
    expect(err.message).toMatch(/"Question"/);
    expect(err.message).toMatch(/sepal_length/);
    expect(codeOf(() => toExamples(t, { inputs: {}, labels: {}, id: 'row_id' }))).toBe('DATA_MAPPING');
  });

  it('drops rows missing a mapped value (null, undefined, blank) with the source row number', () => {
    const t = parseDataset('question,answer,note\nq1,a1,\n,a2,x\nq3,  ,x\nq4,a4,x\n');
    const { examples, dropped } = toExamples(t, { inputs: { question: 'question' }, labels: { answer: 'answer' } });
    expect(examples.map((e) => e.inputs.question)).toEqual(['q1', 'q4']);
    expect(dropped.map((d) => d.row)).toEqual([3, 4]);
    expect(dropped[0]?.reason).toMatch(/input "question"/);
    expect(dropped[1]?.reason).toMatch(/label "answer"/);

    const json = toExamples(table([{ q: null, a: 1 }, { a: 2 }, { q: 0, a: false }]), { inputs: { q: 'q' }, labels: { a: 'a' } });
    expect(json.examples.map((e) => e.inputs.q)).toEqual([0]);
    expect(json.dropped).toHaveLength(2);
  });

  it('drops the Heart Disease row whose mapped value is null, naming its line', () => {
    const t = parseDataset(fixtureData('heart_disease/all.jsonl').text);
    const { examples, dropped } = toExamples(t, suggestMapping(t.columns, ['age', 'sex', 'cp', 'thal'], ['target']));
    expect(examples).toHaveLength(99);
    expect(dropped.map((d) => d.row)).toEqual([88]);
    expect(dropped[0]?.reason).toMatch(/input "thal"/);
  });

  it('uses row-<n> without an id and makes repeated ids unique', () => {
    const noId = toExamples(table([{ q: 'a' }, { q: 'b' }]), { inputs: { q: 'q' }, labels: {} });
    expect(noId.examples.map((e) => e.id)).toEqual(['row-1', 'row-2']);
    const dup = toExamples(table([{ id: 'x', q: 'a' }, { id: 'x', q: 'b' }, { id: '', q: 'c' }, { id: 'x-2', q: 'd' }]), { inputs: { q: 'q' }, labels: {} });
    expect(dup.examples.map((e) => e.id)).toEqual(['x', 'x-2', 'row-3', 'x-2-2']);
  });
});

describe('splitExamples', () => {
  const examples = (): Example[] => {
    const t = iris();
    return toExamples(t, suggestMapping(t.columns, IRIS_INPUTS, ['species'])).examples;
  };
  const ids = (xs: Example[]) => xs.map((e) => e.id);

  it('gives the requested sizes, disjoint splits, and leaves the rest unused', () => {
    const s = splitExamples(examples(), { train: 0.2, val: 0.3, test: 0.5 }, 7);
    expect([s.train.length, s.val.length, s.test.length]).toEqual([30, 45, 75]);
    const all = [...ids(s.train), ...ids(s.val), ...ids(s.test)];
    expect(new Set(all).size).toBe(150);

    const sub = splitExamples(examples(), { train: 0.1, val: 0.2 }, 7);
    expect([sub.train.length, sub.val.length, sub.test.length]).toEqual([15, 30, 0]);
  });

  it('is deterministic for a seed, shuffles with seed 0, and differs between seeds 0 and 1', () => {
    const a = splitExamples(examples(), { train: 0.5, val: 0.5 }, 0);
    const b = splitExamples(examples(), { train: 0.5, val: 0.5 }, 0);
    const c = splitExamples(examples(), { train: 0.5, val: 0.5 }, 1);
    expect(ids(a.train)).toEqual(ids(b.train));
    expect(ids(a.train)).not.toEqual(ids(c.train));
    expect(ids(a.train)).not.toEqual(ids(examples().slice(0, 75)));
    // A shuffle, not a sort: the three species are mixed in the first 75.
    expect(new Set(a.train.map((e) => e.labels.species)).size).toBe(3);
  });

  it('accepts counts (any size > 1)', () => {
    const s = splitExamples(examples(), { train: 20, val: 50, test: 1 }, 3);
    expect([s.train.length, s.val.length, s.test.length]).toEqual([20, 50, 1]);
  });

  it('rounds fractions by largest remainder so no row is lost and small splits are not emptied', () => {
    expect(splitCounts(5, { train: 0.5, val: 0.5 })).toEqual({ train: 3, val: 2, test: 0 });
    expect(splitCounts(5, { train: 0.9, val: 0.1 })).toEqual({ train: 4, val: 1, test: 0 });
    expect(splitCounts(10, { train: 1 / 3, val: 1 / 3, test: 1 / 3 })).toEqual({ train: 4, val: 3, test: 3 });
  });

  it('rejects invalid sizes with DATA_SPLIT', () => {
    const ex = examples();
    expect(codeOf(() => splitExamples(ex, { train: -0.1, val: 0.5 }, 0))).toBe('DATA_SPLIT');
    expect(codeOf(() => splitExamples(ex, { train: 0.7, val: 0.5 }, 0))).toBe('DATA_SPLIT');
    expect(codeOf(() => splitExamples(ex, { train: 100, val: 100 }, 0))).toBe('DATA_SPLIT');
    expect(codeOf(() => splitExamples(ex, { train: 20, val: 0.5 }, 0))).toBe('DATA_SPLIT');
    expect(codeOf(() => splitExamples(ex, { train: 0.5, val: 0.001 }, 0))).toBe('DATA_SPLIT');
    expect(codeOf(() => splitExamples(ex, { train: Number.NaN, val: 0.5 }, 0))).toBe('DATA_SPLIT');
    expect(codeOf(() => splitExamples(ex, { train: 0.5, val: 0.5 }, 1.5))).toBe('DATA_SPLIT');
    expect(codeOf(() => splitExamples(ex.slice(0, 1), { train: 0.5, val: 0.5 }, 0))).toBe('DATA_SPLIT');
    expect(codeOf(() => splitExamples([], { train: 0.5, val: 0.5 }, 0))).toBe('DATA_EMPTY');
  });
});
