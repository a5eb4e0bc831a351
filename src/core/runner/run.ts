/**
 * Executes a run config end to end: data -> program -> (optimizer) -> evaluation -> result.
 * The same function runs in the headless runner (Node) and in the optimizer worker; the host
 * supplies how to build model clients, how to read files, and the cache store.
 */
import { columnsOf, readExamples, readText as readFileText, splitExamples, suggestMapping, toExamples, type ByteSource, type FieldMapping, type ParsedTable } from '../data';
import { tooManyRows, type RowLimit } from '../data/delimited';
import type { DataSplits, DroppedRow, Example } from '../data/types';
import { PlaygroundError, isAbortError, throwIfAborted, toErrorData, type ErrorData } from '../errors';
import { createJudge, evaluate, type EvaluationResult, type ExampleResult } from '../evaluate';
import { createAccountedLM, MemoryCacheStore, UsageMeter } from '../lm';
import { callRecord } from '../lm/call-record';
import { interceptCalls } from '../lm/intercept';
import { AnswerSession } from '../lm/answer-session';
import { createOutputChannel, OutputProbe, type OutputDecision, type OutputMemory } from '../lm/output';
import type { CacheStore, CallContext, LanguageModel, LMCallRecord, LMResponse, LMRole, ResolvedOutput, UsageSnapshot } from '../lm/types';
import { createMetric, type Metric } from '../metric';
import { initialState, resolveProgram, type ResolvedProgram } from '../program/resolve';
import { toPassages } from '../program/retrieve';
import type { RunContext } from '../program/run';
import type { ProgramSpec, ProgramState } from '../program/types';
import { runOptimizer, type OptimizeResult, type OptimizerEvent, type Plan, type TrialRecord } from '../optimize';
import { scoreInterval } from '../metric/stats';
import { assertRunConfig, programFromConfig, redactConfig, roleOutput, type FileCheck, type ModelConfig, type RunConfig } from './config';
import { exampleOutcomes, type ExampleOutcomes } from './examples';
import { planRun, type PlanLatency } from './plan';

/** What the host provides. */
export interface RunHost {
  /** Builds the raw client for a model config (the runner adds caching and accounting). */
  createLM(config: ModelConfig, role: LMRole): LanguageModel;
  /** A checkpoint from an earlier, interrupted run of the same config (resumes it). */
  checkpoint?: unknown;
  /** Usage so far of the interrupted run (restored so the totals stay right). */
  usage?: UsageSnapshot;
  /** Sees every LM call a run makes (cache hits included): the browser stores them as traces. */
  observeCall?(call: ObservedCall): void;
  /**
   * Opens a file named in the config (headless runner only), after checking it can be read
   * whole (a regular file within the size limit). It is read as it streams in; decoding
   * follows `decodeText` and its warnings are reported with the parse warnings.
   */
  openFile?(path: string): Promise<ByteSource>;
  /** Checks a file named in the config before the run starts (headless runner only): see {@link FileCheck}. */
  checkFile?: FileCheck;
  /** The most data rows a run accepts, and how to raise it (the runner's `--max-rows`). */
  rowLimit?: RowLimit;
  /** Where LM answers are cached (default: in memory for this run). */
  cache?: CacheStore;
  signal?: AbortSignal;
  /**
   * Stops the run early, unlike `signal` (which aborts): the search ends at its next trial
   * boundary and the run returns the best program scored so far, with the score the search
   * measured (`stoppedEarly`); with nothing scored yet it ends `ABORTED`.
   */
  stop?: AbortSignal;
  onEvent?(event: RunEvent): void;
  /** Assumed latency per call, for the plan's time estimate. */
  latency?: PlanLatency;
  /** Where `auto` output modes are remembered per model (default: this run only). */
  outputMemory?: OutputMemory;
  /** Ignore answers cached before this run: ask again and overwrite them (the runner's `--refresh`). */
  refresh?: boolean;
}

