/**
 * The run config as one valibot schema: what run.json holds and what the browser sends to
 * the optimizer worker. It reuses the schemas of the parts (program specs and templates,
 * metrics, optimizer options), so a key those gain is accepted here at once.
 *
 * Every object is strict, and an unknown key is named with the key it was probably meant to
 * be (util/strict-object.ts): a misspelled `"optimiser"` or `"timeout"` used to be ignored,
 * and the run went on with defaults the user did not ask for. Numbers the client cannot honour
 * (a timeout past setTimeout's range, endless retries) are refused here, with the client's
 * own bounds. Messages never repeat a base URL's credentials or a header's value.
 *
 * The schema only validates: a config that passes is used as given (the optimizer's defaults
 * are filled in later, by the optimizer), so results and checkpoints keep the user's words.
 */
import * as v from 'valibot';
import { CLIENT_LIMITS } from '../lm/openai-client';
import { hasCredentials, stripCredentials } from '../lm/openai-errors';
import { OUTPUT_MODES } from '../lm/types';
import { validateMetricSpec, type MetricSpec } from '../metric';
import { OptimizerConfigSchema } from '../optimize/options';
import { resolveProgram } from '../program/resolve';
import { MetricSpecSchema, ProgramSpecSchema, ProgramStateSchema, TemplateOptionsSchema } from '../program/schema';
import { buildFromTemplate } from '../program/templates';
import type { ProgramSpec } from '../program/types';
import { strictObject } from '../util/strict-object';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const nonEmpty = v.pipe(v.string(), v.minLength(1));
/** A split part: a fraction, or a count of examples. */
const splitPart = v.pipe(v.number(), v.finite(), v.gtValue(0, (issue) => `must be a positive number (a fraction or a count), but got ${issue.received}`));
/** The test part may be 0: no test split (the result then shows validation scores only). */
const testPart = v.pipe(v.number(), v.finite(), v.check((n) => n >= 0, (issue) => `must be 0 (no test split) or a positive number (a fraction or a count), but got ${String(issue.input)}`));

/** The program: a template with its options, or a full spec (and state); then resolved, as a run would. */
const ProgramSchema = v.lazy((input) => {
  const isSpec = typeof input === 'object' && input !== null && 'spec' in input;
  return isSpec
    ? v.pipe(
        strictObject({ spec: ProgramSpecSchema, state: v.optional(ProgramStateSchema) }),
        v.rawCheck(({ dataset, addIssue }) => {
          if (!clean(dataset)) return;
          const { spec } = dataset.value;
          const problem = resolveProblem(() => spec);
          if (problem) addIssue({ message: problem, path: [{ type: 'object', origin: 'value', input: dataset.value, key: 'spec', value: spec }] });
        }),
      )
    : v.pipe(
        TemplateOptionsSchema,
        v.rawCheck(({ dataset, addIssue }) => {
          if (!clean(dataset)) return;
          const options = dataset.value;
          const problem = resolveProblem(() => buildFromTemplate(options));
          if (problem) addIssue({ message: problem });
        }),
      );
});

/**
 * True when a value passed its schema with no issue at all. valibot keeps a value "typed"
 * after a failed validation (a number below its minimum is still a number), so checks that
 * need the whole value right (building the program, the metric's own rules) ask for this.
 */
function clean<T>(dataset: v.OutputDataset<T, v.BaseIssue<unknown>>): dataset is v.SuccessDataset<T> {
  return dataset.typed && !dataset.issues;
}

/** Why the program fails to build or resolve (a binding to nothing, a cycle), if it does. */
function resolveProblem(build: () => ProgramSpec): string | undefined {
  try {
    resolveProgram(build());
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The metric's shape, then what its own validation adds (e.g. a label list with an empty label). */
const MetricSchema = v.pipe(
  MetricSpecSchema,
  v.rawCheck(({ dataset, addIssue }) => {
    if (clean(dataset)) for (const message of validateMetricSpec(dataset.value)) addIssue({ message });
  }),
);

/** `keys` of an object, when exactly one of them must be given. */
function exactlyOne<T extends object>(keys: readonly (keyof T & string)[], what: string) {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    const o = dataset.value;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return;
    const given = keys.filter((k) => (o as Record<string, unknown>)[k] !== undefined);
    if (given.length !== 1) addIssue({ message: `give exactly one of ${keys.map((k) => `"${k}"`).join(', ')} (${what}), but got ${given.length === 0 ? 'none' : given.join(', ')}` });
  });
}

