/**
 * Structural schemas (valibot) for the plain-data types of programs, signatures and metrics.
 *
 * These check shape and size only: that a step's `kind` is known, that names are names, that
 * no string or list is absurdly long. Meaning (a binding that points at nothing, a cycle, a
 * duplicate id) is `resolveProgram`'s job (resolve.ts), which runs on data that passed these schemas.
 *
 * The size limits guard everything that arrives from outside (share links, imported files):
 * without them a crafted link could carry a million steps. They sit well above real use
 * (DSPy programs have a handful of predictors and a few dozen demos).
 *
 * Objects are strict: an unknown key (`"signatur"`, `"apiKey"`) is reported, not dropped,
 * so typos surface and nothing rides along unseen.
 */
import * as v from 'valibot';
import type { FieldKind, FieldSpec, SignatureInput } from '../signature/types';
import type { MetricSpec } from '../metric/types';
import { ANSWER_FORMATS } from '../metric/format';
import type { Demo, PredictorState, ProgramSpec, ProgramState, StepSpec } from './types';
import { TEMPLATE_NAMES, type TemplateOptions } from './templates';
import { NAME_RE } from '../util/names';
import { strictObject } from '../util/strict-object';

/** Size limits applied by the schemas. */
export const SCHEMA_LIMITS = {
  nameChars: 64,
  titleChars: 200,
  descriptionChars: 4_000,
  instructionChars: 20_000,
  signatureChars: 2_000,
  fields: 64,
  labels: 256,
  labelChars: 200,
  steps: 64,
  bindingSources: 16,
  outputs: 64,
  predictors: 64,
  demos: 64,
  demoFields: 64,
  /** A single string inside a demo value (long passages are fine; whole books are not). */
  valueChars: 200_000,
  /** Nesting depth of a demo value (lists of passages, small JSON objects). */
  valueDepth: 12,
  retrieveK: 100,
} as const;

const L = SCHEMA_LIMITS;
const REF_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

const RESERVED_NAMES = new Set(['__proto__', 'prototype', 'constructor']);

const text = (max: number) => v.pipe(v.string(), v.maxLength(max));

/** A field or step name: letters, digits, underscores, not starting with a digit. */
export const NameSchema = v.pipe(
  v.string(),
  v.maxLength(L.nameChars),
  v.regex(NAME_RE, (issue) => `must be a name of letters, digits and underscores (e.g. "passage_count"), but got ${issue.received}`),
  // Object keys that JavaScript treats specially; as names they would be dropped or pollute prototypes.
  v.check((s) => !RESERVED_NAMES.has(s), (issue) => `must not be the reserved name ${issue.received}`),
);

/** A source reference: `"question"` or `"hop1.query"`. */
const SourceRefSchema = v.pipe(
  v.string(),
  v.maxLength(2 * L.nameChars + 1),
  v.regex(REF_RE, (issue) => `must be a field name or "step.field" (e.g. "generate.answer"), but got ${issue.received}`),
);

const FieldKindSchema = v.picklist(['string', 'number', 'boolean', 'labels', 'list', 'json'] satisfies FieldKind[]);

const LabelsSchema = v.pipe(v.array(text(L.labelChars)), v.maxLength(L.labels));

const FieldSpecSchema = strictObject({
  name: NameSchema,
  description: v.optional(text(L.descriptionChars)),
  type: v.optional(FieldKindSchema),
  labels: v.optional(LabelsSchema),
});

const FieldListSchema = v.pipe(v.array(v.union([text(L.nameChars * 4), FieldSpecSchema])), v.maxLength(L.fields));

/** A signature in either form: `"question -> answer"` or the structured object. */
const SignatureInputSchema = v.union([
  text(L.signatureChars),
  strictObject({
    signature: v.optional(text(L.signatureChars)),
    instruction: v.optional(text(L.instructionChars)),
    inputs: v.optional(FieldListSchema),
    outputs: v.optional(FieldListSchema),
    labels: v.optional(v.pipe(v.record(NameSchema, LabelsSchema), v.maxEntries(L.fields))),
  }),
]);

const BindingSchema = v.union([SourceRefSchema, v.pipe(v.array(SourceRefSchema), v.maxLength(L.bindingSources))]);

const stepBase = {
  id: NameSchema,
  description: v.optional(text(L.descriptionChars)),
  bind: v.optional(v.pipe(v.record(NameSchema, BindingSchema), v.maxEntries(L.fields))),
};

const RetrieveKSchema = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(L.retrieveK));
const RetrieveCorpusSchema = v.variant('from', [
  strictObject({ from: v.literal('corpus'), name: text(L.titleChars) }),
  strictObject({ from: v.literal('input'), field: NameSchema }),
]);

export const StepSpecSchema = v.variant('kind', [
  strictObject({ ...stepBase, kind: v.literal('predict'), signature: SignatureInputSchema }),
  strictObject({ ...stepBase, kind: v.literal('chain_of_thought'), signature: SignatureInputSchema }),
  strictObject({ ...stepBase, kind: v.literal('retrieve'), k: RetrieveKSchema, corpus: RetrieveCorpusSchema }),
]);

