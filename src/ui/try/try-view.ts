/**
 * Pure helpers of the "Try the program" panel: which box an input field gets, how a program's
 * answer is labelled, and a program step's call as the call view shows it.
 */
import type { ErrorData } from '../../core/errors';
import type { FieldSpec } from '../../core/signature';
import type { TraceStep } from '../../core/program';
import type { TryWhich } from '../../core/runner';
import type { CallRow } from '../run/trace-view';

/** Field names (and words in descriptions) that hold long text: they get a multi-line box. */
const LONG_TEXT = /\b(context|passages?|document|doc|article|text|body|content|paragraphs?|story|essay|email|review|transcript|code|history|notes?)\b/i;

/**
 * Whether a program input gets a multi-line box: lists and JSON do, and text fields whose
 * name or description says long text (context, passage, document...). Numbers, booleans,
 * labels and short text (a question, a measurement) get one line.
 */
export function isMultiline(field: FieldSpec): boolean {
  if (field.type === 'list' || field.type === 'json') return true;
  if (field.type !== undefined && field.type !== 'string') return false;
  const words = `${field.name.replace(/_/g, ' ')} ${field.description ?? ''}`;
  return LONG_TEXT.test(words);
}

/** The index of the last one-line box (Enter there runs the program), -1 when every box is multi-line. */
export function lastLineIndex(fields: readonly FieldSpec[]): number {
  for (let i = fields.length - 1; i >= 0; i--) if (!isMultiline(fields[i]!)) return i;
  return -1;
}

/** How each program's answer is titled. */
export const WHICH_LABEL: Record<TryWhich, string> = {
  optimized: 'Optimized',
  baseline: 'Baseline',
  current: 'Current program',
};

/** The one line under each title. */
export const WHICH_NOTE: Record<TryWhich, string> = {
  optimized: 'With its optimized instructions and demos.',
  baseline: 'The same program before optimizing.',
  current: 'The program as set up here.',
};

/** A predictor step's call as the call view shows it; retrieve steps made no call. */
export function callRowOf(step: TraceStep): CallRow | undefined {
  const lm = step.lm;
  if (!lm) return undefined;
  const row: CallRow = { stepId: step.stepId, messages: lm.messages, completion: lm.completion, usage: lm.usage, cached: lm.cached };
  if (lm.temperature !== undefined) row.temperature = lm.temperature;
  if (lm.maxTokens !== undefined) row.maxTokens = lm.maxTokens;
  if (lm.responseFormat) row.responseFormat = lm.responseFormat;
  if (lm.finishReason) row.finishReason = lm.finishReason;
  if (step.error?.code === 'ADAPTER_PARSE') row.unreadable = { message: step.error.message, missing: [], invalid: [], cutOff: lm.finishReason === 'length' };
  return row;
}

/** An output value as text (lists one item a line, objects as JSON). */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(showValue).join('\n');
  return v === undefined || v === null ? '' : JSON.stringify(v);
}

/** Why a try cannot run: no task model, naming the one the program was optimized with. */
export function noModelError(wanted: string | undefined): ErrorData {
  return {
    code: 'CONFIG_INVALID',
    message: wanted ? `No task model is set up. This program was optimized with "${wanted}".` : 'No task model is set up.',
    hint: wanted ? `Set up "${wanted}" (or another model) as the task model in Models, then press Run.` : 'Choose a task model in Models (an API endpoint with its key, or a local model), then press Run.',
  };
}
