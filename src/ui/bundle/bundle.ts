/**
 * The run bundle: one JSON file holding everything needed to replay a run without any model
 * (redacted config, plan, trials, events, traces, result). Teaching mode opens it in a class
 * with no GPU. Versioned and validated on import (valibot); a bundle holding an API key or
 * an unredacted header is refused, on export and on import, so keys never travel in files.
 */
import * as v from 'valibot';
import { PlaygroundError, type ErrorData } from '../../core/errors';
import type { UsageSnapshot } from '../../core/lm';
import type { Plan, TrialRecord } from '../../core/optimize';
import type { RunConfig, RunEvent, RunStatus, RunSummary } from '../../core/runner';
import { redactConfig } from '../../core/runner';
import { findSecrets } from '../../storage/secrets';
import type { StoredEvent, TraceRow } from '../../storage/schema';

/** Identifies the file type (a stray JSON file is told apart from a bundle). */
export const BUNDLE_FORMAT = 'promptlab-run-bundle';
/** Current bundle version; an import of a newer one is refused with `SHARE_VERSION`. */
export const BUNDLE_VERSION = 1;
/** Imports above this size are refused before parsing (a bundle of a heavy run is a few MB). */
const MAX_BUNDLE_BYTES = 200 * 1024 * 1024;

/** One LM call in a bundle: a trace row without its database keys. */
export type BundleTrace = Omit<TraceRow, 'id' | 'runId'>;

/** What a run holds about itself, its logs aside: a stored run's record, a bundle's run. In a bundle `config` is redacted (no keys, no pasted data). */
export interface BundleRun {
  id: string;
  name?: string;
  status: RunStatus;
  createdAt: number;
  config: RunConfig;
  plan?: Plan;
  result?: RunSummary;
  error?: ErrorData;
  usage?: UsageSnapshot;
}

export interface RunBundle {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  exportedAt: string;
  run: BundleRun;
  trials: TrialRecord[];
  /** The run's events in emission order. */
  events: RunEvent[];
  traces: BundleTrace[];
}

/** Everything a bundle is made from (what the stores hold for one run). */
export interface BundleInput {
  run: BundleRun;
  trials: readonly TrialRecord[];
  events: readonly (RunEvent | StoredEvent)[];
  traces?: readonly (TraceRow | BundleTrace)[];
  exportedAt?: Date;
}

/**
 * Builds a bundle. Throws `SHARE_INVALID` when anything in it holds a secret (the config
 * must be redacted with `redactConfig` first).
 */
export function createBundle(input: BundleInput): RunBundle {
  const bundle: RunBundle = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: (input.exportedAt ?? new Date()).toISOString(),
    // Stored runs keep their data (to resume after a reload); a bundle carries no pasted data.
    run: { ...input.run, config: redactConfig(input.run.config) },
    trials: [...input.trials],
    events: input.events.map(toRunEvent),
    traces: (input.traces ?? []).map(({ id: _id, runId: _run, ...rest }: Partial<TraceRow> & BundleTrace) => rest),
  };
  assertNoSecretsIn(bundle, 'export');
  return bundle;
}

/** The bundle as a file's text (compact JSON; it is read by programs, not people). */
export function serializeBundle(bundle: RunBundle): string {
  return JSON.stringify(bundle);
}

/** A file name for a bundle: `promptlab-run-<name or id>.json`. */
export function bundleFileName(bundle: RunBundle): string {
  const base = (bundle.run.name ?? bundle.run.id).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  return `promptlab-run-${base || 'run'}.json`;
}

/**
 * Parses and validates a bundle file's text.
 * @throws PlaygroundError `SHARE_TOO_LARGE` above {@link MAX_BUNDLE_BYTES}; `SHARE_INVALID` when it
 *   is not JSON, not a bundle, malformed, or holds a secret; `SHARE_VERSION` when it is newer
 *   than this app understands.
 */