/** One LM call as made, with where in the run it was made. */
export interface ObservedCall {
  role: LMRole;
  context: CallContext;
  /** Messages exactly as sent, the answer exactly as received (absent when the call failed). */
  record?: LMCallRecord;
  error?: ErrorData;
  /** The answer arrived but could not be read (an `ADAPTER_PARSE` error): it scored 0. */
  unreadable?: ErrorData;
  durationMs: number;
}

/** Progress events a run emits (the runner prints them; the UI shows them). */
export type RunEvent =
  | { type: 'optimizer'; event: OptimizerEvent; /** On checkpoints: usage so far, to restore on resume. */ usage?: UsageSnapshot }
  | { type: 'data'; rows: number; dropped: number; train: number; val: number; test: number; /** What reading and parsing changed or assumed (absent in older events). */ warnings?: string[] }
  /** The run's plan (`planRun`), announced once the data is split. */
  | { type: 'plan'; plan: Plan }
  | { type: 'phase'; phase: string; status: 'start' | 'end'; detail?: string }
  | { type: 'progress'; phase: string; done: number; total: number }
  | { type: 'score'; split: 'val' | 'test'; which: 'baseline' | 'optimized'; mean: number; n: number }
  /** `auto` decided how a model is asked for answers (this run, or remembered from an earlier one). */
  | ({ type: 'output'; roles: LMRole[] } & OutputDecision);

export interface SplitScore {
  mean: number;
  ci95: { lo: number; hi: number };
  n: number;
  errors: number;
  /** Answers the adapter could not read (scored 0); absent when none. */
  parseFailures?: number;
}

/** What a run produces (result.json). Scores are fractions in [0, 1]. */
export interface RunResult {
  version: 1;
  /**
   * The run was stopped early (cancelled) once a program was scored: `program` is the best
   * found so far, `details.val` the score the search measured for it (its interval from that
   * mean and count), with no test scores. Absent in complete runs and older results.
   */
  stoppedEarly?: true;
  /** Full validation (and test) scores of the returned program. */
  scores: { val: number; test?: number };
  details: { val: SplitScore; test?: SplitScore; baselineTest?: SplitScore };
  usage: UsageSnapshot;
  /** `output`: how the task model was asked for answers when the run ended (absent in older results). */
  program: { spec: ProgramSpec; state: ProgramState; output?: ResolvedOutput };
  trials: TrialRecord[];
  /** The run's plan (absent in results stored before plans were kept). */
  plan?: Plan;
  /** `warnings`: what decoding and parsing changed or assumed, e.g. a padded row (absent in older results). */
  data: { rows: number; dropped: DroppedRow[]; warnings?: string[]; train: number; val: number; test: number };
  timings: { totalMs: number; dataMs: number; optimizeMs: number; evaluateMs: number };
  config: RunConfig;
  /**
   * Every scored example's answers: the optimized program's on validation and test, the
   * baseline's on test (absent in results made before they were kept).
   */
  examples?: ExampleOutcomes;
}

/** A run's result without its trials, where those are kept apart (IndexedDB stores each trial once). */
export type RunSummary = Omit<RunResult, 'trials'>;

/** `result` without its trials. */
export function summaryOf(result: RunResult): RunSummary {
  const { trials: _apart, ...summary } = result;
  return summary;
}

/** A run's prepared inputs: parsed data, resolved program, metric and accounted models. */
export interface PreparedRun {
  config: RunConfig;
  program: ResolvedProgram;
  state: ProgramState;
  splits: DataSplits;
  dropped: DroppedRow[];
  /** Decoding and parse warnings, in file order. */
  warnings: string[];
  rows: number;
  metric: Metric;
  lms: Record<LMRole, LanguageModel>;
  usage: UsageMeter;
  /** The run's answers not in the cache (the unreadable ones travel in its checkpoints). */
  session: AnswerSession;
  /** The optimizer's checkpoint to resume from, unwrapped from the runner's. */
  checkpoint?: unknown;
  /** The task model's output mode so far (`auto` may still be undecided). */
  taskOutput(): ResolvedOutput | undefined;
  corpora: Record<string, readonly string[]>;
  seed: number;
}

