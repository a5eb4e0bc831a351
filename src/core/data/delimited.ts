/**
 * CSV and TSV parsing on top of papaparse, plus the clean-up a pasted spreadsheet needs.
 *
 * papaparse does the tokenizing (quotes, quoted newlines, CRLF). We parse without its header
 * mode so that we own the decisions users see:
 * - Row numbers are **file line numbers** where the record starts (the header is line 1), so
 *   they match an editor and, without quoted newlines, a spreadsheet's row numbers.
 * - Empty header names become `col_<n>`; a repeated name `x` becomes `x_2`, `x_3`... (warned).
 * - A row with too few cells is padded with empty strings (warned). A row with too many cells
 *   is dropped, because the usual cause is an unquoted delimiter inside a value, which shifts
 *   every later cell into the wrong column; keeping it would feed the model wrong data. Extra
 *   cells that are all empty (a trailing delimiter, common in spreadsheet exports) are trimmed.
 * - A column becomes numbers only when every non-empty cell is a plain decimal number (see
 *   {@link isPlainNumber}); otherwise the whole column stays strings, so "007" or a mixed column
 *   is never half-converted.
 */
import Papa from 'papaparse';
import { PlaygroundError } from '../errors';
import { plainRecord } from './plain';
import type { ColumnType, DroppedRow, ParsedTable } from './types';

/**
 * Parses CSV (`,` or, when the header has no comma but has `;`, `;`) or TSV text in one go:
 * see {@link DelimitedReader} for how rows are built.
 */
export function parseDelimited(text: string, format: 'csv' | 'tsv', limits: DelimitedOptions = {}): ParsedTable {
  const reader = new DelimitedReader(format, limits);
  reader.push(text);
  return reader.end();
}

export interface DelimitedOptions extends RowLimit {
  /**
   * Given the header's columns, the columns whose values the rows keep (default: all). The
   * table still lists every column, so a mapping can be checked against them; a large file
   * then costs only the memory of the columns a run uses.
   */
  keep?: (columns: string[]) => readonly string[];
  /**
   * Each row goes here as it is read instead of into the table (whose `rows` and `sourceRows`
   * are then empty), with the line it starts on. Its values are not settled yet: a column's
   * type is known only at the end, in the table's `columnTypes` (see `ExampleBuilder.finish`).
   */
  onRow?: (row: Record<string, unknown>, line: number) => void;
}

/**
 * CSV or TSV text read piece by piece, as it arrives from a file: pieces may split a line or
 * a quoted value anywhere, and the first piece must hold the whole header line (the delimiter
 * is chosen from it). papaparse tokenizes each piece with its last, possibly incomplete, record
 * held back for the next (as papaparse's own file streaming does); rows are built as records
 * arrive (no list of raw records is kept), and a cell that is a number in canonical form is
 * stored as a number at once: on a large file the cells' strings were most of the memory.
 * `maxRows` stops the read at the first row past it.
 */
export class DelimitedReader {
  private handle: PapaHandle | undefined;
  private readonly warnings: string[] = [];
  private readonly dropped: DroppedRow[] = [];
  private readonly rows: Record<string, unknown>[] = [];
  private readonly sourceRows: number[] = [];
  private columns: string[] | undefined;
  /** Indexes of the columns whose values rows keep. */
  private kept: number[] = [];
  private numeric: boolean[] = [];
  /** Whether column i has a non-empty cell. */
  private filled: boolean[] = [];
  private count = 0;
  /** The held-back text of an incomplete record, and where it starts in the whole input. */
  private partial = '';
  private base = 0;
  /** The 1-based line where the next record starts. */
  private line = 1;

  constructor(
    private readonly format: 'csv' | 'tsv',
    private readonly limits: DelimitedOptions = {},
  ) {}

  /** Rows read so far. */
  get rowCount(): number {
    return this.count;
  }

  /** The header's columns once read, and the first `n` rows kept so far (their values not yet settled). */
  peek(n: number): { columns: string[]; rows: Record<string, unknown>[] } | undefined {
    return this.columns && { columns: this.columns, rows: this.rows.slice(0, n) };
  }

  push(text: string): void {
    if (text !== '') this.parse(text, false);
  }

