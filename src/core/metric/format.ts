/**
 * `formatted_answer`: the right answer **in the form a rule asks for**, where the rule depends
 * on what kind of answer it is. This is the metric of our HotPotQA Conditional task (the
 * paper's conditional HotPotQA data is not public): the program must both answer correctly and
 * follow formatting rules that the initial instruction does not state, so an optimizer has to
 * discover them from the metric, which is where instruction optimization matters most.
 *
 * The kind of answer is read from the **gold** answer, so it is checkable without a model:
 * - `yes_no`: the gold is "yes" or "no" (after text normalization);
 * - `number`: the gold contains a digit (a count, a year, a date);
 * - `other`: everything else (names, places, titles).
 *
 * Each kind has a format; the defaults ({@link DEFAULT_ANSWER_FORMATS}) are: yes/no in capitals
 * ("YES"), numbers and dates in square brackets ("[1998]"), other answers in lower case
 * ("paris"). A prediction scores 1 when it has the format its gold's kind asks for **and**
 * matches the gold by exact match (SQuAD normalization, so the brackets and case do not count
 * against it); else 0. With several gold answers, the best one counts.
 */
import { exactMatch, normalizeText, toText } from './text';

/** What kind of answer a gold answer is (see the file comment). */
export type AnswerKind = 'yes_no' | 'number' | 'other';

/** The forms an answer can be asked for: all capitals, all lower case, in square brackets, or any. */
export const ANSWER_FORMATS = ['uppercase', 'lowercase', 'brackets', 'any'] as const;
/** A form an answer must have. */
export type AnswerFormat = (typeof ANSWER_FORMATS)[number];
/** The kinds of answer a rule can be given for. */
export const ANSWER_KINDS: readonly AnswerKind[] = ['yes_no', 'number', 'other'];

/** The rules of HotPotQA Conditional: yes/no in capitals, numbers in brackets, the rest lower case. */
export const DEFAULT_ANSWER_FORMATS: Readonly<Record<AnswerKind, AnswerFormat>> = { yes_no: 'uppercase', number: 'brackets', other: 'lowercase' };

/** The kind of a gold answer. */
export function answerKind(gold: unknown): AnswerKind {
  const text = toText(gold);
  const norm = normalizeText(text);
  if (norm === 'yes' || norm === 'no') return 'yes_no';
  return /\d/.test(text) ? 'number' : 'other';
}

/** True when `answer` has the form `format` asks for. */
function hasFormat(answer: string, format: AnswerFormat): boolean {
  const a = answer.trim();
  const letters = /\p{L}/u.test(a);
  switch (format) {
    case 'uppercase':
      return letters && a === a.toUpperCase();
    case 'lowercase':
      return letters && a === a.toLowerCase();
    case 'brackets':
      return /^\[[^[\]]+\]$/.test(a);
    case 'any':
      return a !== '';
  }
}

/** `answer` written in `format` (what a program following the rules would answer). */
export function inFormat(answer: string, format: AnswerFormat): string {
  switch (format) {
    case 'uppercase':
      return answer.toUpperCase();
    case 'lowercase':
      return answer.toLowerCase();
    case 'brackets':
      return `[${answer}]`;
    case 'any':
      return answer;
  }
}

/** 1 when the prediction matches a gold answer and has the format that gold's kind asks for. */
export function formattedAnswer(prediction: unknown, gold: unknown, formats: Partial<Record<AnswerKind, AnswerFormat>> = {}): number {
  const rules = { ...DEFAULT_ANSWER_FORMATS, ...formats };
  const p = toText(prediction);
  const golds = Array.isArray(gold) ? gold : [gold];
  return golds.some((g) => hasFormat(p, rules[answerKind(g)]) && exactMatch(p, g) === 1) ? 1 : 0;
}

/** The rules as one sentence, for descriptions and the metric panel. */
export function describeFormats(formats: Partial<Record<AnswerKind, AnswerFormat>> = {}): string {
  const rules = { ...DEFAULT_ANSWER_FORMATS, ...formats };
  const words: Record<AnswerFormat, string> = { uppercase: 'in capitals', lowercase: 'in lower case', brackets: 'in square brackets', any: 'in any form' };
  return `yes/no answers ${words[rules.yes_no]}, numbers and dates ${words[rules.number]}, other answers ${words[rules.other]}`;
}
