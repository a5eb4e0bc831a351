/**
 * "Try the program" in the optimizer worker: the core's `tryProgram` with this worker's model
 * clients and the LM cache runs use (IndexedDB), so trying an input twice, or trying an
 * example a run already asked, is answered from the cache. The model config carries the
 * user's key in memory only: nothing here logs or stores it (traces hold messages, not keys).
 */
import { toErrorData } from '../core/errors';
import { tryProgram, type TryAnswer, type TryRequest } from '../core/runner';
import { IdbCacheStore, IdbOutputMemory, type PromptLabDB } from '../storage';
import type { LocalModelBridge, Outcome } from '../protocol/optimizer';
import { createModel } from './run-models';

/** Tries programs on typed inputs; failures come back as typed error data, never thrown. */
export class TryRunner {
  private storage: Promise<{ cache: IdbCacheStore; memory: IdbOutputMemory }> | undefined;

  constructor(private readonly openDb: () => Promise<PromptLabDB>) {}

  async run(req: TryRequest, localModel?: LocalModelBridge): Promise<Outcome<TryAnswer[]>> {
    try {
      const { cache, memory } = await this.getStorage();
      const answers = await tryProgram(req, { createLM: (cfg) => createModel(cfg, localModel), cache, outputMemory: memory });
      // Written now, so the same input answers from the cache after a reload too.
      await cache.flush();
      return { ok: true, value: answers };
    } catch (err) {
      return { ok: false, error: toErrorData(err) };
    }
  }

  private getStorage() {
    return (this.storage ??= this.openDb().then((db) => ({ cache: new IdbCacheStore(db), memory: new IdbOutputMemory(db) })));
  }
}
