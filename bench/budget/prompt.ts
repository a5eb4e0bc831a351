/**
 * Reading a chat-adapter prompt the way the benchmark's scripted models need it, and writing
 * their answers. A scripted model only looks at what a real model would see: the instruction
 * (the system message's objective), the demos (the assistant turns between the system message
 * and the final user turn) and the final user turn's input fields.
 */
import type { LMRequest } from '../../src/core/lm';

/** What a scripted task model reads from one request. */
export interface Prompt {
  /** The objective at the end of the system message (the predictor's instruction). */
  instruction: string;
  /** Output field values of each demo (from the assistant turns). */
  demos: Record<string, string>[];
  /** Input field values of the final user turn. */
  inputs: Record<string, string>;
  /** Output fields the system message asks for, in order (`reasoning` first for chain of thought). */
  outputs: string[];
}

const OBJECTIVE = 'your objective is:';

export function readPrompt(req: LMRequest): Prompt {
  const system = req.messages[0]?.content ?? '';
  const at = system.indexOf(OBJECTIVE);
  const last = req.messages.at(-1)?.content ?? '';
  return {
    instruction: at >= 0 ? system.slice(at + OBJECTIVE.length).trim() : '',
    demos: req.messages.slice(1, -1).filter((m) => m.role === 'assistant').map((m) => blocks(m.content)),
    inputs: blocks(last),
    outputs: outputFields(system),
  };
}

/** The `[[ ## name ## ]]` blocks of a message, each with its first line of text. */
export function blocks(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/\[\[ ## (\w+) ## \]\]\n([^\n]*)/g)) out[m[1]!] ??= m[2]!.trim();
  return out;
}

function outputFields(system: string): string[] {
  const start = system.indexOf('Your output fields are:');
  const end = system.indexOf('All interactions will be structured');
  if (start < 0) return [];
  return [...system.slice(start, end < 0 ? undefined : end).matchAll(/^\d+\. `(\w+)`/gm)].map((m) => m[1]!);
}

/** An answer in the chat format: the fields in order, then the completed marker. */
export function answer(fields: Record<string, string>): string {
  return `${Object.entries(fields).map(([k, v]) => `[[ ## ${k} ## ]]\n${v}`).join('\n\n')}\n\n[[ ## completed ## ]]`;
}

/** Distinct values of `field` among the demos. */
export function demoLabels(p: Prompt, field: string): Set<string> {
  return new Set(p.demos.map((d) => d[field]).filter((v): v is string => v !== undefined && v !== ''));
}
