/**
 * Dataset text -> {@link ParsedTable}: format detection, JSON and JSONL reading.
 *
 * Row numbers in `dropped` and in messages are: JSONL, the 1-based file line; JSON, the
 * 1-based position in the array; CSV/TSV, the 1-based file line where the record starts
 * (the header is line 1). Values keep their JSON types; CSV/TSV rules are in `delimited.ts`.
 */
import { PlaygroundError } from '../errors';
import { DelimitedReader, parseDelimited, tooManyRows, type DelimitedOptions, type RowLimit } from './delimited';
import { plainRecord } from './plain';
import type { DataFormat, DroppedRow, ParsedTable } from './types';

export interface ParseOptions extends DelimitedOptions {
  /** The text's format; `auto` (the default) detects it, see {@link detectFormat}. */
  format?: DataFormat | 'auto';
}

/**
 * Parses pasted or loaded dataset text (CSV, TSV, JSONL, a JSON array of objects, a JSON
 * object wrapping one under `data` or `rows`, or a single JSON object as one row). Unreadable rows are listed in `dropped`; the
 * rest are kept. Throws `DATA_EMPTY` when there is no row at all and `DATA_PARSE` when
 * nothing can be read (with the line or row at fault), and `DATA_TOO_LARGE` past `maxRows` rows.
 */
export function parseDataset(text: string, opts: ParseOptions = {}): ParsedTable {
  const clean = text.replace(/^\uFEFF/, '');
  if (clean.trim() === '') throw new PlaygroundError('DATA_EMPTY', 'The data is empty.', { hint: 'Paste CSV, TSV, JSONL or a JSON array of objects.' });
  const format = !opts.format || opts.format === 'auto' ? detectFormat(clean) : opts.format;
  switch (format) {
    case 'csv':
    case 'tsv':
      return parseDelimited(clean, format, opts);
    case 'jsonl':
      return project(parseJsonl(clean, opts), opts);
    case 'json':
      return project(parseJson(clean, opts), opts);
    default:
      throw new PlaygroundError('DATA_PARSE', `Unknown data format ${JSON.stringify(format)}.`, { hint: 'Use "csv", "tsv", "jsonl", "json" or "auto".' });
  }
}

/**
 * Dataset text read piece by piece (a file as it is read): the same result as
 * {@link parseDataset} on the whole text. CSV and TSV are parsed as the pieces arrive, so the
 * whole text is never held; JSON and JSONL are gathered and parsed at the end (a JSON value
 * cannot be read in parts). Pieces may split the text anywhere.
 */
export interface TableReader {
  push(text: string): void;
  /** Ends the input: the table, or the error {@link parseDataset} would throw. */
  end(): ParsedTable;
  /** Rows read so far (CSV and TSV only; 0 until a JSON text ends). */
  readonly rowCount: number;
  /** CSV and TSV: the columns and first `n` rows read so far, for a preview while the rest loads. */
  peek(n: number): { columns: string[]; rows: Record<string, unknown>[] } | undefined;
}

