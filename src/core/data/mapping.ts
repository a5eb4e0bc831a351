/**
 * Columns -> program fields: a suggested mapping, and turning table rows into examples.
 */
import { PlaygroundError } from '../errors';
import { settleValue } from './delimited';
import { plainRecord } from './plain';
import type { ColumnType, DroppedRow, Example, FieldMapping, ParsedTable } from './types';

/**
 * Suggests which column feeds each program input and label: the column with the same name,
 * else the same name ignoring case, else ignoring case, spaces, `_` and `-` ("Question Text"
 * matches `question_text`). A name with no matching column maps to itself, so
 * {@link toExamples} reports it with the list of available columns instead of failing later.
 * An `id` column (any case) becomes the id column unless it feeds an input.
 */
export function suggestMapping(columns: string[], inputNames: string[], labelNames: string[]): FieldMapping {
  const match = (name: string): string =>
    columns.find((c) => c === name) ??
    columns.find((c) => c.toLowerCase() === name.toLowerCase()) ??
    columns.find((c) => squash(c) === squash(name)) ??
    name;
  const inputs = Object.fromEntries(inputNames.map((n) => [n, match(n)]));
  const labels = Object.fromEntries(labelNames.map((n) => [n, match(n)]));
  const mapping: FieldMapping = { inputs, labels };
  const id = columns.find((c) => squash(c) === 'id');
  if (id !== undefined && !Object.values(inputs).includes(id)) mapping.id = id;
  return mapping;
}

/**
 * Turns table rows into examples. Throws `DATA_MAPPING` when the mapping names a column the
 * table lacks. A row missing a mapped input or label value (null, undefined, or a blank
 * string) is dropped with a reason. Ids come from the id column (`mapping.id`, else a column
 * named `id`), else `row-<n>` with n the 1-based position in `table.rows`; a repeated id gets
 * `-2`, `-3`... appended so every id is unique.
 *
 * With `consume`, each row is released from `table.rows` once converted and the list is
 * emptied at the end, so a large table and its examples are never both held in full; the
 * caller must take whatever else it needs from the rows (their count, a corpus column) first.
 */
export function toExamples(table: ParsedTable, mapping: FieldMapping, opts: { consume?: boolean } = {}): { examples: Example[]; dropped: DroppedRow[] } {
  const builder = new ExampleBuilder(table.columns, mapping);
  const rows = table.rows as (Record<string, unknown> | undefined)[];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (opts.consume) rows[i] = undefined;
    builder.add(row, table.sourceRows?.[i] ?? i + 1);
  }
  if (opts.consume) table.rows.length = 0;
  return builder.finish();
}

/**
 * Examples built one row at a time, as {@link toExamples} builds them, for rows that are not
 * kept in a table (a large file read as it streams in). Such rows may hold values of a column
 * whose type is decided only at the end of the file (see `ParsedTable.columnTypes`):
 * `finish` converts them, ids included, so the examples equal those of the whole table.
 */
export class ExampleBuilder {
  private readonly examples: Example[] = [];
  private readonly dropped: DroppedRow[] = [];
  private readonly inputs: [string, string][];
  private readonly labels: [string, string][];
  private readonly idColumn: string | undefined;
  private count = 0;

  /** Rows added so far, dropped ones included. */
  get rowCount(): number {
    return this.count;
  }

  constructor(columns: string[], mapping: FieldMapping) {
    checkMapping(columns, mapping);
    this.idColumn = mapping.id ?? (columns.includes('id') ? 'id' : undefined);
    this.inputs = Object.entries(mapping.inputs);
    this.labels = Object.entries(mapping.labels);
  }

