/**
 * A run's logs: its trials, its event log (replay and teaching mode) and its traces (every
 * LM call exactly as sent and received). Rows are built by the `*Row` functions, which the
 * WriteBatcher uses too, so the same checks apply however a row is written.
 */
import { PlaygroundError, type ErrorData } from '../core/errors';
import type { CallPhase, ChatMessage, LMCallRecord, LMRole, TokenUsage } from '../core/lm';
import type { TrialRecord } from '../core/optimize';
import { quiet, writeTx } from './db';
import { splitTrial, type EventRow, type PromptLabDB, type StoredEvent, type TraceRow, type TraceUnreadable, type TrialRow } from './schema';
import { findSecrets } from './secrets';

/** A trial as stored: the record plus its run. */
export function trialRow(runId: string, trial: TrialRecord): TrialRow {
  return { ...trial, runId };
}

/** An event-log entry. `seq` is the event's position in the run (the caller counts). */
export function eventRow(runId: string, seq: number, event: StoredEvent, at: number = Date.now()): EventRow {
  return { runId, seq, event, at };
}

/** An LM call and where in a run it happened. */
export interface TraceInput {
  runId: string;
  stepId: string;
  call: LMCallRecord;
  role?: LMRole;
  phase?: CallPhase;
  trialIndex?: number;
  exampleId?: string;
  /** The `ADAPTER_PARSE` error when the answer could not be read. */
  unreadable?: ErrorData;
  at?: number;
}

/** Which of a run's calls to list; every given field must match. */
export interface TraceFilter {
  phase?: CallPhase;
  /** One trial, or `'none'`: calls made outside any trial (bootstrap, proposals, final scoring). */
  trialIndex?: number | 'none';
  exampleId?: string;
  /** Only calls whose answer could not be read. */
  unreadable?: boolean;
}

/**
 * Whether a call matches `filter`. Calls stored before calls carried their phase have none,
 * and match no phase filter (they still match by trial and example).
 */
export function matchesTrace(row: Pick<TraceRow, 'phase' | 'trialIndex' | 'exampleId' | 'unreadable'>, filter: TraceFilter): boolean {
  const trial = filter.trialIndex === 'none' ? row.trialIndex === undefined : filter.trialIndex === undefined || row.trialIndex === filter.trialIndex;
  return (
    trial &&
    (filter.phase === undefined || row.phase === filter.phase) &&
    (filter.exampleId === undefined || row.exampleId === filter.exampleId) &&
    (filter.unreadable !== true || row.unreadable !== undefined)
  );
}

/**
 * A trace row holding only the call's messages, completion, model, sampling parameters
 * (temperature, token cap, format asked for), why it stopped, usage, and whether its answer
 * could not be read. Throws `INTERNAL` if a message carries anything but role and content (e.g. headers
 * or a key): that would be a bug upstream, and storing it would leak the key.
 */
export function traceRow(input: TraceInput): TraceRow {
  const { call } = input;
  const leaks = findSecrets(input).concat(call.messages.flatMap((m, i) => extraFields(m).map((f) => `call.messages.${i}.${f}`)));
  if (leaks.length > 0) {
    throw new PlaygroundError('INTERNAL', `Refusing to store a trace with fields other than the messages: ${leaks.join(', ')}.`, {
      hint: 'This is a bug in PromptLab: traces keep role and content only; please report it.',
      details: { fields: leaks },
    });
  }
  const row: TraceRow = {
    runId: input.runId,
    stepId: input.stepId,
    messages: call.messages.map((m) => ({ role: m.role, content: m.content })),
    completion: call.completion,
    model: call.model,
    usage: { promptTokens: call.usage.promptTokens, completionTokens: call.usage.completionTokens } satisfies TokenUsage,
    cached: call.cached,
    durationMs: call.durationMs,
    at: input.at ?? Date.now(),
  };
  if (call.temperature !== undefined) row.temperature = call.temperature;
  if (input.role !== undefined) row.role = input.role;
  if (input.phase !== undefined) row.phase = input.phase;
  if (input.trialIndex !== undefined) row.trialIndex = input.trialIndex;
  if (input.exampleId !== undefined) row.exampleId = input.exampleId;
  if (call.maxTokens !== undefined) row.maxTokens = call.maxTokens;
  if (call.responseFormat !== undefined) row.responseFormat = call.responseFormat;
  if (call.finishReason !== undefined) row.finishReason = call.finishReason;
  if (input.unreadable) row.unreadable = unreadableOf(input.unreadable);
  return row;
}

/**
 * The part of a parse error a trace keeps. Its details are read field by field, checked, and
 * copied: `details` is an open record, and the row must hold plain strings only (the
 * completion itself is already the row's `completion`).
 */
