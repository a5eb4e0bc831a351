/**
 * Pure derivations behind the run view: chart geometry, table rows, proposals, demo sets,
 * usage rows and the original-vs-optimized diff. Components render these; they compute nothing.
 */
import type { LMRole, OutputDecision, UsageSnapshot } from '../../core/lm';
import { LM_ROLES } from '../../core/lm';
import { configKey, type DemoSetKind, type OptimizerEvent, type Plan, type ProposerContext, type ScoredAttempt, type TrialKind, type TrialRecord } from '../../core/optimize';
import type { Demo, ProgramSpec, ProgramState } from '../../core/program';
import { initialState, resolveProgram } from '../../core/program';
import type { RunEvent, RunSummary } from '../../core/runner';
import type { ShareMeta } from '../../core/share';
import { formatCount } from '../components/format';

/** Optimizer events out of a run's event list. */
export function optimizerEvents(events: readonly RunEvent[]) {
  return events.flatMap((e) => (e.type === 'optimizer' ? [e.event] : []));
}

/** "I2 · D0" for one predictor; "generate I2 D0 · answer I1 D3" for several. */
export function paramLabel(params: Record<string, number>): string {
  const byPred = new Map<string, { i?: number; d?: number }>();
  for (const [name, value] of Object.entries(params)) {
    const dot = name.lastIndexOf('.');
    const pred = dot < 0 ? name : name.slice(0, dot);
    const kind = dot < 0 ? '' : name.slice(dot + 1);
    const entry = byPred.get(pred) ?? {};
    if (kind === 'instruction') entry.i = value;
    else if (kind === 'demos') entry.d = value;
    byPred.set(pred, entry);
  }
  const one = (e: { i?: number; d?: number }) => [e.i !== undefined ? `I${e.i}` : '', e.d !== undefined ? `D${e.d}` : ''].filter(Boolean).join(' ');
  if (byPred.size === 0) return '—';
  if (byPred.size === 1) return one([...byPred.values()][0]!).replace(' ', ' · ');
  return [...byPred].map(([pred, e]) => `${pred} ${one(e)}`).join(' · ');
}

/** One row of the trial table. */
export interface TrialRow {
  index: number;
  kind: TrialKind;
  kindLabel: string;
  params: string;
  score: string;
  n: number;
  sent: number;
  cached: number;
  errors: number;
  /** Answers that could not be read (scored 0). */
  unreadable: number;
  isBest: boolean;
}

const KIND_LABEL: Record<TrialKind, string> = { default: 'baseline (full)', minibatch: 'minibatch', full: 'full eval', candidate: 'candidate' };

/**
 * Rows of the trial table. The best is flagged as the optimizer's last `new_best` event says
 * (see {@link bestHistory}), never recomputed here: the last trial of its configuration up to
 * the event's trial (the event's own trial for full evaluations; for a budgeted search, whose
 * leader can change on another configuration's trial, the leader's latest chunk).
 */
export function trialRows(trials: readonly TrialRecord[], best?: Pick<NewBest, 'trial' | 'params'>): TrialRow[] {
  const bestKey = best && configKey(best.params);
  const bestTrial = best && [...trials].reverse().find((t) => t.index <= best.trial && configKey(t.params) === bestKey)?.index;
  return trials.map((t) => ({
    index: t.index,
    kind: t.kind,
    kindLabel: KIND_LABEL[t.kind],
    params: paramLabel(t.params),
    score: pct(t.score),
    n: t.n,
    sent: t.calls.sent,
    cached: t.calls.cacheHits,
    errors: t.errors,
    unreadable: t.parseFailures ?? 0,
    isBest: t.index === bestTrial,
  }));
}

/** Trials that count as full evaluations (the only ones that can win). */
export function isFull(t: TrialRecord): boolean {
  return t.kind === 'full' || t.kind === 'default' || t.kind === 'candidate';
}

/** A new best full score, as the optimizer announced it. */
export interface NewBest {
  trial: number;
  score: number;
  params: Record<string, number>;
}

/**
 * The optimizer's `new_best` events in order: the best-so-far full score over the run. The
 * optimizer decides what counts (full evaluations only, for MIPROv2 and random search); the
 * UI shows its word instead of computing a second opinion.
 */
export function bestHistory(events: readonly RunEvent[]): NewBest[] {
  return optimizerEvents(events).flatMap((e) => (e.type === 'new_best' ? [{ trial: e.trial, score: e.score, params: e.params }] : []));
}

