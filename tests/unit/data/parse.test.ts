import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { detectFormat, parseDataset } from '../../../src/core/data';
import { fixtureData } from '../../fixtures/fixture-data';
import { codeOf, thrown } from '../errors';

const IRIS_COLUMNS = ['id', 'sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'];

function toDelimited(rows: Record<string, unknown>[], delimiter: string, newline = '\n'): string {
  return Papa.unparse(rows, { delimiter, newline });
}

describe('parseDataset on real datasets (samples kept in tests/fixtures/data)', () => {
  it('reads iris JSONL: 150 rows, values keep their JSON types', () => {
    const table = parseDataset(fixtureData('iris/all.jsonl').text);
    expect(table.format).toBe('jsonl');
    expect(table.columns).toEqual(IRIS_COLUMNS);
    expect(table.rows).toHaveLength(150);
    expect(table.dropped).toEqual([]);
    expect(table.rows[0]).toEqual({ id: 1, sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2, species: 'setosa' });
  });

  it('reads iris as CSV with a BOM and CRLF line ends into the same rows (numeric columns become numbers)', () => {
    const rows = fixtureData('iris/all.jsonl').rows;
    const csv = `\uFEFF${toDelimited(rows, ',', '\r\n')}\r\n`;
    const table = parseDataset(csv);
    expect(table.format).toBe('csv');
    expect(table.columns).toEqual(IRIS_COLUMNS);
    expect(table.rows).toEqual(rows);
    expect(table.warnings).toEqual([]);
  });

  it('detects TSV and reads iris from it', () => {
    const rows = fixtureData('iris/all.jsonl').rows;
    const table = parseDataset(toDelimited(rows, '\t'));
    expect(table.format).toBe('tsv');
    expect(table.rows).toEqual(rows);
  });

  it('reads GSM8K as CSV: quoted newlines, commas and quotes survive; the all-integer answer column becomes numbers', () => {
    // The sample: the first 100 rows of GSM8K train (the full benchmark file has 1,000).
    const rows = fixtureData('gsm8k/train.jsonl').rows;
    expect(rows.some((r) => String(r.reasoning).includes('\n'))).toBe(true);
    const table = parseDataset(toDelimited(rows, ','));
    expect(table.rows).toHaveLength(100);
    expect(table.dropped).toEqual([]);
    expect(table.rows.map((r) => r.reasoning)).toEqual(rows.map((r) => r.reasoning));
    expect(table.rows.map((r) => r.question)).toEqual(rows.map((r) => r.question));
    expect(table.rows.map((r) => r.answer)).toEqual(rows.map((r) => Number(r.answer)));
    // Line numbers follow the file: the last record starts after every embedded newline.
    const lastLine = table.sourceRows?.[99] ?? 0;
    expect(lastLine).toBeGreaterThan(101);
  });

  it('reads ScoNe as CSV: text columns stay strings, identical to the JSONL', () => {
    // The sample: every 10th row of the benchmark's ScoNe train (100 of 996), all six categories.
    const rows = fixtureData('scone/train.jsonl').rows;
    const table = parseDataset(toDelimited(rows, ','));
    expect(table.rows).toHaveLength(100);
    expect(table.rows).toEqual(rows);
  });

  it('reads Heart Disease JSONL: a missing value stays null, integers and floats keep their types', () => {
    // The sample: the first 100 of 303 rows; row 88 has no thal (a "?" in the UCI file).
    const { text, rows } = fixtureData('heart_disease/all.jsonl');
    const table = parseDataset(text);
    expect(table.rows).toHaveLength(100);
    expect(table.dropped).toEqual([]);
    expect(table.rows).toEqual(rows);
    expect(table.rows[87]).toMatchObject({ id: 88, thal: null });
    expect(table.rows[0]).toMatchObject({ age: 63, oldpeak: 2.3, ca: 0, target: 'no' });
  });

  it('reads HoVer JSONL: list values (gold titles, [title, sentence] pairs) stay lists', () => {
    // The sample: every 10th claim of the benchmark's HoVer dev (100 of 1,000), 50 per label.
    const { text, rows } = fixtureData('hover/dev.jsonl');
    const table = parseDataset(text);
    expect(table.rows).toEqual(rows);
    expect(table.rows[0]?.supporting_facts).toEqual([['Life Goes On (Fergie song)', 2], ['M.I.L.F. $', 1]]);
    expect(table.rows[0]?.gold_titles).toEqual(['Life Goes On (Fergie song)', 'M.I.L.F. $']);
    expect(new Set(table.rows.map((r) => r.label))).toEqual(new Set(['SUPPORTED', 'NOT_SUPPORTED']));
  });

  it('reports a malformed JSONL line by its line number and keeps every other line', () => {
    const lines = fixtureData('gsm8k/train.jsonl').text.trimEnd().split('\n');
    lines.splice(4, 0, '{"id": "broken", "question": "unterminated');
    const table = parseDataset(lines.join('\n'));
    expect(table.format).toBe('jsonl');
    expect(table.rows).toHaveLength(100);
    expect(table.dropped).toHaveLength(1);
    expect(table.dropped[0]?.row).toBe(5);
    expect(table.dropped[0]?.reason).toMatch(/Line 5: not valid JSON \(.+\)/);
    expect(table.sourceRows?.[4]).toBe(6);
  });
});