/** Validates the config (and its files), loads data and builds models. Throws `CONFIG_INVALID` listing every problem. */
export async function prepareRun(input: unknown, host: RunHost): Promise<PreparedRun> {
  const config = await assertRunConfig(input, host.checkFile);
  const seed = config.seed ?? 0;
  const { spec, state } = programFromConfig(config.program);
  const program = resolveProgram(spec);
  const usage = new UsageMeter();
  const cache = host.cache ?? new MemoryCacheStore(100_000);
  const resumed = unwrapCheckpoint(host.checkpoint);
  const session = new AnswerSession({ refresh: host.refresh ?? false, unreadable: resumed.unreadable });
  const lms = buildModels(config, host, usage, cache, session);
  const taskOutput = () => lms.task.output?.current();
  const { examples, dropped, rows, corpusColumn, warnings } = await loadExamples(config, program, host);
  const splits = splitExamples(examples, config.data.split, config.data.seed ?? seed);
  const corpora = await loadCorpora(config, corpusColumn, host);
  const metric = createMetric(config.metric, config.metric.kind === 'llm_judge'
    ? { judge: createJudge({ lm: lms.judge, ...config.metric }) }
    : {});
  return {
    config, program, state: state ?? initialState(program), splits, dropped, warnings, rows, metric, lms, usage, session, taskOutput, corpora, seed,
    ...(resumed.optimizer !== undefined && { checkpoint: resumed.optimizer }),
  };
}

/**
 * Runs a config: optimizes (unless `"kind": "none"`), then scores the chosen program on the
 * full validation split and, when there is one, on the test split next to the baseline
 * (see {@link finalScoring} for a run stopped early).
 */
export async function executeRun(config: unknown, host: RunHost): Promise<RunResult> {
  const started = performance.now();
  const prep = await prepareRun(config, host);
  if (host.usage) prep.usage.restore(host.usage);
  const dataMs = performance.now() - started;
  const { splits } = prep;
  const sizes = { train: splits.train.length, val: splits.val.length, test: splits.test.length };
  host.onEvent?.({ type: 'data', rows: prep.rows, dropped: prep.dropped.length, ...sizes, warnings: prep.warnings });
  const plan = planRun(prep.config, sizes, host.latency);
  host.onEvent?.({ type: 'plan', plan });

  const optStart = performance.now();
  const optimized = await optimizeProgram(prep, plan, host);
  const optimizeMs = performance.now() - optStart;

  const evalStart = performance.now();
  const { val, test, baselineTest, stoppedEarly } = await finalScoring(prep, optimized, host);
  const evaluateMs = performance.now() - evalStart;
  // A run stopped early was not scored example by example: its table says "not recorded".
  const examples: ExampleOutcomes | undefined = stoppedEarly
    ? undefined
    : {
        val: exampleOutcomes(splits.val, val.results),
        ...(test && baselineTest && { test: exampleOutcomes(splits.test, test.results, baselineTest.results) }),
      };
  return {
    version: 1,
    ...(stoppedEarly && { stoppedEarly }),
    scores: { val: val.score.mean, ...(test && { test: test.score.mean }) },
    details: { val: val.score, ...(test && { test: test.score }), ...(baselineTest && { baselineTest: baselineTest.score }) },
    usage: prep.usage.snapshot(),
    program: { spec: prep.program.spec, state: optimized.state, ...outputOf(prep) },
    trials: optimized.trials,
    plan,
    data: { rows: prep.rows, dropped: prep.dropped, warnings: prep.warnings, train: splits.train.length, val: splits.val.length, test: splits.test.length },
    timings: { totalMs: performance.now() - started, dataMs, optimizeMs, evaluateMs },
    config: redactConfig(prep.config),
    ...(examples && { examples }),
  };
}

