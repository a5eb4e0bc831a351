/**
 * Reading a completion back into typed output fields.
 *
 * Reference: DSPy's `ChatAdapter.parse` splits the completion at lines that start with
 * `[[ ## name ## ]]` (text after the marker on the same line belongs to the field), keeps the
 * first section of each output field, and raises `AdapterParseError` when one is missing; on
 * any error DSPy retries the call with its JSONAdapter.
 *
 * We keep DSPy's reading for well-formed answers and add what small local models need,
 * without a second LM call:
 * 1. Markers, leniently: any case, any spacing, one to three `#`, wrapped in `**` or after a
 *    markdown heading; markers inside a line only when line-start markers give fewer fields.
 *    Unknown names (echoed inputs, `completed`) close the previous section; text before the
 *    first marker and after `completed` is ignored.
 * 2. If fields are still missing or invalid: the first JSON object in the completion (also
 *    inside ```json fences) that has an output field name as a key, if it yields every field.
 * 3. Then, for fields still missing only: label lines such as `Answer: x` or `**answer**:`.
 * Section values are trimmed (as in DSPy); a closing ``` left by a fenced answer is dropped.
 * 4. A signature with a single typed (non-string) output and no markers at all: the whole
 *    completion as that value, when it coerces cleanly (a bare `42` or `positive`).
 * A bare string answer without markers is not accepted: it would hide format failures.
 */
import { PlaygroundError } from '../errors';
import type { FieldSpec, Signature } from '../signature/types';
import { buildLabelIndex, coerceValue, type Coerced, type LabelIndex } from './coerce';
import { kindOf } from './field-types';
import { findJsonValue } from './json-text';

/** Why one output field could not be read. */
export interface InvalidField {
  field: string;
  reason: string;
}

/** `details` of an `ADAPTER_PARSE` error. */
export type ParseFailureDetails = {
  completion: string;
  missing: string[];
  invalid: InvalidField[];
};

/**
 * Parses `completion` into the signature's output fields, typed. Throws
 * `PlaygroundError('ADAPTER_PARSE')` with {@link ParseFailureDetails} when a field is missing
 * or cannot be read as its type.
 */
export function parseCompletion(sig: Signature, completion: string): Record<string, unknown> {
  const plan = compile(sig.outputs);
  const reading = readChatAnswer(plan, completion);
  if (isComplete(plan, reading)) return reading.values;
  const expected = plan.fields.map((f) => `[[ ## ${f.name} ## ]]`).join(', ');
  throw parseError(completion, plan, reading, `The model must answer with ${expected} and then [[ ## completed ## ]].`);
}

/**
 * Steps 1 to 4 above: the first complete reading, or else the one with the most fields
 * (for the error's details).
 */
export function readChatAnswer(plan: OutputPlan, completion: string): Reading {
  const { markers, fromMarkers } = readMarkers(plan, completion);
  if (isComplete(plan, fromMarkers)) return fromMarkers;

  const fromJson = readJsonObject(plan, completion);
  if (fromJson && isComplete(plan, fromJson)) return fromJson;

  const merged = fillFromLabels(plan, completion, markers, fromMarkers);
  if (isComplete(plan, merged)) return merged;

  if (markers.length === 0 && plan.bare) {
    const bare = coerceValue(completion, plan.bare.field, plan.bare.labels);
    if (bare.ok) return { values: { [plan.bare.field.name]: bare.value }, invalid: new Map() };
  }

  return fromJson && score(fromJson) > score(merged) ? fromJson : merged;
}

/** A signature's outputs prepared for reading (lookups by lower-case name, label indexes). */
export interface OutputPlan {
  key: string;
  fields: readonly FieldSpec[];
  byName: Map<string, { field: FieldSpec; labels: LabelIndex | undefined }>;
  labelLine: RegExp;
  bare: { field: FieldSpec; labels: LabelIndex | undefined } | undefined;
}

/** The output values read from a completion, and why others could not be read. */
export interface Reading {
  values: Record<string, unknown>;
  invalid: Map<string, string>;
}