const DataSchema = v.pipe(
  strictObject({
    path: v.optional(nonEmpty),
    rows: v.optional(v.array(v.record(v.string(), v.unknown()))),
    text: v.optional(v.string()),
    format: v.optional(v.picklist(['csv', 'tsv', 'jsonl', 'json', 'auto'])),
    mapping: v.optional(strictObject({ inputs: v.record(v.string(), v.string()), labels: v.record(v.string(), v.string()), id: v.optional(v.string()) })),
    split: strictObject({ train: splitPart, val: splitPart, test: v.optional(testPart) }),
    seed: v.optional(int(Number.MIN_SAFE_INTEGER)),
    corpus: v.optional(
      v.pipe(
        strictObject({ path: v.optional(nonEmpty), passages: v.optional(v.array(v.string())), column: v.optional(nonEmpty) }),
        exactlyOne(['path', 'passages', 'column'], 'a file, a list, or a dataset column'),
      ),
    ),
  }),
  exactlyOne(['path', 'rows', 'text'], 'a file, the rows, or their text'),
);

/**
 * What a stored (redacted) config holds in place of an API key that was given, so a resume
 * knows the endpoint needs one. Configs stored before it have no `apiKey` at all.
 */
export const REDACTED_KEY = '<redacted>';

/** An http(s) URL without credentials; messages show it with any credentials removed. */
const BaseURLSchema = v.pipe(
  v.string(),
  v.check((s) => /^https?:\/\/[^/]/i.test(s.trim()), (issue) => `must be an http(s) URL such as http://127.0.0.1:8000/v1, but got ${JSON.stringify(stripCredentials(String(issue.input)))}`),
  v.check((s) => !hasCredentials(s), 'must not contain a user name or password (they would show in every error and log): give the key with apiKeyEnv, or an Authorization header'),
);

/** Header names as RFC 9110 tokens; values on one line. A value is never quoted back (it may be a key). */
const HeadersSchema = v.pipe(
  v.custom<Record<string, unknown>>((h) => typeof h === 'object' && h !== null && !Array.isArray(h), 'must be an object of header names and values, e.g. { "x-org": "acme" }'),
  v.record(
    v.pipe(v.string(), v.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, (issue) => `must be a header name (letters, digits, dashes), but got ${issue.received}`)),
    v.pipe(v.string(), v.regex(/^[^\r\n]*$/, 'must be a header value on one line')),
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const seen = new Set<string>();
    for (const name of Object.keys(dataset.value)) {
      // Header names are case-insensitive: two spellings would be sent as one joined value.
      if (seen.has(name.toLowerCase())) addIssue({ message: `name the header "${name}" once (header names ignore case)` });
      seen.add(name.toLowerCase());
    }
  }),
);

const outputSettings = { output: v.optional(v.picklist(OUTPUT_MODES)), maxReasoningTokens: v.optional(int(16)) };

const ModelSchema = v.variant('provider', [
  strictObject({
    provider: v.literal('openai-compatible'),
    baseURL: BaseURLSchema,
    model: nonEmpty,
    apiKeyEnv: v.optional(nonEmpty),
    apiKey: v.optional(v.pipe(v.string(), v.check((k) => k !== REDACTED_KEY, `is "${REDACTED_KEY}", the mark a stored run keeps where a key was given: give the key itself`))),
    headers: v.optional(HeadersSchema),
    maxConcurrency: v.optional(int(1, CLIENT_LIMITS.maxConcurrency)),
    timeoutMs: v.optional(int(1, CLIENT_LIMITS.timeoutMs)),
    maxRetries: v.optional(int(0, CLIENT_LIMITS.maxRetries)),
    ...outputSettings,
  }),
  strictObject({ provider: v.literal('webllm'), model: nonEmpty, ...outputSettings }),
  strictObject({ provider: v.literal('scripted'), model: nonEmpty, ...outputSettings }),
]);

/**
 * What a trace metric asks of the program and the mapping: a retrieve step to read passages
 * from (`steps`, when given, must name retrieve steps), and for `retrieval_recall` a mapped
 * label of gold titles (its `field` is a label, not a program output). Empty when the metric
 * is not a trace metric or the program does not build (that has its own problem line).
 */