function unreadableOf(error: ErrorData): TraceUnreadable {
  const d = error.details ?? {};
  const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
  const invalid = Array.isArray(d.invalid)
    ? d.invalid.flatMap((i: unknown) => {
        const { field, reason } = (i ?? {}) as { field?: unknown; reason?: unknown };
        return typeof field === 'string' ? [{ field, reason: typeof reason === 'string' ? reason : '' }] : [];
      })
    : [];
  return { message: error.message, missing: strings(d.missing), invalid, ...(d.cutOff === true && { cutOff: true }) };
}

function extraFields(m: ChatMessage): string[] {
  return Object.keys(m).filter((k) => k !== 'role' && k !== 'content');
}

/** The key range of everything belonging to one run in a [runId, number] key or index. */
export function runRange(runId: string): IDBKeyRange {
  return IDBKeyRange.bound([runId, -Infinity], [runId, Infinity]);
}

/** Trials of runs, keyed [runId, index] (writing a trial again replaces it). */
export class TrialStore {
  constructor(private readonly db: PromptLabDB) {}

  /** Writes trials in one transaction. Throws `STORAGE_QUOTA` when the disk is full. */
  async put(runId: string, ...trials: TrialRecord[]): Promise<void> {
    await writeTx(this.db, ['trials'], `save ${trials.length} trial(s) of run ${runId}`, async (tx) => {
      await Promise.all(trials.map((t) => quiet(tx.store.put(trialRow(runId, t)))));
    });
  }

  /** A run's trials in trial order, without the `runId` field. */
  async list(runId: string): Promise<TrialRecord[]> {
    const rows = await this.db.getAll('trials', runRange(runId));
    return rows.map(({ runId: _r, ...trial }) => trial);
  }

  count(runId: string): Promise<number> {
    return this.db.count('trials', runRange(runId));
  }
}

/**
 * Each run's events in emission order. A trial's end is logged as a reference to the trial,
 * which is stored once, in the trials store; reading the log puts the trial back.
 */
export class EventLog {
  constructor(private readonly db: PromptLabDB) {}

  /** Appends events (their trials to the trials store) in one transaction. */
  async append(...rows: EventRow[]): Promise<void> {
    await writeTx(this.db, ['events', 'trials'], `save ${rows.length} event(s)`, async (tx) => {
      await Promise.all(
        rows.flatMap((row) => {
          const { event, trial } = splitTrial(row.event);
          const writes: Promise<unknown>[] = [quiet(tx.objectStore('events').add({ ...row, event }))];
          if (trial) writes.push(quiet(tx.objectStore('trials').put(trialRow(row.runId, trial))));
          return writes;
        }),
      );
    });
  }

  /** A run's events in `seq` order, from `fromSeq` on (to continue a replay), with their trials. */
  async list(runId: string, fromSeq = 0): Promise<EventRow[]> {
    const tx = this.db.transaction(['events', 'trials']);
    const [rows, trials] = await Promise.all([
      tx.objectStore('events').index('runSeq').getAll(IDBKeyRange.bound([runId, fromSeq], [runId, Infinity])),
      tx.objectStore('trials').getAll(runRange(runId)),
    ]);
    const byIndex = new Map(trials.map(({ runId: _r, ...trial }) => [trial.index, trial]));
    return rows.flatMap((row) => {
      if (row.event.type !== 'trial_end_ref') return [{ ...row, event: row.event }];
      const trial = byIndex.get(row.event.index);
      // A reference whose trial is gone (deleted by hand) has nothing left to show.
      return trial ? [{ ...row, event: { type: 'optimizer', event: { type: 'trial_end', trial } } }] : [];
    });
  }

  /** The next `seq` for a run (0 for a new run), to continue numbering after a resume. */
  async nextSeq(runId: string): Promise<number> {
    const cursor = await this.db.transaction('events').store.index('runSeq').openCursor(runRange(runId), 'prev');
    return cursor ? cursor.value.seq + 1 : 0;
  }
}

/** Every LM call of each run. */
export class TraceStore {
  constructor(private readonly db: PromptLabDB) {}

  /** Stores calls in one transaction and resolves to their ids. Throws `INTERNAL` for a leaking row (see {@link traceRow}). */
  async add(...inputs: TraceInput[]): Promise<number[]> {
    const rows = inputs.map(traceRow);
    return writeTx(this.db, ['traces'], `save ${rows.length} trace(s)`, (tx) => Promise.all(rows.map((r) => quiet(tx.store.add(r)))));
  }

  /** A run's calls in the order they were stored, those matching `filter` only (see {@link matchesTrace}). */
  async list(runId: string, filter: TraceFilter = {}): Promise<TraceRow[]> {
    const rows = await this.db.getAllFromIndex('traces', 'runId', runId);
    return rows.filter((r) => matchesTrace(r, filter));
  }

  count(runId: string): Promise<number> {
    return this.db.countFromIndex('traces', 'runId', runId);
  }
}
