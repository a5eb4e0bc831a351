/**
 * Metrics as objects built from a {@link MetricSpec} (plain data that runs and links carry).
 */
import type { Example } from '../data/types';
import type { CallContext } from '../lm/types';
import type { TraceStep } from '../program/types';
import { PlaygroundError, throwIfAborted } from '../errors';
import { ANSWER_FORMATS, ANSWER_KINDS, formattedAnswer, type AnswerFormat, type AnswerKind } from './format';
import { numericMatch } from './numeric';
import { contains, exactMatch, oneOfLabels, tokenF1 } from './text';
import { answerInContext, retrievalRecall, retrievedPassages } from './trace';
import type { MetricKind, MetricSpec } from './types';

/** A metric ready to score predictions; scores are in [0, 1] for the built-in kinds. */
export interface Metric {
  spec: MetricSpec;
  /** Short display name, e.g. `exact_match(answer)`. */
  name: string;
  /**
   * The score a bootstrapped trace needs when the run sets no `metricThreshold` (absent: any
   * score above 0, DSPy's truthy metric). Recall passes only when whole, as DSPy's HoVer
   * bootstrapping metric does (`discrete_retrieval_eval`): a trace whose hops missed a gold
   * title teaches the wrong hop.
   */
  passThreshold?: number;
  score(example: Example, prediction: Record<string, unknown>, opts?: ScoreOptions): Promise<number>;
}

export interface ScoreOptions {
  signal?: AbortSignal;
  /** Where in the run the prediction was made: an LLM judge's call is traced there. */
  call?: CallContext;
  /**
   * The run's trace (every step, retrieve steps with their passages). Every scoring call site
   * passes it; the trace metrics (`retrieval_recall`, `answer_in_context`) need it.
   */
  trace?: readonly TraceStep[];
}

/** Scores one prediction with an LM judge (built in `evaluate/judge.ts`). */
export type JudgeFn = (example: Example, prediction: Record<string, unknown>, opts?: ScoreOptions) => Promise<number>;

export interface MetricDeps {
  /** Required for `llm_judge` metrics. */
  judge?: JudgeFn;
}

const KINDS: readonly MetricKind[] = ['exact_match', 'contains', 'f1', 'numeric', 'one_of_labels', 'formatted_answer', 'llm_judge', 'retrieval_recall', 'answer_in_context'];


/**
 * Lists what is wrong with a metric spec, in "must be X, but got Y" form; empty when valid.
 * Used by config validation to report every problem at once.
 */
export function validateMetricSpec(spec: unknown): string[] {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return [`must be an object like { "kind": "exact_match", "field": "answer" }, but got ${show(spec)}`];
  const s = spec as Record<string, unknown>;
  const problems: string[] = [];
  if (!KINDS.includes(s.kind as MetricKind)) problems.push(`kind: must be one of ${KINDS.join(', ')}, but got ${show(s.kind)}`);
  if (typeof s.field !== 'string' || s.field.trim() === '') problems.push(`field: must name the output field to score (e.g. "answer"), but got ${show(s.field)}`);
  problems.push(...kindProblems(s));
  return problems;
}

/** The problems of a spec's kind-specific options. */
function kindProblems(s: Record<string, unknown>): string[] {
  switch (s.kind) {
    case 'numeric':
      return numericProblems(s);
    case 'one_of_labels':
      return s.labels !== undefined && (!Array.isArray(s.labels) || s.labels.length === 0 || !s.labels.every((l) => typeof l === 'string' && l.trim() !== ''))
        ? [`labels: must be a non-empty list of non-empty strings, but got ${show(s.labels)}`]
        : [];
    case 'llm_judge':
      return judgeProblems(s);
    case 'formatted_answer':
      return formatProblems(s);
    case 'retrieval_recall':
    case 'answer_in_context':
      return passageProblems(s);
    default:
      return [];
  }
}

