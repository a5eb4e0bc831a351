/**
 * The optimizer worker's service: runs configs with the engine, streams updates to the page,
 * and keeps everything in IndexedDB — the run record, every trial, every event, every LM call
 * (messages exactly as sent and received), checkpoints at every trial boundary and the LM
 * cache — so a reload, a closed tab or a crash loses nothing and a resumed run ends exactly as
 * an uninterrupted one would (its calls come from the cache).
 *
 * Kept apart from `optimizer.worker.ts` so it can be tested in Node (fake-indexeddb).
 */
import { createTableReader, type DataFormat, type ParsedTable } from '../core/data';
import { PlaygroundError, toErrorData } from '../core/errors';
import { probeLatency } from '../core/lm';
import { planRun, prepareRun, type ModelConfig } from '../core/runner';
import { SettingsStore, type PromptLabDB } from '../storage';
import type { OptimizerWorkerApi, Outcome, ParseProgress, PlanRequest, TablePreview } from '../protocol/optimizer';
import { RunDriver } from './run-driver';
import { createModel } from './run-models';
import { TryRunner } from './try-runner';

export function createOptimizerService(openDb: () => Promise<PromptLabDB>): OptimizerWorkerApi {
  const runs = new RunDriver(openDb);
  /** The last text parsed, for requests that name it by id. */
  let parsed: { id: string; text: string } | undefined;
  let parses = 0;
  /** Ids differ between workers (a restarted worker has lost the text). */
  const worker = Math.random().toString(36).slice(2, 8);
  const tries = new TryRunner(openDb);
  return {
    start: (req, listener, localModel) => runs.start(req, listener, localModel),
    pause: async (runId) => runs.pause(runId),
    cancel: (runId, opts) => runs.cancel(runId, opts),
    plan: (req) => outcome(() => plan(withText(req, parsed))),
    parseData: (text, format, onProgress) =>
      outcome(async () => {
        parsed = { id: `${worker}-${++parses}`, text };
        return previewTable(parseInPieces(text, format ?? 'auto', onProgress), parsed.id);
      }),
    testConnection: (model) => outcome(() => testConnection(model)),
    saveDataText: (data) =>
      outcome(async () => {
        const settings = new SettingsStore(await openDb());
        if (data === undefined) return settings.delete(DATA_TEXT_KEY);
        await settings.set(DATA_TEXT_KEY, 'text' in data ? data.text : textOf(data.textId, parsed));
      }),
    loadDataText: () => outcome(async () => new SettingsStore(await openDb()).get<string>(DATA_TEXT_KEY)),
    tryProgram: (req, localModel) => tries.run(req, localModel),
  };
}

/** Where the workspace's large data text is kept (the rest of the workspace is the page's `workspace.v1`). */
const DATA_TEXT_KEY = 'workspace.data-text';

/** `req` with its data text put back from the last parse, when it names it by key. */
function withText(req: PlanRequest, parsed: { id: string; text: string } | undefined): PlanRequest {
  if (req.dataText === undefined) return req;
  return { ...req, config: { ...req.config, data: { ...req.config.data, text: textOf(req.dataText, parsed) } } };
}

/** The last parsed text, when it is the one `id` names. */
function textOf(id: string, parsed: { id: string; text: string } | undefined): string {
  if (parsed?.id !== id) throw new PlaygroundError('DATA_GONE', 'The worker no longer has this data.', { hint: 'Send the data text with the request.' });
  return parsed.text;
}

/** The plan of a config on its data, with the split sizes the data gives. */
async function plan({ config, latencyMs }: PlanRequest) {
  const prep = await prepareRun(config, { createLM: (cfg) => createModel(cfg, undefined) });
  const sizes = { train: prep.splits.train.length, val: prep.splits.val.length, test: prep.splits.test.length };
  return { ...planRun(prep.config, sizes, latencyMs), ...sizes };
}

/** How long Test connection waits for the answer. */
const TEST_TIMEOUT_MS = 20_000;

/**
 * One tiny request, to check URL, key and CORS; its time is the model's measured latency. An
 * API model is given the wait as its own timeout, with one attempt: a hung server then fails
 * with LM_TIMEOUT saying after how long, where an abort from outside would read as a cancel.
 */
async function testConnection(model: ModelConfig) {
  const api = model.provider === 'openai-compatible';
  const lm = api ? createModel({ ...model, timeoutMs: Math.min(model.timeoutMs ?? TEST_TIMEOUT_MS, TEST_TIMEOUT_MS), maxRetries: 0 }, undefined) : createModel(model, undefined);
  const probe = await probeLatency(lm, api ? {} : { signal: AbortSignal.timeout(TEST_TIMEOUT_MS) });
  return { ...probe, reply: probe.reply.slice(0, 200) };
}

/** The worker never throws across the boundary: failures come back as typed error data. */
async function outcome<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: toErrorData(err) };
  }
}

/** Text fed to the parser at a time: small enough for a few progress reports a second on a slow machine. */
const PIECE = 256 * 1024;
/** Rows the page shows while the rest loads. */
const EARLY_ROWS = 20;

/**
 * Parses `text` in pieces, reporting after each how far it got; the first report with rows
 * carries the columns and first rows, so the page shows them while the rest is read.
 */
function parseInPieces(text: string, format: DataFormat | 'auto', onProgress?: (p: ParseProgress) => void): ParsedTable {
  const reader = createTableReader({ format });
  let shown = false;
  for (let at = 0; at < text.length; at += PIECE) {
    reader.push(text.slice(at, at + PIECE));
    if (!onProgress) continue;
    const peek = shown ? undefined : reader.peek(EARLY_ROWS);
    if (peek && peek.rows.length > 0) shown = true;
    void onProgress({ done: Math.min(1, (at + PIECE) / text.length), rows: reader.rowCount, ...(peek && peek.rows.length > 0 && { preview: peek }) });
  }
  return reader.end();
}

/** How many rows of a parsed table the page gets (it shows 20; share samples take a few). */
const TABLE_PREVIEW_ROWS = 1000;

/** The first rows of a table and its row count (see {@link TablePreview}). */
function previewTable(table: ParsedTable, textId: string): TablePreview {
  const preview: TablePreview = { ...table, rows: table.rows.slice(0, TABLE_PREVIEW_ROWS), totalRows: table.rows.length, textId };
  if (table.sourceRows) preview.sourceRows = table.sourceRows.slice(0, TABLE_PREVIEW_ROWS);
  return preview;
}