export function parseBundle(text: string): RunBundle {
  if (text.length > MAX_BUNDLE_BYTES) {
    throw new PlaygroundError('SHARE_TOO_LARGE', `The run bundle is ${(text.length / 1e6).toFixed(1)} MB, above the ${MAX_BUNDLE_BYTES / 1e6} MB limit.`, {
      hint: 'Export the run again without traces, or split the class demo into a smaller run.',
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PlaygroundError('SHARE_INVALID', `The file is not JSON: ${(err as Error).message}.`, { hint: 'Choose a run bundle exported from PromptLab (promptlab-run-*.json).' });
  }
  const head = v.safeParse(HeadSchema, data);
  if (!head.success) {
    throw new PlaygroundError('SHARE_INVALID', 'The file is not a PromptLab run bundle (its "format" field is missing or different).', {
      hint: 'Choose a run bundle exported from PromptLab (promptlab-run-*.json).',
    });
  }
  if (head.output.version !== BUNDLE_VERSION) {
    const newer = head.output.version > BUNDLE_VERSION;
    throw new PlaygroundError('SHARE_VERSION', `The run bundle has version ${head.output.version}, but this PromptLab reads version ${BUNDLE_VERSION}.`, {
      hint: newer ? 'Reload PromptLab to get the newest version, then import again.' : 'Re-export the run with a current PromptLab.',
      details: { version: head.output.version },
    });
  }
  const parsed = v.safeParse(BundleSchema, data);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new PlaygroundError('SHARE_INVALID', `The run bundle is malformed at ${path || 'its top level'}: ${issue.message}.`, {
      hint: 'The file was changed or truncated; export the run again.',
      details: { path },
    });
  }
  const bundle = data as RunBundle;
  assertNoSecretsIn(bundle, 'import');
  bundle.events = bundle.events.map(toRunEvent);
  return bundle;
}

/** Events as the UI reads them: optimizer events wrapped in `{ type: 'optimizer' }`. */
export function toRunEvent(event: RunEvent | StoredEvent): RunEvent {
  switch (event.type) {
    case 'optimizer':
    case 'data':
    case 'phase':
    case 'progress':
    case 'score':
    case 'output':
      return event as RunEvent;
    default:
      return { type: 'optimizer', event };
  }
}

function assertNoSecretsIn(bundle: RunBundle, what: 'export' | 'import'): void {
  const found = findSecrets(bundle);
  if (found.length === 0) return;
  throw new PlaygroundError('SHARE_INVALID', `Refusing to ${what} a run bundle that holds secrets: ${found.slice(0, 5).join(', ')}.`, {
    hint: what === 'export' ? 'This is a bug: the run config must be redacted before export; please report it.' : 'Remove the API keys from the file (or export it again from PromptLab, which never includes keys).',
    details: { fields: found },
  });
}

const HeadSchema = v.object({ format: v.literal(BUNDLE_FORMAT), version: v.pipe(v.number(), v.integer()) });

const TrialSchema = v.looseObject({
  index: v.pipe(v.number(), v.integer(), v.minValue(0)),
  kind: v.picklist(['default', 'minibatch', 'full', 'candidate']),
  params: v.record(v.string(), v.number()),
  score: v.number(),
  n: v.number(),
  calls: v.object({ sent: v.number(), cacheHits: v.number() }),
});

// The fields after `usage` came with output modes: optional, so bundles exported before them
// still import; checked when present, because the trace inspector reads them as these types.
const TraceSchema = v.looseObject({
  stepId: v.string(),
  messages: v.array(v.object({ role: v.string(), content: v.string() })),
  completion: v.string(),
  model: v.string(),
  cached: v.boolean(),
  usage: v.looseObject({ promptTokens: v.number(), completionTokens: v.number() }),
  maxTokens: v.optional(v.number()),
  responseFormat: v.optional(v.picklist(['json_object', 'json_schema'])),
  finishReason: v.optional(v.string()),
  unreadable: v.optional(
    v.looseObject({
      message: v.string(),
      missing: v.array(v.string()),
      invalid: v.array(v.looseObject({ field: v.string(), reason: v.string() })),
      cutOff: v.optional(v.boolean()),
    }),
  ),
});

const BundleSchema = v.object({
  format: v.literal(BUNDLE_FORMAT),
  version: v.literal(BUNDLE_VERSION),
  exportedAt: v.string(),
  run: v.looseObject({
    id: v.pipe(v.string(), v.minLength(1)),
    status: v.picklist(['running', 'paused', 'interrupted', 'completed', 'failed', 'cancelled']),
    createdAt: v.number(),
    config: v.looseObject({ program: v.record(v.string(), v.unknown()), models: v.record(v.string(), v.unknown()) }),
    result: v.optional(v.looseObject({ version: v.literal(1), scores: v.looseObject({ val: v.number() }) })),
  }),
  trials: v.array(TrialSchema),
  events: v.array(v.looseObject({ type: v.string() })),
  traces: v.array(TraceSchema),
});
