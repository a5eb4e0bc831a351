/**
 * What `auto` output found out about each model, kept in the settings store under one key
 * (`output-modes`), the browser's twin of the headless runner's `output-modes.json`: a rerun
 * asks each model the way that worked and sends no request it already knows will be refused.
 *
 * The optimizer worker writes it (through `executeRun`'s `outputMemory`), the page reads it
 * to say what was found and forgets an entry on "Check again". Both share the database, so
 * nothing is cached in memory here: every read sees the other side's last write, and a change
 * is one read-modify-write transaction, so a page forgetting one model while the worker
 * records another loses neither.
 *
 * A damaged value reads as empty: the cost is one probing call per model.
 */
import type { OutputMemory, ResolvedOutput } from '../core/lm';
import { storageError, writeTx } from './db';
import type { PromptLabDB } from './schema';

/** The settings key (an ordinary setting: no migration). */
const OUTPUT_MODES_KEY = 'output-modes';
const VERSION = 1;

/** One model's finding: the mode that works and when it was found (ISO time). */
export interface OutputFinding {
  output: ResolvedOutput;
  at: string;
}

interface StoredModes {
  version: typeof VERSION;
  /** Per model id (provider, model name and endpoint). */
  models: Record<string, OutputFinding>;
}

export class IdbOutputMemory implements OutputMemory {
  constructor(private readonly db: PromptLabDB, private readonly now: () => Date = () => new Date()) {}

  async get(modelId: string): Promise<ResolvedOutput | undefined> {
    return (await this.finding(modelId))?.output;
  }

  async set(modelId: string, output: ResolvedOutput): Promise<void> {
    await this.change(`remember how ${modelId} is asked for answers`, (models) => {
      models[modelId] = { output, at: this.now().toISOString() };
    });
  }

  /** What is known about `modelId`, with when it was found. */
  async finding(modelId: string): Promise<OutputFinding | undefined> {
    let stored: unknown;
    try {
      stored = await this.db.get('settings', OUTPUT_MODES_KEY);
    } catch (err) {
      throw storageError(err, 'read the remembered output modes');
    }
    const found = modelsOf(stored)[modelId];
    return found && isFinding(found) ? { ...found } : undefined;
  }

  /** Forgets `modelId`: its next `auto` run asks for a JSON schema again. */
  async forget(modelId: string): Promise<void> {
    await this.change(`forget how ${modelId} is asked for answers`, (models) => {
      delete models[modelId];
    });
  }

  private async change(what: string, edit: (models: Record<string, OutputFinding>) => void): Promise<void> {
    await writeTx(this.db, ['settings'], what, async (tx) => {
      const models = { ...modelsOf(await tx.store.get(OUTPUT_MODES_KEY)) };
      edit(models);
      await tx.store.put({ version: VERSION, models } satisfies StoredModes, OUTPUT_MODES_KEY);
    });
  }
}

function modelsOf(stored: unknown): Record<string, OutputFinding> {
  const s = stored as Partial<StoredModes> | undefined;
  if (!s || s.version !== VERSION || typeof s.models !== 'object' || s.models === null) return {};
  return Object.fromEntries(Object.entries(s.models).filter(([, v]) => isFinding(v)));
}

function isFinding(v: unknown): v is OutputFinding {
  const f = v as Partial<OutputFinding> | null;
  return typeof f === 'object' && f !== null && (f.output === 'chat' || f.output === 'json_schema') && typeof f.at === 'string';
}
