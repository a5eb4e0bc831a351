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

const STRUCTURE_INTRO = 'All interactions will be structured in the following way, with the appropriate values filled in.';
const OBJECTIVE_INDENT = '\n        ';
const NOTE_INDENT = '        ';

/**
 * The messages for one predictor call: the system message (fields, structure, objective),
 * a user/assistant pair per usable demo, and the final user turn with `inputs` and the
 * reminder of the output format.
 */
export function formatMessages(sig: Signature, demos: readonly Demo[], inputs: Record<string, unknown>): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: formatSystemMessage(sig) }];
  const complete: Demo[] = [];
  const incomplete: Demo[] = [];
  for (const demo of demos) {
    const f = demo.fields;
    if (sig.inputs.every((x) => has(f, x.name)) && sig.outputs.every((x) => has(f, x.name))) complete.push(demo);
    else if (sig.inputs.some((x) => has(f, x.name)) && sig.outputs.some((x) => has(f, x.name))) incomplete.push(demo);
  }
  for (const demo of incomplete) {
    messages.push({ role: 'user', content: formatUserContent(sig, demo.fields, INCOMPLETE_DEMO_PREFIX, false) });
    messages.push({ role: 'assistant', content: formatAssistantContent(sig, demo.fields) });
  }
  for (const demo of complete) {
    messages.push({ role: 'user', content: formatUserContent(sig, demo.fields, '', false) });
    messages.push({ role: 'assistant', content: formatAssistantContent(sig, demo.fields) });
  }
  messages.push({ role: 'user', content: formatUserContent(sig, inputs, '', true) });
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
function formatSystemMessage(sig: Signature): string {
  return `${formatFieldDescription(sig)}\n${formatStructure(sig)}\n${formatObjective(sig.instruction)}`;
}

/**
 * The structure block alone: every field as `[[ ## name ## ]]` with its `{name}` placeholder
 * (plus DSPy's type note for typed outputs), ending with the completed marker.
 */
export function formatStructure(sig: Signature): string {
  const inputs = fieldBlocks(sig.inputs.map((f) => [f.name, `{${f.name}}`]));
  const outputs = fieldBlocks(
    sig.outputs.map((f) => {
      const note = outputConstraint(f);
      return [f.name, note ? `{${f.name}}${NOTE_INDENT}# note: the value you produce ${note}` : `{${f.name}}`];
    }),
  );
  return [STRUCTURE_INTRO, inputs, outputs, `${COMPLETED_MARKER}\n`].join('\n\n').trim();
}

/** DSPy's reminder closing the final user turn, naming the outputs in order with type hints. */
function outputRequirements(sig: Signature): string {
  const fields = sig.outputs.map((f) => {
    const hint = kindOf(f) === 'string' ? '' : ` (must be formatted as a valid Python ${annotationName(f)})`;
    return `\`[[ ## ${f.name} ## ]]\`${hint}`;
  });
  return `Respond with the corresponding output fields, starting with the field ${fields.join(', then ')}, and then ending with the marker for \`${COMPLETED_MARKER}\`.`;
}

/** The assistant turn for `outputs` (output blocks, then the completed marker). */
function formatAssistantContent(sig: Signature, outputs: Record<string, unknown>): string {
  const blocks = fieldBlocks(
    sig.outputs.map((f) => [f.name, has(outputs, f.name) ? formatFieldValue(outputs[f.name], f) : MISSING_FIELD_TEXT]),
  );
  return `${blocks}\n\n${COMPLETED_MARKER}\n`;
}

function formatUserContent(sig: Signature, values: Record<string, unknown>, prefix: string, mainRequest: boolean): string {
  const parts = [prefix];
  for (const f of sig.inputs) {
    if (has(values, f.name)) parts.push(`[[ ## ${f.name} ## ]]\n${formatFieldValue(values[f.name], f)}`);
  }
  if (mainRequest) parts.push(outputRequirements(sig));
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
