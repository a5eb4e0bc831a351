/**
 * Headless runner: `npm run optimize -- --config run.json --out result.json`.
 *
 * Runs the same engine as the browser, in Node: for CI, bigger machines, or a task model
 * served by vLLM/SGLang. LM answers are cached on disk (default `.lm-cache/`), so rerunning
 * the same config sends no request. Progress goes to stderr; the result JSON to --out
 * (or stdout).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setMaxListeners } from 'node:events';
import { PlaygroundError, toErrorData } from '../core/errors';
import { LM_ROLES, OpenAICompatibleLM, probeLatency, type LanguageModel, type UsageSnapshot } from '../core/lm';
import type { OptimizerEvent, Plan, ProposerSettings, ProposerSettingsReport } from '../core/optimize';
import { assertRunConfig, budgetCallsUsed, budgetSecondsLeft, executeRun, type CallsAt, type ModelConfig, type RunEvent, type RunResult } from '../core/runner';
import { FileCacheStore } from '../node/file-cache-store';
import { fileCheck } from '../node/file-check';
import { FileOutputMemory } from '../node/file-output-memory';
import { CheckpointFile } from '../node/checkpoint-file';
import { openDataFile } from '../node/read-data';
import { readTable, readText } from '../core/data';
import { expandTaskConfig, type TaskFiles } from '../core/tasks';

const USAGE = `Usage: npm run optimize -- --config run.json [--out result.json] [--resume] [--cache-dir .lm-cache] [--no-cache] [--refresh] [--latency-ms 800] [--max-data-mb 100] [--max-rows 1000000] [--quiet]

  run.json may name one of the MIPRO paper's tasks instead of a program and metric:
  { "task": "hover", "data": { "path": "hover/dev.jsonl" }, "optimizer": …, "models": … }
  (tasks: scone, hotpotqa, hotpotqa_conditional, hover, iris, heart_disease)

  --resume      continue the run stopped at its last checkpoint (<out>.checkpoint.json, written
                at every trial boundary while a run with --out goes on)

  --refresh     ask every LM call again and overwrite the cached answers (answers cached
                during this run are still reused)

  --latency-ms  milliseconds per LM call, for the plan's time estimate and to turn a budget in
                minutes into calls (default: 800 ms; with a budget in minutes and no flag, one
                warm-up call to the task model measures it)
  --max-data-mb largest data file read, in MB (default 100; memory use is up to about 11x it)
  --max-rows    most data rows accepted (default 1000000)

Exit codes: 0 done; 1 the run failed; 2 a usage error (config, flags, data over a limit);
3 the run finished and its result was written, but the LM cache could not be (e.g. a full disk)`;

/** Default data limits: what a run holds in memory comfortably (see the README's "Limits"). */
const DEFAULT_MAX_DATA_MB = 100;
const DEFAULT_MAX_ROWS = 1_000_000;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      out: { type: 'string', short: 'o' },
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      refresh: { type: 'boolean', default: false },
      resume: { type: 'boolean', default: false },
      'latency-ms': { type: 'string' },
      'max-data-mb': { type: 'string' },
      'max-rows': { type: 'string' },
      quiet: { type: 'boolean', short: 'q', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.config) {
    process.stderr.write(`error: --config is required.\n${USAGE}\n`);
    return 2;
  }
  const limits = dataLimits(values['max-data-mb'], values['max-rows']);
  const configPath = resolve(values.config);
  const baseDir = dirname(configPath);
  const checkFile = fileCheck(baseDir);
  // A paper task ("task": "hover") is expanded first: its program, metric, rows and corpus.
  const { config: expanded, notes } = await expandTaskConfig(await readJson(configPath), taskFiles(baseDir, limits.maxBytes));
  // Validated (files included) before anything else, so a bad config makes no call, not even the warm-up one.
  const config = await assertRunConfig(expanded, checkFile);
  const log = values.quiet ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  for (const note of notes) log(`Task: ${note}`);
  if (values.resume && !values.out) {
    process.stderr.write(`error: --resume needs the --out of the run to continue (its checkpoint is beside it).\n${USAGE}\n`);
    return 2;
  }
  const checkpoints = values.out ? CheckpointFile.beside(resolve(values.out)) : undefined;
  const saved = values.resume ? await checkpoints!.resume(config) : undefined;
  const latencyMs = saved?.latencyMs ?? (values['latency-ms'] !== undefined ? latencyFlag(values['latency-ms']) : await measuredLatency(config, log));
  if (saved) log(`Resuming from the checkpoint of ${saved.savedAt} (${checkpoints!.path}).`);
  const cache = values['no-cache'] ? undefined : await openCache(resolve(values['cache-dir'] ?? '.lm-cache'), log);
  const outputMemory = cache && new FileOutputMemory(cache.dir);
  const controller = new AbortController();
  // One abort listener per call in flight: high concurrency is not a leak.
  setMaxListeners(256, controller.signal);
  process.once('SIGINT', () => {
    log(`Interrupted: stopping (answers so far are cached; ${checkpoints ? 'rerun with --resume to continue from the last checkpoint' : 'rerun to continue'}).`);
    controller.abort();
  });
  const printer = progressPrinter(log);
  const onEvent = (e: RunEvent) => {
    printer(e);
    if (checkpoints && e.type === 'optimizer' && e.event.type === 'checkpoint' && e.usage) void checkpoints.save(config, latencyMs, e.event.checkpoint, e.usage).catch((err: unknown) => log(`warning: could not write the checkpoint ${checkpoints.path}: ${(err as Error).message}`));
  };
  try {
    const result = await executeRun(config, {
      createLM: (cfg) => createLM(cfg, log),
      openFile: (path) => openDataFile(resolve(baseDir, path), limits.maxBytes),
      checkFile,
      rowLimit: limits.rows,
      ...(cache && { cache }),
      ...(outputMemory && { outputMemory }),
      ...(values.refresh && { refresh: true }),
      signal: controller.signal,
      ...(latencyMs > 0 && { latency: { task: latencyMs, proposer: latencyMs } }),
      ...(saved && { checkpoint: saved.checkpoint, usage: saved.usage }),
      onEvent,
    });
    await writeResult(result, values.out, log);
    // The run is complete: nothing is left to resume.
    if (values.out) await checkpoints?.remove();
    log(summaryLine(result));
  } finally {
    await cache?.close();
  }
  // The result is written; exit 3 says the cache is not, so a rerun will ask those calls again.
  return cache?.writeError ? 3 : 0;
}

