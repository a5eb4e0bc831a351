/**
 * A preset and its rows -> the parts of a run config (program, data, metric), as the gallery,
 * the runner and `bench:paper` use them. The models and the optimizer are the caller's.
 */
import type { DataConfig } from '../runner/config';
import type { MetricSpec } from '../metric/types';
import type { ProgramSpec } from '../program/types';
import { PlaygroundError } from '../errors';
import { PAPER_TASK_IDS, paperTask, type PaperTask } from './paper-tasks';

/** What a task run needs besides models and an optimizer. */
export interface TaskRunParts {
  program: { spec: ProgramSpec };
  data: DataConfig;
  metric: MetricSpec;
  /** What was assumed or cut, in words (a smaller split, a corpus built from gold titles). */
  notes: string[];
}

export interface TaskRunOptions {
  /** Split sizes (counts) in place of the preset's; each is cut to fit the rows. */
  split?: Partial<PaperTask['split']>;
  /** HoVer's corpus: passages supplied by the user ("Title | text" lines, or JSON objects with a title). */
  passages?: string[];
}

/**
 * The run parts of `task` over `rows` (the data file's rows, before the preset's `prepare`).
 * Rows missing a mapped value are dropped by the run, so splits are fitted to the rows that
 * have every mapped column.
 */
export function taskRunParts(task: PaperTask, rows: Record<string, unknown>[], opts: TaskRunOptions = {}): TaskRunParts {
  const prepared = task.prepare ? task.prepare(rows) : rows;
  const columns = [...Object.values(task.mapping.inputs), ...Object.values(task.mapping.labels)];
  const usable = prepared.filter((r) => columns.every((c) => r[c] !== undefined && r[c] !== null)).length;
  const notes: string[] = [];
  if (usable < prepared.length) notes.push(`${prepared.length - usable} of ${prepared.length} rows miss a mapped value and are left out.`);
  const wanted = { ...task.split, ...opts.split };
  const split = fitSplit(wanted, usable);
  if (split.train + split.val + split.test < wanted.train + wanted.val + wanted.test) {
    notes.push(`${usable} usable rows: split ${split.train}/${split.val}/${split.test} (train/val/test) in place of ${wanted.train}/${wanted.val}/${wanted.test}.`);
  }
  const data: DataConfig = { rows: prepared, mapping: task.mapping, split };
  const corpus = task.corpus;
  if (corpus && 'column' in corpus) data.corpus = { column: corpus.column };
  if (corpus && 'goldTitles' in corpus) {
    if (opts.passages && opts.passages.length > 0) data.corpus = { passages: opts.passages };
    else {
      const passages = titleCorpus(prepared, corpus.goldTitles);
      data.corpus = { passages };
      notes.push(`No corpus was given: retrieval runs over the ${passages.length} gold titles of all rows (each row's titles are the other rows' distractors), so recall is higher than over Wikipedia.`);
    }
  }
  return { program: { spec: task.program }, data, metric: task.metric, notes };
}

/**
 * Split counts that fit `n` rows: unchanged when they do, else scaled down in proportion
 * (each split keeps at least one row when it asked for any).
 */
export function fitSplit(split: PaperTask['split'], n: number): PaperTask['split'] {
  const total = split.train + split.val + split.test;
  if (total <= n) return { ...split };
  const scale = n / total;
  const cut = (k: number) => (k > 0 ? Math.max(1, Math.floor(k * scale)) : 0);
  return { train: cut(split.train), val: cut(split.val), test: cut(split.test) };
}

/** One passage per gold title of `column` over all rows, in first-seen order (the title is the passage). */
export function titleCorpus(rows: Record<string, unknown>[], column: string): string[] {
  const seen = new Set<string>();
  for (const row of rows) {
    const value = row[column];
    const titles = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/[|;\n]/) : [];
    for (const t of titles) if (t.trim()) seen.add(t.trim());
  }
  return [...seen];
}

/** How the runner reads the files a task config names (relative to the config). */
export interface TaskFiles {
  /** A JSONL data file's rows. */
  rows(path: string): Promise<Record<string, unknown>[]>;
  /** A corpus file's passages, one a line. */
  lines(path: string): Promise<string[]>;
}

/**
 * A run config that names a paper task (`"task": "hover"`) turned into a full one: the preset's
 * program and metric (unless the config gives its own), its data file's rows (`data.path`, JSONL
 * in the layout of the benchmark data notes) with the preset's mapping, split sizes (unless
 * `data.split`) and corpus (HoVer: `data.corpus.path`, one passage a line, else the rows' gold
 * titles). A config without `task` is returned as it is. Throws `CONFIG_INVALID` for an unknown
 * task or a missing data path.
 */
export async function expandTaskConfig(raw: unknown, files: TaskFiles): Promise<{ config: unknown; notes: string[] }> {
  if (!isObject(raw) || raw.task === undefined) return { config: raw, notes: [] };
  const task = typeof raw.task === 'string' ? paperTask(raw.task) : undefined;
  if (!task) {
    throw new PlaygroundError('CONFIG_INVALID', `The run config has 1 problem:\n- task: must be one of ${PAPER_TASK_IDS.join(', ')}, but got ${JSON.stringify(raw.task)}`, { hint: 'Name one of the paper tasks (npm run bench:paper -- --list shows them), or give program, data and metric yourself.' });
  }
  const { task: _task, program, metric, data, ...rest } = raw;
  const { path, corpus, split, ...dataRest } = isObject(data) ? data : {};
  if (typeof path !== 'string' || path === '') {
    throw new PlaygroundError('CONFIG_INVALID', `The run config has 1 problem:\n- data.path: a "${task.id}" run reads its data file; give the path of ${task.file} (JSONL, as in the benchmark data notes)`, { hint: 'Add "data": { "path": "…" } to the config.' });
  }
  const corpusPath = isObject(corpus) && typeof corpus.path === 'string' ? corpus.path : undefined;
  const passages = corpusPath ? await files.lines(corpusPath) : undefined;
  const parts = taskRunParts(task, await files.rows(path), passages ? { passages } : {});
  const config = {
    ...rest,
    program: program ?? parts.program,
    metric: metric ?? parts.metric,
    data: { ...parts.data, ...(split !== undefined && { split }), ...dataRest },
  };
  return { config, notes: parts.notes };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
