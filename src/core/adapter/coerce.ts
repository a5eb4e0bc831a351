/**
 * Turning a field's raw text into a typed value.
 *
 * DSPy validates with pydantic after `json_repair.loads`; small local models need more
 * slack than that, so each kind strips the wrappers models add (bold, quotes, backticks, a
 * trailing period) but never guesses between two readings: a number field with two numbers,
 * or a label outside the label set, is an error for that field, not a pick.
 */
import type { FieldSpec } from '../signature/types';
import { kindOf } from './field-types';
import { findJsonValue, parseJsonLenient, pythonJsonDumps } from './json-text';

/** A coerced value, or why it could not be read. */
export type Coerced = { ok: true; value: unknown } | { ok: false; reason: string };

/** Per-signature lookup for a labels field: exact lower-case form, then a looser form. */
export interface LabelIndex {
  exact: Map<string, string>;
  loose: Map<string, string>;
}

/** Builds the lookup for a labels field; looser keys shared by two labels are dropped. */
export function buildLabelIndex(labels: readonly string[]): LabelIndex {
  const exact = new Map<string, string>();
  const loose = new Map<string, string>();
  const clash = new Set<string>();
  for (const label of labels) {
    exact.set(label.toLowerCase(), label);
    const key = looseKey(label);
    if (loose.has(key) && loose.get(key) !== label) clash.add(key);
    loose.set(key, label);
  }
  for (const key of clash) loose.delete(key);
  return { exact, loose };
}

/**
 * Coerces `raw` (text from a marker section, or a value from a JSON object) to `field`'s kind.
 * A number, boolean or label followed by an explanation on later lines is read from its first
 * line when the whole text does not read cleanly.
 */
export function coerceValue(raw: unknown, field: FieldSpec, labels: LabelIndex | undefined): Coerced {
  const kind = kindOf(field);
  const whole = coerceKind(raw, field, labels);
  if (whole.ok || typeof raw !== 'string' || !SCALAR_KINDS.has(kind)) return whole;
  const firstLine = raw.trim().split('\n', 1)[0]!;
  if (firstLine.length === raw.trim().length) return whole;
  const first = coerceKind(firstLine, field, labels);
  return first.ok ? first : whole;
}

const SCALAR_KINDS = new Set(['number', 'boolean', 'labels']);

function coerceKind(raw: unknown, field: FieldSpec, labels: LabelIndex | undefined): Coerced {
  switch (kindOf(field)) {
    case 'string':
      return { ok: true, value: typeof raw === 'string' ? raw : raw !== null && typeof raw === 'object' ? pythonJsonDumps(raw) : String(raw) };
    case 'number':
      return toNumber(raw);
    case 'boolean':
      return toBoolean(raw);
    case 'labels':
      return toLabel(raw, field, labels);
    case 'list':
      return toList(raw);
    case 'json':
      return toJson(raw);
  }
}

/** Strips wrappers models put around a scalar: bold, quotes, backticks, guillemets, a final period. */
function cleanScalar(text: string): string {
  let s = text.trim();
  for (let round = 0; round < 4; round++) {
    const before = s;
    s = s.replace(TRAILING_PERIOD, '').trim();
    const m = WRAPPED.exec(s);
    if (m) s = m[2]!.trim();
    if (s === before) break;
  }
  return s;
}

// A pair of identical wrappers (`**x**`, `"x"`, `` `x` ``) or a matching open/close pair.
const WRAPPED = /^(\*\*|__|\*|`+|"|'|“|‘|«)([\s\S]*?)(\*\*|__|\*|`+|"|'|”|’|»)$/;
const TRAILING_PERIOD = /\.$/;
// One number: optional sign, digits with optional thousands commas, optional decimals/exponent.
const NUMBER_TOKEN = /[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+/g;
const FENCE = /^```[A-Za-z]*\s*\n?([\s\S]*?)\n?```$/;
const BULLET = /^(?:[-*•+]|\d+[.)]|\[\d+\])\s+/;
const GUILLEMETS = /^«+\s*([\s\S]*?)\s*»+$/;

function toNumber(raw: unknown): Coerced {
  if (typeof raw === 'number') return Number.isFinite(raw) ? { ok: true, value: raw } : { ok: false, reason: `${raw} is not a finite number` };
  if (typeof raw !== 'string') return { ok: false, reason: `expected a number, got ${describe(raw)}` };
  const text = raw.replace(/\u2212/g, '-');
  const tokens = text.match(NUMBER_TOKEN);
  if (!tokens) return { ok: false, reason: `no number in "${clip(raw)}"` };
  if (tokens.length > 1) return { ok: false, reason: `several numbers in "${clip(raw)}" (${tokens.slice(0, 3).join(', ')})` };
  return { ok: true, value: Number(tokens[0]!.replace(/,/g, '')) };
}

function toBoolean(raw: unknown): Coerced {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  if (typeof raw !== 'string') return { ok: false, reason: `expected True or False, got ${describe(raw)}` };
  const s = cleanScalar(raw).toLowerCase();
  if (s === 'true' || s === 'yes') return { ok: true, value: true };
  if (s === 'false' || s === 'no') return { ok: true, value: false };
  return { ok: false, reason: `"${clip(raw)}" is not True or False` };
}

function toLabel(raw: unknown, field: FieldSpec, index: LabelIndex | undefined): Coerced {
  const labels = field.labels ?? [];
  const lookup = index ?? buildLabelIndex(labels);
  const s = cleanScalar(typeof raw === 'string' ? raw : String(raw));
  const found = lookup.exact.get(s.toLowerCase()) ?? lookup.loose.get(looseKey(s));
  if (found !== undefined) return { ok: true, value: found };
  return { ok: false, reason: `"${clip(s)}" is not one of: ${labels.join('; ')}` };
}

function toList(raw: unknown): Coerced {
  if (Array.isArray(raw)) return { ok: true, value: raw.map(itemText) };
  if (typeof raw !== 'string') return { ok: false, reason: `expected a list, got ${describe(raw)}` };
  const text = unfence(raw.trim());
  if (text.startsWith('[')) {
    const parsed = parseJsonLenient(text);
    if (parsed.ok && Array.isArray(parsed.value)) return { ok: true, value: parsed.value.map(itemText) };
  }
  const items: string[] = [];
  for (const line of text.split('\n')) {
    let item = line.trim().replace(BULLET, '');
    const wrapped = GUILLEMETS.exec(item);
    if (wrapped) item = wrapped[1]!;
    if (item !== '') items.push(item);
  }
  return { ok: true, value: items };
}

function toJson(raw: unknown): Coerced {
  if (typeof raw !== 'string') return { ok: true, value: raw };
  const text = unfence(raw.trim());
  const parsed = parseJsonLenient(text);
  if (parsed.ok) return { ok: true, value: parsed.value };
  const embedded = findJsonValue(text, '{', () => true) ?? findJsonValue(text, '[', () => true);
  if (embedded !== undefined) return { ok: true, value: embedded };
  return { ok: false, reason: `not valid JSON: "${clip(raw)}"` };
}

function unfence(text: string): string {
  const m = FENCE.exec(text);
  return m ? m[1]!.trim() : text;
}

function itemText(item: unknown): string {
  return typeof item === 'string' ? item : item !== null && typeof item === 'object' ? pythonJsonDumps(item) : String(item);
}

function looseKey(s: string): string {
  return s.toLowerCase().replace(/[\s_-]+/g, ' ').trim();
}

function describe(raw: unknown): string {
  return raw === null ? 'null' : Array.isArray(raw) ? 'a list' : typeof raw;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
