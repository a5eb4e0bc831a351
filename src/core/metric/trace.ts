/**
 * Metrics that read the run's trace, not only its answer (HoVer's retrieval metric, and a
 * check that the answer is grounded in what was retrieved). They are built-in kinds, never
 * user code: nothing in a link is executable.
 *
 * Passages are read from the trace's `retrieve` steps (output `passages`, a list of strings).
 * A passage's **title** is, in this order:
 * - for a JSON object passage (`{"title": …}` or `{"id": …}`, as `toPassages` stores a corpus
 *   of objects): its `title`, else its `id`;
 * - the text before the first `" | "` (how HotPotQA's and DSPy's Wikipedia corpora store
 *   passages: `"Title | text"`);
 * - else the passage's first line, which is the whole passage when it has one line.
 *
 * Gold titles are a list, or one string of titles separated by `|`, `;` or line breaks (not
 * commas: Wikipedia titles hold them, as in "Paris, Texas"), or the JSON text of a list.
 * Titles compare after {@link normalizeTitle}.
 */
import type { TraceStep } from '../program/types';
import type { PassageChoice } from './types';
import { normalizeText, toText } from './text';

/**
 * A title normalized for comparison: case folded, underscores read as spaces (Wikipedia's URL
 * form `Gone_Girl_(film)` equals `Gone Girl (film)`), runs of whitespace as one space, ends
 * trimmed. Punctuation and articles are kept: a title is a name ("The Who", "M.I.L.F. $"), and
 * the text metrics' normalization would make "A" (the letter's article) empty.
 */
function normalizeTitle(title: string): string {
  return title.normalize('NFC').toLowerCase().replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The title (or id) of one passage, by the rule of the file comment. */
export function passageTitle(passage: string): string {
  const fromJson = jsonTitle(passage);
  if (fromJson !== undefined) return fromJson;
  const bar = passage.indexOf(' | ');
  if (bar >= 0) return passage.slice(0, bar);
  return passage.split('\n')[0] ?? '';
}

function jsonTitle(passage: string): string | undefined {
  if (!passage.trimStart().startsWith('{')) return undefined;
  try {
    const o = JSON.parse(passage) as unknown;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
    const { title, id } = o as Record<string, unknown>;
    if (typeof title === 'string' || typeof title === 'number') return String(title);
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  } catch {
    // Not JSON after all: a passage that starts with a brace.
  }
  return undefined;
}

/** The gold titles of a label value (a list, a delimited string or a JSON list), normalized, without repeats or blanks. */
export function goldTitles(gold: unknown): string[] {
  let items: unknown[];
  if (Array.isArray(gold)) items = gold;
  else {
    const text = toText(gold);
    items = parseJsonList(text) ?? text.split(/[|;\n]/);
  }
  return [...new Set(items.map((t) => normalizeTitle(toText(t))).filter((t) => t !== ''))];
}

function parseJsonList(text: string): unknown[] | undefined {
  if (!text.trimStart().startsWith('[')) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The passages the chosen retrieve steps of `trace` returned, the first `k` of each, in trace order. */
export function retrievedPassages(trace: readonly TraceStep[], choice: PassageChoice): string[] {
  const out: string[] = [];
  for (const step of trace) {
    if (step.kind !== 'retrieve' || (choice.steps && !choice.steps.includes(step.stepId))) continue;
    const passages = step.outputs.passages;
    if (!Array.isArray(passages)) continue;
    out.push(...passages.slice(0, choice.k ?? passages.length).map(toText));
  }
  return out;
}

/** Recall of the gold titles among the passages' titles: |gold ∩ retrieved| / |gold|. No gold title scores 0. */
export function retrievalRecall(passages: readonly string[], gold: unknown): number {
  const wanted = goldTitles(gold);
  if (wanted.length === 0) return 0;
  const found = new Set(passages.map((p) => normalizeTitle(passageTitle(p))));
  return wanted.filter((t) => found.has(t)).length / wanted.length;
}

/**
 * 1 when the normalized answer appears, as whole words, in one of the normalized passages
 * (all of each passage, title included), else 0. An empty answer scores 0.
 */
export function answerInContext(passages: readonly string[], answer: unknown): number {
  const a = normalizeText(toText(answer));
  if (a === '') return 0;
  return passages.some((p) => ` ${normalizeText(p)} `.includes(` ${a} `)) ? 1 : 0;
}