/** `--max-data-mb` and `--max-rows`, or their defaults; a value that is not a positive number is a usage error. */
function dataLimits(mb: string | undefined, rows: string | undefined): { maxBytes: number; rows: { maxRows: number; hint: string } } {
  const positive = (flag: string, raw: string | undefined, fallback: number, integer: boolean): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === '' || !(n > 0) || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      throw new PlaygroundError('CONFIG_INVALID', `--${flag} must be a positive ${integer ? 'whole ' : ''}number, but got ${JSON.stringify(raw)}.`, { hint: `e.g. --${flag} ${fallback * 2}` });
    }
    return n;
  };
  const maxRows = positive('max-rows', rows, DEFAULT_MAX_ROWS, true);
  return {
    maxBytes: positive('max-data-mb', mb, DEFAULT_MAX_DATA_MB, false) * 1024 * 1024,
    rows: { maxRows, hint: `Pass --max-rows with a larger number (e.g. --max-rows ${maxRows * 2}) to accept them, or use a sample of the data.` },
  };
}

/**
 * The LM cache, saying what it could not read (those answers will be asked again) and, once,
 * when a write fails: the run goes on with the answers in memory and exits 3 at the end.
 */
async function openCache(dir: string, log: (line: string) => void): Promise<FileCacheStore> {
  const cache = await FileCacheStore.open(dir);
  if (cache.skippedLines > 0) log(`LM cache: ${cache.skippedLines} unreadable line${cache.skippedLines === 1 ? '' : 's'} in ${join(dir, 'cache.jsonl')} were skipped; those answers will be asked again.`);
  cache.onWriteError = (err) => log(`warning: could not write the LM cache: ${err.message}. The run goes on without saving new answers; it will write its result and exit with code 3.`);
  return cache;
}

/** Writes result.json to `out`, or to stdout without one. */
async function writeResult(result: RunResult, out: string | undefined, log: (line: string) => void): Promise<void> {
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (!out) {
    process.stdout.write(json);
    return;
  }
  await mkdir(dirname(resolve(out)), { recursive: true });
  await writeFile(resolve(out), json);
  log(`Wrote ${out}`);
}

