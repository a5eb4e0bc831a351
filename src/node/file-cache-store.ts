/**
 * The headless runner's LM-call cache on disk (Node only).
 *
 * Layout: one append-only JSON Lines file, `cache.jsonl`, one `{"k": key, "v": response}`
 * per line, later lines overriding earlier ones. Opening reads the file into an in-memory
 * index. Why this survives crashes: an entry is only ever appended, so a crash mid-write can
 * at worst leave a partial last line; opening drops any line that does not parse and cuts
 * the file back to its last complete line before appending again. Writes are batched: all
 * `set`s made while a write is running go out in the next single append.
 *
 * One process writes a folder at a time. Two runners on one folder lost writes: one compacts
 * (rewrites and renames the file) while the other keeps appending to the file it opened, which
 * is then orphaned. So opening takes a lock file (`cache.lock`, created exclusively, holding
 * the process id), and a second runner is refused with a message saying which process holds
 * the folder; a lock left by a process that no longer runs (kill -9) is taken over. Compaction
 * writes and syncs the new file before renaming it over the old one.
 */
import { mkdir, open, readFile, rename, rm, stat, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { PlaygroundError } from '../core/errors';
import type { CacheStore, LMResponse } from '../core/lm';

const FILE = 'cache.jsonl';
const LOCK = 'cache.lock';
/** Rewrite the file on open when it holds this many times more lines than live entries. */
const COMPACT_RATIO = 2;

export class FileCacheStore implements CacheStore {
  private pending: string[] = [];
  private writing: Promise<void> | null = null;
  private closed = false;
  /** The first failed write (e.g. ENOSPC on a full disk); from then on answers stay in memory only. */
  writeError: PlaygroundError | undefined;
  /** Told once, at the first failed write, so the runner can warn while the run goes on. */
  onWriteError?: (err: PlaygroundError) => void;

  private constructor(
    /** The cache folder. */
    readonly dir: string,
    private readonly file: string,
    private readonly index: Map<string, LMResponse>,
    private handle: FileHandle,
    /** Lines that could not be read when opening (a torn last write, or damage). */
    readonly skippedLines: number,
  ) {}

  /** Opens (creating if needed) the cache in `dir` (default `.lm-cache`). */
  static async open(dir = '.lm-cache'): Promise<FileCacheStore> {
    const file = join(dir, FILE);
    try {
      await mkdir(dir, { recursive: true });
      await lock(dir);
    } catch (err) {
      throw ioError(`open the LM cache in ${dir}`, err);
    }
    try {
      const { index, skipped, lines, goodLength, endsClean } = await load(file);
      if (lines > COMPACT_RATIO * index.size + 100) await compact(file, index);
      else if (!endsClean) await truncate(file, goodLength);
      const handle = await open(file, 'a');
      return new FileCacheStore(dir, file, index, handle, skipped);
    } catch (err) {
      await unlock(dir);
      throw ioError(`open the LM cache in ${dir}`, err);
    }
  }

  /** Number of cached answers. */
  get size(): number {
    return this.index.size;
  }

  async get(key: string): Promise<LMResponse | undefined> {
    const hit = this.index.get(key);
    return hit === undefined ? undefined : structuredClone(hit);
  }

  /** Stores an answer; resolves once it is written to the file. */
  async set(key: string, value: LMResponse): Promise<void> {
    if (this.closed) throw new PlaygroundError('CACHE_IO', `The LM cache in ${this.dir} is closed.`, { hint: 'Open it again before writing.' });
    const stored = structuredClone(value);
    delete stored.cached;
    this.index.set(key, stored);
    // After a failed write, more appends would only fail again or tear lines mid-file.
    if (this.writeError) return;
    this.pending.push(`${JSON.stringify({ k: key, v: stored })}\n`);
    return this.drain();
  }

  /** Resolves once everything set so far is written. */
  async flush(): Promise<void> {
    await this.drain();
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await this.handle.close();
    await unlock(this.dir);
  }

  private drain(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.pending.length === 0) return Promise.resolve();
    this.writing = (async () => {
      try {
        while (this.pending.length > 0) {
          const chunk = this.pending.join('');
          this.pending = [];
          await this.handle.write(chunk);
        }
      } catch (err) {
        // Kept, not thrown: callers already ignore a failed set, and close() must then behave
        // the same whether or not a write was still in flight.
        this.writeError = ioError(`write the LM cache in ${this.dir}`, err);
        this.pending = [];
        this.onWriteError?.(this.writeError);
      } finally {
        this.writing = null;
      }
    })();
    return this.writing;
  }
}

