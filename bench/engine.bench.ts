/**
 * The engine's own overhead per LM call: prompt formatting, the cache key and lookup, usage
 * accounting, the LM call wrapper, parsing and the trace — everything but the model.
 *
 *   npx tsx bench/engine.bench.ts [--reps 5] [--calls 2000] [--strict] [--data DIR]
 *
 * The model is an in-process `LanguageModel` that answers at once with one fixed, well-formed
 * completion (its sections cover every step's outputs), wrapped by `createAccountedLM` with a
 * `MemoryCacheStore`, as runs use it. Scenarios:
 *   predict    one Predict step (`question -> answer`), no demos;
 *   cot+4demos ChainOfThought with 4 demos in the prompt;
 *   multi_hop  the multi_hop template (3 LM calls and 2 BM25 searches over 1,000 HotPotQA
 *              paragraphs per run), reported per LM call. The paragraphs are those of the
 *              first 100 rows of the full `hotpotqa/dev.jsonl` in `--data DIR` (default
 *              ../shared/data beside the repository, as on CI); without it, the benchmark
 *              says so and exits with code 2 (the test samples are too small for it).
 * Each scenario runs with cache misses (every question unique) and cache hits (the same
 * questions again, after an untimed pass filled the cache). After an untimed warm-up (JIT),
 * each repetition times about `--calls` LM calls run one after another; the table shows the
 * median over repetitions of ms per LM call, and its range. Goal: <= 0.5 ms per call.
 * `--strict` exits non-zero when a scenario misses the goal.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryCacheStore, UsageMeter, createAccountedLM, type LanguageModel, type LMResponse } from '../src/core/lm';
import { buildFromTemplate, resolveProgram, retrievePassages, runProgram, type Demo, type ProgramState, type ResolvedProgram } from '../src/core/program';
import { dirArg } from './args';

const GOAL_MS = 0.5;

function numArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, but got ${process.argv[i + 1]}`);
  return v;
}
const REPS = numArg('reps', 5);
const CALLS = numArg('calls', 2000);
const WARMUP_CALLS = 600;
const STRICT = process.argv.includes('--strict');
const DATA_DIR = dirArg({
  flag: 'data',
  fallback: '../shared/data',
  needs: ['hotpotqa/dev.jsonl'],
  what: 'the full benchmark datasets (HotPotQA paragraphs for the multi_hop scenario)',
  usage: 'npm run bench:engine -- --data DIR',
});

const COMPLETION = [
  '[[ ## reasoning ## ]]',
  'The passages name the city and the river it stands on, so the question can be answered from them.',
  '',
  '[[ ## query ## ]]',
  'capital city river population',
  '',
  '[[ ## answer ## ]]',
  'Canberra',
  '',
  '[[ ## completed ## ]]',
].join('\n');

/** Answers every request at once with the fixed completion. */
const instantLM: LanguageModel = {
  id: 'instant',
  maxConcurrency: 1,
  call: () => Promise.resolve<LMResponse>({ completions: [COMPLETION], usage: { promptTokens: 300, completionTokens: 40 }, model: 'instant' }),
};

/** The paragraphs of the first `rows` rows of the full HotPotQA dev file. */
function hotpotParagraphs(rows: number): string[] {
  const file = path.join(DATA_DIR, 'hotpotqa', 'dev.jsonl');
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  if (lines.length < rows) {
    console.error(`multi_hop searches the paragraphs of the first ${rows} HotPotQA rows, but ${file} has only ${lines.length}.\n`
      + 'Pass the full data (the test samples are smaller):\n  npm run bench:engine -- --data DIR');
    process.exit(2);
  }
  return lines.slice(0, rows).flatMap((l) => (JSON.parse(l) as { context: string[] }).context);
}

const demos: Demo[] = [
  ['Which river flows through Paris?', 'The passage on Paris mentions the Seine.', 'the Seine'],
  ['Who wrote the novel Emma?', 'Emma is a novel by Jane Austen, published in 1815.', 'Jane Austen'],
  ['What year did the Berlin Wall fall?', 'The wall was opened on 9 November 1989.', '1989'],
  ['Which planet is known as the Red Planet?', 'Mars appears red because of iron oxide on its surface.', 'Mars'],
].map(([question, reasoning, answer]) => ({ fields: { question, reasoning, answer }, augmented: true }));

interface Scenario {
  name: string;
  program: ResolvedProgram;
  state: ProgramState;
  lmCallsPerRun: number;
  corpora?: Record<string, readonly string[]>;
}

