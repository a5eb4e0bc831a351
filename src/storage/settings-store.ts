/**
 * Settings (key -> plain value), and the one place an API key may be stored: the
 * `apiKey:` namespace, written only by {@link SettingsStore.rememberApiKey} when the user
 * opts in to "remember on this device". Ordinary settings can neither use that namespace nor
 * hold a key-like field.
 */
import { PlaygroundError } from '../core/errors';
import { writeTx } from './db';
import type { PromptLabDB } from './schema';
import { findSecrets } from './secrets';

const KEY_PREFIX = 'apiKey:';

export class SettingsStore {
  constructor(private readonly db: PromptLabDB) {}

  async get<T = unknown>(key: string): Promise<T | undefined> {
    assertOrdinaryKey(key);
    return (await this.db.get('settings', key)) as T | undefined;
  }

  /**
   * Stores a plain value. Throws `INTERNAL` for a key in the API-key namespace or a value
   * with a key-like field (a bug: keys go through `rememberApiKey` only).
   */
  async set(key: string, value: unknown): Promise<void> {
    assertOrdinaryKey(key);
    const leaks = findSecrets(value);
    if (leaks.length > 0) {
      throw new PlaygroundError('INTERNAL', `Refusing to store setting "${key}": it holds secrets (${leaks.join(', ')}).`, {
        hint: 'This is a bug in PromptLab: API keys are stored only when the user opts in, with rememberApiKey.',
        details: { fields: leaks },
      });
    }
    await writeTx(this.db, ['settings'], `save setting "${key}"`, (tx) => tx.store.put(value, key));
  }

  async delete(key: string): Promise<void> {
    assertOrdinaryKey(key);
    await writeTx(this.db, ['settings'], `delete setting "${key}"`, (tx) => tx.store.delete(key));
  }

  /** Names of ordinary settings (never the API-key namespace). */
  async keys(): Promise<string[]> {
    return (await this.db.getAllKeys('settings')).filter((k) => !k.startsWith(KEY_PREFIX));
  }

  /** Keeps `key` for `endpointId` on this device. Call only after the user opted in. */
  async rememberApiKey(endpointId: string, key: string): Promise<void> {
    if (key === '') throw new PlaygroundError('CONFIG_INVALID', `The API key for "${endpointId}" is empty.`, { hint: 'Paste the key, or forget it instead.' });
    await writeTx(this.db, ['settings'], `remember the API key of "${endpointId}"`, (tx) => tx.store.put(key, KEY_PREFIX + endpointId));
  }

  async getApiKey(endpointId: string): Promise<string | undefined> {
    const v = await this.db.get('settings', KEY_PREFIX + endpointId);
    return typeof v === 'string' ? v : undefined;
  }

  async forgetApiKey(endpointId: string): Promise<void> {
    await writeTx(this.db, ['settings'], `forget the API key of "${endpointId}"`, (tx) => tx.store.delete(KEY_PREFIX + endpointId));
  }

  /** Endpoints with a remembered key (for the "forget" list). */
  async rememberedEndpoints(): Promise<string[]> {
    const range = IDBKeyRange.bound(KEY_PREFIX, KEY_PREFIX + '\uffff');
    return (await this.db.getAllKeys('settings', range)).map((k) => k.slice(KEY_PREFIX.length));
  }
}

function assertOrdinaryKey(key: string): void {
  if (key.startsWith(KEY_PREFIX)) {
    throw new PlaygroundError('INTERNAL', `Setting names starting with "${KEY_PREFIX}" are reserved for remembered API keys, but got "${key}".`, {
      hint: 'Use getApiKey / rememberApiKey / forgetApiKey for keys.',
    });
  }
}