/** Runs the config's optimizer (none: the starting program, no trials). */
async function optimizeProgram(prep: PreparedRun, plan: Plan, host: RunHost): Promise<OptimizeResult> {
  if (prep.config.optimizer.kind === 'none') return { state: prep.state, trials: [] };
  const { kind, seed, ...given } = prep.config.optimizer;
  // A budget in minutes became calls when the run was planned: the optimizer gets those.
  const options = plan.budget ? { ...given, budget: { taskCalls: plan.budget.calls } } : given;
  return runOptimizer(kind, {
    program: prep.program,
    state: prep.state,
    trainset: prep.splits.train,
    valset: prep.splits.val,
    metric: prep.metric,
    lms: { task: prep.lms.task, teacher: prep.lms.teacher, proposer: prep.lms.proposer },
    corpora: prep.corpora,
    seed: seed ?? prep.seed,
    ...(host.signal && { signal: host.signal }),
    ...(host.stop && { stop: host.stop }),
    ...(prep.config.concurrency !== undefined && { concurrency: prep.config.concurrency }),
    ...(prep.config.maxErrors !== undefined && { maxErrors: prep.config.maxErrors }),
    emit: (event) => {
      if (event.type !== 'checkpoint') return host.onEvent?.({ type: 'optimizer', event });
      const checkpoint: RunCheckpoint = { runner: 1, optimizer: event.checkpoint, unreadable: prep.session.snapshot() };
      host.onEvent?.({ type: 'optimizer', event: { ...event, checkpoint }, usage: prep.usage.snapshot() });
    },
    usage: () => prep.usage.snapshot(),
  }, options, prep.checkpoint);
}

/**
 * Scores the optimized program on the full validation split and, when there is one, on the
 * test split next to the baseline. A search stopped early (`host.stop`) is not scored again:
 * its best program keeps the score the search measured, and a stop during this scoring ends
 * it the same way, spending no more calls.
 */
async function finalScoring(prep: PreparedRun, optimized: OptimizeResult, host: RunHost): Promise<{ val: Scored; test?: Scored; baselineTest?: Scored; stoppedEarly?: true }> {
  const kept = keptScore(optimized);
  if (optimized.stoppedEarly && kept) return { val: { score: kept, results: [] }, stoppedEarly: true };
  const signal = host.stop && kept ? AbortSignal.any(host.signal ? [host.signal, host.stop] : [host.stop]) : host.signal;
  const scoring = { ...(signal && { signal }), onEvent: (event: RunEvent) => host.onEvent?.(event) };
  const { splits } = prep;
  const { state } = optimized;
  try {
    const val = await evaluateSplit(prep, state, splits.val, 'val', scoring);
    if (splits.test.length === 0) return { val };
    const test = await evaluateSplit(prep, state, splits.test, 'test', scoring);
    const baselineTest = prep.config.optimizer.kind === 'none' ? test : await evaluateSplit(prep, prep.state, splits.test, 'test', scoring, 'baseline');
    return { val, test, baselineTest };
  } catch (err) {
    if (kept && host.stop?.aborted && !host.signal?.aborted && isAbortError(err)) return { val: { score: kept, results: [] }, stoppedEarly: true };
    throw err;
  }
}

/** The validation score the search measured for its best program, as a split score (undefined when it measured none). */
function keptScore(optimized: OptimizeResult): SplitScore | undefined {
  const { valScore, valMeasured } = optimized;
  if (valScore === undefined || !valMeasured) return undefined;
  return { mean: valScore, ci95: scoreInterval(valScore, valMeasured.n), n: valMeasured.n, errors: valMeasured.errors };
}

/** The run context for task-model calls made in `call`'s part of the run. */
function taskContext(prep: PreparedRun, call: CallContext, signal?: AbortSignal): RunContext {
  return { lm: prep.lms.task, corpora: prep.corpora, call, ...(signal && { signal }) };
}

/** A split's score and its per-example results (traces omitted). */
interface Scored {
  score: SplitScore;
  results: ExampleResult[];
}

