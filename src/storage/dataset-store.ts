/** Saved datasets: the text the user pasted (re-parsed on load) or rows already parsed. */
import { byteSize, newId, writeTx } from './db';
import type { DatasetRecord, PromptLabDB } from './schema';

/** What a caller gives to save a dataset; id, createdAt and size are filled in. */
export type DatasetInput = Omit<DatasetRecord, 'id' | 'createdAt' | 'size'> & { id?: string; createdAt?: number };

/** A dataset without its payload (for lists). */
export type DatasetSummary = Omit<DatasetRecord, 'text' | 'rows'>;

export class DatasetStore {
  constructor(private readonly db: PromptLabDB, private readonly now: () => number = Date.now) {}

  /** Saves (or replaces, with the same id) a dataset. Throws `STORAGE_QUOTA` when the disk is full. */
  async save(input: DatasetInput): Promise<DatasetRecord> {
    const record: DatasetRecord = {
      ...input,
      id: input.id ?? newId(),
      createdAt: input.createdAt ?? this.now(),
      size: input.text !== undefined ? new TextEncoder().encode(input.text).length : byteSize(input.rows ?? []),
    };
    await writeTx(this.db, ['datasets'], `save dataset "${record.name}"`, (tx) => tx.objectStore('datasets').put(record));
    return record;
  }

  get(id: string): Promise<DatasetRecord | undefined> {
    return this.db.get('datasets', id);
  }

  /** Every dataset, newest first, without text or rows (those can be large). */
  async list(): Promise<DatasetSummary[]> {
    const out: DatasetSummary[] = [];
    let cursor = await this.db.transaction('datasets').store.index('createdAt').openCursor(null, 'prev');
    while (cursor) {
      const { text: _t, rows: _r, ...summary } = cursor.value;
      out.push(summary);
      cursor = await cursor.continue();
    }
    return out;
  }

  async delete(id: string): Promise<void> {
    await writeTx(this.db, ['datasets'], 'delete a dataset', (tx) => tx.objectStore('datasets').delete(id));
  }
}
