/**
 * What the output mode is worth with a small local model: a scripted task model that breaks
 * the chat format on 30% of its answers (a third of those still readable by the lenient
 * parser, two thirds not: prose naming two species, or none) but always follows a JSON schema
 * when one is sent (tests/fixtures/small-model.ts). No network, deterministic.
 *
 *   npm run bench:adapter -- [--out FILE] [--seeds N] [--break-rate 0.3]
 *
 * Per program (Predict, ChainOfThought over all of Iris, MIPROv2 light) and seed, three arms:
 * - well-behaved: the same model never breaking the format, asked in chat (the reference);
 * - chat: the small model asked in chat sections, with the stop sequence and token cap;
 * - json_schema: the small model asked with the signature's JSON schema.
 * Printed and written to `--out` (protocol adapter-v1): baseline and optimized test scores,
 * the share of answers that could not be read, tokens per task call (prompt and completion),
 * answers cut off at their token cap; and the targets as PASS / FAIL lines (they never fail
 * the process).
 */
import fs from 'node:fs';
import type { LanguageModel, LMRequest, OutputMode } from '../src/core/lm';
import { interceptCalls } from '../src/core/lm/intercept';
import { executeRun, type ModelConfig, type RunConfig } from '../src/core/runner';
import { fixtureData } from '../tests/fixtures/fixture-data';
import { IRIS_SIGNATURE } from '../tests/fixtures/iris-world';
import { arg } from './args';
import { irisProposerModel, smallTaskModel } from './adapter/small-lm';
import { ms, table } from './budget/report';
import { meanSem, type MeanSem } from './budget/stats';

const PROGRAMS = ['predict', 'chain_of_thought'] as const;
const ARMS = [
  { name: 'well-behaved', output: 'chat', breaks: false },
  { name: 'chat', output: 'chat', breaks: true },
  { name: 'json_schema', output: 'json_schema', breaks: true },
] as const;
type Program = (typeof PROGRAMS)[number];
type ArmName = (typeof ARMS)[number]['name'];

interface SeedRun {
  seed: number;
  baseline: number;
  optimized: number;
  /** Task and teacher answers received that could not be read, over those received. */
  unreadableRate: number;
  promptTokensPerCall: number;
  completionTokensPerCall: number;
  cutOff: number;
}

interface ArmSummary {
  baseline: MeanSem;
  optimized: MeanSem;
  unreadableRate: MeanSem;
  promptTokensPerCall: MeanSem;
  completionTokensPerCall: MeanSem;
  runs: SeedRun[];
}

const IRIS = fixtureData('iris/all.jsonl').text;

function config(program: Program, output: OutputMode, seed: number): RunConfig {
  return {
    program: { template: program, signature: IRIS_SIGNATURE },
    data: { text: IRIS, format: 'jsonl', split: { train: 0.2, val: 0.4, test: 0.4 } },
    metric: { kind: 'exact_match', field: 'species' },
    optimizer: { kind: 'mipro_v2', auto: 'light' },
    models: { task: { provider: 'scripted', model: 'small', output }, proposer: { provider: 'scripted', model: 'proposer' } },
    seed,
  };
}

/** Counts the task model's requests cut off at their cap, and keeps the first request. */
function watched(lm: LanguageModel, seen: { cutOff: number; first?: LMRequest }): LanguageModel {
  return interceptCalls(lm, async (req, options) => {
    seen.first ??= req;
    const res = await lm.call(req, options);
    if (res.finishReasons?.[0] === 'length') seen.cutOff++;
    return res;
  });
}

async function runSeed(program: Program, arm: (typeof ARMS)[number], seed: number, breakRate: number) {
  const seen: { cutOff: number; first?: LMRequest } = { cutOff: 0 };
  const createLM = (cfg: ModelConfig) => (cfg.model === 'proposer' ? irisProposerModel() : watched(smallTaskModel(arm.breaks ? breakRate : 0), seen));
  const result = await executeRun(config(program, arm.output, seed), { createLM });
  const { task, teacher } = result.usage;
  const received = task.calls - task.failures + teacher.calls - teacher.failures;
  const run: SeedRun = {
    seed,
    baseline: result.details.baselineTest!.mean,
    optimized: result.scores.test!,
    unreadableRate: received > 0 ? (task.parseFailures + teacher.parseFailures) / received : 0,
    promptTokensPerCall: task.calls > 0 ? task.promptTokens / task.calls : 0,
    completionTokensPerCall: task.calls > 0 ? task.completionTokens / task.calls : 0,
    cutOff: seen.cutOff,
  };
  return { run, first: seen.first };
}

