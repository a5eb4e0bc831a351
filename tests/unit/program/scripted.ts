/**
 * Helpers for program and evaluation tests: read what a scripted model was asked, and answer
 * in the chat adapter's `[[ ## field ## ]]` format. Written against the prompt text, not the
 * adapter's internals, so the tests check what a real model would see.
 */
import type { LMRequest } from '../../../src/core/lm/types';
export { thrown } from '../errors';

/** The last user message of a request: the inputs of the call being made. */
export function lastUser(req: LMRequest): string {
  return [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

/** The system message (field list, structure, objective). */
export function systemOf(req: LMRequest): string {
  return req.messages[0]?.role === 'system' ? req.messages[0].content : '';
}

/**
 * The value of block `[[ ## name ## ]]` in a message: the text up to the next block, the
 * closing reminder ("Respond with ...") or the end.
 */
export function block(text: string, name: string): string | undefined {
  const header = `[[ ## ${name} ## ]]\n`;
  const start = text.indexOf(header);
  if (start < 0) return undefined;
  const rest = text.slice(start + header.length);
  const end = rest.search(/\n\n(\[\[ ## |Respond with the corresponding output fields)/);
  return (end < 0 ? rest : rest.slice(0, end)).trim();
}

/**
 * The passages in a `context` block: DSPy's numbered form (`[1] «...»`, for a list in a
 * string field) or a JSON list (for a field typed `list`).
 */
export function passages(value: string | undefined): string[] {
  if (!value) return [];
  if (value.startsWith('[') && !value.startsWith('[1]')) return JSON.parse(value) as string[];
  return [...value.matchAll(/\[\d+\] «([\s\S]*?)»(?=\n\[\d+\] «|$)/g)].map((m) => m[1]!);
}

/** The output field names a request asks for, in order (read from the closing reminder). */
export function askedOutputs(req: LMRequest): string[] {
  const reminder = /Respond with the corresponding output fields, (.*)$/s.exec(lastUser(req))?.[1] ?? '';
  return [...reminder.matchAll(/`\[\[ ## (\w+) ## \]\]`/g)].map((m) => m[1]!).filter((n) => n !== 'completed');
}

/** A well-formed answer with the given output blocks and the completed marker. */
export function answer(fields: Record<string, string>): string {
  return `${Object.entries(fields)
    .map(([k, v]) => `[[ ## ${k} ## ]]\n${v}`)
    .join('\n\n')}\n\n[[ ## completed ## ]]`;
}

/** Awaits `p` and returns what it rejects with, or fails the test when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a rejection, but the promise resolved');
}
