/**
 * Runs the paper's table: every task x optimizer x seed through the real runner
 * (`executeRun`) against OpenAI-compatible endpoints, and summarizes each cell as a test score
 * with a 95% interval and the calls it took. One LM cache per task and seed is shared by the
 * optimizers, so the unoptimized program's answers are asked once; calls are counted as made
 * (sent or answered by that cache), so each optimizer's figure is what it asked for.
 */
import { meanAndCI95 } from '../../src/core/metric';
import { MemoryCacheStore, OpenAICompatibleLM, type UsageSnapshot } from '../../src/core/lm';
import { executeRun, type ModelConfig, type RunConfig, type RunResult } from '../../src/core/runner';
import { taskRunParts, type PaperTask } from '../../src/core/tasks';
import type { BenchSize, PaperOptimizer } from './optimizers';

type Row = Record<string, unknown>;

export interface TableInput {
  tasks: readonly PaperTask[];
  optimizers: readonly PaperOptimizer[];
  seeds: readonly number[];
  size: BenchSize;
  /** The data file's rows of a task. */
  rows(task: PaperTask): Row[];
  /** HoVer's corpus, when the user gave one. */
  passages?: string[];
  /** Split sizes in place of each preset's (the small size sets them). */
  split?: Partial<PaperTask['split']>;
  models: { task: ModelConfig; proposer: ModelConfig };
  concurrency?: number;
  log(line: string): void;
}

/** One run of a cell. */
export interface SeedRun {
  seed: number;
  test: number;
  val: number;
  taskCalls: number;
  proposerCalls: number;
  seconds: number;
}

/** One task x optimizer cell. */
export interface Cell {
  task: PaperTask['id'];
  optimizer: PaperOptimizer['id'];
  runs: SeedRun[];
  /** Test score (a fraction) with its 95% interval: over seeds, or with one seed the test split's own. */
  mean: number;
  lo: number;
  hi: number;
  taskCalls: number;
  proposerCalls: number;
}

export interface TableResult {
  cells: Cell[];
  /** Per task, what the preset assumed or cut (see `taskRunParts`). */
  notes: Record<string, string[]>;
}

/** Runs the table (see the file comment). */
export async function runPaperTable(input: TableInput): Promise<TableResult> {
  const cells: Cell[] = [];
  const notes: Record<string, string[]> = {};
  for (const task of input.tasks) {
    const parts = taskRunParts(task, input.rows(task), { ...(input.split && { split: input.split }), ...(input.passages && { passages: input.passages }) });
    notes[task.id] = parts.notes;
    const runs = new Map<string, { runs: SeedRun[]; ci?: { lo: number; hi: number } }>();
    for (const seed of input.seeds) {
      const cache = new MemoryCacheStore();
      for (const opt of input.optimizers) {
        const config: RunConfig = {
          program: parts.program,
          data: { ...parts.data, seed },
          metric: parts.metric,
          optimizer: opt.config(input.size),
          models: { task: input.models.task, proposer: input.models.proposer },
          seed,
          ...(input.concurrency !== undefined && { concurrency: input.concurrency }),
        };
        const started = Date.now();
        const result = await executeRun(config, { createLM, cache });
        const run = seedRun(seed, result, (Date.now() - started) / 1000);
        input.log(`${task.name} | ${opt.name} | seed ${seed}: test ${pct(run.test)}, val ${pct(run.val)}, task calls ${run.taskCalls}, proposer calls ${run.proposerCalls}, ${run.seconds.toFixed(1)} s`);
        const entry = runs.get(opt.id) ?? { runs: [] };
        entry.runs.push(run);
        const ci = result.details.test?.ci95;
        if (ci) entry.ci = ci;
        runs.set(opt.id, entry);
      }
    }
    for (const opt of input.optimizers) cells.push(cellOf(task.id, opt.id, runs.get(opt.id)!));
  }
  return { cells, notes };
}

function cellOf(task: PaperTask['id'], optimizer: PaperOptimizer['id'], e: { runs: SeedRun[]; ci?: { lo: number; hi: number } }): Cell {
  const tests = e.runs.map((r) => r.test);
  const stats = meanAndCI95(tests);
  const one = e.runs.length === 1 && e.ci;
  return {
    task,
    optimizer,
    runs: e.runs,
    mean: stats.mean,
    lo: one ? e.ci!.lo : stats.lo,
    hi: one ? e.ci!.hi : stats.hi,
    taskCalls: mean(e.runs.map((r) => r.taskCalls)),
    proposerCalls: mean(e.runs.map((r) => r.proposerCalls)),
  };
}

function seedRun(seed: number, result: RunResult, seconds: number): SeedRun {
  // The baseline's own run has no optimized program: its test score is the unoptimized one.
  const made = (u: UsageSnapshot, role: keyof UsageSnapshot) => u[role].calls + u[role].cacheHits;
  return {
    seed,
    test: result.scores.test ?? result.details.baselineTest?.mean ?? 0,
    val: result.scores.val,
    taskCalls: made(result.usage, 'task') + made(result.usage, 'teacher'),
    proposerCalls: made(result.usage, 'proposer'),
    seconds,
  };
}

function createLM(cfg: ModelConfig) {
  if (cfg.provider !== 'openai-compatible') throw new Error('bench:paper calls OpenAI-compatible endpoints only.');
  const apiKey = cfg.apiKey ?? (cfg.apiKeyEnv ? process.env[cfg.apiKeyEnv] : undefined);
  return new OpenAICompatibleLM({ baseURL: cfg.baseURL, model: cfg.model, ...(apiKey && { apiKey }), ...(cfg.maxConcurrency !== undefined && { maxConcurrency: cfg.maxConcurrency }) });
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

/** A fraction as a percentage with one decimal. */
export function pct(x: number): string {
  return (100 * x).toFixed(1);
}