  end(): ParsedTable {
    this.parse('', true);
    const { columns, rows, format } = this;
    if (!columns) throw new PlaygroundError('DATA_EMPTY', 'The data is empty.', { hint: 'Paste a header row and at least one data row.' });
    if (this.count === 0 && this.dropped.length === 0) {
      throw new PlaygroundError('DATA_EMPTY', `The ${format.toUpperCase()} data has a header (${columns.join(', ')}) but no data rows.`, {
        hint: 'Add at least one row under the header.',
      });
    }
    const columnTypes: Record<string, ColumnType> = {};
    for (const i of this.kept) columnTypes[columns[i]!] = this.numeric[i] && this.filled[i] ? 'number' : 'text';
    settleRows(rows, columnTypes);
    return { format, columns, rows, dropped: this.dropped, warnings: this.warnings, sourceRows: this.sourceRows, columnTypes };
  }

  private parse(chunk: string, last: boolean): void {
    this.handle ??= new (Papa as unknown as PapaInternals).ParserHandle({
      delimiter: this.format === 'tsv' ? '\t' : csvDelimiter(chunk, this.warnings),
      newline: lineEnding(chunk),
      step: (result) => this.onRecord(result),
    });
    const input = this.partial + chunk;
    this.partial = '';
    const result = this.handle.parse(input, this.base, !last);
    if (last) return;
    this.partial = input.substring(result.meta.cursor - this.base);
    this.base = result.meta.cursor;
  }

  private onRecord(result: { data: string[]; errors: { code: string; message: string }[] }): void {
    const line = this.line;
    const cells = result.data;
    // The next record starts after this one's lines: one, plus the line breaks inside quoted values.
    this.line += 1 + lineBreaks(cells);
    for (const err of result.errors) {
      if (err.code === 'MissingQuotes') {
        throw new PlaygroundError('DATA_PARSE', `Line ${line}: a quoted value is never closed, so the rest of the file would be read as one value.`, {
          hint: 'Close the quote, or double the quote character ("") inside a quoted value.',
          details: { line },
        });
      }
      this.warnings.push(`Line ${line}: ${err.message}; the row was read as best as possible, check its values.`);
    }
    if (cells.length === 1 && (cells[0] ?? '').trim() === '') return; // a blank line
    if (!this.columns) {
      this.header(cells);
      return;
    }
    const fitted = fitCells(cells, this.columns.length, line, this.warnings, this.dropped);
    if (!fitted) return;
    if (this.limits.maxRows !== undefined && this.count >= this.limits.maxRows) throw tooManyRows(this.limits);
    this.count++;
    const row = toRow(this.columns, this.kept, fitted, this.numeric, this.filled);
    if (this.limits.onRow) this.limits.onRow(row, line);
    else {
      this.rows.push(row);
      this.sourceRows.push(line);
    }
  }

  private header(cells: string[]): void {
    const columns = fixHeader(cells, this.warnings);
    this.columns = columns;
    this.numeric = columns.map(() => true);
    this.filled = columns.map(() => false);
    const keep = this.limits.keep ? new Set(this.limits.keep(columns)) : undefined;
    this.kept = columns.flatMap((c, i) => (!keep || keep.has(c) ? [i] : []));
  }
}

/** The part of papaparse's ParserHandle used here: exported by papaparse (its own streamers use it) but not in its typings. */
interface PapaHandle {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): { meta: { cursor: number } };
}

interface PapaInternals {
  ParserHandle: new (config: { step?: (result: { data: string[]; errors: { code: string; message: string }[] }) => void; delimiter?: string; newline?: string }) => PapaHandle & {
    guessLineEndings(input: string, quoteChar: string): string;
  };
}

/**
 * The line ending, guessed by papaparse from the first piece as it guesses it from a whole
 * text, but without a `\r` the piece may end on: its `\n` is in the next piece, and counting
 * it as a line ending of its own would make papaparse take `\r` for the file's.
 */
function lineEnding(first: string): string {
  return new (Papa as unknown as PapaInternals).ParserHandle({}).guessLineEndings(first.endsWith('\r') ? first.slice(0, -1) : first, '"');
}

function lineBreaks(cells: readonly string[]): number {
  let n = 0;
  for (const cell of cells) for (let at = cell.indexOf('\n'); at !== -1; at = cell.indexOf('\n', at + 1)) n++;
  return n;
}

/** The most rows a parse keeps, and what to say past it (the host knows how to raise it). */
export interface RowLimit {
  maxRows?: number;
  hint?: string;
}

export function tooManyRows(limits: RowLimit): PlaygroundError {
  return new PlaygroundError('DATA_TOO_LARGE', `The data has more than ${limits.maxRows} rows.`, {
    hint: limits.hint ?? 'Use a sample of the data.',
    details: { maxRows: limits.maxRows },
  });
}

