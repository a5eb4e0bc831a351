/**
 * The dataset part of the workspace: raw text, the parsed table (parsed in the optimizer
 * worker, never on the main thread), the column mapping, split sizes and seed.
 * Stale parse results are dropped by request id (a newer paste wins).
 */
import type { ErrorData } from '../../core/errors';
import type { DataFormat, FieldMapping, ParsedTable, SplitFractions } from '../../core/data';
import { decodeText, suggestMapping } from '../../core/data';
import { toErrorData } from '../../core/errors';
import type { ParseProgress } from '../../protocol/optimizer';

export type FormatChoice = DataFormat | 'auto';

/**
 * Above this size the browser warns: parsing takes several times the data's size in memory
 * (rows become objects), so a tab can slow down or run out of memory. A file this large waits
 * for the user's go-ahead before it is read; a paste this large is parsed with the warning
 * shown. The headless runner takes 100 MB by default (README, "Limits").
 */
export const BROWSER_DATA_WARN_BYTES = 20 * 1024 * 1024;

/**
 * A file larger than this is not put in the paste textarea: the data panel shows its name, size
 * and row count instead. A textarea holding tens of MB freezes the tab (Chromium lays out and
 * spell-checks the whole value on the main thread). Pasted text stays in the textarea.
 */
const TEXTAREA_MAX_FILE_BYTES = 1024 * 1024;

/** A file whose text is held but not shown in the textarea (over {@link TEXTAREA_MAX_FILE_BYTES}). */
export interface LoadedFile {
  name: string;
  /** The file's size; for a paste, its length in characters (counting its bytes took the page long). */
  bytes: number;
  /** The text was pasted (too large for the textarea), not read from a file. */
  pasted?: boolean;
}

/** What `loadFile` needs of a File (a Blob with a name also does, in tests). */
interface FileLike {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Where an example dataset came from (shown next to the data). */
export interface DataSource {
  name: string;
  license: string;
  url: string;
}

/** What parses text: the RunClient in the app, a stub in tests. */
export interface DataParser {
  parseData(text: string, format?: FormatChoice, onProgress?: (progress: ParseProgress) => void): Promise<ParsedTable & { totalRows?: number; textId?: string }>;
}

/** Persisted form (no parsed table: it is re-parsed on restore). */
export interface DataSnapshot {
  text: string;
  format: FormatChoice;
  mapping: FieldMapping;
  mappingTouched: boolean;
  split: SplitFractions;
  seed: number;
  source?: DataSource;
  /** Set when the text came from a file too large for the textarea. */
  file?: LoadedFile;
  /** The text is stored apart (it is large): `text` is empty here (see WorkspaceState's save). */
  textApart?: boolean;
}

export class DataState {
  text = $state('');
  format = $state<FormatChoice>('auto');
  /** The parsed table; from the worker only its first rows, with `totalRows` (see TablePreview). */
  table = $state.raw<(ParsedTable & { totalRows?: number; textId?: string }) | undefined>(undefined);
  error = $state.raw<ErrorData | undefined>(undefined);
  parsing = $state(false);
  /** While a parse runs: how far it got, and the first rows once read (shown before the table is ready). */
  progress = $state.raw<ParseProgress | undefined>(undefined);
  mapping = $state<FieldMapping>({ inputs: {}, labels: {} });
  /** True once the user changed the mapping by hand (then we stop re-suggesting it). */
  mappingTouched = $state(false);
  split = $state<SplitFractions>({ train: 0.3, val: 0.4, test: 0.3 });
  seed = $state(0);
  source = $state.raw<DataSource | undefined>(undefined);
  /** What reading the last file had to assume (e.g. it was not UTF-8). */
  fileWarnings = $state.raw<string[]>([]);
  /** A file over {@link BROWSER_DATA_WARN_BYTES} waiting for the user to parse or cancel it. */
  largeFile = $state.raw<{ name: string; bytes: number } | undefined>(undefined);
  /** The text came from this file and is too large to show in the textarea. */
  loadedFile = $state.raw<LoadedFile | undefined>(undefined);
  /** The data is over {@link BROWSER_DATA_WARN_BYTES} (a paste, or a file the user chose to parse). */
  readonly large = $derived(this.text.length > BROWSER_DATA_WARN_BYTES);

  readonly columns = $derived(this.table?.columns ?? []);
  readonly rowCount = $derived(this.table?.totalRows ?? this.table?.rows.length ?? 0);
  readonly previewRows = $derived(this.table?.rows.slice(0, 20) ?? []);
  /** The first rows read by a parse still running. */
  readonly earlyRows = $derived(this.table ? undefined : this.progress?.preview);
  readonly splitTotal = $derived(this.split.train + this.split.val + (this.split.test ?? 0));

  private request = 0;
  private pendingFile: FileLike | undefined;

