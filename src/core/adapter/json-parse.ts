/**
 * Reading a JSONAdapter completion back into typed output fields.
 *
 * Reference: DSPy's `JSONAdapter.parse` loads the completion with json_repair (or else the
 * first balanced `{...}` in it), keeps the output fields' keys, casts each value to its
 * annotation, and raises `AdapterParseError` when a field is missing.
 *
 * Ours, leniently, as the chat parser reads (parse.ts):
 * 1. The first JSON object with an output field's name as a key (any case): the bare answer,
 *    one inside ```json fences, or one in prose. Values are coerced like the chat parser's
 *    (labels in any case, numbers from strings; coerce.ts).
 * 2. When that gives no complete answer: the chat parser's readings (`[[ ## name ## ]]`
 *    markers, `name:` lines, a bare typed value). Servers that ignore the response format
 *    leave the model free to answer in the chat format it knows.
 * The error's details come from the JSON object when there is one: its missing and invalid
 * fields are what the model got wrong, whatever the chat readings make of the same text.
 */
import type { Signature } from '../signature/types';
import { compile, isComplete, parseError, readChatAnswer, readJsonObject } from './parse';

/**
 * Parses a completion asked for as a JSON object into the signature's output fields, typed.
 * Throws `PlaygroundError('ADAPTER_PARSE')` with `ParseFailureDetails` when a field is
 * missing or cannot be read as its type.
 */
export function parseJsonCompletion(sig: Signature, completion: string): Record<string, unknown> {
  const plan = compile(sig.outputs);
  const fromJson = readJsonObject(plan, completion);
  if (fromJson && isComplete(plan, fromJson)) return fromJson.values;
  const fromChat = readChatAnswer(plan, completion);
  if (isComplete(plan, fromChat)) return fromChat.values;
  const keys = plan.fields.map((f) => `"${f.name}"`).join(', ');
  throw parseError(completion, plan, fromJson ?? fromChat, `The model must answer with one JSON object with the keys ${keys}, in that order.`);
}