function numericProblems(s: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (s.tolerance !== undefined && !(typeof s.tolerance === 'number' && Number.isFinite(s.tolerance) && s.tolerance >= 0)) {
    problems.push(`tolerance: must be a number >= 0, but got ${show(s.tolerance)}`);
  }
  if (s.relative !== undefined && typeof s.relative !== 'boolean') problems.push(`relative: must be true or false, but got ${show(s.relative)}`);
  return problems;
}

function formatProblems(s: Record<string, unknown>): string[] {
  if (s.formats === undefined) return [];
  const f = s.formats;
  if (typeof f !== 'object' || f === null || Array.isArray(f)) return [`formats: must be an object like { "number": "brackets" }, but got ${show(f)}`];
  const problems: string[] = [];
  for (const [kind, format] of Object.entries(f)) {
    if (!ANSWER_KINDS.includes(kind as AnswerKind)) problems.push(`formats: "${kind}" must be one of ${ANSWER_KINDS.join(', ')}`);
    else if (!ANSWER_FORMATS.includes(format as AnswerFormat)) problems.push(`formats.${kind}: must be one of ${ANSWER_FORMATS.join(', ')}, but got ${show(format)}`);
  }
  return problems;
}

function judgeProblems(s: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (s.verdictField !== undefined && (typeof s.verdictField !== 'string' || s.verdictField === '')) problems.push(`verdictField: must be a field name, but got ${show(s.verdictField)}`);
  if (s.signature !== undefined && typeof s.signature !== 'string' && (typeof s.signature !== 'object' || s.signature === null || Array.isArray(s.signature))) {
    problems.push(`signature: must be a signature string or object, but got ${show(s.signature)}`);
  }
  if (s.rubric !== undefined && (typeof s.rubric !== 'string' || s.rubric.trim() === '')) problems.push(`rubric: must be the judge's instruction (a non-empty text), but got ${show(s.rubric)}`);
  if (s.gold !== undefined && typeof s.gold !== 'boolean') problems.push(`gold: must be true or false, but got ${show(s.gold)}`);
  if (s.signature !== undefined && (s.rubric !== undefined || s.gold !== undefined)) {
    problems.push('signature: give a judge signature, or a rubric (and gold), not both: a signature sets its own instruction and inputs');
  }
  return problems;
}

function passageProblems(s: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (s.k !== undefined && !(typeof s.k === 'number' && Number.isInteger(s.k) && s.k >= 1)) problems.push(`k: must be a whole number >= 1 (passages per retrieve step), but got ${show(s.k)}`);
  if (s.steps !== undefined && (!Array.isArray(s.steps) || s.steps.length === 0 || !s.steps.every((id) => typeof id === 'string' && id !== ''))) {
    problems.push(`steps: must be a non-empty list of retrieve step ids, but got ${show(s.steps)}`);
  }
  return problems;
}

/**
 * Builds a metric. The spec's `field` is read from `prediction[field]` and the gold from
 * `example.labels[field]`; a gold array is a list of acceptable answers. A missing prediction
 * field scores 0; a missing gold label throws `METRIC_INVALID` (a mapping problem, not a model
 * failure, so it must not look like a score of 0). Throws `METRIC_INVALID` for an invalid spec
 * and for `llm_judge` without `deps.judge`.
 *
 * The trace metrics read `opts.trace` (see `trace.ts`): `retrieval_recall`'s `field` names the
 * gold **label** of supporting titles (the prediction is not read); `answer_in_context`'s names
 * the predicted answer. Scoring one without a trace throws `METRIC_INVALID`.
 */