function summarize(runs: SeedRun[]): ArmSummary {
  const of = (pick: (r: SeedRun) => number) => meanSem(runs.map(pick));
  return {
    baseline: of((r) => r.baseline),
    optimized: of((r) => r.optimized),
    unreadableRate: of((r) => r.unreadableRate),
    promptTokensPerCall: of((r) => r.promptTokensPerCall),
    completionTokensPerCall: of((r) => r.completionTokensPerCall),
    runs,
  };
}

type Results = Record<Program, Record<ArmName, ArmSummary>>;

function targets(results: Results, schemaEnum: unknown): { status: 'PASS' | 'FAIL'; name: string; detail: string }[] {
  const check = (ok: boolean, name: string, detail: string) => ({ status: ok ? ('PASS' as const) : ('FAIL' as const), name, detail });
  const all = PROGRAMS.map((p) => results[p]);
  const schemaRuns = all.flatMap((r) => r.json_schema.runs);
  const chatRuns = all.flatMap((r) => r.chat.runs);
  const sameAsWellBehaved = PROGRAMS.every((p) => results[p].json_schema.runs.every((r, i) => r.optimized === results[p]['well-behaved'].runs[i]!.optimized && r.baseline === results[p]['well-behaved'].runs[i]!.baseline));
  return [
    check(schemaRuns.every((r) => r.unreadableRate === 0), 'json_schema reads every answer', `unreadable ${schemaRuns.map((r) => r.unreadableRate).join(', ')}`),
    check(sameAsWellBehaved, 'json_schema scores what a well-behaved model scores', 'baseline and optimized test, every program and seed'),
    check(chatRuns.every((r) => r.unreadableRate > 0), 'chat finishes with its unreadable answers counted', `unreadable ${chatRuns.map((r) => pct(r.unreadableRate)).join(', ')}`),
    check(JSON.stringify(schemaEnum) === JSON.stringify(['setosa', 'versicolor', 'virginica']), 'the json_schema request carries the label enum', JSON.stringify(schemaEnum)),
  ];
}

function report(results: Results, lines: ReturnType<typeof targets>, seeds: number[], elapsed: number): string {
  const header = ['program', 'arm', 'baseline test', 'optimized test', 'unreadable', 'prompt tok/call', 'completion tok/call', 'cut off'];
  const rows = PROGRAMS.flatMap((p) =>
    ARMS.map(({ name }) => {
      const a = results[p][name];
      return [p, name, ms(a.baseline, 3), ms(a.optimized, 3), pct(a.unreadableRate.mean), a.promptTokensPerCall.mean.toFixed(0), a.completionTokensPerCall.mean.toFixed(1), String(a.runs.reduce((n, r) => n + r.cutOff, 0))];
    }),
  );
  const out = [table([header, ...rows]), '', 'targets:'];
  for (const t of lines) out.push(`  ${t.status.padEnd(4)}  ${t.name}: ${t.detail}`);
  out.push('', `seeds ${seeds[0]}..${seeds.at(-1)} (${seeds.length}); ${elapsed} s`);
  return out.join('\n');
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

async function main(): Promise<void> {
  const seedCount = Number(arg('seeds') ?? 5);
  const breakRate = Number(arg('break-rate') ?? 0.3);
  if (!Number.isInteger(seedCount) || seedCount < 1) throw new Error(`--seeds must be a positive whole number, but got ${arg('seeds')}`);
  if (!(breakRate >= 0 && breakRate <= 1)) throw new Error(`--break-rate must be between 0 and 1, but got ${arg('break-rate')}`);
  const seeds = Array.from({ length: seedCount }, (_, i) => i);
  const started = performance.now();
  const results = {} as Results;
  let schemaEnum: unknown;
  for (const program of PROGRAMS) {
    results[program] = {} as Record<ArmName, ArmSummary>;
    for (const arm of ARMS) {
      const runs: SeedRun[] = [];
      for (const seed of seeds) {
        const { run, first } = await runSeed(program, arm, seed, breakRate);
        runs.push(run);
        if (arm.name === 'json_schema' && first?.responseFormat?.type === 'json_schema') schemaEnum ??= (first.responseFormat.schema as { properties: { species: { enum: unknown } } }).properties.species.enum;
      }
      results[program][arm.name] = summarize(runs);
    }
  }
  const elapsed = Math.round((performance.now() - started) / 100) / 10;
  const lines = targets(results, schemaEnum);
  console.log(report(results, lines, seeds, elapsed));
  const out = arg('out');
  if (out) fs.writeFileSync(out, `${JSON.stringify({ protocol: 'adapter-v1', breakRate, seeds, results, targets: lines, elapsed_s: elapsed }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
