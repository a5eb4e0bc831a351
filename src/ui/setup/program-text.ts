/**
 * Text forms used by the step editor: signatures with types ("a, b: list -> c: labels(x|y)"),
 * bindings ("context=retrieve_1.passages+retrieve_2.passages, query=question") and
 * outputs ("answer=generate.answer"). Parsing is strict and throws typed errors, so the
 * editor shows the same code+message+hint as the engine.
 */
import { PlaygroundError } from '../../core/errors';
import { parseSignature } from '../../core/signature';
import type { FieldSpec, SignatureInput } from '../../core/signature';
import type { Binding, StepSpec } from '../../core/program';

function fieldText(f: FieldSpec): string {
  if (f.type === 'labels' && f.labels) return `${f.name}: labels(${f.labels.join('|')})`;
  return f.type && f.type !== 'string' ? `${f.name}: ${f.type}` : f.name;
}

/** Field list text, e.g. "question, context: list". */
export function fieldsToText(fields: readonly FieldSpec[]): string {
  return fields.map(fieldText).join(', ');
}

/** A signature as editable text (types kept, descriptions and instruction not). */
export function signatureText(sig: SignatureInput): string {
  const s = parseSignature(sig);
  return `${fieldsToText(s.inputs)} -> ${fieldsToText(s.outputs)}`;
}

/** Program inputs from "a, b: list" (reuses the signature grammar). */
export function parseFieldList(text: string): FieldSpec[] {
  if (text.trim() === '') return [];
  return parseSignature(`${text} -> __out`).inputs;
}

export function bindingsToText(bind: StepSpec['bind']): string {
  return Object.entries(bind ?? {})
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

export function parseBindings(text: string): Record<string, Binding> | undefined {
  if (text.trim() === '') return undefined;
  const out: Record<string, Binding> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      throw new PlaygroundError('PROGRAM_INVALID', `The binding "${part}" has no "=".`, {
        hint: 'Write bindings as input=source, e.g. "context=retrieve.passages, question=question".',
      });
    }
    const sources = part.slice(eq + 1).split('+').map((s) => s.trim()).filter(Boolean);
    out[part.slice(0, eq).trim()] = sources.length === 1 ? sources[0]! : sources;
  }
  return out;
}

export function outputsToText(outputs: Record<string, string>): string {
  return Object.entries(outputs).map(([k, v]) => `${k}=${v}`).join(', ');
}

export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 0) out[part] = part;
    else out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}