/** 0.4567 -> "45.7%"; "—" for no value. */
export function pct(x: number | undefined, digits = 1): string {
  return x === undefined || Number.isNaN(x) ? '—' : `${(x * 100).toFixed(digits)}%`;
}

/** One trial in the score chart. */
export interface ChartPoint {
  index: number;
  x: number;
  y: number;
  score: number;
  full: boolean;
  /** The tooltip: kind, parameters, score and examples. */
  label: string;
  /** The point's accessible name as a control: "Trial 4, minibatch, 62.5%: open its calls". */
  name: string;
}

/** Where an axis title sits (the y axis's is rotated a quarter turn about this point). */
interface AxisTitle {
  x: number;
  y: number;
}

/** The score chart's geometry. */
export interface ChartModel {
  width: number;
  height: number;
  points: ChartPoint[];
  /** SVG path of the best full score so far (a step line), or '' before any full evaluation. */
  bestPath: string;
  yTicks: { y: number; label: string }[];
  xTicks: { x: number; label: string }[];
  plot: { left: number; top: number; right: number; bottom: number };
  /** The x axis title, centred under the tick labels. */
  xTitle: AxisTitle;
  /** The y axis title, centred on the plot's height, left of the tick labels. */
  yTitle: AxisTitle;
}

/**
 * Chart geometry: trial index on x, score (0..1) on y; minibatch trials small, full
 * evaluations large, and the best-so-far line through the optimizer's `new_best` events
 * (`best`, from {@link bestHistory}): minibatch scores never pick the winner, so they never
 * raise the line. The x axis spans the planned trials from the start, but the line ends at the
 * last trial run: while a run is going, nothing is known beyond it.
 */