export function createMetric(spec: MetricSpec, deps: MetricDeps = {}): Metric {
  const problems = validateMetricSpec(spec);
  if (problems.length > 0) {
    throw new PlaygroundError('METRIC_INVALID', `Invalid metric: ${problems.join('; ')}.`, {
      hint: 'For example { "kind": "exact_match", "field": "answer" }.',
      details: { problems },
    });
  }
  const field = spec.field;
  if (spec.kind === 'llm_judge') {
    const judge = deps.judge;
    if (!judge) throw new PlaygroundError('METRIC_INVALID', `The llm_judge metric on "${field}" needs a judge model, and none was given.`, { hint: 'Configure a judge model (an API endpoint or the local model).' });
    return {
      spec,
      name: displayName(spec),
      async score(example, prediction, opts = {}) {
        throwIfAborted(opts.signal);
        const s = await judge(example, prediction, opts);
        return Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0;
      },
    };
  }
  if (spec.kind === 'retrieval_recall' || spec.kind === 'answer_in_context') return traceMetric(spec);
  const compare = comparator(spec);
  return {
    spec,
    name: displayName(spec),
    async score(example, prediction, opts = {}) {
      throwIfAborted(opts.signal);
      const gold = goldLabel(example, spec);
      const predicted = prediction[field];
      if (predicted === undefined || predicted === null) return 0;
      return compare(predicted, gold);
    },
  };
}

type TraceSpec = Extract<MetricSpec, { kind: 'retrieval_recall' | 'answer_in_context' }>;

function traceMetric(spec: TraceSpec): Metric {
  const choice = { ...(spec.steps && { steps: spec.steps }), ...(spec.k !== undefined && { k: spec.k }) };
  return {
    spec,
    name: displayName(spec),
    ...(spec.kind === 'retrieval_recall' && { passThreshold: 1 }),
    async score(example, prediction, opts = {}) {
      throwIfAborted(opts.signal);
      if (!opts.trace) {
        throw new PlaygroundError('METRIC_INVALID', `The ${spec.kind} metric reads the run's retrieved passages, and no trace was given.`, { hint: 'Pass the program run\'s trace to Metric.score.' });
      }
      const passages = retrievedPassages(opts.trace, choice);
      if (spec.kind === 'retrieval_recall') return retrievalRecall(passages, goldLabel(example, spec));
      const answer = prediction[spec.field];
      return answer === undefined || answer === null ? 0 : answerInContext(passages, answer);
    },
  };
}

/** The example's gold label the spec names; a missing one is a mapping problem (`METRIC_INVALID`), not a score of 0. */
function goldLabel(example: Example, spec: MetricSpec): unknown {
  const gold = example.labels[spec.field];
  if (gold === undefined || gold === null) {
    throw new PlaygroundError('METRIC_INVALID', `Example "${example.id}" has no gold label "${spec.field}" for the ${spec.kind} metric.`, {
      hint: `Map a data column to the label "${spec.field}". Labels present: ${Object.keys(example.labels).join(', ') || 'none'}.`,
    });
  }
  return gold;
}

/** True when a score counts as a success (BootstrapFewShot keeps traces that pass). */
export function passes(score: number, threshold = 1): boolean {
  return score >= threshold;
}

function comparator(spec: Exclude<MetricSpec, { kind: 'llm_judge' } | TraceSpec>): (prediction: unknown, gold: unknown) => number {
  switch (spec.kind) {
    case 'exact_match':
      return exactMatch;
    case 'contains':
      return contains;
    case 'f1':
      return tokenF1;
    case 'numeric':
      return (p, g) => numericMatch(p, g, spec.tolerance ?? 0, spec.relative ?? false);
    case 'one_of_labels':
      return (p, g) => oneOfLabels(p, g, spec.labels);
    case 'formatted_answer':
      return (p, g) => formattedAnswer(p, g, spec.formats);
  }
}

function displayName(spec: MetricSpec): string {
  if (spec.kind === 'numeric' && spec.tolerance) return `numeric(${spec.field}, ±${spec.tolerance}${spec.relative ? ' relative' : ''})`;
  if (spec.kind === 'llm_judge' && (spec.rubric !== undefined || spec.gold === false)) return `llm_judge(${spec.field}, ${spec.gold === false ? 'rubric, no gold' : 'rubric'})`;
  if (spec.kind === 'retrieval_recall' || spec.kind === 'answer_in_context') {
    const opts = [spec.k !== undefined && `k=${spec.k}`, spec.steps && `steps=${spec.steps.join('+')}`].filter(Boolean);
    return `${spec.kind}(${[spec.field, ...opts].join(', ')})`;
  }
  return `${spec.kind}(${spec.field})`;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