interface Marker {
  start: number;
  end: number;
  name: string;
  /** Only whitespace precedes it on its line (DSPy's rule); others are inline. */
  lineStart?: boolean;
}

// `[[ ## name ## ]]` with tolerated slips, optionally bold or after a heading, plus a colon.
const MARKER = /(?:^[ \t]*#{1,6}[ \t]*)?(?:\*\*|__)?\[\[[ \t]*#{1,3}[ \t]*([A-Za-z_][A-Za-z0-9_ ]*?)[ \t]*#{1,3}[ \t]*\]\](?:\*\*|__)?[ \t]*(?::(?:\*\*|__)?)?/gm;
const MESSAGE_EXCERPT = 300;
const plans = new WeakMap<readonly FieldSpec[], OutputPlan>();

/** Per-signature lookups and the label-line regex, cached on the outputs array (checked by key). */
export function compile(outputs: readonly FieldSpec[]): OutputPlan {
  const key = outputs.map((f) => `${f.name}:${f.type ?? ''}:${f.labels?.join('|') ?? ''}`).join(',');
  const cached = plans.get(outputs);
  if (cached && cached.key === key) return cached;
  const byName = new Map<string, { field: FieldSpec; labels: LabelIndex | undefined }>();
  for (const field of outputs) {
    byName.set(field.name.toLowerCase(), { field, labels: kindOf(field) === 'labels' ? buildLabelIndex(field.labels ?? []) : undefined });
  }
  const names = outputs.map((f) => f.name.replace(/_/g, '[ _]')).join('|');
  const labelLine = new RegExp(`^[ \\t]*(?:#{1,6}[ \\t]*)?(?:\\*\\*|__)?(${names})(?:\\*\\*|__)?[ \\t]*:(?:\\*\\*|__)?`, 'gim');
  const only = outputs.length === 1 ? byName.get(outputs[0]!.name.toLowerCase()) : undefined;
  const plan: OutputPlan = { key, fields: outputs, byName, labelLine, bare: only && kindOf(only.field) !== 'string' ? only : undefined };
  plans.set(outputs, plan);
  return plan;
}

/**
 * Sections from line-start markers first, as DSPy reads them; inline markers (a model that
 * put everything on one line) count only when they give more fields, so a marker merely
 * mentioned in prose cannot take a field away from the real section below it.
 */
function readMarkers(plan: OutputPlan, completion: string): { markers: Marker[]; fromMarkers: Reading } {
  const all = findMarkers(completion);
  const atLineStart = all.filter((m) => m.lineStart);
  const fromLines = readSections(plan, completion, atLineStart);
  if (atLineStart.length === all.length || isComplete(plan, fromLines)) return { markers: atLineStart, fromMarkers: fromLines };
  const fromAll = readSections(plan, completion, all);
  return score(fromAll) > score(fromLines) ? { markers: all, fromMarkers: fromAll } : { markers: atLineStart, fromMarkers: fromLines };
}

function findMarkers(completion: string): Marker[] {
  const out: Marker[] = [];
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(completion); m; m = MARKER.exec(completion)) {
    let i = m.index - 1;
    while (i >= 0 && (completion[i] === ' ' || completion[i] === '\t')) i--;
    const lineStart = i < 0 || completion[i] === '\n' || completion[i] === '\r';
    out.push({ start: m.index, end: m.index + m[0].length, name: m[1]!.toLowerCase().replace(/ +/g, '_'), lineStart });
  }
  return out;
}

function readSections(plan: OutputPlan, completion: string, markers: readonly Marker[]): Reading {
  const reading: Reading = { values: {}, invalid: new Map() };
  const seen = new Set<string>();
  for (let i = 0; i < markers.length; i++) {
    const marker = markers[i]!;
    const entry = plan.byName.get(marker.name);
    if (!entry || seen.has(entry.field.name)) continue;
    seen.add(entry.field.name);
    const text = completion.slice(marker.end, markers[i + 1]?.start ?? completion.length);
    record(reading, entry.field.name, coerceValue(dropUnpairedFence(text.trim()), entry.field, entry.labels));
  }
  return reading;
}