const LabelSetsSchema = v.pipe(v.record(NameSchema, LabelsSchema), v.maxEntries(L.fields));

/** A template's options (templates.ts), as a run config gives them. */
export const TemplateOptionsSchema = strictObject({
  template: v.picklist(TEMPLATE_NAMES),
  signature: SignatureInputSchema,
  labels: v.optional(LabelSetsSchema),
  instruction: v.optional(text(L.instructionChars)),
  k: v.optional(RetrieveKSchema),
  corpus: v.optional(RetrieveCorpusSchema),
  name: v.optional(text(L.titleChars)),
});

export const ProgramSpecSchema = strictObject({
  version: v.literal(1),
  name: v.optional(text(L.titleChars)),
  description: v.optional(text(L.descriptionChars)),
  inputs: v.pipe(v.array(FieldSpecSchema), v.maxLength(L.fields)),
  steps: v.pipe(v.array(StepSpecSchema), v.maxLength(L.steps)),
  outputs: v.pipe(v.record(NameSchema, SourceRefSchema), v.maxEntries(L.outputs)),
});

/** A JSON value (string, finite number, boolean, null, list, plain object) within the size limits. */
export const JsonValueSchema = v.custom<unknown>(
  (input) => isJsonValue(input, 0),
  `must be plain JSON data (text, numbers, lists, objects) at most ${L.valueDepth} levels deep with strings under ${L.valueChars} characters`,
);

const DemoSchema = strictObject({
  fields: v.pipe(v.record(NameSchema, JsonValueSchema), v.maxEntries(L.demoFields)),
  augmented: v.optional(v.boolean()),
  exampleId: v.optional(v.pipe(v.string(), v.maxLength(256))),
});

const PredictorStateSchema = strictObject({
  instruction: text(L.instructionChars),
  demos: v.pipe(v.array(DemoSchema), v.maxLength(L.demos)),
});

export const ProgramStateSchema = v.pipe(v.record(NameSchema, PredictorStateSchema), v.maxEntries(L.predictors));

const metricField = { field: NameSchema };
/** Which retrieved passages a trace metric reads: retrieve step ids, and the first k of each. */
const passageChoice = {
  steps: v.optional(v.pipe(v.array(NameSchema), v.minLength(1), v.maxLength(L.steps))),
  k: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
};
const AnswerFormatSchema = v.picklist(ANSWER_FORMATS);
const AnswerFormatsSchema = strictObject({ yes_no: v.optional(AnswerFormatSchema), number: v.optional(AnswerFormatSchema), other: v.optional(AnswerFormatSchema) });

export const MetricSpecSchema = v.variant('kind', [
  strictObject({ kind: v.literal('exact_match'), ...metricField }),
  strictObject({ kind: v.literal('contains'), ...metricField }),
  strictObject({ kind: v.literal('f1'), ...metricField }),
  strictObject({
    kind: v.literal('numeric'),
    ...metricField,
    tolerance: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
    relative: v.optional(v.boolean()),
  }),
  strictObject({ kind: v.literal('one_of_labels'), ...metricField, labels: v.optional(LabelsSchema) }),
  strictObject({ kind: v.literal('formatted_answer'), ...metricField, formats: v.optional(AnswerFormatsSchema) }),
  strictObject({
    kind: v.literal('llm_judge'),
    ...metricField,
    signature: v.optional(SignatureInputSchema),
    verdictField: v.optional(NameSchema),
    rubric: v.optional(text(L.instructionChars)),
    gold: v.optional(v.boolean()),
  }),
  strictObject({ kind: v.literal('retrieval_recall'), ...metricField, ...passageChoice }),
  strictObject({ kind: v.literal('answer_in_context'), ...metricField, ...passageChoice }),
]);

function isJsonValue(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string') return value.length <= L.valueChars;
  if (depth >= L.valueDepth || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value as Record<string, unknown>).every((item) => isJsonValue(item, depth + 1));
}

// Compile-time checks that each schema accepts exactly the shared type it guards (both
// directions), so a field added to a type without its schema, or vice versa, fails `tsc`.
type Assert<T extends true> = T;
type Fits<S extends v.GenericSchema, T> = v.InferOutput<S> extends T ? (T extends v.InferInput<S> ? true : false) : false;
type SchemaTypeChecks = [
  Assert<Fits<typeof FieldSpecSchema, FieldSpec>>,
  Assert<Fits<typeof SignatureInputSchema, SignatureInput>>,
  Assert<Fits<typeof StepSpecSchema, StepSpec>>,
  Assert<Fits<typeof ProgramSpecSchema, ProgramSpec>>,
  Assert<Fits<typeof TemplateOptionsSchema, TemplateOptions>>,
  Assert<Fits<typeof DemoSchema, Demo>>,
  Assert<Fits<typeof PredictorStateSchema, PredictorState>>,
  Assert<Fits<typeof ProgramStateSchema, ProgramState>>,
  Assert<Fits<typeof MetricSpecSchema, MetricSpec>>,
];
