/**
 * Parsing and describing signatures.
 *
 * Matches DSPy's string form `"question, context -> answer"` (field names separated by
 * commas, `->` between inputs and outputs). We also accept an optional type per field,
 * `"question -> answer: number"`, and `labels(a|b|c)` for one-of-labels fields. The default
 * instruction is DSPy's: "Given the fields `a`, `b`, produce the fields `c`."
 */
import { PlaygroundError } from '../errors';
import type { FieldKind, FieldSpec, Signature, SignatureInput } from './types';
import { isName } from '../util/names';

const KINDS: readonly FieldKind[] = ['string', 'number', 'boolean', 'labels', 'list', 'json'];
const KIND_ALIASES: Record<string, FieldKind> = {
  str: 'string', string: 'string', text: 'string',
  int: 'number', float: 'number', number: 'number',
  bool: 'boolean', boolean: 'boolean',
  list: 'list', 'list[str]': 'list', 'list[string]': 'list',
  json: 'json', dict: 'json', object: 'json',
};

/** Parses a signature from either form, validating names. Throws typed `SIGNATURE_*` errors. */
export function parseSignature(input: SignatureInput): Signature {
  if (typeof input === 'string') return finish(parseString(input), undefined, undefined);
  let inputs: FieldSpec[] = [];
  let outputs: FieldSpec[] = [];
  if (input.signature !== undefined) ({ inputs, outputs } = parseString(input.signature));
  if (input.inputs) inputs = input.inputs.map((f) => toField(f, 'input'));
  if (input.outputs) outputs = input.outputs.map((f) => toField(f, 'output'));
  return finish({ inputs, outputs }, input.instruction, input.labels);
}

/** DSPy's default instruction for a signature without one. */
function defaultInstruction(inputs: readonly FieldSpec[], outputs: readonly FieldSpec[]): string {
  const list = (fs: readonly FieldSpec[]) => fs.map((f) => `\`${f.name}\``).join(', ');
  return `Given the fields ${list(inputs)}, produce the fields ${list(outputs)}.`;
}

/** The string form of a signature, e.g. `question, context -> answer`. */
export function signatureToString(sig: Signature): string {
  return `${sig.inputs.map((f) => f.name).join(', ')} -> ${sig.outputs.map((f) => f.name).join(', ')}`;
}

/** Returns a copy with `field` prepended to the outputs (ChainOfThought's `reasoning`). */
export function prependOutput(sig: Signature, field: FieldSpec): Signature {
  if (sig.outputs.some((f) => f.name === field.name) || sig.inputs.some((f) => f.name === field.name)) return sig;
  return { ...sig, outputs: [field, ...sig.outputs] };
}

function parseString(text: string): { inputs: FieldSpec[]; outputs: FieldSpec[] } {
  const arrow = text.indexOf('->');
  if (arrow < 0) {
    throw new PlaygroundError('SIGNATURE_NO_ARROW', `Signature "${text}" needs "->" between inputs and outputs.`, {
      hint: 'Write it like "question -> answer" or "question, context -> answer".',
      details: { signature: text },
    });
  }
  if (text.indexOf('->', arrow + 2) >= 0) {
    throw new PlaygroundError('SIGNATURE_INVALID', `Signature "${text}" has more than one "->".`, {
      hint: 'Use a single "->": inputs on the left, outputs on the right.',
      details: { signature: text },
    });
  }
  const side = (part: string, which: 'input' | 'output') =>
    splitTopLevel(part).map((raw) => toField(raw, which, text));
  const left = text.slice(0, arrow);
  // "-> answer" is a generator with no inputs; an empty *output* side is always an error.
  return { inputs: left.trim() === '' ? [] : side(left, 'input'), outputs: side(text.slice(arrow + 2), 'output') };
}

/** Splits on commas that are not inside parentheses or brackets (so `labels(a, b)` stays whole). */
function splitTopLevel(part: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of part) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  // "a ->" has one empty side; "a, , b" has an empty name in the middle: both are errors, caught in toField.
  return out.length === 1 && out[0]!.trim() === '' ? [''] : out;
}

