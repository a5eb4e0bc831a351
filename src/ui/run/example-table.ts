/**
 * The per-example results table's logic, kept out of the component so it is tested in Node:
 * which examples a filter keeps, what changed between the baseline and the optimized program,
 * the CSV export (with formula cells neutralized), and the verdict the trace inspector shows
 * next to a final-scoring call.
 */
import Papa from 'papaparse';
import type { ExampleAnswer, ExampleOutcome, ExampleOutcomes } from '../../core/runner';

/** Rows a page of the table shows. */
export const EXAMPLES_PAGE = 50;

/** Which program's failures "Only failures" keeps. */
export type FailuresOf = 'optimized' | 'baseline';

/** What the table's filters ask for; every part left out keeps everything. */
export interface ExampleFilter {
  /** Only the examples this program got wrong. */
  failures?: FailuresOf;
  /** Only the examples the optimization changed: wrong -> right or right -> wrong. */
  changed?: boolean;
  /** Only examples whose id, inputs, gold or answers contain this text (any case). */
  text?: string;
}

/** How the optimization changed an example: `fixed` (wrong -> right), `broken` (right -> wrong). */
export type Change = 'fixed' | 'broken';

/** An answer is correct when it passes the metric (a score of 1; partial credit is not a pass). */
export function isCorrect(answer: ExampleAnswer): boolean {
  return passes(answer.score);
}

const passes = (score: number): boolean => score >= 1;

/** What the optimization did to `row`; undefined when nothing changed or there is no baseline. */
export function changeOf(row: ExampleOutcome): Change | undefined {
  if (!row.baseline) return undefined;
  const before = isCorrect(row.baseline);
  const after = isCorrect(row.optimized);
  return before === after ? undefined : after ? 'fixed' : 'broken';
}

/** The rows `filter` keeps, in order. "Only failures" of the baseline keeps nothing where there is no baseline. */
export function filterExamples(rows: readonly ExampleOutcome[], filter: ExampleFilter): ExampleOutcome[] {
  const text = filter.text?.trim().toLowerCase() ?? '';
  return rows.filter((row) => {
    if (filter.failures) {
      const answer = row[filter.failures];
      if (!answer || isCorrect(answer)) return false;
    }
    if (filter.changed && !changeOf(row)) return false;
    return text === '' || haystack(row).includes(text);
  });
}

// A row's searchable text, built once per row (rows are immutable results).
const haystacks = new WeakMap<ExampleOutcome, string>();

function haystack(row: ExampleOutcome): string {
  let text = haystacks.get(row);
  if (text === undefined) {
    const values = [row.id, ...Object.values(row.inputs), ...Object.values(row.labels), ...Object.values(row.optimized.prediction), ...Object.values(row.baseline?.prediction ?? {})];
    text = values.map(cellText).join('\n').toLowerCase();
    haystacks.set(row, text);
  }
  return text;
}

/**
 * The fields a row's answers are compared on: the gold labels' names (the metric's field
 * among them), in first-seen order. Without labels, the answers' own fields but `reasoning`.
 */
export function answerFields(rows: readonly ExampleOutcome[]): string[] {
  const fields = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row.labels)) fields.add(k);
  if (fields.size === 0) for (const row of rows) for (const k of Object.keys(row.optimized.prediction)) if (k !== 'reasoning') fields.add(k);
  return [...fields];
}

/** The input fields of `rows`, in first-seen order. */
export function inputFields(rows: readonly ExampleOutcome[]): string[] {
  const fields = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row.inputs)) fields.add(k);
  return [...fields];
}

/** A value as the table and the CSV show it: text as is, lists and objects as JSON, nothing as empty. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

// OWASP's CSV-injection advice: a cell starting with one of these can run as a formula.
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * `text` made safe to open in a spreadsheet: a cell starting with `=`, `+`, `-`, `@`, a tab or
 * a carriage return gets a leading single quote, so it reads as text instead of running as a
 * formula (OWASP, "CSV Injection"). A plain number ("-1.5") is left alone: it is no formula.
 */
export function neutralizeCell(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/**
 * `rows` as CSV: id, inputs, gold, then each program's answer, score and error, and the
 * change. Every text cell is neutralized (`neutralizeCell`); papaparse does the quoting.
 */
export function examplesCsv(rows: readonly ExampleOutcome[]): string {
  const inputs = inputFields(rows);
  const answers = answerFields(rows);
  const withBaseline = rows.some((r) => r.baseline);
  const programs: ('baseline' | 'optimized')[] = withBaseline ? ['baseline', 'optimized'] : ['optimized'];
  const header = [
    'id',
    ...inputs.map((f) => `input ${f}`),
    ...answers.map((f) => `gold ${f}`),
    ...programs.flatMap((p) => [...answers.map((f) => `${p} ${f}`), `${p} score`, `${p} error`]),
    ...(withBaseline ? ['change'] : []),
  ];
  const body = rows.map((row) => [
    row.id,
    ...inputs.map((f) => row.inputs[f]),
    ...answers.map((f) => row.labels[f]),
    ...programs.flatMap((p) => answerCells(row[p], answers)),
    ...(withBaseline ? [changeOf(row) ?? ''] : []),
  ]);
  const safe = [header, ...body].map((cells) => cells.map((c) => (typeof c === 'number' ? c : neutralizeCell(cellText(c)))));
  return Papa.unparse(safe, { newline: '\r\n' });
}

function answerCells(answer: ExampleAnswer | undefined, fields: readonly string[]): unknown[] {
  if (!answer) return [...fields.map(() => ''), '', ''];
  const error = answer.unreadable ? 'unreadable answer' : answer.error ? `${answer.error.code}: ${answer.error.message}` : '';
  return [...fields.map((f) => answer.prediction[f]), answer.score, error];
}

/** The CSV file's name for `split` of the run named `runName`. */
export function examplesFileName(runName: string, split: 'val' | 'test'): string {
  const base = runName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  return `promptlab-${base || 'run'}-${split}-examples.csv`;
}

/** The final-scoring phases a call can be filed under. */
export type ScoringPhase = 'evaluate' | 'baseline';

/**
 * Scores of the final scoring by phase and example id, for the trace inspector's marks:
 * `evaluate` calls are the optimized program's (validation and test), `baseline` the
 * baseline's. A run without an optimizer scored its program once, as `evaluate`.
 */
export function scoringVerdicts(examples: ExampleOutcomes | undefined): Map<string, number> {
  const scores = new Map<string, number>();
  for (const row of [...(examples?.val ?? []), ...(examples?.test ?? [])]) {
    scores.set(verdictKey('evaluate', row.id), row.optimized.score);
    if (row.baseline) scores.set(verdictKey('baseline', row.id), row.baseline.score);
  }
  return scores;
}

/** Whether the example a call belongs to was answered correctly in that phase; undefined when unknown (other phases, old runs). */
export function verdictOf(scores: ReadonlyMap<string, number>, call: { phase?: string; exampleId?: string }): 'correct' | 'incorrect' | undefined {
  if ((call.phase !== 'evaluate' && call.phase !== 'baseline') || call.exampleId === undefined) return undefined;
  const score = scores.get(verdictKey(call.phase, call.exampleId));
  return score === undefined ? undefined : passes(score) ? 'correct' : 'incorrect';
}

function verdictKey(phase: ScoringPhase, exampleId: string): string {
  return `${phase}\u0000${exampleId}`;
}

/** A request from the per-example table to show one example's final-scoring calls in the trace inspector. */
export interface TraceTarget {
  exampleId: string;
  phase: ScoringPhase;
}
