/**
 * The optimizer worker's service: runs configs with the engine, streams updates to the page,
 * and keeps everything in IndexedDB — the run record, every trial, every event, every LM call
 * (messages exactly as sent and received), checkpoints at every trial boundary and the LM
 * cache — so a reload, a closed tab or a crash loses nothing and a resumed run ends exactly as
 * an uninterrupted one would (its calls come from the cache).
 *
 * Kept apart from `optimizer.worker.ts` so it can be tested in Node (fake-indexeddb).
 */
import { parseDataset, type ParsedTable } from '../core/data';
import { toErrorData } from '../core/errors';
import { probeLatency } from '../core/lm';
import { planRun, prepareRun, type ModelConfig } from '../core/runner';
import type { PromptLabDB } from '../storage';
import type { OptimizerWorkerApi, Outcome, PlanRequest, TablePreview } from '../protocol/optimizer';
import { RunDriver } from './run-driver';
import { createModel } from './run-models';

export function createOptimizerService(openDb: () => Promise<PromptLabDB>): OptimizerWorkerApi {
  const runs = new RunDriver(openDb);
  return {
    start: (req, listener, localModel) => runs.start(req, listener, localModel),
    pause: async (runId) => runs.pause(runId),
    cancel: (runId, opts) => runs.cancel(runId, opts),
    plan: (req) => outcome(() => plan(req)),
    parseData: (text, format) => outcome(async () => previewTable(parseDataset(text, { format: format ?? 'auto' }))),
    testConnection: (model) => outcome(() => testConnection(model)),
  };
}

/** The plan of a config on its data, with the split sizes the data gives. */
async function plan({ config, latencyMs }: PlanRequest) {
  const prep = await prepareRun(config, { createLM: (cfg) => createModel(cfg, undefined) });
  const sizes = { train: prep.splits.train.length, val: prep.splits.val.length, test: prep.splits.test.length };
  return { ...planRun(prep.config, sizes, latencyMs), ...sizes };
}

/** One tiny request, to check URL, key and CORS; its time is the model's measured latency. */
async function testConnection(model: ModelConfig) {
  const probe = await probeLatency(createModel(model, undefined), { signal: AbortSignal.timeout(20_000) });
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

/** How many rows of a parsed table the page gets (it shows 20; share samples take a few). */
const TABLE_PREVIEW_ROWS = 1000;

/** The first rows of a table and its row count (see {@link TablePreview}). */
function previewTable(table: ParsedTable): TablePreview {
  const preview: TablePreview = { ...table, rows: table.rows.slice(0, TABLE_PREVIEW_ROWS), totalRows: table.rows.length };
  if (table.sourceRows) preview.sourceRows = table.sourceRows.slice(0, TABLE_PREVIEW_ROWS);
  return preview;
}
