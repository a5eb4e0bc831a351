/**
 * What a share link carries, and its schema.
 *
 * A link holds a program (spec), its optimized state, and a little context to show the
 * recipient (scores, which optimizer and model produced it, a few sample rows). Model
 * configurations are deliberately absent: endpoints and API keys stay in the sender's browser.
 * Every object is strict, so a crafted link cannot smuggle in a field (an `apiKey`, a script)
 * that some later code might pick up: it fails validation instead.
 */
import * as v from 'valibot';
import type { ResolvedOutput } from '../lm/types';
import type { MetricSpec } from '../metric/types';
import type { ProgramSpec, ProgramState } from '../program/types';
import {
  JsonValueSchema,
  MetricSpecSchema,
  NameSchema,
  ProgramSpecSchema,
  ProgramStateSchema,
  SCHEMA_LIMITS,
} from '../program/schema';

/** One example row shown with a shared program (inputs and gold labels). */
export interface ShareSample {
  inputs: Record<string, unknown>;
  labels: Record<string, unknown>;
}

/** Context shown next to a shared program. Everything is optional. */
export interface ShareMeta {
  name?: string;
  /** ISO 8601 time the link was made. */
  createdAt?: string;
  metric?: MetricSpec;
  scores?: { val?: number; test?: number; baselineTest?: number };
  /** Optimizer that produced the state, e.g. `"MIPROv2 (light)"`. */
  optimizer?: string;
  /** Task model name, for the record only (no endpoint, no key). */
  model?: string;
  /**
   * How the task model was asked for answers when the program was optimized (its demos and
   * instruction were chosen for that format). Absent in links made before it was recorded,
   * and when it is not known (a workspace program whose task model decides at run time).
   */
  output?: ResolvedOutput;
  sample?: ShareSample[];
}

/** The decoded content of a share link, format version 1. */
export interface SharePayload {
  v: 1;
  spec: ProgramSpec;
  state: ProgramState;
  meta: ShareMeta;
}

/** At most this many sample rows travel in a link. */
const SHARE_MAX_SAMPLES = 20;

/** The output modes a link can name (`auto` is no mode a program was optimized with). */
const SHARE_OUTPUTS = ['chat', 'json', 'json_schema'] as const satisfies readonly ResolvedOutput[];

const score = v.optional(v.pipe(v.number(), v.finite()));
const row = v.pipe(v.record(NameSchema, JsonValueSchema), v.maxEntries(SCHEMA_LIMITS.fields));

const ShareMetaSchema = v.strictObject({
  name: v.optional(v.pipe(v.string(), v.maxLength(SCHEMA_LIMITS.titleChars))),
  createdAt: v.optional(v.pipe(v.string(), v.maxLength(64))),
  metric: v.optional(MetricSpecSchema),
  scores: v.optional(v.strictObject({ val: score, test: score, baselineTest: score })),
  optimizer: v.optional(v.pipe(v.string(), v.maxLength(SCHEMA_LIMITS.titleChars))),
  model: v.optional(v.pipe(v.string(), v.maxLength(SCHEMA_LIMITS.titleChars))),
  output: v.optional(v.picklist(SHARE_OUTPUTS)),
  sample: v.optional(v.pipe(v.array(v.strictObject({ inputs: row, labels: row })), v.maxLength(SHARE_MAX_SAMPLES))),
});

export const SharePayloadSchema = v.strictObject({
  v: v.literal(1),
  spec: ProgramSpecSchema,
  state: ProgramStateSchema,
  meta: ShareMetaSchema,
});

// Keep the schema and the type in step (both directions), as in program/schema.ts.
type Assert<T extends true> = T;
type Same<S extends v.GenericSchema, T> = v.InferOutput<S> extends T ? (T extends v.InferInput<S> ? true : false) : false;
type SharePayloadTypeCheck = Assert<Same<typeof SharePayloadSchema, SharePayload>>;
