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
import type { DroppedRow, ParsedTable } from './types';

/**
 * Parses CSV (`,` or, when the header has no comma but has `;`, `;`) or TSV text. Rows are
 * built as papaparse streams records through `step` (no list of raw records is kept), and a
 * cell that is a number in canonical form is stored as a number at once: on a large file the
 * cells' strings were most of the memory. `maxRows` stops the parse at the first row past it.
 */
export function parseDelimited(text: string, format: 'csv' | 'tsv', limits: RowLimit = {}): ParsedTable {
  const warnings: string[] = [];
  const delimiter = format === 'tsv' ? '\t' : csvDelimiter(text, warnings);
  const dropped: DroppedRow[] = [];
  const rows: Record<string, unknown>[] = [];
  const sourceRows: number[] = [];
  let columns: string[] | undefined;
  let numeric: boolean[] = [];
  readRecords(text, delimiter, warnings, (cells, line) => {
    if (!columns) {
      columns = fixHeader(cells, warnings);
      numeric = columns.map(() => true);
      return;
    }
    const fitted = fitCells(cells, columns.length, line, warnings, dropped);
    if (!fitted) return;
    if (limits.maxRows !== undefined && rows.length >= limits.maxRows) throw tooManyRows(limits);
    rows.push(toRow(columns, fitted, numeric));
    sourceRows.push(line);
  });
  if (!columns) throw new PlaygroundError('DATA_EMPTY', 'The data is empty.', { hint: 'Paste a header row and at least one data row.' });
  if (rows.length === 0 && dropped.length === 0) {
    throw new PlaygroundError('DATA_EMPTY', `The ${format.toUpperCase()} data has a header (${columns.join(', ')}) but no data rows.`, {
      hint: 'Add at least one row under the header.',
    });
  }
  settleColumns(columns, rows, numeric);
  return { format, columns, rows, dropped, warnings, sourceRows };
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
 * One row object. A cell whose text is exactly the number's own spelling ("12", "0.5") is
 * stored as a number, so a non-numeric column can turn it back exactly (`settleColumns`);
 * `numeric[i]` stays true while every non-empty cell of column i is a plain number.
 */
function toRow(columns: string[], cells: string[], numeric: boolean[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const cell = cells[i] ?? '';
    let value: unknown = cell;
    const trimmed = numeric[i] ? cell.trim() : '';
    if (trimmed !== '') {
      const n = Number(cell);
      if (String(n) === cell && isPlainNumber(cell)) value = n;
      else if (!isPlainNumber(trimmed)) numeric[i] = false;
    }
    row[columns[i]!] = value;
  }
  return row;
}

/**
 * Makes each column all numbers or all strings, as decided over the whole file: a numeric
 * column converts the cells kept as text (" 7", "1.50"); any other column turns the numbers
 * stored early back into their text, which is exact since they were stored only when
 * `String(n)` gave the cell back.
 */
function settleColumns(columns: string[], rows: Record<string, unknown>[], numeric: boolean[]): void {
  columns.forEach((col, i) => {
    const any = rows.some((r) => r[col] !== '' && String(r[col]).trim() !== '');
    const toNumber = numeric[i] && any;
    for (const r of rows) {
      const v = r[col];
      if (toNumber && typeof v === 'string' && v.trim() !== '') r[col] = Number(v.trim());
      else if (!toNumber && typeof v === 'number') r[col] = String(v);
    }
  });
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

/** Streams records to `onRecord` with the 1-based line where each starts; blank lines are skipped. */
function readRecords(text: string, delimiter: string, warnings: string[], onRecord: (cells: string[], line: number) => void): void {
  let start = 0;
  let line = 1;
  let counted = 0;
  Papa.parse<string[]>(text, {
    delimiter,
    step: (result) => {
      // Advance the line counter to where this record starts.
      for (; counted < start; counted++) if (text.charCodeAt(counted) === 10) line++;
      for (const err of result.errors) {
        if (err.code === 'MissingQuotes') {
          throw new PlaygroundError('DATA_PARSE', `Line ${line}: a quoted value is never closed, so the rest of the file would be read as one value.`, {
            hint: 'Close the quote, or double the quote character ("") inside a quoted value.',
            details: { line },
          });
        }
        warnings.push(`Line ${line}: ${err.message}; the row was read as best as possible, check its values.`);
      }
      const cells = result.data;
      start = result.meta.cursor;
      if (cells.length === 1 && (cells[0] ?? '').trim() === '') return; // a blank line
      onRecord(cells, line);
    },
  });
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
