/** Saved programs: a ProgramSpec and its (optimized) state. */
import { newId, writeTx } from './db';
import type { ProgramRecord, PromptLabDB } from './schema';

/** What a caller gives to save a program; timestamps are kept or filled in. */
export type ProgramInput = Omit<ProgramRecord, 'id' | 'createdAt' | 'updatedAt'> & { id?: string };

export class ProgramStore {
  constructor(private readonly db: PromptLabDB, private readonly now: () => number = Date.now) {}

  /** Saves a new program, or updates one with the same id (keeping its creation time). */
  async save(input: ProgramInput): Promise<ProgramRecord> {
    const id = input.id ?? newId();
    return writeTx(this.db, ['programs'], `save program "${input.name}"`, async (tx) => {
      const store = tx.objectStore('programs');
      const old = await store.get(id);
      const at = this.now();
      const record: ProgramRecord = { ...input, id, createdAt: old?.createdAt ?? at, updatedAt: at };
      await store.put(record);
      return record;
    });
  }

  get(id: string): Promise<ProgramRecord | undefined> {
    return this.db.get('programs', id);
  }

  /** Every program, most recently updated first. */
  async list(): Promise<ProgramRecord[]> {
    return (await this.db.getAllFromIndex('programs', 'updatedAt')).reverse();
  }

  async delete(id: string): Promise<void> {
    await writeTx(this.db, ['programs'], 'delete a program', (tx) => tx.objectStore('programs').delete(id));
  }
}
