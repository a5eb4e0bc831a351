/**
 * Formatting a predictor call as chat messages, exactly as DSPy's ChatAdapter does.
 *
 * Reference: stanfordnlp/dspy `dspy/adapters/chat_adapter.py`, `base.py` (`format`,
 * `format_demos`) and `utils.py` (`format_field_value`, `translate_field_type`,
 * `get_field_description_string`), DSPy 2.6/3.0. We match the text byte for byte (spacing,
 * the trailing space after "your objective is:", the 8-space indent of the instruction, the
 * "Not supplied for this particular example. " filler with its trailing space) so that a
 * program exported to DSPy sends the prompts it was optimized with.
 *
 * Choices where our data differs from DSPy's:
 * - A `null` field value counts as absent (DSPy renders `None`): demos with nulls are incomplete.
 * - Demos lacking every input or every output are skipped, as DSPy does; incomplete demos come
 *   before complete ones, as DSPy orders them.
 * - JSON values render on one line with Python's `", "`/`": "` separators (DSPy's
 *   `json.dumps`), not pretty-printed.
 *
 * DSPy's JSONAdapter subclasses ChatAdapter and overrides three parts only (the structure
 * section, the closing reminder, the demos' assistant turns); {@link OutputFormat} names
 * those parts, so json-format.ts supplies its own and shares the rest.
 */
import type { ChatMessage } from '../lm/types';
import type { Demo } from '../program/types';
import type { FieldSpec, Signature } from '../signature/types';
import { annotationName, descriptionOf, kindOf, outputConstraint } from './field-types';
import { pythonJsonDumps } from './json-text';

/** DSPy's prefix for a demo that lacks some fields. */
const INCOMPLETE_DEMO_PREFIX = 'This is an example of the task, though some input or output fields are not supplied.';
/** DSPy's filler for an output a demo lacks (the trailing space is DSPy's). */
const MISSING_FIELD_TEXT = 'Not supplied for this particular example. ';
/** The end-of-answer marker. */
export const COMPLETED_MARKER = '[[ ## completed ## ]]';

export const STRUCTURE_INTRO = 'All interactions will be structured in the following way, with the appropriate values filled in.';
const OBJECTIVE_INDENT = '\n        ';
const NOTE_INDENT = '        ';

/** The parts of the prompt where DSPy's adapters differ (the methods JSONAdapter overrides). */
export interface OutputFormat {
  /** The system message's structure section (`format_field_structure`). */
  structure(sig: Signature): string;
  /** The reminder closing the final user turn (`user_message_output_requirements`). */
  requirements(sig: Signature): string;
  /** A demo's assistant turn (`format_assistant_message_content`). */
  assistant(sig: Signature, outputs: Record<string, unknown>): string;
}

/**
 * The messages for one predictor call: the system message (fields, structure, objective),
 * a user/assistant pair per usable demo, and the final user turn with `inputs` and the
 * reminder of the output format.
 */
export function formatMessages(sig: Signature, demos: readonly Demo[], inputs: Record<string, unknown>): ChatMessage[] {
  return formatMessagesAs(CHAT_FORMAT, sig, demos, inputs);
}

/** {@link formatMessages} with another adapter's output parts (DSPy's `Adapter.format`). */
export function formatMessagesAs(
  format: OutputFormat,
  sig: Signature,
  demos: readonly Demo[],
  inputs: Record<string, unknown>,
): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: formatSystemMessage(format, sig) }];
  const complete: Demo[] = [];
  const incomplete: Demo[] = [];
  for (const demo of demos) {
    const f = demo.fields;
    if (sig.inputs.every((x) => has(f, x.name)) && sig.outputs.every((x) => has(f, x.name))) complete.push(demo);
    else if (sig.inputs.some((x) => has(f, x.name)) && sig.outputs.some((x) => has(f, x.name))) incomplete.push(demo);
  }
  for (const demo of incomplete) {
    messages.push({ role: 'user', content: formatUserContent(sig, demo.fields, INCOMPLETE_DEMO_PREFIX) });
    messages.push({ role: 'assistant', content: format.assistant(sig, demo.fields) });
  }
  for (const demo of complete) {
    messages.push({ role: 'user', content: formatUserContent(sig, demo.fields, '') });
    messages.push({ role: 'assistant', content: format.assistant(sig, demo.fields) });
  }
  messages.push({ role: 'user', content: formatUserContent(sig, inputs, '', format.requirements(sig)) });
  return messages;
}

/**
 * One field value as the model sees it (DSPy's `format_field_value`): strings as-is,
 * numbers as text, booleans as `True`/`False`, a list in a string field as numbered
 * `[1] «passage»` lines, other lists and objects as one-line JSON.
 */
export function formatFieldValue(value: unknown, field: FieldSpec): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && kindOf(field) === 'string') return formatPassages(value);
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'object') return pythonJsonDumps(value);
  return String(value);
}

/** The system message: field list, structure block and objective (DSPy's `format_system_message`). */
function formatSystemMessage(format: OutputFormat, sig: Signature): string {
  return `${formatFieldDescription(sig)}\n${format.structure(sig)}\n${formatObjective(sig.instruction)}`;
}