function scenarios(): Scenario[] {
  const predict = resolveProgram(buildFromTemplate({ template: 'predict', signature: 'question -> answer' }));
  const cot = resolveProgram(buildFromTemplate({ template: 'chain_of_thought', signature: 'question -> answer' }));
  const multiHop = resolveProgram(buildFromTemplate({ template: 'multi_hop', signature: 'question -> answer', k: 3 }));
  return [
    { name: 'predict', program: predict, state: {}, lmCallsPerRun: 1 },
    {
      name: 'cot+4demos',
      program: cot,
      state: { generate: { instruction: 'Answer the question in a few words, after thinking step by step.', demos } },
      lmCallsPerRun: 1,
    },
    { name: 'multi_hop', program: multiHop, state: {}, lmCallsPerRun: 3, corpora: { passages: hotpotParagraphs(100) } },
  ];
}

let questionCounter = 0;
function uniqueQuestions(n: number): string[] {
  return Array.from({ length: n }, () => `Which city is the capital of the country described in note ${questionCounter++}?`);
}

/** Runs the program once per question, one after another; returns ms per LM call. */
async function timeRuns(s: Scenario, lm: LanguageModel, questions: readonly string[]): Promise<number> {
  const ctx = { lm, ...(s.corpora && { corpora: s.corpora }) };
  const started = performance.now();
  for (const question of questions) {
    const run = await runProgram(s.program, s.state, { question }, ctx);
    if (run.error) throw new Error(`${s.name}: the run failed: ${run.error.message}`);
  }
  return (performance.now() - started) / (questions.length * s.lmCallsPerRun);
}

interface Row {
  scenario: string;
  cache: 'miss' | 'hit';
  lmCalls: number;
  perCall: number[];
  hitRate: number;
}

async function measure(s: Scenario, cache: 'miss' | 'hit'): Promise<Row> {
  const usage = new UsageMeter();
  const lm = createAccountedLM({ lm: instantLM, role: 'task', usage, cache: new MemoryCacheStore(200_000) });
  const runs = Math.ceil(CALLS / s.lmCallsPerRun);
  await timeRuns(s, lm, uniqueQuestions(Math.ceil(WARMUP_CALLS / s.lmCallsPerRun)));
  const repeated = uniqueQuestions(runs);
  if (cache === 'hit') await timeRuns(s, lm, repeated);
  const before = usage.snapshot().task;
  const perCall: number[] = [];
  for (let r = 0; r < REPS; r++) perCall.push(await timeRuns(s, lm, cache === 'hit' ? repeated : uniqueQuestions(runs)));
  const after = usage.snapshot().task;
  const hits = after.cacheHits - before.cacheHits;
  const sent = after.calls - before.calls;
  return { scenario: s.name, cache, lmCalls: runs * s.lmCallsPerRun * REPS, perCall, hitRate: hits / (hits + sent) };
}

/** Median ms of one BM25 search (index already built), over repetitions of 500 queries. */
function bm25Ms(corpus: readonly string[]): number {
  retrievePassages(corpus, 'warm up the index', 3);
  const perSearch: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const started = performance.now();
    for (let i = 0; i < 500; i++) retrievePassages(corpus, `capital city river population ${i}`, 3);
    perSearch.push((performance.now() - started) / 500);
  }
  return median(perSearch);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function table(rows: readonly Row[]): string {
  const head = ['scenario', 'cache', 'hit rate', 'LM calls', 'median ms/call', 'range (reps)', `goal <= ${GOAL_MS}`];
  const body = rows.map((r) => {
    const med = median(r.perCall);
    return [
      r.scenario,
      r.cache,
      `${Math.round(r.hitRate * 100)}%`,
      String(r.lmCalls),
      med.toFixed(4),
      `${Math.min(...r.perCall).toFixed(4)}-${Math.max(...r.perCall).toFixed(4)}`,
      med <= GOAL_MS ? 'PASS' : 'FAIL',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  console.log(`engine overhead per LM call (instant in-process model) — node ${process.version}, ${os.cpus().length} cores`);
  console.log(`${REPS} repetitions x ~${CALLS} LM calls per scenario, after ${WARMUP_CALLS} warm-up calls\n`);
  const rows: Row[] = [];
  for (const s of scenarios()) {
    for (const cache of ['miss', 'hit'] as const) rows.push(await measure(s, cache));
  }
  console.log(table(rows));
  const corpus = scenarios()[2]!.corpora!.passages!;
  console.log(`\n(multi_hop includes 2 BM25 searches per 3 LM calls: ${bm25Ms(corpus).toFixed(4)} ms per search over ${corpus.length} paragraphs)`);
  const failed = rows.filter((r) => median(r.perCall) > GOAL_MS);
  console.log(`\n${failed.length === 0 ? 'PASS' : 'FAIL'}: ${rows.length - failed.length}/${rows.length} scenarios within ${GOAL_MS} ms per LM call`);
  if (failed.length > 0 && STRICT) process.exitCode = 1;
}

await main();