/** The last line: scores, and what the task model and all roles cost. */
function summaryLine(result: RunResult): string {
  const u = result.usage.task;
  const base = result.details.baselineTest && result.config.optimizer.kind !== 'none' ? ` (baseline ${fmt(result.details.baselineTest.mean)})` : '';
  const unreadable = u.parseFailures > 0 ? `, unreadable answers ${u.parseFailures}` : '';
  // Attempts are what a provider bills: retries and lost answers included, every role summed.
  const all = LM_ROLES.reduce((t, role) => ({ calls: t.calls + result.usage[role].calls, attempts: t.attempts + result.usage[role].attempts }), { calls: 0, attempts: 0 });
  return `val ${fmt(result.scores.val)}${result.scores.test !== undefined ? `, test ${fmt(result.scores.test)}${base}` : ''}; task calls sent ${u.calls}, attempts ${u.attempts}, cache hits ${u.cacheHits}, failures ${u.failures}${unreadable}; all roles: ${all.calls} calls, ${all.attempts} attempts`;
}

/**
 * The task model's time per call: 800 ms assumed, unless the config's budget is in minutes,
 * which then needs it measured: one small warm-up call, never cached, outside the run's usage.
 */
async function measuredLatency(config: unknown, log: (line: string) => void): Promise<number> {
  const c = config as { optimizer?: { budget?: { minutes?: unknown } }; models?: { task?: ModelConfig } } | undefined;
  const task = c?.models?.task;
  if (c?.optimizer?.budget?.minutes === undefined || task?.provider !== 'openai-compatible') return 800;
  const { latencyMs: ms } = await probeLatency(createLM(task, log));
  log(`Measured the task model: ${ms} ms for one warm-up call (pass --latency-ms to set it).`);
  return ms;
}

function createLM(cfg: ModelConfig, log: (line: string) => void): LanguageModel {
  if (cfg.provider !== 'openai-compatible') {
    throw new PlaygroundError('CONFIG_INVALID', `Provider "${cfg.provider}" runs only in the browser; the headless runner needs "openai-compatible".`, {
      hint: 'Point the model at an OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama, or a hosted API).',
    });
  }
  let apiKey = cfg.apiKey;
  if (cfg.apiKeyEnv) {
    apiKey = process.env[cfg.apiKeyEnv];
    if (!apiKey) log(`note: environment variable ${cfg.apiKeyEnv} is not set; calling ${cfg.baseURL} without an API key.`);
  }
  return new OpenAICompatibleLM({
    baseURL: cfg.baseURL,
    model: cfg.model,
    ...(apiKey && { apiKey }),
    ...(cfg.headers && { headers: cfg.headers }),
    ...(cfg.maxConcurrency !== undefined && { maxConcurrency: cfg.maxConcurrency }),
    ...(cfg.timeoutMs !== undefined && { timeoutMs: cfg.timeoutMs }),
    ...(cfg.maxRetries !== undefined && { maxRetries: cfg.maxRetries }),
  });
}

function progressPrinter(log: (line: string) => void): (e: RunEvent) => void {
  // Progress lines at most every 5 s per phase: enough to see a long evaluation move.
  let lastAt = 0;
  let pace: ((usage: UsageSnapshot) => void) | undefined;
  return (e) => {
    if (e.type === 'data') {
      log(`Data: ${e.rows} rows (${e.dropped} dropped) -> train ${e.train}, val ${e.val}, test ${e.test}`);
      // The first 20 here; result.json's data.warnings has them all.
      const warnings = e.warnings ?? [];
      for (const w of warnings.slice(0, 20)) log(`  warning: ${w}`);
      if (warnings.length > 20) log(`  ...and ${warnings.length - 20} more warnings (all in the result's data.warnings).`);
    }
    else if (e.type === 'plan') {
      printPlan(e.plan, log);
      if (e.plan.budget) pace = pacePrinter(e.plan.budget.calls, log);
    } else if (e.type === 'optimizer' && e.usage && pace) pace(e.usage);
    else if (e.type === 'phase' && e.status === 'start') {
      lastAt = Date.now();
      log(`${e.phase}${e.detail ? `: ${e.detail}` : ''} ...`);
    } else if (e.type === 'progress' && e.done < e.total && Date.now() - lastAt > 5000) {
      lastAt = Date.now();
      log(`  ${e.phase}: ${e.done}/${e.total}`);
    } else if (e.type === 'score') log(`  ${e.which} ${e.split}: ${fmt(e.mean)} (n=${e.n})`);
    else if (e.type === 'output') log(outputLine(e));
    else if (e.type === 'optimizer') printOptimizerEvent(e.event, log);
  };
}