describe('parseDataset: CSV/TSV repairs', () => {
  it('pads a short row with empty strings and warns with its line', () => {
    const table = parseDataset('q,a,b\nx,1,2\ny,3\n');
    expect(table.rows[1]).toEqual({ q: 'y', a: 3, b: '' });
    expect(table.warnings.join('\n')).toMatch(/Line 3: has 2 cells but the header has 3/);
    expect(table.dropped).toEqual([]);
  });

  it('drops a row with extra non-empty cells, naming the line and the counts', () => {
    const table = parseDataset('city,country\nParis,France\nLyon, Rhone,France\nNice,France\n');
    expect(table.rows.map((r) => r.city)).toEqual(['Paris', 'Nice']);
    expect(table.dropped).toHaveLength(1);
    expect(table.dropped[0]?.row).toBe(3);
    expect(table.dropped[0]?.reason).toMatch(/3 cells but the header has 2/);
  });

  it('keeps a row whose extra cells are empty (trailing delimiters) and warns', () => {
    const table = parseDataset('a,b\n1,2,,\n');
    expect(table.rows).toEqual([{ a: 1, b: 2 }]);
    expect(table.warnings.join('\n')).toMatch(/Line 2/);
  });

  it('renames duplicate and empty header names and warns', () => {
    const table = parseDataset(' answer ,answer,,question\n1,2,3,4\n');
    expect(table.columns).toEqual(['answer', 'answer_2', 'col_3', 'question']);
    expect(table.rows[0]).toEqual({ answer: 1, answer_2: 2, col_3: 3, question: 4 });
    expect(table.warnings).toHaveLength(2);
  });

  it('does not collide a renamed duplicate with an existing column', () => {
    const table = parseDataset('a,a,a_2\n1,2,3\n');
    expect(new Set(table.columns).size).toBe(3);
    expect(table.columns.slice(0, 1)).toEqual(['a']);
    expect(table.rows[0]?.a_2).toBe(3);
  });

  it('skips blank lines and counts rows whose cells are all empty as dropped', () => {
    const table = parseDataset('a,b\n\n1,2\n,\n3,4\n\n');
    expect(table.rows).toEqual([{ a: 1, b: 2 }, { a: 3, b: 4 }]);
    expect(table.dropped).toHaveLength(1);
    expect(table.dropped[0]?.row).toBe(4);
    expect(table.dropped[0]?.reason).toMatch(/empty/);
    expect(table.sourceRows).toEqual([3, 5]);
  });

  it('converts a column to numbers only when every non-empty cell is a plain number', () => {
    const table = parseDataset('zip,score,mixed,blank,big\n007,1.5,1,,12345678901234567890\n010,-2e3,x,,1\n123,,3,,2\n');
    expect(table.rows.map((r) => r.zip)).toEqual(['007', '010', '123']);
    expect(table.rows.map((r) => r.score)).toEqual([1.5, -2000, '']);
    expect(table.rows.map((r) => r.mixed)).toEqual(['1', 'x', '3']);
    expect(table.rows.map((r) => r.blank)).toEqual(['', '', '']);
    expect(table.rows.map((r) => r.big)).toEqual(['12345678901234567890', '1', '2']);
  });

  it('uses ";" when the CSV header has semicolons and no commas', () => {
    const table = parseDataset('question;answer\n"1,5 + 1";2,5\n');
    expect(table.columns).toEqual(['question', 'answer']);
    expect(table.rows[0]).toEqual({ question: '1,5 + 1', answer: '2,5' });
  });

  it('honours an explicit format over detection', () => {
    const table = parseDataset('a\tb,c\n1\t2,3\n', { format: 'csv' });
    expect(table.columns).toEqual(['a\tb', 'c']);
  });
});