interface Loaded {
  index: Map<string, LMResponse>;
  skipped: number;
  lines: number;
  /** Byte length up to and including the last newline. */
  goodLength: number;
  endsClean: boolean;
}

async function load(file: string): Promise<Loaded> {
  const index = new Map<string, LMResponse>();
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { index, skipped: 0, lines: 0, goodLength: 0, endsClean: true };
    throw err;
  }
  const lastNewline = buf.lastIndexOf(0x0a);
  const goodLength = lastNewline + 1;
  const endsClean = goodLength === buf.length;
  let skipped = endsClean ? 0 : 1;
  let lines = 0;
  for (const line of buf.subarray(0, goodLength).toString('utf8').split('\n')) {
    if (!line) continue;
    lines++;
    const entry = parseLine(line);
    if (entry) index.set(entry.k, entry.v);
    else skipped++;
  }
  return { index, skipped, lines, goodLength, endsClean };
}

function parseLine(line: string): { k: string; v: LMResponse } | undefined {
  try {
    const o = JSON.parse(line) as { k?: unknown; v?: { completions?: unknown } };
    if (typeof o.k === 'string' && o.v && Array.isArray(o.v.completions)) return o as { k: string; v: LMResponse };
  } catch {
    // A damaged line is skipped; the answer will simply be fetched again.
  }
  return undefined;
}

// Write the live entries to a temporary file and rename it over the old one: a crash leaves
// either the old file or the new one, never a mix.
// The new file is synced before the rename, so a power cut cannot leave a renamed empty file.
async function compact(file: string, index: Map<string, LMResponse>): Promise<void> {
  const tmp = `${file}.tmp`;
  const text = [...index].map(([k, v]) => `${JSON.stringify({ k, v })}\n`).join('');
  const out = await open(tmp, 'w');
  try {
    await out.writeFile(text);
    await out.sync();
  } finally {
    await out.close();
  }
  await rename(tmp, file);
}

/** Takes the folder's lock, or throws `CACHE_IO` naming the live process that holds it. */
async function lock(dir: string): Promise<void> {
  const path = join(dir, LOCK);
  const mine = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(mine);
      await handle.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await lockHolder(path);
    // An unreadable lock that is seconds old is a runner still writing its id: it holds the folder.
    const starting = holder === undefined && Date.now() - (await stat(path).then((st) => st.mtimeMs, () => 0)) < 5_000;
    if (starting || (holder !== undefined && isRunning(holder))) {
      throw new PlaygroundError('CACHE_IO', `Another PromptLab runner (${holder !== undefined ? `pid ${holder}` : 'starting now'}) is using the LM cache in ${dir}.`, {
        hint: 'Wait for it to finish, or give this run its own folder with --cache-dir (two runners writing one folder would lose answers).',
        details: { dir, pid: holder },
      });
    }
    // Left by a runner that no longer runs (killed, or a crash): take it over.
    await rm(path, { force: true });
  }
  throw new PlaygroundError('CACHE_IO', `Could not take the lock of the LM cache in ${dir}.`, { hint: 'Another runner may be starting on the same folder; try again, or use --cache-dir.' });
}

async function unlock(dir: string): Promise<void> {
  await rm(join(dir, LOCK), { force: true }).catch(() => undefined);
}

async function lockHolder(path: string): Promise<number | undefined> {
  try {
    const pid = (JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this id runs (signal 0 checks without sending; EPERM means it runs as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ioError(what: string, err: unknown): PlaygroundError {
  if (err instanceof PlaygroundError) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new PlaygroundError('CACHE_IO', `Could not ${what}: ${why}`, {
    hint: 'Check that the folder is writable and the disk is not full, or choose another cache folder.',
    cause: err,
  });
}