export function chartModel(trials: readonly TrialRecord[], width: number, height: number, plannedTrials = 0, best: readonly NewBest[] = []): ChartModel {
  const plot = { left: 54, top: 12, right: width - 12, bottom: height - 40 };
  const maxIndex = Math.max(1, plannedTrials - 1, ...trials.map((t) => t.index));
  const sx = (i: number) => plot.left + (i / maxIndex) * (plot.right - plot.left);
  const sy = (s: number) => plot.bottom - Math.min(1, Math.max(0, s)) * (plot.bottom - plot.top);
  const points = trials.map((t) => ({
    index: t.index,
    x: round(sx(t.index)),
    y: round(sy(t.score)),
    score: t.score,
    full: isFull(t),
    label: `Trial ${t.index} (${KIND_LABEL[t.kind]}, ${paramLabel(t.params)}): ${pct(t.score)} on ${t.n} examples`,
    name: `Trial ${t.index}, ${KIND_LABEL[t.kind]}, ${pct(t.score)}: open its calls`,
  }));
  const lastTrial = Math.max(0, ...trials.map((t) => t.index), ...best.map((b) => b.trial));
  const segs: string[] = [];
  for (const b of best) {
    const x = round(sx(b.trial));
    if (segs.length === 0) segs.push(`M${x},${round(sy(b.score))}`);
    else segs.push(`H${x}`, `V${round(sy(b.score))}`);
  }
  if (segs.length) segs.push(`H${round(sx(lastTrial))}`);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((s) => ({ y: round(sy(s)), label: `${s * 100}%` }));
  const step = Math.max(1, Math.ceil(maxIndex / 8));
  const xTicks: { x: number; label: string }[] = [];
  for (let i = 0; i <= maxIndex; i += step) xTicks.push({ x: round(sx(i)), label: String(i) });
  const xTitle = { x: round((plot.left + plot.right) / 2), y: height - 6 };
  const yTitle = { x: 12, y: round((plot.top + plot.bottom) / 2) };
  return { width, height, points, bestPath: segs.join(' '), yTicks, xTicks, plot, xTitle, yTitle };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/** One proposed instruction with what the proposer saw. */
export interface ProposalView {
  predictor: string;
  index: number;
  instruction: string;
  tip: string;
  /** MIPROv2's grounding context (empty for OPRO, which grounds its proposer in `history` instead). */
  context: ProposerContext;
  /**
   * The earlier instruction of the same predictor this one repeats (same words, any case or
   * spacing): 0 for the original, which the proposer was shown as the current instruction.
   */
  duplicateOf?: number;
  /** OPRO: the scored history and training examples the proposer call that wrote it saw. */
  history?: ProposerHistory;
}

/** What one OPRO proposer call saw (a `history_proposal` event), ready to show. */
export interface ProposerHistory {
  level: 'module' | 'program';
  /** 0-based step and round of the run, and the call's place in its step. */
  step: number;
  round: number;
  candidate: number;
  /** The attempts shown, lowest score first and best last, as the proposer read them. */
  attempts: HistoryAttemptView[];
  /** The training examples shown, each as "field: value" lines. */
  examples: string[];
}

/** One scored attempt in a proposer's history. */
export interface HistoryAttemptView {
  /** The instruction tried; at program level one "predictor: instruction" line per predictor. */
  instruction: string;
  /** The whole program's score with it. */
  score: number;
  /** Measured on a minibatch or on the full validation subsample, of `n` examples. */
  scope: ScoredAttempt['scope'];
  n: number;
  trial: number;
}

/** An instruction as compared for duplicates: trimmed, whitespace collapsed, any case. */
function sameText(instruction: string): string {
  return instruction.trim().replace(/\s+/g, ' ').toLowerCase();
}

type HistoryEvent = Extract<OptimizerEvent, { type: 'history_proposal' }>;

/** A `history_proposal` as shown: the attempts' instructions as text, the examples as lines. */
function historyView(e: HistoryEvent): ProposerHistory {
  const attempts = e.history.map((a) => {
    const entries = Object.entries(a.instructions);
    const instruction = entries.length === 1 ? entries[0]![1] : entries.map(([id, text]) => `${id}: ${text}`).join('\n');
    return { instruction, score: a.score, scope: a.scope, n: a.n, trial: a.trial };
  });
  const examples = e.examples.map((x) => Object.entries(x).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n'));
  return { level: e.level, step: e.step, round: e.round, candidate: e.candidate, attempts, examples };
}

/** The proposer call that first wrote each instruction (`predictor` and index), from OPRO's `history_proposal` events. */
function historiesByInstruction(events: readonly OptimizerEvent[]): Map<string, ProposerHistory> {
  const by = new Map<string, ProposerHistory>();
  for (const e of events) {
    if (e.type !== 'history_proposal') continue;
    const view = historyView(e);
    // A later call that repeats an instruction points at its first index: the first call wrote it.
    for (const [id, index] of Object.entries(e.indices)) if (!by.has(`${id}\n${index}`)) by.set(`${id}\n${index}`, view);
  }
  return by;
}

/**
 * Proposed instructions in order (index 0, the original, is not proposed and not listed),
 * each repeat of an earlier one (or of the original) marked with `duplicateOf`, and each of
 * OPRO's with the history its proposer call saw.
 */
export function proposals(events: readonly RunEvent[]): ProposalView[] {
  const first = new Map<string, number>();
  const optimizer = optimizerEvents(events);
  const histories = historiesByInstruction(optimizer);
  return optimizer.flatMap((e) => {
    if (e.type !== 'instruction_proposed') return [];
    const view: ProposalView = { predictor: e.predictor, index: e.index, instruction: e.instruction, tip: e.tip, context: e.context };
    const history = histories.get(`${e.predictor}\n${e.index}`);
    if (history) view.history = history;
    const original = `${e.predictor}\n${sameText(e.context.currentInstruction)}`;
    if (!first.has(original)) first.set(original, 0);
    const key = `${e.predictor}\n${sameText(e.instruction)}`;
    const earlier = first.get(key);
    // A resumed run can announce the same proposal again: it repeats nothing.
    if (earlier === undefined) first.set(key, e.index);
    else if (earlier !== e.index) view.duplicateOf = earlier;
    return [view];
  });
}

/**
 * Why some proposals are marked as duplicates, and what it costs the search ("generate: 2
 * distinct of 3 instructions"); `undefined` when no proposal repeats another.
 */
export function repeatsNote(list: readonly ProposalView[]): string | undefined {
  const by = new Map<string, { indices: Set<number>; repeats: Set<number> }>();
  for (const p of list) {
    const c = by.get(p.predictor) ?? { indices: new Set([0]), repeats: new Set<number>() };
    c.indices.add(p.index);
    if (p.duplicateOf !== undefined) c.repeats.add(p.index);
    by.set(p.predictor, c);
  }
  const hit = [...by].filter(([, c]) => c.repeats.size > 0);
  if (hit.length === 0) return undefined;
  const n = hit.reduce((a, [, c]) => a + c.repeats.size, 0);
  const cost = hit.map(([pred, c]) => `${pred}: ${c.indices.size - c.repeats.size} distinct of ${c.indices.size} instructions`).join('; ');
  return `${n} proposal${n === 1 ? ' repeats' : 's repeat'} an earlier instruction (same words, ignoring case and spacing). A small proposer model often repeats itself, or gives back the original, so the search has fewer real choices than its count: ${cost}.`;
}

/** The proposer's dataset summary, once it was written. */
export function datasetSummary(events: readonly RunEvent[]): { summary: string; observations: string[] } | undefined {
  for (const e of optimizerEvents(events)) if (e.type === 'dataset_summary') return { summary: e.summary, observations: e.observations };
  return undefined;
}

/** One demo-set candidate. */
export interface DemoSetView {
  set: number;
  kind: DemoSetKind;
  kindLabel: string;
  demos: Record<string, Demo[]>;
  count: number;
}

const SET_LABEL: Record<DemoSetKind, string> = { zero_shot: 'zero-shot (no demos)', labeled: 'labeled only', bootstrap: 'bootstrapped', shuffled_bootstrap: 'shuffled bootstrap' };

/** The demo-set candidates in order. */
export function demoSets(events: readonly RunEvent[]): DemoSetView[] {
  return optimizerEvents(events).flatMap((e) =>
    e.type === 'demo_set' ? [{ set: e.set, kind: e.kind, kindLabel: SET_LABEL[e.kind], demos: e.demos, count: Object.values(e.demos).reduce((a, d) => a + d.length, 0) }] : [],
  );
}

/** One demo's fields as "name: value" lines. */
export function demoText(demo: Demo): string {
  return Object.entries(demo.fields).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n');
}

/** One role's LM usage. */
export interface UsageRow {
  role: LMRole;
  calls: number;
  /** HTTP requests sent, retries included (as many as calls in runs stored before they were counted). */
  attempts: number;
  cacheHits: number;
  failures: number;
  /** Answers received that could not be read (0 in runs stored before they were counted). */
  parseFailures: number;
  promptTokens: number;
  completionTokens: number;
  /** "412 in / 38 out": tokens per answered call ("—" before any answer). */
  perCall: string;
}

/**
 * Usage by role, roles with no calls left out. Tokens per call are averaged over the calls
 * that were answered: a failed call spends no tokens, and counting it would make every
 * answer look cheaper than it was.
 */
export function usageRows(usage: UsageSnapshot | undefined): UsageRow[] {
  if (!usage) return [];
  return LM_ROLES.flatMap((role) => {
    const u = usage[role];
    // Attempts alone: every call of the role was cancelled, but its requests were sent.
    if (!u || !(u.calls > 0 || u.cacheHits > 0 || u.failures > 0 || u.attempts > 0)) return [];
    const answered = u.calls - u.failures;
    const perCall = answered > 0 ? `${formatCount(Math.round(u.promptTokens / answered))} in / ${formatCount(Math.round(u.completionTokens / answered))} out` : '—';
    return [{ role, ...u, attempts: u.attempts ?? u.calls, parseFailures: u.parseFailures ?? 0, perCall }];
  });
}

/**
 * Whether the usage table needs its Attempts column: only when some role sent more requests
 * than calls (retries, lost answers). Otherwise the column would repeat Calls.
 */
export function showsAttempts(rows: readonly UsageRow[]): boolean {
  return rows.some((r) => r.attempts !== r.calls);
}

/** A note on how a model was asked for its answers, from an `output` event. */
export interface OutputNote {
  /** `warn`: this run's calls were refused a format and switched to chat. */
  tone: 'warn' | 'neutral';
  text: string;
  /** The server's refusal, as the error said it (often long: shown apart from the sentence). */
  reason?: string;
  /** The model's id (provider, name and endpoint), shown apart. */
  modelId: string;
}

/**
 * What `auto` decided for each model during the run, as sentences for the run view. A model
 * is noted once per mode: a resumed run that recalls what its first part found adds nothing.
 */
export function outputNotes(events: readonly RunEvent[]): OutputNote[] {
  const seen = new Set<string>();
  return events.flatMap((e) => {
    if (e.type !== 'output') return [];
    const key = `${e.modelId}\n${e.output}`;
    if (seen.has(key)) return [];
    seen.add(key);
    const note: OutputNote = { tone: e.output === 'chat' && !e.remembered ? 'warn' : 'neutral', text: outputSentence(e), modelId: e.modelId };
    return [e.reason ? { ...note, reason: e.reason } : note];
  });
}

function outputSentence(d: Omit<OutputDecision, 'reason'> & { roles: readonly LMRole[] }): string {
  const who = d.roles.length ? `The ${d.roles.join(' and ')} model` : 'A model';
  if (d.output === 'chat') {
    return d.remembered
      ? `${who} was asked in chat format: an earlier run found it refuses JSON schemas (remembered; “Check again” in the Models panel asks anew).`
      : `${who} refused JSON schemas: answers were asked in chat format from then on.`;
  }
  return d.remembered
    ? `${who} was asked in JSON-schema format (remembered from an earlier run).`
    : `${who} takes JSON schemas: answers were asked in JSON-schema format, constrained to the signature.`;
}

/** A run of words the same in both, added, or deleted. */
export type DiffPart = { op: 'same' | 'add' | 'del'; text: string };

/** Word-level diff (LCS over whitespace-separated tokens; instructions are short). */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = before.split(/(\s+)/).filter((t) => t !== '');
  const b = after.split(/(\s+)/).filter((t) => t !== '');
  if (a.length * b.length > 250_000) return [{ op: 'del', text: before }, { op: 'add', text: after }];
  const dp: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const out: DiffPart[] = [];
  const push = (op: DiffPart['op'], text: string) => {
    const last = out.at(-1);
    if (last && last.op === op) last.text += text;
    else out.push({ op, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) (push('same', a[i]!), i++, j++);
    else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) push('del', a[i++]!);
    else push('add', b[j++]!);
  }
  while (i < a.length) push('del', a[i++]!);
  while (j < b.length) push('add', b[j++]!);
  return out;
}

/** One predictor's original vs optimized instruction and demos. */
export interface PredictorDiff {
  predictor: string;
  instruction: DiffPart[];
  changed: boolean;
  before: { instruction: string; demos: Demo[] };
  after: { instruction: string; demos: Demo[] };
}

/** Original vs optimized instruction and demos, per predictor. */
export function programDiff(spec: ProgramSpec, optimized: ProgramState, original?: ProgramState): PredictorDiff[] {
  const base = original ?? initialState(resolveProgram(spec));
  return Object.keys(optimized).map((predictor) => {
    const before = base[predictor] ?? { instruction: '', demos: [] };
    const after = optimized[predictor]!;
    return {
      predictor,
      instruction: wordDiff(before.instruction, after.instruction),
      changed: before.instruction !== after.instruction || JSON.stringify(before.demos) !== JSON.stringify(after.demos),
      before: { instruction: before.instruction, demos: before.demos },
      after: { instruction: after.instruction, demos: after.demos },
    };
  });
}

/** The diff of a finished run's program against its starting state. */
export function resultDiff(result: RunSummary): PredictorDiff[] {
  const cfg = result.config.program;
  const original = 'spec' in cfg && cfg.state ? cfg.state : undefined;
  return programDiff(result.program.spec, result.program.state, original);
}

/**
 * The run's plan next to what it has used so far: "10 search trials, 3 full evaluations · task
 * calls: ≤ 878 planned, 629 sent, 12 from the cache". The planned figure is the one the setup
 * showed (the same `planRun`), an upper bound the sent calls stay under.
 */
export function planLine(plan: Plan | undefined, usage: UsageSnapshot | undefined): string | undefined {
  if (!plan) return undefined;
  const shape = `${plan.trials} search trial${plan.trials === 1 ? '' : 's'}, ${plan.fullEvaluations} full evaluation${plan.fullEvaluations === 1 ? '' : 's'}`;
  const task = usage?.task;
  const used = task ? `, ${formatCount(task.calls)} sent, ${formatCount(task.cacheHits)} from the cache` : '';
  return `${shape} · task calls: ≤ ${formatCount(plan.taskCalls)} planned${used}`;
}

/** "mipro_v2 light", "mipro_v2 10 min" or "mipro_v2 300 calls" from a run config's optimizer section. */
export function optimizerLabel(optimizer: { kind: string } & Record<string, unknown>): string {
  const budget = (optimizer.budget ?? {}) as { minutes?: unknown; taskCalls?: unknown };
  const size = typeof optimizer.auto === 'string' ? optimizer.auto : typeof budget.minutes === 'number' ? `${budget.minutes} min` : typeof budget.taskCalls === 'number' ? `${budget.taskCalls} calls` : '';
  return [optimizer.kind, size].filter(Boolean).join(' ');
}

/** What a share link of a finished run records next to the program (never keys or endpoints). */
export function shareMetaOf(result: RunSummary, name?: string): ShareMeta {
  const d = result.details;
  const task = result.config.models.task;
  return {
    ...(name !== undefined && { name }),
    metric: result.config.metric,
    scores: { val: d.val.mean, ...(d.test && { test: d.test.mean }), ...(d.baselineTest && { baselineTest: d.baselineTest.mean }) },
    optimizer: optimizerLabel(result.config.optimizer),
    model: task.model,
    ...(result.program.output && { output: result.program.output }),
  };
}
