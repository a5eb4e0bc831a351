/**
 * Columns -> program fields: a suggested mapping, and turning table rows into examples.
 */
import { PlaygroundError } from '../errors';
import type { DroppedRow, Example, FieldMapping, ParsedTable } from './types';

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
  checkMapping(table.columns, mapping);
  const idColumn = mapping.id ?? (table.columns.includes('id') ? 'id' : undefined);
  const examples: Example[] = [];
  const dropped: DroppedRow[] = [];
  const used = new Set<string>();
  const inputs = Object.entries(mapping.inputs);
  const labels = Object.entries(mapping.labels);
  const rows = table.rows as (Record<string, unknown> | undefined)[];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (opts.consume) rows[i] = undefined;
    if (inputs.some(([, col]) => isBlank(row[col])) || labels.some(([, col]) => isBlank(row[col]))) {
      const source = table.sourceRows?.[i] ?? i + 1;
      const missing = [
        ...inputs.filter(([, col]) => isBlank(row[col])).map(([name, col]) => `input "${name}" (column "${col}")`),
        ...labels.filter(([, col]) => isBlank(row[col])).map(([name, col]) => `label "${name}" (column "${col}")`),
      ];
      dropped.push({ row: source, reason: `Row ${source}: no value for ${missing.join(', ')}.` });
      continue;
    }
    const rawId = idColumn === undefined ? undefined : row[idColumn];
    const base = isBlank(rawId) ? `row-${i + 1}` : String(rawId).trim();
    examples.push({ id: uniqueId(base, used), inputs: pick(row, inputs), labels: pick(row, labels) });
  }
  if (opts.consume) table.rows.length = 0;
  return { examples, dropped };
}

function checkMapping(columns: string[], mapping: FieldMapping): void {
  const problems: string[] = [];
  const check = (what: string, col: string) => {
    if (!columns.includes(col)) problems.push(`${what} uses column "${col}", which is not in the data`);
  };
  for (const [name, col] of Object.entries(mapping.inputs)) check(`input "${name}"`, col);
  for (const [name, col] of Object.entries(mapping.labels)) check(`label "${name}"`, col);
  if (mapping.id !== undefined) check('the id', mapping.id);
  if (problems.length === 0) return;
  throw new PlaygroundError('DATA_MAPPING', `${problems.join('; ')}. Available columns: ${columns.join(', ')}.`, {
    hint: 'Map each program field to one of the available columns, or rename the column in the data.',
    details: { problems, columns },
  });
}

/**
 * A plain object (prototype `Object.prototype`) made by a constructor, not by `{}`: V8 shrinks a
 * constructor's objects to the properties they get (here usually one or two), where `{}` always
 * reserves room for four; on a large dataset the examples' fields were a good part of the memory.
 */
const PlainFields = function PlainFields() {} as unknown as new () => Record<string, unknown>;
PlainFields.prototype = Object.prototype;

/** The row's values under the program's names; built by assignment, which costs less memory per object than `Object.fromEntries` on large datasets. */
function pick(row: Record<string, unknown>, fields: [string, string][]): Record<string, unknown> {
  const out = new PlainFields();
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
