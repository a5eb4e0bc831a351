import 'fake-indexeddb/auto';
import { vi } from 'vitest';
import { openPromptLabDB } from '../../../src/storage';
import type { PromptLabDB } from '../../../src/storage';
import type { RunConfig } from '../../../src/core/runner/config';

let counter = 0;

/** A new, empty database for one test. */
export function freshDB(): Promise<PromptLabDB> {
  return openPromptLabDB(`promptlab-test-${process.pid}-${counter++}`);
}

/**
 * Makes `method` on object store `storeName` throw a QuotaExceededError, the way a full disk
 * does, for the next `times` calls. Restore with the returned spy's `mockRestore()`.
 */
export function failWrites(storeName: string, method: 'put' | 'add' = 'put', times = Infinity) {
  const original = IDBObjectStore.prototype[method];
  let left = times;
  return vi.spyOn(IDBObjectStore.prototype, method).mockImplementation(function (this: IDBObjectStore, ...args: [unknown, IDBValidKey?]) {
    if (this.name === storeName && left > 0) {
      left--;
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return original.apply(this, args);
  });
}

/** Counts read-write transactions opened on any database from now on. */
export function countWriteTransactions(): { readonly count: number; restore(): void } {
  const original = IDBDatabase.prototype.transaction;
  let count = 0;
  const spy = vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    if (args[1] === 'readwrite') count++;
    return original.apply(this, args);
  });
  return { get count() { return count; }, restore: () => spy.mockRestore() };
}

/** A valid, redacted run config. */
export const CONFIG: RunConfig = {
  program: { template: 'predict', signature: 'question -> answer' },
  data: { text: '<120 characters>', format: 'csv', split: { train: 0.5, val: 0.5 } },
  metric: { kind: 'exact_match', field: 'answer' },
  optimizer: { kind: 'none' },
  models: { task: { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:8080/v1', model: 'm', apiKeyEnv: 'OPENAI_API_KEY' } },
  seed: 1,
};
