/**
 * The MIPRO paper's comparison table on any OpenAI-compatible endpoint: its six tasks
 * (src/core/tasks) x its optimizers (bench/paper/optimizers.ts) x seeds.
 *
 *   npm run bench:paper -- --endpoint URL --model M [--proposer-endpoint URL] [--proposer-model M]
 *                          [--api-key-env VAR] [--proposer-api-key-env VAR] [--tasks a,b]
 *                          [--optimizers a,b] [--seeds N] [--size small|paper] [--data DIR]
 *                          [--hover-corpus FILE] [--concurrency N] [--out FILE]
 *   npm run bench:paper -- --list
 *   npm run bench:paper -- --scripted [--size small]
 *
 * `--data` is the benchmark data folder (default ../shared/data, as on CI; SOURCES.md there
 * says where each file comes from). `--hover-corpus` is HoVer's retrieval corpus, one passage a
 * line ("Title | text") or JSONL objects with a title; without it HoVer retrieves over its rows'
 * gold titles (see src/core/tasks/task-config.ts). The proposer defaults to the task endpoint.
 * `--scripted` runs against the scripted world (tests/fixtures/paper-world.ts) on 127.0.0.1
 * with the repository's data samples: no model, no network, the same figures every time.
 *
 * Prints the table (test score with a 95% interval per cell, task and proposer calls, the
 * paper's Llama-3-8B numbers beside) and writes it with every run's figures to `--out`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PAPER_TASKS, PAPER_TASK_IDS, type PaperTask } from '../src/core/tasks';
import type { ModelConfig } from '../src/core/runner';
import { arg, dirArg } from './args';
import { OPTIMIZER_IDS, PAPER_OPTIMIZERS, type BenchSize } from './paper/optimizers';
import { renderPaperTable } from './paper/report';
import { runPaperTable, type TableInput } from './paper/table';
import { scriptedSetup } from './paper/scripted';

const USAGE = 'npm run bench:paper -- --endpoint URL --model M [--proposer-endpoint URL] [--proposer-model M] [--tasks a,b] [--optimizers a,b] [--seeds N] [--size small|paper] [--data DIR] [--hover-corpus FILE] [--out FILE] | --list | --scripted';

function fail(message: string): never {
  console.error(`${message}\n  ${USAGE}`);
  process.exit(2);
}

function list<T extends string>(flag: string, allowed: readonly T[]): T[] {
  const given = arg(flag)?.split(',') ?? [...allowed];
  const bad = given.filter((x) => !allowed.includes(x as T));
  if (bad.length) fail(`--${flag} must be among ${allowed.join(', ')}, but got ${bad.join(', ')}`);
  return given as T[];
}

function printList(): void {
  console.log('Tasks (--tasks):');
  for (const t of PAPER_TASKS) {
    const predictors = t.program.steps.filter((s) => s.kind !== 'retrieve').length;
    console.log(`  ${t.id.padEnd(21)} ${t.name}: ${predictors} predictor${predictors > 1 ? 's' : ''}, metric ${t.metric.kind}(${t.metric.field}), data ${t.file}${t.paper ? `; paper (Llama-3-8B) ${t.paper.baseline.toFixed(1)} -> ${t.paper.mipro.toFixed(1)}` : ''}`);
  }
  console.log('Optimizers (--optimizers):');
  for (const o of PAPER_OPTIMIZERS) console.log(`  ${o.id.padEnd(21)} ${o.name}: ${JSON.stringify(o.config('paper'))}`);
}

function readJsonl(file: string): Record<string, unknown>[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

function readCorpus(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
}

function endpointModels(): { task: ModelConfig; proposer: ModelConfig } {
  const endpoint = arg('endpoint');
  const model = arg('model');
  if (!endpoint || !model) fail('--endpoint and --model are required (or --list, or --scripted).');
  const keyEnv = arg('api-key-env');
  const task: ModelConfig = { provider: 'openai-compatible', baseURL: endpoint, model, ...(keyEnv && { apiKeyEnv: keyEnv }) };
  const pKeyEnv = arg('proposer-api-key-env') ?? keyEnv;
  const proposer: ModelConfig = { provider: 'openai-compatible', baseURL: arg('proposer-endpoint') ?? endpoint, model: arg('proposer-model') ?? model, ...(pKeyEnv && { apiKeyEnv: pKeyEnv }) };
  return { task, proposer };
}

async function main(): Promise<void> {
  if (process.argv.includes('--list')) return printList();
  const tasks = list('tasks', PAPER_TASK_IDS).map((id) => PAPER_TASKS.find((t) => t.id === id)!);
  const optimizers = list('optimizers', OPTIMIZER_IDS).map((id) => PAPER_OPTIMIZERS.find((o) => o.id === id)!);
  const size = (arg('size') ?? (process.argv.includes('--scripted') ? 'small' : 'paper')) as BenchSize;
  if (size !== 'small' && size !== 'paper') fail(`--size must be small or paper, but got ${size}`);
  const seedCount = Number(arg('seeds') ?? 1);
  if (!Number.isInteger(seedCount) || seedCount < 1) fail(`--seeds must be a whole number >= 1, but got ${arg('seeds')}`);
  const seeds = Array.from({ length: seedCount }, (_, i) => i);
  const split = size === 'small' ? SMALL_SPLIT : undefined;
  const corpusFile = arg('hover-corpus');
  const base = { tasks, optimizers, seeds, size, ...(split && { split }), ...(corpusFile && { passages: readCorpus(corpusFile) }), log: (l: string) => console.error(l) };
  let input: TableInput;
  let close = async () => {};
  if (process.argv.includes('--scripted')) {
    const s = await scriptedSetup();
    input = { ...base, rows: s.rows, models: s.models };
    close = s.close;
  } else {
    const data = dirArg({ flag: 'data', fallback: '../shared/data', needs: [...new Set(tasks.map((t) => t.file))], what: 'the full benchmark datasets', usage: 'npm run bench:paper -- --data DIR ...' });
    const concurrency = arg('concurrency');
    input = { ...base, rows: (t: PaperTask) => readJsonl(path.join(data, t.file)), models: endpointModels(), ...(concurrency && { concurrency: Number(concurrency) }) };
  }
  const started = Date.now();
  try {
    const result = await runPaperTable(input);
    const header = [
      `bench:paper (size ${size}, seeds ${seeds.join(',')}), task model ${input.models.task.provider === 'openai-compatible' ? input.models.task.model : ''}, proposer ${input.models.proposer.provider === 'openai-compatible' ? input.models.proposer.model : ''}${process.argv.includes('--scripted') ? ' (scripted world)' : ''}`,
      `elapsed ${((Date.now() - started) / 1000).toFixed(1)} s`,
    ];
    const text = renderPaperTable(result, tasks, optimizers, header);
    console.log(text);
    const out = arg('out');
    if (out) {
      fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify({ protocol: 'paper-v1', size, seeds, table: text, ...result }, null, 2)}\n`);
      console.error(`Wrote ${out}`);
    }
  } finally {
    await close();
  }
}

/** The small size's split: enough rows for a bootstrap, a minibatch and a test interval. */
const SMALL_SPLIT = { train: 15, val: 15, test: 30 };

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