/** What `auto` output decided for a model, and why. */
function outputLine(e: Extract<RunEvent, { type: 'output' }>): string {
  const who = `${e.roles.join(' and ')} model ${e.modelId}`;
  if (e.remembered) return `Output: ${who} is asked in ${e.output} format, as an earlier run found (${OUTPUT_MEMORY_NOTE}).`;
  if (e.output === 'json_schema') return `Output: ${who} accepts JSON schemas; its answers are constrained to the signature.`;
  return `Output: ${who} refused JSON schemas${e.reason ? ` (${e.reason})` : ''}; asking in chat format from now on, and remembering it (${OUTPUT_MEMORY_NOTE}).`;
}

const OUTPUT_MEMORY_NOTE = 'delete output-modes.json in the cache folder to check again';

/**
 * A budgeted run's calls used and time left at the pace measured so far (from the first
 * report), every 10 s at most, from the usage its checkpoints report.
 */
function pacePrinter(total: number, log: (line: string) => void): (usage: UsageSnapshot) => void {
  let from: CallsAt | undefined;
  let lastAt = 0;
  return (usage) => {
    const now = Date.now();
    const last = { at: now, used: budgetCallsUsed(usage) };
    from ??= last;
    if (now - lastAt < 10_000) return;
    lastAt = now;
    const left = budgetSecondsLeft(total, last, from, now);
    log(`  budget: ${last.used} of ${total} calls used${left === undefined ? '' : `, about ${left} s left at the pace so far`}`);
  };
}

function printPlan(p: Plan, log: (line: string) => void): void {
  const judge = p.judgeCalls ? `, judge calls <= ${p.judgeCalls}` : '';
  const time = p.estimatedSeconds !== undefined ? `, about ${p.estimatedSeconds} s` : '';
  log(`Plan (${p.optimizer}): ${p.trials} trials, ${p.fullEvaluations} full evaluations; task calls <= ${p.taskCalls} (${p.taskProgramRuns.total} program runs), teacher calls <= ${p.teacherCalls ?? p.teacherProgramRunsMax}, proposer calls ${p.proposerCalls}${judge}${time}`);
  for (const note of p.notes) log(`  ${note}`);
}

function printOptimizerEvent(e: OptimizerEvent, log: (line: string) => void): void {
  switch (e.type) {
    case 'phase':
      if (e.status === 'start') log(`Phase: ${e.phase}${e.detail ? ` (${e.detail})` : ''}`);
      break;
    case 'demo_set':
      log(`  demo set ${e.set} (${e.kind}): ${Object.entries(e.demos).map(([id, d]) => `${id} ${d.length}`).join(', ')}`);
      break;
    case 'instruction_proposed':
      log(`  instruction ${e.index} for ${e.predictor} (tip: ${e.tip}): ${e.instruction.slice(0, 100)}${e.instruction.length > 100 ? '…' : ''}`);
      break;
    case 'history_proposal':
      log(`  ${historyLine(e)}`);
      break;
    case 'proposer_settings_picked':
      log(`  round ${e.round} (trial ${e.trial}${e.explanation ? `, ${e.explanation.mode === 'startup' ? 'at random' : 'by TPE'}` : ''}) proposer settings: ${Object.entries(e.settings).map(([id, s]) => `${id} ${settingsLine(s)}`).join('; ')}`);
      break;
    case 'proposer_settings_report':
      for (const line of reportLines(e.report)) log(`  ${line}`);
      break;
    case 'trial_end': {
      const t = e.trial;
      log(`  trial ${t.index} [${t.kind}] ${JSON.stringify(t.params)}: ${fmt(t.score)} on ${t.n} (sent ${t.calls.sent}, cached ${t.calls.cacheHits})`);
      break;
    }
    case 'new_best':
      log(`  new best: ${fmt(e.score)} (trial ${e.trial})`);
      break;
    default:
      break;
  }
}

/**
 * One OPRO proposer call, short: which call, what it saw (the history's size and best score,
 * the training examples) and the instructions it wrote, by index.
 */
function historyLine(e: Extract<OptimizerEvent, { type: 'history_proposal' }>): string {
  const best = e.history.at(-1);
  const seen = best ? `${e.history.length} scored attempt${e.history.length === 1 ? '' : 's'} (best ${fmt(best.score)} on a ${best.scope === 'full' ? 'full evaluation' : 'minibatch'} of ${best.n})` : 'no scored attempt';
  const wrote = Object.entries(e.indices).map(([id, i]) => `${id} ${i}`).join(', ');
  return `proposer call ${e.candidate + 1} of step ${e.step + 1} (round ${e.round + 1}, ${e.level} level) saw ${seen} and ${e.examples.length} example${e.examples.length === 1 ? '' : 's'}; wrote instruction ${wrote}`;
}