/**
 * One row object, with the kept columns' values. A cell whose text is exactly the number's own
 * spelling ("12", "0.5") is stored as a number, so a text column can turn it back exactly
 * (`settleRows`); `numeric[i]` stays true while every non-empty cell of column i is a plain
 * number, and `filled[i]` becomes true at its first non-empty cell.
 */
function toRow(columns: string[], kept: readonly number[], cells: string[], numeric: boolean[], filled: boolean[]): Record<string, unknown> {
  const row = plainRecord();
  for (const i of kept) {
    const cell = cells[i] ?? '';
    let value: unknown = cell;
    if (numeric[i] || !filled[i]) {
      const trimmed = cell.trim();
      if (trimmed !== '') {
        filled[i] = true;
        const n = Number(cell);
        if (numeric[i] && String(n) === cell && isPlainNumber(cell)) value = n;
        else if (!isPlainNumber(trimmed)) numeric[i] = false;
      }
    }
    row[columns[i]!] = value;
  }
  return row;
}

/**
 * Makes each column all numbers or all strings, as decided over the whole file: a number
 * column converts the cells kept as text (" 7", "1.50"); a text column turns the numbers
 * stored early back into their text, which is exact since they were stored only when
 * `String(n)` gave the cell back.
 */
function settleRows(rows: Record<string, unknown>[], columnTypes: Record<string, ColumnType>): void {
  for (const [col, type] of Object.entries(columnTypes)) for (const r of rows) r[col] = settleValue(r[col], type);
}

/** A value read before its column's type was known, as that type reads it. */
export function settleValue(v: unknown, type: ColumnType | undefined): unknown {
  if (type === 'number' && typeof v === 'string' && v.trim() !== '') return Number(v.trim());
  if (type === 'text' && typeof v === 'number') return String(v);
  return v;
}

/** True for plain decimal numbers: optional sign, digits, optional fraction and exponent. No "007", "1,000" or 16+ digit ids (they would lose precision). */
function isPlainNumber(s: string): boolean {
  const m = /^[+-]?(\d+)?(\.\d+)?([eE][+-]?\d+)?$/.exec(s);
  if (!m || (m[1] === undefined && m[2] === undefined)) return false;
  const intPart = m[1] ?? '';
  if (intPart.length > 1 && intPart.startsWith('0')) return false;
  if (intPart.length > 15) return false;
  return Number.isFinite(Number(s));
}

function csvDelimiter(text: string, warnings: string[]): string {
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  if (!firstLine.includes(',') && firstLine.includes(';')) {
    warnings.push('The header has semicolons and no commas, so ";" was used as the delimiter.');
    return ';';
  }
  return ',';
}

function fixHeader(raw: string[], warnings: string[]): string[] {
  const names = raw.map((c) => c.trim());
  const taken = new Set(names.filter((n) => n !== ''));
  const seen = new Map<string, number>();
  return names.map((name, i) => {
    if (name === '') {
      const fixed = unique(`col_${i + 1}`, taken);
      warnings.push(`Column ${i + 1} has no name; it is called "${fixed}".`);
      return fixed;
    }
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    if (count === 1) return name;
    const fixed = unique(`${name}_${count}`, taken);
    warnings.push(`Column ${i + 1} repeats the name "${name}"; it is called "${fixed}".`);
    return fixed;
  });
}

function unique(name: string, taken: Set<string>): string {
  let out = name;
  for (let k = 2; taken.has(out); k++) out = `${name}_${k}`;
  taken.add(out);
  return out;
}

/** Pads short rows, trims empty extra cells, drops rows with real extra cells or no values at all. */
function fitCells(cells: string[], width: number, line: number, warnings: string[], dropped: DroppedRow[]): string[] | undefined {
  if (cells.every((c) => c.trim() === '')) {
    dropped.push({ row: line, reason: `Line ${line}: every cell is empty.` });
    return undefined;
  }
  if (cells.length > width) {
    const extra = cells.slice(width);
    if (extra.some((c) => c.trim() !== '')) {
      dropped.push({
        row: line,
        reason: `Line ${line}: has ${cells.length} cells but the header has ${width}. A value probably contains the delimiter without quotes; put that value in double quotes.`,
      });
      return undefined;
    }
    warnings.push(`Line ${line}: ${cells.length - width} empty cell(s) after the last column were ignored.`);
    return cells.slice(0, width);
  }
  if (cells.length < width) {
    warnings.push(`Line ${line}: has ${cells.length} cells but the header has ${width}; the missing ones are empty.`);
    return [...cells, ...Array<string>(width - cells.length).fill('')];
  }
  return cells;
}