function traceMetricProblems(metric: MetricSpec, program: unknown, mapping: { labels: Record<string, string> } | undefined): { key?: string; message: string }[] {
  if (metric.kind !== 'retrieval_recall' && metric.kind !== 'answer_in_context') return [];
  const spec = specOf(program);
  if (!spec) return [];
  const retrieves = spec.steps.filter((s) => s.kind === 'retrieve').map((s) => s.id);
  const out: { key?: string; message: string }[] = [];
  if (retrieves.length === 0) out.push({ key: 'kind', message: `${metric.kind} reads the passages a retrieve step returns, and the program has no retrieve step: add one, or score the answer with another metric` });
  for (const id of metric.steps ?? []) {
    if (!retrieves.includes(id)) out.push({ key: 'steps', message: `"${id}" is not a retrieve step of the program; its retrieve steps are ${retrieves.map((r) => `"${r}"`).join(', ') || 'none'}` });
  }
  if (metric.kind === 'retrieval_recall' && mapping && mapping.labels[metric.field] === undefined) {
    out.push({ key: 'field', message: `"${metric.field}" must be a label of the data mapping (data.mapping.labels), the column of gold supporting titles or ids; mapped labels are ${Object.keys(mapping.labels).join(', ') || 'none'}` });
  }
  return out;
}

/** The program's spec, when it builds (a template or a spec); undefined otherwise (that has its own problem line). */
function specOf(program: unknown): ProgramSpec | undefined {
  try {
    return typeof program === 'object' && program !== null && 'spec' in program ? (program as { spec: ProgramSpec }).spec : buildFromTemplate(program as Parameters<typeof buildFromTemplate>[0]);
  } catch {
    return undefined;
  }
}

/**
 * The optimizer's `predictors` that are not predictor steps of the program, so a typo is
 * reported with the config's other problems (and by the setup, before a run starts), not when
 * the search begins.
 */
function predictorProblems(optimizer: unknown, program: unknown): string | undefined {
  const chosen = typeof optimizer === 'object' && optimizer !== null ? (optimizer as { predictors?: unknown }).predictors : undefined;
  if (!Array.isArray(chosen)) return undefined;
  const spec = specOf(program);
  if (!spec) return undefined;
  const known = spec.steps.filter((st) => st.kind !== 'retrieve').map((st) => st.id);
  const unknown = chosen.filter((id) => typeof id === 'string' && !known.includes(id));
  if (unknown.length === 0) return undefined;
  const list = (ids: readonly unknown[]) => ids.map((id) => `"${String(id)}"`).join(', ');
  return `${list(unknown)} ${unknown.length === 1 ? 'is not a predictor step' : 'are not predictor steps'} of the program; its predictor steps are ${list(known) || 'none'}`;
}

/** The run config's own parts, before the checks across parts. */
const RunConfigParts = strictObject({
  program: ProgramSchema,
  data: DataSchema,
  metric: MetricSchema,
  optimizer: OptimizerConfigSchema,
  models: strictObject({ task: ModelSchema, proposer: v.optional(ModelSchema), teacher: v.optional(ModelSchema), judge: v.optional(ModelSchema) }),
  seed: v.optional(int(Number.MIN_SAFE_INTEGER)),
  concurrency: v.optional(int(1, CLIENT_LIMITS.maxConcurrency)),
  maxErrors: v.optional(int(0)),
});

export const RunConfigSchema = v.pipe(
  RunConfigParts,
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const { metric, program, data, optimizer } = dataset.value;
    const wrongPredictors = predictorProblems(optimizer, program);
    if (wrongPredictors) {
      const at = { type: 'object' as const, origin: 'value' as const, input: dataset.value as Record<string, unknown>, key: 'optimizer', value: optimizer };
      addIssue({ message: wrongPredictors, path: [at, { type: 'object', origin: 'value', input: optimizer as Record<string, unknown>, key: 'predictors', value: (optimizer as { predictors?: unknown }).predictors }] });
    }
    // Only a metric and a program that passed their own checks are compared.
    if (validateMetricSpec(metric).length > 0) return;
    for (const { key, message } of traceMetricProblems(metric, program, data.mapping)) {
      const at = { type: 'object' as const, origin: 'value' as const, input: dataset.value as Record<string, unknown>, key: 'metric', value: metric };
      addIssue({ message, path: key ? [at, { type: 'object', origin: 'value', input: metric as Record<string, unknown>, key, value: (metric as Record<string, unknown>)[key] }] : [at] });
    }
  }),
);

