/**
 * Metrics as objects built from a {@link MetricSpec} (plain data that runs and links carry).
 */
import type { Example } from '../data/types';
import type { CallContext } from '../lm/types';
import { PlaygroundError, throwIfAborted } from '../errors';
import { numericMatch } from './numeric';
import { contains, exactMatch, oneOfLabels, tokenF1 } from './text';
import type { MetricKind, MetricSpec } from './types';

/** A metric ready to score predictions; scores are in [0, 1] for the built-in kinds. */
export interface Metric {
  spec: MetricSpec;
  /** Short display name, e.g. `exact_match(answer)`. */
  name: string;
  score(example: Example, prediction: Record<string, unknown>, opts?: ScoreOptions): Promise<number>;
}

export interface ScoreOptions {
  signal?: AbortSignal;
  /** Where in the run the prediction was made: an LLM judge's call is traced there. */
  call?: CallContext;
}

/** Scores one prediction with an LM judge (built in `evaluate/judge.ts`). */
export type JudgeFn = (example: Example, prediction: Record<string, unknown>, opts?: ScoreOptions) => Promise<number>;

export interface MetricDeps {
  /** Required for `llm_judge` metrics. */
  judge?: JudgeFn;
}

const KINDS: readonly MetricKind[] = ['exact_match', 'contains', 'f1', 'numeric', 'one_of_labels', 'llm_judge'];

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
  if (s.kind === 'numeric') {
    if (s.tolerance !== undefined && !(typeof s.tolerance === 'number' && Number.isFinite(s.tolerance) && s.tolerance >= 0)) {
      problems.push(`tolerance: must be a number >= 0, but got ${show(s.tolerance)}`);
    }
    if (s.relative !== undefined && typeof s.relative !== 'boolean') problems.push(`relative: must be true or false, but got ${show(s.relative)}`);
  }
  if (s.kind === 'one_of_labels' && s.labels !== undefined) {
    if (!Array.isArray(s.labels) || s.labels.length === 0 || !s.labels.every((l) => typeof l === 'string' && l.trim() !== '')) {
      problems.push(`labels: must be a non-empty list of non-empty strings, but got ${show(s.labels)}`);
    }
  }
  if (s.kind === 'llm_judge') {
    if (s.verdictField !== undefined && (typeof s.verdictField !== 'string' || s.verdictField === '')) problems.push(`verdictField: must be a field name, but got ${show(s.verdictField)}`);
    if (s.signature !== undefined && typeof s.signature !== 'string' && (typeof s.signature !== 'object' || s.signature === null || Array.isArray(s.signature))) {
      problems.push(`signature: must be a signature string or object, but got ${show(s.signature)}`);
    }
  }
  return problems;
}

/**
 * Builds a metric. The spec's `field` is read from `prediction[field]` and the gold from
 * `example.labels[field]`; a gold array is a list of acceptable answers. A missing prediction
 * field scores 0; a missing gold label throws `METRIC_INVALID` (a mapping problem, not a model
 * failure, so it must not look like a score of 0). Throws `METRIC_INVALID` for an invalid spec
 * and for `llm_judge` without `deps.judge`.
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
      name: `llm_judge(${field})`,
      async score(example, prediction, opts = {}) {
        throwIfAborted(opts.signal);
        const s = await judge(example, prediction, opts);
        return Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0;
      },
    };
  }
  const compare = comparator(spec);
  return {
    spec,
    name: displayName(spec),
    async score(example, prediction, opts = {}) {
      throwIfAborted(opts.signal);
      const gold = example.labels[field];
      if (gold === undefined || gold === null) {
        throw new PlaygroundError('METRIC_INVALID', `Example "${example.id}" has no gold label "${field}" for the ${spec.kind} metric.`, {
          hint: `Map a data column to the label "${field}". Labels present: ${Object.keys(example.labels).join(', ') || 'none'}.`,
        });
      }
      const predicted = prediction[field];
      if (predicted === undefined || predicted === null) return 0;
      return compare(predicted, gold);
    },
  };
}

/** True when a score counts as a success (BootstrapFewShot keeps traces that pass). */
export function passes(score: number, threshold = 1): boolean {
  return score >= threshold;
}

function comparator(spec: Exclude<MetricSpec, { kind: 'llm_judge' }>): (prediction: unknown, gold: unknown) => number {
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
  }
}

function displayName(spec: MetricSpec): string {
  if (spec.kind === 'numeric' && spec.tolerance) return `numeric(${spec.field}, ±${spec.tolerance}${spec.relative ? ' relative' : ''})`;
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
