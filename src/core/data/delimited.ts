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

/** Parses CSV (`,` or, when the header has no comma but has `;`, `;`) or TSV text. */
export function parseDelimited(text: string, format: 'csv' | 'tsv'): ParsedTable {
  const warnings: string[] = [];
  const delimiter = format === 'tsv' ? '\t' : csvDelimiter(text, warnings);
  const records = readRecords(text, delimiter, warnings);
  const header = records.shift();
  if (!header) throw new PlaygroundError('DATA_EMPTY', 'The data is empty.', { hint: 'Paste a header row and at least one data row.' });
  const columns = fixHeader(header.cells, warnings);

  const dropped: DroppedRow[] = [];
  const rows: Record<string, unknown>[] = [];
  const sourceRows: number[] = [];
  for (const { cells, line } of records) {
    const fitted = fitCells(cells, columns.length, line, warnings, dropped);
    if (!fitted) continue;
    rows.push(Object.fromEntries(columns.map((c, i) => [c, fitted[i] ?? ''])));
    sourceRows.push(line);
  }
  if (rows.length === 0 && dropped.length === 0) {
    throw new PlaygroundError('DATA_EMPTY', `The ${format.toUpperCase()} data has a header (${columns.join(', ')}) but no data rows.`, {
      hint: 'Add at least one row under the header.',
    });
  }
  convertNumericColumns(columns, rows);
  return { format, columns, rows, dropped, warnings, sourceRows };
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

interface RawRecord {
  cells: string[];
  /** 1-based line where the record starts. */
  line: number;
}

function readRecords(text: string, delimiter: string, warnings: string[]): RawRecord[] {
  const records: RawRecord[] = [];
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
      records.push({ cells, line });
    },
  });
  return records;
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

function convertNumericColumns(columns: string[], rows: Record<string, unknown>[]): void {
  for (const col of columns) {
    let any = false;
    const numeric = rows.every((r) => {
      const v = String(r[col]).trim();
      if (v === '') return true;
      any = true;
      return isPlainNumber(v);
    });
    if (!numeric || !any) continue;
    for (const r of rows) {
      const v = String(r[col]).trim();
      if (v !== '') r[col] = Number(v);
    }
  }
}
