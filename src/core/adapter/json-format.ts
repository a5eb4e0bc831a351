/**
 * Formatting a predictor call as chat messages, exactly as DSPy's JSONAdapter does.
 *
 * Reference: stanfordnlp/dspy `dspy/adapters/json_adapter.py`. JSONAdapter subclasses
 * ChatAdapter and overrides three methods; everything else (field list, objective, inputs
 * in `[[ ## name ## ]]` blocks, demo order and the "incomplete example" prefix) is the chat
 * format's, so we reuse format.ts and supply only these parts:
 * - `format_field_structure`: the inputs' blocks under "Inputs will have the following
 *   structure:", then the outputs as `json.dumps({name: placeholder}, indent=2)` under
 *   "Outputs will be a JSON object with the following fields." The placeholders carry the
 *   chat format's type notes (`translate_field_type`), JSON-escaped; there is no completed marker.
 * - `user_message_output_requirements`: "Respond with a JSON object in the following order of
 *   fields: `a`, then `b` (must be formatted as a valid Python float)."
 * - `format_assistant_message_content`: a demo's outputs as `json.dumps(outputs, indent=2)`,
 *   with the values as they are (a number stays a number), not the chat format's text.
 */
import type { ChatMessage } from '../lm/types';
import type { Demo } from '../program/types';
import type { Signature } from '../signature/types';
import { STRUCTURE_INTRO, demoOutputs, formatMessagesAs, inputPlaceholders, outputPlaceholder, typeHint, type OutputFormat } from './format';
import { pythonJsonDumps } from './json-text';

/** DSPy's JSONAdapter writes its JSON with `indent=2`. */
const JSON_INDENT = 2;

const JSON_FORMAT: OutputFormat = {
  structure: (sig) =>
    [
      STRUCTURE_INTRO,
      'Inputs will have the following structure:',
      inputPlaceholders(sig),
      'Outputs will be a JSON object with the following fields.',
      pythonJsonDumps(Object.fromEntries(sig.outputs.map((f) => [f.name, outputPlaceholder(f)])), JSON_INDENT),
    ]
      .join('\n\n')
      .trim(),
  requirements: (sig) =>
    `Respond with a JSON object in the following order of fields: ${sig.outputs.map((f) => `\`${f.name}\`${typeHint(f)}`).join(', then ')}.`,
  assistant: (sig, outputs) => pythonJsonDumps(Object.fromEntries(demoOutputs(sig, outputs, (value) => value)), JSON_INDENT),
};

/**
 * The messages for one predictor call in DSPy's JSONAdapter form: the chat format's system
 * message and user turns with a JSON structure section and reminder, and demos whose
 * assistant turns are JSON objects. Field names are Python identifiers, so the objects keep
 * the signature's field order.
 */
export function formatJsonMessages(sig: Signature, demos: readonly Demo[], inputs: Record<string, unknown>): ChatMessage[] {
  return formatMessagesAs(JSON_FORMAT, sig, demos, inputs);
}