/** Full evaluation of one split, with progress events. */
async function evaluateSplit(prep: PreparedRun, state: ProgramState, examples: Example[], split: 'val' | 'test', host: Pick<RunHost, 'signal' | 'onEvent'>, which: 'baseline' | 'optimized' = 'optimized'): Promise<Scored> {
  throwIfAborted(host.signal);
  const phase = `evaluate ${split}${which === 'baseline' ? ' (baseline)' : ''}`;
  host.onEvent?.({ type: 'phase', phase, status: 'start' });
  const result: EvaluationResult = await evaluate({
    program: prep.program,
    state,
    examples,
    metric: prep.metric,
    ctx: taskContext(prep, { phase: which === 'baseline' ? 'baseline' : 'evaluate' }, host.signal),
    ...(prep.config.concurrency !== undefined && { concurrency: prep.config.concurrency }),
    ...(prep.config.maxErrors !== undefined && { maxErrors: prep.config.maxErrors }),
    omitTraces: true,
    onProgress: (done, total) => host.onEvent?.({ type: 'progress', phase, done, total }),
  });
  host.onEvent?.({ type: 'phase', phase, status: 'end' });
  host.onEvent?.({ type: 'score', split, which, mean: result.mean, n: result.n });
  const score: SplitScore = { mean: result.mean, ci95: result.ci95, n: result.n, errors: result.errors, ...(result.parseFailures > 0 && { parseFailures: result.parseFailures }) };
  return { score, results: result.results };
}

/**
 * Each role's model: the host's client (one per model entry, shared by the roles using it),
 * with the cache, usage accounting and the role's output channel. Roles on one model share
 * what `auto` finds out about it.
 */
function buildModels(config: RunConfig, host: RunHost, usage: UsageMeter, cache: CacheStore, session: AnswerSession): Record<LMRole, LanguageModel> {
  const raw = new Map<ModelConfig, LanguageModel>();
  const probes = new Map<string, OutputProbe>();
  const autoRoles = new Map<string, LMRole[]>();
  const m = config.models;
  const entries: Record<LMRole, ModelConfig> = { task: m.task, teacher: m.teacher ?? m.task, proposer: m.proposer ?? m.task, judge: m.judge ?? m.proposer ?? m.task };
  const make = (role: LMRole, cfg: ModelConfig): LanguageModel => {
    let lm = raw.get(cfg);
    if (!lm) raw.set(cfg, (lm = host.createLM(cfg, role)));
    const requested = roleOutput(role, cfg);
    let probe: OutputProbe | undefined;
    if (requested === 'auto') {
      const id = lm.id;
      autoRoles.set(id, [...(autoRoles.get(id) ?? []), role]);
      probe = probes.get(id);
      if (!probe) {
        probe = new OutputProbe(id, host.outputMemory, (decision) => host.onEvent?.({ type: 'output', roles: autoRoles.get(id) ?? [], ...decision }));
        probes.set(id, probe);
      }
    }
    const output = createOutputChannel({
      requested,
      ...(probe && { probe }),
      ...(cfg.maxReasoningTokens !== undefined && { maxReasoningTokens: cfg.maxReasoningTokens }),
      onAnswer: (call) => {
        if (call.unreadable && !call.response.cached) usage.recordParseFailure(role);
        host.observeCall?.({
          role,
          context: call.request.context ?? {},
          record: callRecord(call.request, call.response, call.durationMs),
          ...(call.unreadable && { unreadable: call.unreadable }),
          durationMs: call.durationMs,
        });
      },
    });
    const accounted = createAccountedLM({ lm, role, usage, cache, output, session });
    return host.observeCall ? observeFailures(accounted, role, host.observeCall.bind(host)) : accounted;
  };
  return { task: make('task', entries.task), teacher: make('teacher', entries.teacher), proposer: make('proposer', entries.proposer), judge: make('judge', entries.judge) };
}

/**
 * The run's examples: from a file as it streams in, from pasted text, or from `rows`. A file
 * or text becomes examples row by row, keeping only the columns the mapping uses (and a
 * corpus column), so a large file's whole text and table are never held.
 */
