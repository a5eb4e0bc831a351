/** A raw table parsed from user input: rows of column -> value. */
export interface ParsedTable {
  format: DataFormat;
  columns: string[];
  rows: Record<string, unknown>[];
  /** Rows that could not be read, with the 1-based row/line number and why. Never dropped silently. */
  dropped: DroppedRow[];
  /** Non-fatal notes (e.g. "row 7 has 5 cells, expected 4; padded with empty values"). */
  warnings: string[];
  /** Where each row came from (same numbering as `dropped`), so later drops can name the source row. */
  sourceRows?: number[];
  /** CSV/TSV: how each column's values were read, decided over the whole file (see `delimited.ts`). */
  columnTypes?: Record<string, ColumnType>;
}

/** A CSV/TSV column is numbers when every non-empty cell is a plain number, else text. */
export type ColumnType = 'number' | 'text';

export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'json';

export interface DroppedRow {
  row: number;
  reason: string;
}

/** One example: program inputs and gold labels (for the metric and labeled demos). */
export interface Example {
  id: string;
  inputs: Record<string, unknown>;
  labels: Record<string, unknown>;
}

/** Which columns feed which program inputs and which hold labels. */
export interface FieldMapping {
  /** Program input name -> column. */
  inputs: Record<string, string>;
  /** Label (output) name -> column. */
  labels: Record<string, string>;
  /** Column holding a row id; defaults to `id` when present, else the row number. */
  id?: string;
}

export interface SplitFractions {
  train: number;
  val: number;
  test?: number;
}

export interface DataSplits {
  train: Example[];
  val: Example[];
  test: Example[];
}