  /**
   * A paste into the data box: a large one (over {@link TEXTAREA_MAX_FILE_BYTES}) is kept out of
   * the textarea, shown like a loaded file and parsed at once; a textarea of megabytes freezes
   * the tab for seconds. Returns false for a small paste, which goes into the textarea as usual.
   */
  takePaste(text: string, parser: DataParser): boolean {
    if (text.length <= TEXTAREA_MAX_FILE_BYTES) return false;
    void this.setText(text, parser, undefined, [], { name: 'Pasted data', bytes: text.length, pasted: true });
    return true;
  }

  /** Sets the text and parses it (in the worker); `file` when it came from a file too large for the textarea. */
  async setText(text: string, parser: DataParser, source?: DataSource, fileWarnings: string[] = [], file?: LoadedFile): Promise<void> {
    this.text = text;
    this.source = source;
    this.fileWarnings = fileWarnings;
    this.loadedFile = file;
    await this.parse(parser);
  }

  /** Reads a dropped or chosen file and parses it; one over the limit waits for {@link parseLargeFile}. */
  async loadFile(file: FileLike, parser: DataParser): Promise<void> {
    this.cancelLargeFile();
    if (file.size > BROWSER_DATA_WARN_BYTES) {
      this.pendingFile = file;
      this.largeFile = { name: file.name, bytes: file.size };
      return;
    }
    await this.readFile(file, parser);
  }

  /** Parses the file held back by {@link loadFile}, as the user asked. */
  async parseLargeFile(parser: DataParser): Promise<void> {
    const file = this.pendingFile;
    this.cancelLargeFile();
    if (file) await this.readFile(file, parser);
  }

  cancelLargeFile(): void {
    this.pendingFile = undefined;
    this.largeFile = undefined;
  }

  private async readFile(file: FileLike, parser: DataParser): Promise<void> {
    // Decoded here rather than by File.text(), which turns bytes that are not UTF-8 into U+FFFD without a word.
    const { text, warnings } = decodeText(new Uint8Array(await file.arrayBuffer()));
    const shown = file.size > TEXTAREA_MAX_FILE_BYTES ? { name: file.name, bytes: file.size } : undefined;
    await this.setText(text, parser, { name: file.name, license: 'your file', url: '' }, warnings, shown);
  }

  async parse(parser: DataParser): Promise<void> {
    const id = ++this.request;
    if (!/\S/.test(this.text)) {
      this.table = undefined;
      this.error = undefined;
      return;
    }
    this.parsing = true;
    this.progress = undefined;
    try {
      const table = await parser.parseData(this.text, this.format, (p) => {
        // The first rows stay once shown; later reports only move the count.
        if (id === this.request) this.progress = { ...p, ...(this.progress?.preview && { preview: this.progress.preview }) };
      });
      if (id !== this.request) return;
      this.table = table;
      this.error = undefined;
    } catch (err) {
      if (id !== this.request) return;
      this.table = undefined;
      this.error = toErrorData(err);
    } finally {
      if (id === this.request) {
        this.parsing = false;
        this.progress = undefined;
      }
    }
  }

  /** Re-suggests the mapping for the program's inputs and labels unless the user edited it. */
  suggest(inputNames: string[], labelNames: string[]): void {
    if (this.mappingTouched || !this.table) return;
    const next = suggestMapping(this.table.columns, inputNames, labelNames);
    if (JSON.stringify(next) !== JSON.stringify(this.mapping)) this.mapping = next;
  }

  setMapping(kind: 'inputs' | 'labels', name: string, column: string): void {
    this.mapping = { ...this.mapping, [kind]: { ...this.mapping[kind], [name]: column } };
    this.mappingTouched = true;
  }

  resetMapping(): void {
    this.mappingTouched = false;
  }

  setSplit(part: keyof SplitFractions, value: number): void {
    this.split = { ...this.split, [part]: value };
  }

  clear(): void {
    this.request++;
    this.text = '';
    this.table = undefined;
    this.error = undefined;
    this.source = undefined;
    this.fileWarnings = [];
    this.loadedFile = undefined;
    this.cancelLargeFile();
    this.parsing = false;
    this.mappingTouched = false;
  }

  snapshot(): DataSnapshot {
    const snap: DataSnapshot = {
      text: this.text,
      format: this.format,
      mapping: $state.snapshot(this.mapping),
      mappingTouched: this.mappingTouched,
      split: $state.snapshot(this.split),
      seed: this.seed,
    };
    if (this.source) snap.source = this.source;
    if (this.loadedFile) snap.file = this.loadedFile;
    return snap;
  }

  restore(s: Partial<DataSnapshot>): void {
    if (typeof s.text === 'string') this.text = s.text;
    if (s.format) this.format = s.format;
    if (s.mapping) this.mapping = s.mapping;
    if (typeof s.mappingTouched === 'boolean') this.mappingTouched = s.mappingTouched;
    if (s.split) this.split = s.split;
    if (typeof s.seed === 'number') this.seed = s.seed;
    this.source = s.source;
    this.loadedFile = s.file;
  }
}

