/**
 * What the trace inspector shows of one stored LM call besides its messages: the answer
 * format it was asked in, its token cap, whether it was cut off there, and why its answer
 * could not be read. Pure functions over a trace row (stored or from a bundle), so rows
 * stored before these fields existed read as chat calls with nothing to flag.
 */
import type { CallPhase } from '../../core/lm';
import type { BundleTrace } from '../bundle';
import type { TraceTarget } from './example-table';

type TraceFacts = Pick<BundleTrace, 'responseFormat' | 'maxTokens' | 'finishReason' | 'unreadable' | 'usage'>;

/** What the call view shows of one LM call: a stored trace row, or a step of a program just run. */
export type CallRow = TraceFacts & Pick<BundleTrace, 'stepId' | 'messages' | 'completion' | 'cached' | 'temperature'>;

/** The answer format a call asked for, as the inspector names it. */
export type TraceFormat = 'chat' | 'JSON schema' | 'JSON object';

/** How a call is labelled in the inspector. */
export interface TraceCallView {
  format: TraceFormat;
  /** "256 token cap"; absent when the call sent no cap. */
  cap?: string;
  /** "cut off at 256 tokens" when generation stopped at the cap. */
  cutOff?: string;
  /** Why the answer could not be read, in a line; absent when it was read. */
  unreadable?: string;
}

/**
 * A call without a response format asked for free text: the chat adapter's sections, or a
 * proposer's or judge's plain answer. Rows stored before formats were recorded are chat
 * calls too: every call was, then.
 */
function traceFormat(row: Pick<TraceFacts, 'responseFormat'>): TraceFormat {
  if (row.responseFormat === 'json_schema') return 'JSON schema';
  if (row.responseFormat === 'json_object') return 'JSON object';
  return 'chat';
}

/** The inspector's labels for one call. */
export function traceCallView(row: TraceFacts): TraceCallView {
  const view: TraceCallView = { format: traceFormat(row) };
  if (row.maxTokens !== undefined) view.cap = `${row.maxTokens} token cap`;
  // Without a recorded cap the model's own count says where it stopped.
  if (row.finishReason === 'length') view.cutOff = `cut off at ${row.maxTokens ?? row.usage.completionTokens} tokens`;
  if (row.unreadable) view.unreadable = unreadableReason(row.unreadable);
  return view;
}

/**
 * A short reason from a parse failure's fields ("missing "species""); the parser's whole
 * message when it named no field (it quotes the answer, which the inspector shows anyway).
 */
function unreadableReason(u: NonNullable<TraceFacts['unreadable']>): string {
  const parts = [
    ...(u.missing.length > 0 ? [`missing ${u.missing.map((f) => `"${f}"`).join(', ')}`] : []),
    ...u.invalid.map((i) => `"${i.field}" invalid${i.reason ? ` (${i.reason})` : ''}`),
    ...(u.cutOff ? ['the answer was cut off at its token cap'] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : u.message;
}

/** How many of `rows` could not be read. */
export function unreadableCount(rows: readonly Pick<TraceFacts, 'unreadable'>[]): number {
  return rows.reduce((n, r) => n + (r.unreadable ? 1 : 0), 0);
}

// A call's searchable text, built once per row (loaded rows are not changed).
const searchText = new WeakMap<object, string>();

/**
 * Whether a call's messages, answer, step or example contain `text` (any case); every call
 * matches an empty search.
 */
export function traceMatches(row: Pick<BundleTrace, 'messages' | 'completion' | 'stepId' | 'exampleId'>, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (needle === '') return true;
  let hay = searchText.get(row);
  if (hay === undefined) {
    hay = [row.stepId, row.exampleId ?? '', row.completion, ...row.messages.map((m) => m.content)].join('\n').toLowerCase();
    searchText.set(row, hay);
  }
  return hay.includes(needle);
}

/**
 * A jump into the inspector: one example's final-scoring calls (from the per-example table),
 * or every call of one search trial (from the score chart or the trial table). A new object
 * jumps again, even to the same place.
 */
export type TraceFocus = TraceTarget | { trialIndex: number };

/** The inspector's filters after a jump, and whether its first call opens by itself. */
export interface FocusFilters {
  phase: CallPhase | '';
  /** The trial select's value: a trial index, or '' for all. */
  trial: string;
  example: string;
  openFirst: boolean;
}

/**
 * The filters a jump sets; every other filter is cleared. An example's scoring is one call,
 * shown open; a trial's calls are many (one per example of its minibatch or of the validation
 * set), listed closed.
 */
export function focusFilters(focus: TraceFocus): FocusFilters {
  if ('trialIndex' in focus) return { phase: '', trial: String(focus.trialIndex), example: '', openFirst: false };
  return { phase: focus.phase, trial: '', example: focus.exampleId, openFirst: true };
}
