/**
 * The headless runner's checkpoint beside its result (`<out>.checkpoint.json`): written at
 * every trial boundary, so a run stopped by Ctrl-C, a crash or kill -9 continues with
 * `--resume` exactly where its last checkpoint was, and ends as the uninterrupted run would.
 *
 * It holds the config's hash (a resume refuses a changed config), the time per call the plan
 * used (a budget in minutes must become the same calls again), the runner's checkpoint and
 * the usage so far. Each write goes to a temporary file renamed over the old one, so a kill
 * leaves the previous checkpoint or the new one, never half of one.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { PlaygroundError } from '../core/errors';
import type { UsageSnapshot } from '../core/lm';
import { hashValue } from '../core/util/hash';

const VERSION = 1;

export interface SavedCheckpoint {
  version: typeof VERSION;
  configHash: string;
  latencyMs: number;
  checkpoint: unknown;
  usage: UsageSnapshot;
  savedAt: string;
}

export class CheckpointFile {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** The checkpoint file of a run writing its result to `out`. */
  static beside(out: string): CheckpointFile {
    return new CheckpointFile(`${out}.checkpoint.json`);
  }

  /** The saved checkpoint of `config`; throws `CONFIG_INVALID` when there is none or it is another config's. */
  async resume(config: unknown): Promise<SavedCheckpoint> {
    let saved: SavedCheckpoint;
    try {
      saved = JSON.parse(await readFile(this.path, 'utf8')) as SavedCheckpoint;
    } catch {
      throw new PlaygroundError('CONFIG_INVALID', `There is no checkpoint to resume at ${this.path}.`, {
        hint: 'Start the run without --resume (a run that finished leaves no checkpoint).',
      });
    }
    if (saved.version !== VERSION || saved.configHash !== configHash(config)) {
      throw new PlaygroundError('CONFIG_INVALID', `The checkpoint at ${this.path} was made with a different config.`, {
        hint: 'Resume with the config the run started with, or start again without --resume.',
      });
    }
    return saved;
  }

  /** Saves a checkpoint (in the order given; each replaces the last). */
  save(config: unknown, latencyMs: number, checkpoint: unknown, usage: UsageSnapshot): Promise<void> {
    const saved: SavedCheckpoint = { version: VERSION, configHash: configHash(config), latencyMs, checkpoint, usage, savedAt: new Date().toISOString() };
    const text = JSON.stringify(saved);
    this.writing = this.writing.catch(() => undefined).then(async () => {
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, this.path);
    });
    return this.writing;
  }

  /** Removes the checkpoint once the run finished (waiting for writes under way). */
  async remove(): Promise<void> {
    await this.writing.catch(() => undefined);
    await rm(this.path, { force: true });
  }
}

/** The identity of a config as read from its file. */
function configHash(config: unknown): string {
  return hashValue(config);
}