  /** Adds the next row; `source` is its row or line number in the file, for a drop's reason. */
  add(row: Record<string, unknown>, source: number): void {
    const position = ++this.count;
    const { inputs, labels } = this;
    if (inputs.some(([, col]) => isBlank(row[col])) || labels.some(([, col]) => isBlank(row[col]))) {
      const missing = [
        ...inputs.filter(([, col]) => isBlank(row[col])).map(([name, col]) => `input "${name}" (column "${col}")`),
        ...labels.filter(([, col]) => isBlank(row[col])).map(([name, col]) => `label "${name}" (column "${col}")`),
      ];
      this.dropped.push({ row: source, reason: `Row ${source}: no value for ${missing.join(', ')}.` });
      return;
    }
    const rawId = this.idColumn === undefined ? undefined : row[this.idColumn];
    // The id's text for now; made unique (and settled) in `finish`.
    const id = isBlank(rawId) ? `row-${position}` : String(rawId).trim();
    this.examples.push({ id, inputs: pick(row, inputs), labels: pick(row, labels) });
  }

  /** The examples, with values settled to `columnTypes` (when given) and unique ids. */
  finish(columnTypes?: Readonly<Record<string, ColumnType>>): { examples: Example[]; dropped: DroppedRow[] } {
    if (columnTypes) {
      for (const e of this.examples) {
        settle(e.inputs, this.inputs, columnTypes);
        settle(e.labels, this.labels, columnTypes);
      }
    }
    const idIsNumber = this.idColumn !== undefined && columnTypes?.[this.idColumn] === 'number';
    const used = new Set<string>();
    for (const e of this.examples) {
      // An id cell read as text in what became a number column (" 7", "1.50") is the number's text.
      const base = idIsNumber && !e.id.startsWith('row-') && !PLAIN_INTEGER.test(e.id) ? String(Number(e.id)) : e.id;
      e.id = uniqueId(base, used);
    }
    return { examples: this.examples, dropped: this.dropped };
  }
}

/** An integer as `String(n)` writes it, which needs no conversion. */
const PLAIN_INTEGER = /^-?(0|[1-9]\d{0,14})$/;

/** Values of `fields` turned to their column's type: a number column's text to numbers, a text column's numbers to text. */
function settle(values: Record<string, unknown>, fields: [string, string][], columnTypes: Readonly<Record<string, ColumnType>>): void {
  for (const [name, col] of fields) values[name] = settleValue(values[name], columnTypes[col]);
}

function checkMapping(columns: string[], mapping: FieldMapping): void {
  const problems = mappingProblems(columns, mapping).map((p) => p.message);
  if (problems.length === 0) return;
  throw new PlaygroundError('DATA_MAPPING', `${problems.join('; ')}. Available columns: ${columns.join(', ')}.`, {
    hint: 'Map each program field to one of the available columns, or rename the column in the data.',
    details: { problems, columns },
  });
}

/**
 * Every field of `mapping` whose column is not in `columns`, the check {@link toExamples}
 * makes before it reads a row: `path` is the field's place in the mapping (`inputs.question`,
 * `labels.answer`, `id`), so a form can show the problem at that field.
 */
export function mappingProblems(columns: readonly string[], mapping: FieldMapping): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const check = (path: string, what: string, col: string) => {
    if (!columns.includes(col)) problems.push({ path, message: `${what} uses column "${col}", which is not in the data` });
  };
  for (const [name, col] of Object.entries(mapping.inputs)) check(`inputs.${name}`, `input "${name}"`, col);
  for (const [name, col] of Object.entries(mapping.labels)) check(`labels.${name}`, `label "${name}"`, col);
  if (mapping.id !== undefined) check('id', 'the id', mapping.id);
  return problems;
}

/** The row's values under the program's names; built by assignment, which costs less memory per object than `Object.fromEntries` on large datasets. */
function pick(row: Record<string, unknown>, fields: [string, string][]): Record<string, unknown> {
  const out = plainRecord();
  for (const [name, col] of fields) out[name] = row[col];
  return out;
}

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
  used.add(id);
  return id;
}

function squash(s: string): string {
  return s.toLowerCase().replace(/[\s_-]+/g, '');
}