describe('parseDataset: JSON', () => {
  it('reads an array of objects, keeps types and nested values, and drops non-objects by position', () => {
    const table = parseDataset('[{"q": "a", "n": 1, "tags": ["x"]}, 5, {"q": "b", "extra": null}]');
    expect(table.format).toBe('json');
    expect(table.columns).toEqual(['q', 'n', 'tags', 'extra']);
    expect(table.rows).toEqual([{ q: 'a', n: 1, tags: ['x'] }, { q: 'b', extra: null }]);
    expect(table.dropped).toHaveLength(1);
    expect(table.dropped[0]?.row).toBe(2);
    expect(table.dropped[0]?.reason).toMatch(/Row 2: expected a JSON object/);
  });

  it('accepts {"data": [...]} and {"rows": [...]} wrappers', () => {
    expect(parseDataset('{"data": [{"a": 1}]}').rows).toEqual([{ a: 1 }]);
    expect(parseDataset('{\n  "rows": [{"a": 2}]\n}').rows).toEqual([{ a: 2 }]);
  });

  it('skips blank JSONL lines and still numbers lines by the file', () => {
    const table = parseDataset('{"a": 1}\n\n   \n[1, 2]\n{"a": 2}\n');
    expect(table.rows).toEqual([{ a: 1 }, { a: 2 }]);
    expect(table.dropped.map((d) => d.row)).toEqual([4]);
  });
});

describe('parseDataset: errors', () => {
  it('throws DATA_EMPTY for empty input and for a header without rows', () => {
    expect(codeOf(() => parseDataset(''))).toBe('DATA_EMPTY');
    expect(codeOf(() => parseDataset(' \n\uFEFF'))).toBe('DATA_EMPTY');
    expect(codeOf(() => parseDataset('\uFEFFquestion,answer\r\n'))).toBe('DATA_EMPTY');
    expect(codeOf(() => parseDataset('[]'))).toBe('DATA_EMPTY');
  });

  it('throws DATA_PARSE with the line for an unterminated quote', () => {
    const err = thrown(() => parseDataset('a,b\n1,2\n3,"never closed\n4,5\n'));
    expect(err.code).toBe('DATA_PARSE');
    expect(err.details?.line).toBe(3);
  });

  it('throws DATA_PARSE for broken JSON, with the line of the error', () => {
    const err = thrown(() => parseDataset('[{"a": 1},\n{"a": 2,}]'));
    expect(err.code).toBe('DATA_PARSE');
    expect(err.message).toMatch(/line 2/);
  });

  it('throws DATA_PARSE when no JSONL line is an object, naming the first bad line', () => {
    const err = thrown(() => parseDataset('{"a": \n{"b": ', { format: 'jsonl' }));
    expect(err.code).toBe('DATA_PARSE');
    expect(err.details?.line).toBe(1);
  });

  it('throws DATA_PARSE for a JSON value that is not a table', () => {
    expect(codeOf(() => parseDataset('"hello"', { format: 'json' }))).toBe('DATA_PARSE');
  });
});

describe('detectFormat', () => {
  it('tells the formats apart', () => {
    expect(detectFormat('[{"a":1}]')).toBe('json');
    expect(detectFormat('{"data": [{"a": 1}]}')).toBe('json');
    expect(detectFormat('{"a": 1}\n{"a": 2}')).toBe('jsonl');
    expect(detectFormat('a\tb\tc\n1\t2\t3')).toBe('tsv');
    expect(detectFormat('a,b\n1,2')).toBe('csv');
    expect(detectFormat('text, with comma\tother\n')).toBe('tsv');
    expect(detectFormat('a, b, c\tx\n')).toBe('csv');
    expect(detectFormat('\uFEFF[{"a":1}]')).toBe('json');
  });
});