export function createTableReader(opts: ParseOptions = {}): TableReader {
  /** The text so far, until the format is known (its first line is complete); then only for JSON. */
  let head = '';
  let delimited: DelimitedReader | undefined;
  let gathered: string[] | undefined;
  const decide = (final: boolean): void => {
    const start = head.replace(/^\uFEFF/, '').trimStart();
    const explicit = opts.format && opts.format !== 'auto' ? opts.format : undefined;
    const jsonLike = explicit ? explicit === 'json' || explicit === 'jsonl' : /^[[{]/.test(start);
    if (start === '' || (!final && !jsonLike && !start.includes('\n'))) return;
    const format = explicit ?? detectFormat(start);
    if (format === 'csv' || format === 'tsv') {
      delimited = new DelimitedReader(format, opts);
      delimited.push(head.replace(/^\uFEFF/, ''));
    } else gathered = [head];
    head = '';
  };
  return {
    push(text) {
      if (delimited) delimited.push(text);
      else if (gathered) gathered.push(text);
      else {
        head += text;
        decide(false);
      }
    },
    end() {
      if (!delimited && !gathered) decide(true);
      if (delimited) return delimited.end();
      return parseDataset(gathered ? gathered.join('') : head, opts);
    },
    get rowCount() {
      return delimited?.rowCount ?? 0;
    },
    peek: (n) => delimited?.peek(n),
  };
}

/** The rows with only the columns `opts.keep` keeps (JSON rows are parsed whole, then cut down). */
function project(table: ParsedTable, opts: DelimitedOptions): ParsedTable {
  if (!opts.keep) return table;
  const keep = opts.keep(table.columns).filter((c) => table.columns.includes(c));
  table.rows = table.rows.map((row) => {
    const out = plainRecord();
    for (const c of keep) if (c in row) out[c] = row[c];
    return out;
  });
  return table;
}

/**
 * Guesses the format: `[` starts JSON; `{` starts JSON when the whole text is one JSON value
 * (a wrapper, or a single row), else JSONL; a first line with more tabs than commas is TSV; anything else is CSV.
 */
export function detectFormat(text: string): DataFormat {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('[')) return 'json';
  if (t.startsWith('{')) return tryJson(t) === undefined ? 'jsonl' : 'json';
  const firstLine = t.split(/\r?\n/, 1)[0] ?? '';
  const tabs = firstLine.split('\t').length - 1;
  const commas = firstLine.split(',').length - 1;
  return tabs > 0 && tabs >= commas ? 'tsv' : 'csv';
}

function parseJsonl(text: string, limits: RowLimit): ParsedTable {
  const rows: Record<string, unknown>[] = [];
  const sourceRows: number[] = [];
  const dropped: DroppedRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      dropped.push({ row: line, reason: `Line ${line}: not valid JSON (${errorText(err)}).` });
      return;
    }
    if (!isRecord(value)) {
      dropped.push({ row: line, reason: `Line ${line}: expected a JSON object like {"question": "..."}, but got ${kindOf(value)}.` });
      return;
    }
    if (limits.maxRows !== undefined && rows.length >= limits.maxRows) throw tooManyRows(limits);
    rows.push(value);
    sourceRows.push(line);
  });
  if (rows.length === 0) {
    const first = dropped[0];
    if (first) throw new PlaygroundError('DATA_PARSE', `No line could be read as a JSON object. ${first.reason}`, { hint: 'Each line must be one JSON object, e.g. {"question": "...", "answer": "..."}.', details: { line: first.row } });
    throw new PlaygroundError('DATA_EMPTY', 'The data has no rows.', { hint: 'Add one JSON object per line.' });
  }
  return { format: 'jsonl', columns: columnsOf(rows), rows, dropped, warnings: [], sourceRows };
}

function parseJson(text: string, limits: RowLimit): ParsedTable {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const looksJsonl = text.trimStart().startsWith('{') && text.trim().includes('\n');
    throw new PlaygroundError('DATA_PARSE', `The data is not valid JSON: ${errorText(err)}${locate(text, err)}.`, {
      hint: looksJsonl ? 'It looks like JSONL (one object per line): choose the "jsonl" format or "auto".' : 'Check the JSON near that position, or paste CSV/JSONL instead.',
    });
  }
  const list = Array.isArray(value) ? value : isWrapper(value) ? wrapped(value) : isRecord(value) ? [value] : undefined;
  if (!list) {
    throw new PlaygroundError('DATA_PARSE', `Expected a JSON array of objects (or {"data": [...]} / {"rows": [...]}), but got ${kindOf(value)}.`, {
      hint: 'Wrap the rows in [ ... ], one object per row.',
    });
  }
  if (limits.maxRows !== undefined && list.length > limits.maxRows) throw tooManyRows(limits);
  const rows: Record<string, unknown>[] = [];
  const sourceRows: number[] = [];
  const dropped: DroppedRow[] = [];
  list.forEach((item, i) => {
    if (isRecord(item)) {
      rows.push(item);
      sourceRows.push(i + 1);
    } else dropped.push({ row: i + 1, reason: `Row ${i + 1}: expected a JSON object, but got ${kindOf(item)}.` });
  });
  if (rows.length === 0) {
    if (dropped[0]) throw new PlaygroundError('DATA_PARSE', `No row is a JSON object. ${dropped[0].reason}`, { hint: 'Each array element must be an object, e.g. {"question": "..."}.', details: { row: dropped[0].row } });
    throw new PlaygroundError('DATA_EMPTY', 'The JSON array has no rows.', { hint: 'Add at least one object to the array.' });
  }
  return { format: 'json', columns: columnsOf(rows), rows, dropped, warnings: [], sourceRows };
}

/** Every key seen, in first-seen order. */
export function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

function isWrapper(v: unknown): v is { data: unknown[] } | { rows: unknown[] } {
  return isRecord(v) && (Array.isArray(v.data) || Array.isArray(v.rows));
}

function wrapped(v: { data: unknown[] } | { rows: unknown[] }): unknown[] {
  return 'data' in v && Array.isArray(v.data) ? v.data : (v as { rows: unknown[] }).rows;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}` : `a ${typeof v}`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Turns V8's "at position N" into a line number (newer engines already say "line L column C"). */
function locate(text: string, err: unknown): string {
  const m = /position (\d+)/.exec(errorText(err));
  if (!m || /line \d+/.test(errorText(err))) return '';
  const pos = Number(m[1]);
  const line = text.slice(0, pos).split('\n').length;
  return ` (line ${line})`;
}