/** ChatAdapter's parts: `[[ ## name ## ]]` blocks for outputs too, closed by the completed marker. */
const CHAT_FORMAT: OutputFormat = {
  structure: (sig) => {
    const outputs = fieldBlocks(sig.outputs.map((f) => [f.name, outputPlaceholder(f)]));
    return [STRUCTURE_INTRO, inputPlaceholders(sig), outputs, `${COMPLETED_MARKER}\n`].join('\n\n').trim();
  },
  requirements: (sig) => {
    const fields = sig.outputs.map((f) => `\`[[ ## ${f.name} ## ]]\`${typeHint(f)}`);
    return `Respond with the corresponding output fields, starting with the field ${fields.join(', then ')}, and then ending with the marker for \`${COMPLETED_MARKER}\`.`;
  },
  assistant: (sig, outputs) => `${fieldBlocks(demoOutputs(sig, outputs, formatFieldValue))}\n\n${COMPLETED_MARKER}\n`,
};

/**
 * The structure block alone: every field as `[[ ## name ## ]]` with its `{name}` placeholder
 * (plus DSPy's type note for typed outputs), ending with the completed marker.
 */
export function formatStructure(sig: Signature): string {
  return CHAT_FORMAT.structure(sig);
}

/** The input half of the structure section, which both adapters write as `[[ ## name ## ]]\n{name}` blocks. */
export function inputPlaceholders(sig: Signature): string {
  return fieldBlocks(sig.inputs.map((f) => [f.name, `{${f.name}}`]));
}

/** An output's `{name}` placeholder, with DSPy's type note for typed outputs (`translate_field_type`). */
export function outputPlaceholder(field: FieldSpec): string {
  const note = outputConstraint(field);
  return note ? `{${field.name}}${NOTE_INDENT}# note: the value you produce ${note}` : `{${field.name}}`;
}

/** The reminder's type hint after an output's name, empty for strings. */
export function typeHint(field: FieldSpec): string {
  return kindOf(field) === 'string' ? '' : ` (must be formatted as a valid Python ${annotationName(field)})`;
}

/**
 * A demo's outputs in signature order as `[name, value]`, `render`ed; an output the demo
 * lacks reads DSPy's "Not supplied" filler instead (both adapters pass it for incomplete demos).
 */
export function demoOutputs<T>(
  sig: Signature,
  outputs: Record<string, unknown>,
  render: (value: unknown, field: FieldSpec) => T,
): [string, T | string][] {
  return sig.outputs.map((f) => [f.name, has(outputs, f.name) ? render(outputs[f.name], f) : MISSING_FIELD_TEXT]);
}

function formatUserContent(sig: Signature, values: Record<string, unknown>, prefix: string, requirements?: string): string {
  const parts = [prefix];
  for (const f of sig.inputs) {
    if (has(values, f.name)) parts.push(`[[ ## ${f.name} ## ]]\n${formatFieldValue(values[f.name], f)}`);
  }
  if (requirements !== undefined) parts.push(requirements);
  // DSPy appends an empty suffix and strips the joined text; trimming reproduces both.
  return parts.join('\n\n').trim();
}

function formatFieldDescription(sig: Signature): string {
  return `Your input fields are:\n${describeFields(sig.inputs)}\nYour output fields are:\n${describeFields(sig.outputs)}`;
}

function describeFields(fields: readonly FieldSpec[]): string {
  return fields.map((f, i) => `${i + 1}. \`${f.name}\` (${annotationName(f)}): ${descriptionOf(f)}`).join('\n').trim();
}

function formatObjective(instruction: string): string {
  return `In adhering to this structure, your objective is: ${['', ...splitLines(dedent(instruction))].join(OBJECTIVE_INDENT)}`;
}

function fieldBlocks(entries: readonly (readonly [string, string])[]): string {
  return entries.map(([name, text]) => `[[ ## ${name} ## ]]\n${text}`).join('\n\n').trim();
}

function formatPassages(items: readonly unknown[]): string {
  if (items.length === 0) return 'N/A';
  const text = (item: unknown) => (typeof item === 'string' ? item : formatFieldValue(item, JSON_FIELD));
  if (items.length === 1) return blob(text(items[0]));
  return items.map((item, i) => `[${i + 1}] ${blob(text(item))}`).join('\n');
}

const JSON_FIELD: FieldSpec = { name: 'item', type: 'json' };

/** DSPy's `_format_blob`: «text» on one line, or an indented «««…»»» block. */
function blob(text: string): string {
  if (!text.includes('\n') && !text.includes('«') && !text.includes('»')) return `«${text}»`;
  return `«««\n    ${text.replace(/\n/g, '\n    ')}\n»»»`;
}

function has(values: Record<string, unknown>, name: string): boolean {
  const v = values[name];
  return v !== undefined && v !== null;
}

/** Python's `str.splitlines()` for the usual line breaks (no trailing empty line). */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Python's `textwrap.dedent`: removes the common leading whitespace; blank lines become empty. */
function dedent(text: string): string {
  const lines = text.split('\n');
  let common: string | undefined;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const indent = /^[ \t]*/.exec(line)![0];
    if (common === undefined || !indent.startsWith(common)) {
      common = commonPrefix(common ?? indent, indent);
    }
  }
  const cut = common?.length ?? 0;
  return lines.map((line) => (line.trim() === '' ? '' : line.slice(cut))).join('\n');
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}
