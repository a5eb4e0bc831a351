/**
 * One predictor call in a given output mode: the messages, the response format, the stop
 * sequence and the token cap to send, and the parser to read the answer with.
 *
 * | mode          | messages    | response_format                           | stop                    |
 * |---------------|-------------|-------------------------------------------|-------------------------|
 * | `chat`        | ChatAdapter | none                                      | `[[ ## completed ## ]]` |
 * | `json`        | JSONAdapter | `{ type: 'json_object' }`                 | none                    |
 * | `json_schema` | JSONAdapter | the signature's schema, strict (as DSPy)  | none                    |
 *
 * A signature with a `json` output has no strict schema (an open mapping), so `json_schema`
 * asks for a JSON object then, as DSPy's JSONAdapter does.
 *
 * `max_tokens` comes from the signature, so a small model never rambles past its answer: a
 * label needs a few tokens, a number a dozen; `reasoning` gets the model entry's
 * `maxReasoningTokens`, and other free text {@link TEXT_OUTPUT_TOKENS}. Without a tokenizer,
 * tokens are estimated generously from characters (about 2.5 per token for labels and field
 * names, which tokenizers split more finely than prose), plus the markers around each field.
 */
import type { ChatMessage, LMRequest, ResolvedOutput } from '../lm/types';
import type { Demo } from '../program/types';
import type { FieldSpec, Signature } from '../signature/types';
import { COMPLETED_MARKER, formatMessages } from './format';
import { kindOf } from './field-types';
import { formatJsonMessages } from './json-format';
import { parseJsonCompletion } from './json-parse';
import { outputSchema } from './json-schema';
import { parseCompletion } from './parse';

/** A free-text output other than `reasoning` (an answer, a summary) is capped here. */
const TEXT_OUTPUT_TOKENS = 1024;
/** The name DSPy's JSONAdapter gives its structured-output schema. */
const SCHEMA_NAME = 'DSPyProgramOutputs';
/** Tokens per field for its marker (`[[ ## name ## ]]` and blank lines) or JSON key and quotes. */
const FIELD_OVERHEAD = { chat: 10, json: 6 } as const;
/** Tokens for the end of the answer: the completed marker (cut by the stop sequence) or the braces. */
const CLOSING = { chat: 12, json: 4 } as const;
/** Slack for a stray space or newline a model adds. */
const SLACK = 8;

/** The parts of an LM request a mode decides. */
export type OutputRequest = Pick<LMRequest, 'messages' | 'maxTokens' | 'stop' | 'responseFormat'>;

/** The request parts for one predictor call in `output` mode. */
export function outputRequest(
  output: ResolvedOutput,
  sig: Signature,
  demos: readonly Demo[],
  inputs: Record<string, unknown>,
  maxReasoningTokens: number,
): OutputRequest {
  const maxTokens = outputTokenBudget(sig, output, maxReasoningTokens);
  if (output === 'chat') return { messages: formatMessages(sig, demos, inputs), maxTokens, stop: [COMPLETED_MARKER] };
  const messages: ChatMessage[] = formatJsonMessages(sig, demos, inputs);
  const strict = output === 'json_schema' && !sig.outputs.some((f) => kindOf(f) === 'json');
  const responseFormat: LMRequest['responseFormat'] = strict
    ? { type: 'json_schema', name: SCHEMA_NAME, schema: outputSchema(sig), strict: true }
    : { type: 'json_object' };
  return { messages, maxTokens, responseFormat };
}

/** Reads an answer given in `output` mode (both parsers also read the other's form). */
export function parseOutput(output: ResolvedOutput, sig: Signature, completion: string): Record<string, unknown> {
  return output === 'chat' ? parseCompletion(sig, completion) : parseJsonCompletion(sig, completion);
}

/** The most tokens a complete answer to `sig` needs in `output` mode. */
export function outputTokenBudget(sig: Signature, output: ResolvedOutput, maxReasoningTokens: number): number {
  const style = output === 'chat' ? 'chat' : 'json';
  let total = CLOSING[style] + SLACK;
  for (const field of sig.outputs) total += FIELD_OVERHEAD[style] + charTokens(field.name) + valueTokens(field, maxReasoningTokens);
  return total;
}

function valueTokens(field: FieldSpec, maxReasoningTokens: number): number {
  switch (kindOf(field)) {
    case 'labels':
      return Math.max(1, ...(field.labels ?? []).map(charTokens)) + 2;
    case 'number':
      return 12;
    case 'boolean':
      return 3;
    case 'string':
      return field.name === 'reasoning' ? maxReasoningTokens : TEXT_OUTPUT_TOKENS;
    case 'list':
    case 'json':
      return TEXT_OUTPUT_TOKENS;
  }
}

/** A generous token estimate for short identifiers and labels. */
function charTokens(text: string): number {
  return Math.ceil(text.length / 2.5) + 1;
}
