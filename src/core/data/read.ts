/**
 * Dataset files read as they stream in (the runner's file, a file chosen in the browser), so
 * that neither the whole file's bytes nor its whole text is held while it is parsed. Decoding
 * follows {@link decodeText}: UTF-8 when the bytes are valid UTF-8, else the file is read a
 * second time as Windows-1252 with a warning naming the first line that is not UTF-8.
 */
import { firstInvalidLine, notUtf8Warning, windows1252, type DecodedText } from './decode';
import { ExampleBuilder } from './mapping';
import { createTableReader, parseDataset, type ParseOptions } from './parse';
import type { DroppedRow, Example, FieldMapping, ParsedTable } from './types';

/** A file's bytes, in pieces from the start; `chunks` may be called twice (see above). */
export interface ByteSource {
  chunks(): AsyncIterable<Uint8Array>;
}

export interface ReadProgress {
  bytes: number;
  /** Rows parsed so far (CSV and TSV; JSON is parsed at the end). */
  rows: number;
}

/** The table in `source`, as {@link parseDataset} would read its whole text, with the decoding's warning first. */
export async function readTable(source: ByteSource, opts: ParseOptions & { onProgress?(progress: ReadProgress): void } = {}): Promise<ParsedTable> {
  const { value, warnings } = await decodeStream(source, () => createTableReader(opts), opts.onProgress);
  value.warnings.unshift(...warnings);
  return value;
}

/** The whole text of `source` (a corpus file). */
export async function readText(source: ByteSource): Promise<DecodedText> {
  const { value, warnings } = await decodeStream(source, () => {
    const parts: string[] = [];
    return { push: (t: string) => parts.push(t), end: () => parts.join('') };
  });
  return { text: value, warnings };
}

interface TextSink<T> {
  push(text: string): void;
  end(): T;
  readonly rowCount?: number;
}

type OnProgress = (progress: ReadProgress) => void;

class NotUtf8 {
  constructor(readonly line: number) {}
}

async function decodeStream<T>(source: ByteSource, start: () => TextSink<T>, progress?: OnProgress): Promise<{ value: T; warnings: string[] }> {
  try {
    return { value: await decodeUtf8(source, start(), progress), warnings: [] };
  } catch (err) {
    if (!(err instanceof NotUtf8)) throw err;
    const sink = start();
    let bytes = 0;
    for await (const chunk of source.chunks()) {
      sink.push(windows1252(chunk));
      bytes += chunk.length;
      progress?.({ bytes, rows: sink.rowCount ?? 0 });
    }
    return { value: sink.end(), warnings: [notUtf8Warning(err.line)] };
  }
}

/** Throws {@link NotUtf8} with the first line that is not UTF-8. */
async function decodeUtf8<T>(source: ByteSource, sink: TextSink<T>, progress?: OnProgress): Promise<T> {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let lines = 0;
  let bytes = 0;
  let previous: Uint8Array = new Uint8Array(0);
  for await (const chunk of source.chunks()) {
    let text: string;
    try {
      text = strict.decode(chunk, { stream: true });
    } catch {
      // Lines before this piece were valid; the piece is checked from the sequence the last one left open.
      throw new NotUtf8(lines + firstInvalidLine(concat(openSequence(previous), chunk)));
    }
    sink.push(text);
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lines++;
    bytes += chunk.length;
    previous = chunk;
    progress?.({ bytes, rows: sink.rowCount ?? 0 });
  }
  try {
    sink.push(strict.decode());
  } catch {
    throw new NotUtf8(lines + 1); // the file ends inside a character
  }
  return sink.end();
}

/** The bytes at the end of `bytes` that start a UTF-8 sequence the next piece completes. */
function openSequence(bytes: Uint8Array): Uint8Array {
  for (let k = 1; k <= Math.min(3, bytes.length); k++) {
    const b = bytes[bytes.length - k]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > k ? bytes.subarray(bytes.length - k) : new Uint8Array(0);
  }
  return new Uint8Array(0);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export interface ExampleReadOptions extends Omit<ParseOptions, 'keep' | 'onRow'> {
  /** The mapping for the data's columns (called once, when they are known). */
  mapping: (columns: string[]) => FieldMapping;
  /** Columns to keep besides the mapped ones, and what to do with each row (a corpus column). */
  also?: { column: string; row(row: Record<string, unknown>): void };
  onProgress?(progress: ReadProgress): void;
}

export interface ReadExamples {
  /** The table's columns, format, warnings (decoding's first) and dropped rows; its rows are not kept. */
  table: ParsedTable;
  examples: Example[];
  /** Rows the parse dropped, then rows the mapping dropped. */
  dropped: DroppedRow[];
  /** Rows read, dropped ones included. */
  rows: number;
}

/**
 * A file's (or a text's) examples, built as its rows are read: a CSV or TSV row becomes an
 * example at once, only its mapped columns are kept, and no table of rows is held next to the
 * examples. The examples equal `toExamples` on the whole table.
 */
export async function readExamples(input: ByteSource | string, opts: ExampleReadOptions): Promise<ReadExamples> {
  let builder: ExampleBuilder | undefined;
  const { mapping, also, ...rest } = opts;
  const onRow = (row: Record<string, unknown>, line: number) => {
    also?.row(row);
    builder!.add(row, line);
  };
  const parse: ParseOptions = {
    ...rest,
    keep: (columns) => {
      const m = mapping(columns);
      builder = new ExampleBuilder(columns, m);
      const id = m.id ?? (columns.includes('id') ? 'id' : undefined);
      return [...Object.values(m.inputs), ...Object.values(m.labels), ...(id === undefined ? [] : [id]), ...(also ? [also.column] : [])];
    },
    onRow,
  };
  const table = typeof input === 'string' ? parseDataset(input, parse) : await readTable(input, parse);
  // JSON and JSONL are parsed whole: their rows come now.
  const rows = table.rows as (Record<string, unknown> | undefined)[];
  for (let i = 0; i < rows.length; i++) {
    onRow(rows[i]!, table.sourceRows?.[i] ?? i + 1);
    rows[i] = undefined;
  }
  table.rows.length = 0;
  const { examples, dropped } = builder!.finish(table.columnTypes);
  return { table, examples, dropped: [...table.dropped, ...dropped], rows: builder!.rowCount + table.dropped.length };
}
