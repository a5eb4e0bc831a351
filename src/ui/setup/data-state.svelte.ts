/**
 * The dataset part of the workspace: raw text, the parsed table (parsed in the optimizer
 * worker, never on the main thread), the column mapping, split sizes and seed.
 * Stale parse results are dropped by request id (a newer paste wins).
 */
import type { ErrorData } from '../../core/errors';
import type { DataFormat, FieldMapping, ParsedTable, SplitFractions } from '../../core/data';
import { suggestMapping } from '../../core/data';
import { toErrorData } from '../../core/errors';

export type FormatChoice = DataFormat | 'auto';

/** Where an example dataset came from (shown next to the data). */
export interface DataSource {
  name: string;
  license: string;
  url: string;
}

/** What parses text: the RunClient in the app, a stub in tests. */
export interface DataParser {
  parseData(text: string, format?: FormatChoice): Promise<ParsedTable>;
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
}

export class DataState {
  text = $state('');
  format = $state<FormatChoice>('auto');
  table = $state.raw<ParsedTable | undefined>(undefined);
  error = $state.raw<ErrorData | undefined>(undefined);
  parsing = $state(false);
  mapping = $state<FieldMapping>({ inputs: {}, labels: {} });
  /** True once the user changed the mapping by hand (then we stop re-suggesting it). */
  mappingTouched = $state(false);
  split = $state<SplitFractions>({ train: 0.3, val: 0.4, test: 0.3 });
  seed = $state(0);
  source = $state.raw<DataSource | undefined>(undefined);

  readonly columns = $derived(this.table?.columns ?? []);
  readonly rowCount = $derived(this.table?.rows.length ?? 0);
  readonly previewRows = $derived(this.table?.rows.slice(0, 20) ?? []);
  readonly splitTotal = $derived(this.split.train + this.split.val + (this.split.test ?? 0));

  private request = 0;

  /** Sets the text and parses it (in the worker). */
  async setText(text: string, parser: DataParser, source?: DataSource): Promise<void> {
    this.text = text;
    this.source = source;
    await this.parse(parser);
  }

  async parse(parser: DataParser): Promise<void> {
    const id = ++this.request;
    if (this.text.trim() === '') {
      this.table = undefined;
      this.error = undefined;
      return;
    }
    this.parsing = true;
    try {
      const table = await parser.parseData(this.text, this.format);
      if (id !== this.request) return;
      this.table = table;
      this.error = undefined;
    } catch (err) {
      if (id !== this.request) return;
      this.table = undefined;
      this.error = toErrorData(err);
    } finally {
      if (id === this.request) this.parsing = false;
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
  }
}
