/**
 * What `auto` output found out about each model, kept in the runner's cache folder
 * (`output-modes.json`), so a rerun asks each model the way that worked and sends no request
 * it already knows will be refused.
 *
 * The file is small and rewritten whole (to a temporary file, then renamed over the old one,
 * so a crash leaves the old or the new file, never half of one). A damaged file reads as
 * empty: the cost is one probing call per model.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutputMemory, ResolvedOutput } from '../core/lm';

const FILE = 'output-modes.json';
const VERSION = 1;

interface MemoryFile {
  version: typeof VERSION;
  /** Per model id (provider, model name and endpoint): the mode and when it was found. */
  models: Record<string, { output: ResolvedOutput; at: string }>;
}

export class FileOutputMemory implements OutputMemory {
  private models: MemoryFile['models'] | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string) {}

  /** The file's path (for messages). */
  get path(): string {
    return join(this.dir, FILE);
  }

  async get(modelId: string): Promise<ResolvedOutput | undefined> {
    return (await this.load())[modelId]?.output;
  }

  async set(modelId: string, output: ResolvedOutput): Promise<void> {
    const models = await this.load();
    models[modelId] = { output, at: new Date().toISOString() };
    const text = `${JSON.stringify({ version: VERSION, models } satisfies MemoryFile, null, 2)}\n`;
    // One write at a time, each with everything known by then.
    this.writing = this.writing.catch(() => undefined).then(async () => {
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, this.path);
    });
    await this.writing;
  }

  private async load(): Promise<MemoryFile['models']> {
    if (this.models) return this.models;
    let models: MemoryFile['models'] = {};
    try {
      const json = JSON.parse(await readFile(this.path, 'utf8')) as Partial<MemoryFile>;
      if (json.version === VERSION && json.models && typeof json.models === 'object') models = json.models;
    } catch {
      // Missing or damaged: nothing is known yet.
    }
    this.models ??= models;
    return this.models;
  }
}