async function loadExamples(config: RunConfig, program: ResolvedProgram, host: RunHost) {
  const d = config.data;
  const inputNames = program.spec.inputs.map((f) => f.name);
  const mapping = (columns: string[]): FieldMapping => {
    const labelNames = [...new Set([...Object.keys(program.spec.outputs), config.metric.field])].filter((n) => columns.includes(n) || n === config.metric.field);
    return d.mapping ?? suggestMapping(columns, inputNames, labelNames);
  };
  const passages = d.corpus?.column !== undefined && !d.corpus.passages ? new Set<string>() : undefined;
  const also = passages && { column: d.corpus!.column!, row: (row: Record<string, unknown>) => toPassages(row[d.corpus!.column!]).forEach((p) => passages.add(p)) };
  const opts = { format: d.format ?? 'auto', mapping, ...(also && { also }), ...host.rowLimit };
  let read;
  if (d.path !== undefined) {
    if (!host.openFile) throw new PlaygroundError('CONFIG_INVALID', `data.path "${d.path}" cannot be read here.`, { hint: 'Paste the data or give "rows".' });
    read = await readExamples(await host.openFile(d.path), opts);
  } else if (d.text !== undefined) read = await readExamples(d.text, opts);
  else {
    if (host.rowLimit?.maxRows !== undefined && (d.rows?.length ?? 0) > host.rowLimit.maxRows) throw tooManyRows(host.rowLimit);
    const rows = d.rows ?? [];
    const table: ParsedTable = { format: 'json', columns: columnsOf(rows), rows: [...rows], dropped: [], warnings: [] };
    for (const row of rows) also?.row(row);
    read = { ...toExamples(table, mapping(table.columns)), table, rows: rows.length };
  }
  return { examples: read.examples, dropped: read.dropped, rows: read.rows, corpusColumn: passages && [...passages], warnings: read.table.warnings };
}

async function loadCorpora(config: RunConfig, corpusColumn: readonly string[] | undefined, host: RunHost): Promise<Record<string, readonly string[]>> {
  const c = config.data.corpus;
  if (!c) return {};
  if (c.passages) return { passages: c.passages };
  if (c.column) return { passages: corpusColumn ?? [] };
  if (c.path && host.openFile) {
    const { text } = await readFileText(await host.openFile(c.path));
    const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    const passages = lines.map((l) => {
      if (!l.startsWith('{')) return l;
      try {
        const o = JSON.parse(l) as Record<string, unknown>;
        return String(o.text ?? o.passage ?? o.content ?? l);
      } catch {
        return l;
      }
    });
    return { passages };
  }
  return {};
}

/**
 * `lm` reporting the calls that failed (an HTTP error, a timeout) to `observe`; answered
 * calls are reported by the role's output channel, which knows whether they could be read.
 */
function observeFailures(lm: LanguageModel, role: LMRole, observe: (call: ObservedCall) => void): LanguageModel {
  return interceptCalls(lm, async (request, options) => {
    const started = performance.now();
    try {
      return await lm.call(request, options);
    } catch (err) {
      if (!isAbortError(err)) observe({ role, context: request.context ?? {}, error: toErrorData(err), durationMs: performance.now() - started });
      throw err;
    }
  });
}

/** The task model's output mode for the result, when one was decided. */
function outputOf(prep: PreparedRun): { output?: ResolvedOutput } {
  const output = prep.taskOutput();
  return output ? { output } : {};
}

/**
 * A checkpoint as the runner keeps it: the optimizer's own, and the answers the run could not
 * read (never cached, but a resumed run must see them again to take the same path).
 */
interface RunCheckpoint {
  runner: 1;
  optimizer: unknown;
  unreadable: Record<string, LMResponse>;
}

/** The parts of a stored checkpoint; one stored before the runner wrapped them is the optimizer's alone. */
function unwrapCheckpoint(stored: unknown): { optimizer?: unknown; unreadable: Record<string, LMResponse> } {
  if (stored === undefined || stored === null) return { unreadable: {} };
  const c = stored as Partial<RunCheckpoint>;
  if (typeof c === 'object' && c.runner === 1 && c.unreadable && typeof c.unreadable === 'object') return { optimizer: c.optimizer, unreadable: c.unreadable };
  return { optimizer: stored, unreadable: {} };
}
