/**
 * Text typed into an input form, as a program's inputs: what "Try the program" runs and what
 * "Export prompt" renders. A number field gets a number when the text is one (so "5.1" renders
 * as a dataset's 5.1 does, and shares its cache entries); every other field stays text.
 */
import type { FieldSpec } from './types';

/** The typed `text` of each of `fields` as an input value (see the file comment). */
export function typedInputs(fields: readonly FieldSpec[], text: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = text[field.name] ?? '';
    const n = Number(raw);
    out[field.name] = field.type === 'number' && raw.trim() !== '' && Number.isFinite(n) ? n : raw;
  }
  return out;
}