function toField(raw: string | FieldSpec, which: 'input' | 'output', sigText?: string): FieldSpec {
  if (typeof raw !== 'string') return checkField({ ...raw }, which);
  const text = raw.trim();
  const colon = text.indexOf(':');
  const name = (colon >= 0 ? text.slice(0, colon) : text).trim();
  const field: FieldSpec = { name };
  if (colon >= 0) Object.assign(field, parseType(text.slice(colon + 1).trim(), name, sigText ?? text));
  return checkField(field, which, sigText);
}

function parseType(t: string, name: string, sigText: string): Pick<FieldSpec, 'type' | 'labels'> {
  const labelsMatch = /^(?:labels|literal|one_of)\s*[([](.*)[)\]]$/i.exec(t);
  if (labelsMatch) {
    const labels = labelsMatch[1]!.split(/[|,]/).map((l) => l.trim().replace(/^["']|["']$/g, '')).filter(Boolean);
    return { type: 'labels', labels };
  }
  const kind = KIND_ALIASES[t.toLowerCase()];
  if (!kind) {
    throw new PlaygroundError('SIGNATURE_INVALID', `Field "${name}" in "${sigText}" has unknown type "${t}".`, {
      hint: `Use one of: ${KINDS.join(', ')}, or labels(a|b|c).`,
      details: { field: name, type: t },
    });
  }
  return { type: kind };
}

function checkField(field: FieldSpec, which: 'input' | 'output', sigText?: string): FieldSpec {
  const where = sigText ? ` in "${sigText}"` : '';
  if (!field.name || !field.name.trim()) {
    throw new PlaygroundError('SIGNATURE_EMPTY_FIELD', `An ${which} field name is empty${where}.`, {
      hint: 'Separate field names with single commas, e.g. "question, context -> answer".',
      details: { side: which },
    });
  }
  field.name = field.name.trim();
  if (!isName(field.name)) {
    throw new PlaygroundError('SIGNATURE_INVALID', `Field name "${field.name}"${where} is not a valid name.`, {
      hint: 'Use letters, digits and underscores, starting with a letter (e.g. "passage_count").',
      details: { field: field.name },
    });
  }
  if (field.type !== undefined && !KINDS.includes(field.type)) {
    throw new PlaygroundError('SIGNATURE_INVALID', `Field "${field.name}" has unknown type "${String(field.type)}".`, {
      hint: `Use one of: ${KINDS.join(', ')}.`,
      details: { field: field.name, type: field.type },
    });
  }
  return field;
}

function finish(
  parts: { inputs: FieldSpec[]; outputs: FieldSpec[] },
  instruction: string | undefined,
  labels: Record<string, string[]> | undefined,
): Signature {
  const { inputs, outputs } = parts;
  if (outputs.length === 0) {
    throw new PlaygroundError('SIGNATURE_INVALID', 'A signature needs at least one output field.', {
      hint: 'Add an output after "->", e.g. "question -> answer".',
    });
  }
  const seen = new Set<string>();
  for (const f of [...inputs, ...outputs]) {
    if (seen.has(f.name)) {
      throw new PlaygroundError('SIGNATURE_DUPLICATE_FIELD', `Field "${f.name}" appears more than once in the signature.`, {
        hint: 'Give every input and output a distinct name.',
        details: { field: f.name },
      });
    }
    seen.add(f.name);
  }
  for (const [name, values] of Object.entries(labels ?? {})) {
    const field = [...inputs, ...outputs].find((f) => f.name === name);
    if (!field) {
      throw new PlaygroundError('SIGNATURE_INVALID', `Labels are given for "${name}", which is not a field of the signature.`, {
        hint: `Fields are: ${[...seen].join(', ')}.`,
        details: { field: name },
      });
    }
    field.type = 'labels';
    field.labels = values.slice();
  }
  for (const f of [...inputs, ...outputs]) {
    if (f.type === 'labels' && (!f.labels || f.labels.length < 1)) {
      throw new PlaygroundError('SIGNATURE_INVALID', `Field "${f.name}" is a labels field without any labels.`, {
        hint: 'List the allowed values, e.g. "label: labels(positive|negative)".',
        details: { field: f.name },
      });
    }
  }
  return { instruction: instruction?.trim() || defaultInstruction(inputs, outputs), inputs, outputs };
}