/** One predictor's proposer settings, short: "summary on, program off, tip simple, demos off, temp 0.8". */
function settingsLine(s: ProposerSettings): string {
  const on = (b: boolean) => (b ? 'on' : 'off');
  return `dataset summary ${on(s.datasetSummary)}, program summary ${on(s.programSummary)}, tip ${s.tip}, demos ${on(s.demos)}, temperature ${s.temperature}`;
}

/** The proposer settings as the log names them. */
const SETTING_NAMES: Record<keyof ProposerSettings, string> = { datasetSummary: 'dataset summary', programSummary: 'program summary', tip: 'tip', demos: 'demos', temperature: 'temperature' };

/** MIPRO++'s report, short: the best value of each setting TPE chose (mean score, rounds), per predictor, and the winning round. */
function reportLines(r: ProposerSettingsReport): string[] {
  const by = new Map<string, string[]>();
  for (const s of r.settings) {
    const best = s.values.find((v) => v.value === s.best);
    if (s.values.length < 2 || !best || best.mean === null) continue;
    const tied = s.values.some((v) => v !== best && v.mean !== null && Math.abs(v.mean - best.mean!) < 1e-9);
    const value = typeof best.value === 'boolean' ? (best.value ? 'on' : 'off') : String(best.value);
    by.set(s.predictor, [...(by.get(s.predictor) ?? []), `${SETTING_NAMES[s.setting]} ${value} (${fmt(best.mean)}, ${best.count} round${best.count === 1 ? '' : 's'}${tied ? ', tied' : ''})`]);
  }
  const scope = r.scope === 'full' ? `all ${r.n} validation examples` : `minibatches of ${r.n}`;
  const lines = [...by].map(([id, parts]) => `proposer settings that scored best for ${id} (mean on ${scope}): ${parts.join(', ')}`);
  lines.push(r.winner ? `the winning instructions were written in round ${r.winner.round}` : 'the original instructions won: no round beat them');
  return lines;
}

function latencyFlag(text: string): number {
  const ms = Number(text);
  if (text.trim() !== '' && Number.isFinite(ms) && ms >= 0) return ms;
  throw new UsageError(`--latency-ms must be a number of milliseconds >= 0, but got "${text}".`);
}

/** A wrong command line: printed with the usage, exit code 2. */
class UsageError extends Error {}

/**
 * Error codes that mean the input is wrong (the config, its files, the program or data it
 * describes), not the run: exit code 2, as for a bad command line.
 */
const USAGE_CODES = /^(CONFIG_INVALID|DATA_|PROGRAM_|SIGNATURE_|METRIC_INVALID|OPTIMIZER_INVALID)/;

/** parseArgs reports an unknown flag or a stray argument as a TypeError with an ERR_PARSE_ARGS_* code. */
function isUsageError(err: unknown): err is Error {
  return err instanceof UsageError || (err instanceof TypeError && String((err as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS'));
}

/** A paper task's files (relative to the config): JSONL rows, and a corpus one passage a line. */
function taskFiles(baseDir: string, maxBytes: number): TaskFiles {
  return {
    rows: async (path) => (await readTable(await openDataFile(resolve(baseDir, path), maxBytes), { format: 'jsonl' })).rows,
    lines: async (path) => (await readText(await openDataFile(resolve(baseDir, path), maxBytes))).text.split('\n').map((l) => l.trim()).filter(Boolean),
  };
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new PlaygroundError('CONFIG_INVALID', `Cannot read the config file ${path}.`, { hint: 'Check the path given to --config.' });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PlaygroundError('CONFIG_INVALID', `The config file ${path} is not valid JSON: ${(err as Error).message}`, { hint: 'Fix the JSON syntax (a trailing comma is a common cause).' });
  }
}

function fmt(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (isUsageError(err)) {
      process.stderr.write(`error: ${err.message}\n${USAGE}\n`);
      process.exit(2);
    }
    const e = toErrorData(err);
    process.stderr.write(`error [${e.code}]: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`);
    process.exit(USAGE_CODES.test(e.code) ? 2 : 1);
  },
);
