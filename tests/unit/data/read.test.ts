/**
 * Files read as they stream in (the runner's data file): any split of the bytes gives the table
 * and the examples that the whole text gives, decoding included, while rows keep only the
 * columns a run uses.
 */
import { describe, expect, it } from 'vitest';
import { parseDataset, readExamples, readTable, suggestMapping, toExamples, type ByteSource } from '../../../src/core/data';
import { createTableReader } from '../../../src/core/data';

/** `bytes` in pieces cut at `cuts` (sorted offsets), readable twice. */
function pieces(bytes: Uint8Array, cuts: number[]): ByteSource {
  return {
    async *chunks() {
      let at = 0;
      for (const cut of [...cuts, bytes.length]) {
        if (cut > at) yield bytes.subarray(at, cut);
        at = Math.max(at, cut);
      }
    },
  };
}

/** A seeded generator of cut positions. */
function randomCuts(length: number, count: number, seed: number): number[] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: count }, () => Math.floor(next() * length)).sort((a, b) => a - b);
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

// Quoted values with delimiters, quotes and line breaks; CRLF; a blank line; a short row; a row
// with an extra value (dropped); non-canonical numbers; accents (2-byte) and an emoji (4-byte).
const TRICKY = [
  'id,question,answer,score,note',
  '1,"What is 2, plus 2?",4,0.5,plain',
  '2,"He said ""hi""\r\nthen left",yes,1.50,"multi\nline\nnote"',
  '',
  '3,café au lait,naïve,7,🙂 emoji',
  '4,short row,x',
  '5,too,many,1,2,3',
  ' 6 ,spaced id,z, 8 ,',
  '7,"last, quoted",done,9,"end"',
].join('\r\n') + '\r\n';

describe('reading a file as it streams in', () => {
  it('gives the whole text\'s table for any split of the bytes, inside quotes, CRLF and characters included', async () => {
    const whole = parseDataset(TRICKY);
    const bytes = utf8(TRICKY);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const table = await readTable(pieces(bytes, [cut]));
      expect(table, `cut at byte ${cut}`).toEqual(whole);
    }
    for (let seed = 1; seed <= 50; seed++) {
      const table = await readTable(pieces(bytes, randomCuts(bytes.length, 12, seed)));
      expect(table, `seed ${seed}`).toEqual(whole);
    }
    // The checks above would pass on a parser that read nothing: the table has the rows.
    expect(whole.rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 6, 7]);
    expect(whole.rows[1]!.question).toBe('He said "hi"\r\nthen left');
    expect(whole.sourceRows).toEqual([2, 3, 8, 9, 11, 12]); // record 2 spans lines 3-6, line 7 is blank
    expect(whole.dropped).toEqual([expect.objectContaining({ row: 10 })]);
  });

  it('gives the same examples as the whole table, with values and ids settled over the whole file', async () => {
    const text = 'id,question,answer\n1.50,a,1\n2,b,007\n2,c,3\n 4 ,d,\n5,e,2\n';
    const table = parseDataset(text);
    const mapping = suggestMapping(table.columns, ['question'], ['answer']);
    const expected = toExamples(table, mapping);
    expect(expected.examples.map((e) => e.id)).toEqual(['1.5', '2', '2-2', '5']);
    expect(expected.examples.map((e) => e.labels.answer)).toEqual(['1', '007', '3', '2']);
    const bytes = utf8(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const read = await readExamples(pieces(bytes, [cut]), { mapping: () => mapping });
      expect(read.examples, `cut at byte ${cut}`).toEqual(expected.examples);
      expect(read.dropped).toEqual(expected.dropped);
      expect(read.rows).toBe(5);
    }
  });

  it('keeps only the columns the mapping uses in the rows, and every column in the table', async () => {
    const kept: Record<string, unknown>[] = [];
    const read = await readExamples(utf8Source('id,question,answer,f1,f2\n1,q,a,x,y\n'), {
      mapping: (columns) => suggestMapping(columns, ['question'], ['answer']),
      also: { column: 'f1', row: (row) => kept.push({ ...row }) },
    });
    expect(read.table.columns).toEqual(['id', 'question', 'answer', 'f1', 'f2']);
    expect(kept).toEqual([{ id: 1, question: 'q', answer: 'a', f1: 'x' }]);
    expect(read.examples).toEqual([{ id: '1', inputs: { question: 'q' }, labels: { answer: 'a' } }]);
  });

  it('reads JSONL and JSON whole, split anywhere', async () => {
    for (const text of ['{"q":"a","a":1}\n{"q":"b","a":2}\n', '[{"q":"a","a":1},{"q":"b","a":2}]', '{"data":[{"q":"a","a":1}]}']) {
      const whole = parseDataset(text);
      const bytes = utf8(text);
      for (let cut = 0; cut <= bytes.length; cut++) expect(await readTable(pieces(bytes, [cut]))).toEqual(whole);
    }
  });

  it('reads a file that is not UTF-8 as Windows-1252, naming its first bad line even when a character before it is split', async () => {
    // Line 2 holds a 2-byte "é" cut in half by a piece boundary; line 4 is Latin-1.
    const bytes = new Uint8Array([...utf8('a,b\ncafé,x\nplain,y\n'), ...Buffer.from('naïve,z\n', 'latin1')]);
    const split = utf8('a,b\ncaf').length + 1;
    const table = await readTable(pieces(bytes, [split]));
    expect(table.warnings[0]).toMatch(/not valid UTF-8 \(first at line 4\).*Windows-1252/);
    expect(table.rows.map((r) => r.a)).toEqual(['cafÃ©', 'plain', 'naïve']);
  });

  it('names the last line when the file ends inside a character', async () => {
    const bytes = utf8('a,b\nx,caf\u00e9');
    const table = await readTable(pieces(bytes.subarray(0, bytes.length - 1), []));
    expect(table.warnings[0]).toMatch(/first at line 2/);
  });

  it('stops at the row limit while reading', async () => {
    const text = `q,a\n${'x,y\n'.repeat(100)}`;
    await expect(readTable(utf8Source(text), { maxRows: 10 })).rejects.toMatchObject({ code: 'DATA_TOO_LARGE' });
  });

  it('waits for the whole header line before choosing the format and delimiter', () => {
    const reader = createTableReader();
    for (const ch of 'a\tb\n1\t2\n') reader.push(ch);
    expect(reader.end()).toMatchObject({ format: 'tsv', columns: ['a', 'b'], rows: [{ a: 1, b: 2 }] });
  });
});

function utf8Source(text: string): ByteSource {
  return pieces(utf8(text), []);
}