/** The first JSON object in the completion with an output field's name as a key, read field by field. */
export function readJsonObject(plan: OutputPlan, completion: string): Reading | undefined {
  if (!completion.includes('{')) return undefined;
  const hasOutputKey = (v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => plan.byName.has(k.toLowerCase()));
  const obj = findJsonValue(completion, '{', hasOutputKey) as Record<string, unknown> | undefined;
  if (!obj) return undefined;
  const reading: Reading = { values: {}, invalid: new Map() };
  for (const [k, v] of Object.entries(obj)) {
    const entry = plan.byName.get(k.toLowerCase());
    if (!entry || entry.field.name in reading.values || reading.invalid.has(entry.field.name)) continue;
    record(reading, entry.field.name, coerceValue(typeof v === 'string' ? v.trim() : v, entry.field, entry.labels));
  }
  return reading;
}

/** Fills fields the markers did not give from `name:` label lines (never overrides a marker value). */
function fillFromLabels(plan: OutputPlan, completion: string, markers: readonly Marker[], base: Reading): Reading {
  const missing = plan.fields.filter((f) => !(f.name in base.values) && !base.invalid.has(f.name));
  if (missing.length === 0) return base;
  const hits: Marker[] = [];
  plan.labelLine.lastIndex = 0;
  for (let m = plan.labelLine.exec(completion); m; m = plan.labelLine.exec(completion)) {
    hits.push({ start: m.index, end: m.index + m[0].length, name: m[1]!.toLowerCase().replace(/ /g, '_') });
  }
  if (hits.length === 0) return base;
  const bounds = [...hits.map((h) => h.start), ...markers.map((m) => m.start)].sort((a, b) => a - b);
  const reading: Reading = { values: { ...base.values }, invalid: new Map(base.invalid) };
  const wanted = new Set(missing.map((f) => f.name));
  for (const hit of hits) {
    const entry = plan.byName.get(hit.name);
    if (!entry || !wanted.has(entry.field.name)) continue;
    wanted.delete(entry.field.name);
    const end = bounds.find((b) => b >= hit.end) ?? completion.length;
    record(reading, entry.field.name, coerceValue(completion.slice(hit.end, end).trim(), entry.field, entry.labels));
  }
  return reading;
}

/**
 * Models that wrap their whole answer in a code fence leave its closing ``` at the end of the
 * last section; drop it when it has no opening partner inside the value.
 */
function dropUnpairedFence(text: string): string {
  if (!text.endsWith('```')) return text;
  return text.split('```').length % 2 === 0 ? text.slice(0, -3).trimEnd() : text;
}

function record(reading: Reading, name: string, result: Coerced): void {
  if (result.ok) reading.values[name] = result.value;
  else reading.invalid.set(name, result.reason);
}

export function isComplete(plan: OutputPlan, reading: Reading): boolean {
  return reading.invalid.size === 0 && plan.fields.every((f) => f.name in reading.values);
}

function score(reading: Reading): number {
  return Object.keys(reading.values).length;
}

/** The `ADAPTER_PARSE` error for an incomplete `reading`; `format` says what the model had to write. */
export function parseError(completion: string, plan: OutputPlan, reading: Reading, format: string): PlaygroundError {
  const missing = plan.fields.filter((f) => !(f.name in reading.values) && !reading.invalid.has(f.name)).map((f) => f.name);
  const invalid = [...reading.invalid].map(([field, reason]) => ({ field, reason }));
  const problems = [
    ...(missing.length ? [`missing ${missing.map((n) => `"${n}"`).join(', ')}`] : []),
    ...invalid.map((i) => `"${i.field}" invalid (${i.reason})`),
  ].join('; ');
  const excerpt = completion.length > MESSAGE_EXCERPT ? `${completion.slice(0, MESSAGE_EXCERPT)}…` : completion;
  const details: ParseFailureDetails = { completion, missing, invalid };
  return new PlaygroundError('ADAPTER_PARSE', `Could not read the model's answer: ${problems}. The answer was: "${excerpt}"`, {
    hint: `${format} Small models slip on this format: add demos, try a larger model, or make the instruction name the fields.`,
    details,
  });
}
