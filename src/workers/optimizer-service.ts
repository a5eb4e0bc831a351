/**
 * The optimizer worker's service: runs configs with the engine, streams updates to the page,
 * and keeps everything in IndexedDB — the run record, every trial, every event, every LM call
 * (messages exactly as sent and received), checkpoints at every trial boundary and the LM
 * cache — so a reload, a closed tab or a crash loses nothing and a resumed run ends exactly as
 * an uninterrupted one would (its calls come from the cache).
 *
 * Kept apart from `optimizer.worker.ts` so it can be tested in Node (fake-indexeddb).
 */
import { parseDataset } from '../core/data';
import { PlaygroundError, toErrorData } from '../core/errors';
import { executeRun, planRun, prepareRun, redactConfig, type RunEvent, type RunHost } from '../core/runner';
import type { LMCallRecord } from '../core/program/types';
import { EventLog, IdbCacheStore, RunStore, WriteBatcher } from '../storage';
import type { PromptLabDB } from '../storage/schema';
import type { LocalModelBridge, OptimizerWorkerApi, Outcome, RunStatus, RunUpdate, StartRunRequest } from './protocol';
import { createModel } from './run-models';

interface Active {
  controller: AbortController;
  stop?: 'pause' | 'cancel';
}

export function createOptimizerService(openDb: () => Promise<PromptLabDB>): OptimizerWorkerApi {
  let storage: Promise<{ db: PromptLabDB; runs: RunStore; events: EventLog; cache: IdbCacheStore }> | undefined;
  const getStorage = () =>
    (storage ??= openDb().then((db) => ({ db, runs: new RunStore(db), events: new EventLog(db), cache: new IdbCacheStore(db) })));
  const active = new Map<string, Active>();

  async function start(req: StartRunRequest, listener: (u: RunUpdate) => void, localModel?: LocalModelBridge): Promise<Outcome<import('../core/runner').RunResult>> {
    const runId = req.runId;
    if (active.has(runId)) return fail({ code: 'RUN_LOCKED', message: 'This run is already running.', hint: 'Wait for it, or pause it first.' });
    const me: Active = { controller: new AbortController() };
    active.set(runId, me);
    let batcher: WriteBatcher | undefined;
    try {
      const { db, runs, events, cache } = await getStorage();
      return await withRunLock(runId, async () => {
        const existing = await runs.get(runId);
        if (req.resume && !existing) throw new PlaygroundError('RUN_NOT_FOUND', `Run ${runId} is not stored on this device.`, { hint: 'Start a new run.' });
        if (existing && !req.resume) throw new PlaygroundError('RUN_LOCKED', `Run ${runId} already exists.`, { hint: 'Resume it or start a new run.' });
        const owner = req.tabId ? { ownerTab: req.tabId } : {};
        if (existing) await runs.update(runId, { status: 'running', error: undefined as never, ...owner });
        else await runs.create({ id: runId, ...(req.title && { name: req.title }), config: redactConfig(req.config, { keepData: true }), status: 'running', ...owner });
        listener({ kind: 'status', runId, status: 'running' });
        const w = new WriteBatcher(db, { makeRoom: (bytes) => cache.evict(bytes) });
        batcher = w;
        let seq = await events.nextSeq(runId);
        let trial: number | undefined;
        let saving: Promise<unknown> = Promise.resolve();
        const onEvent = (event: RunEvent) => {
          const s = seq++;
          w.addEvent(runId, s, stripCheckpoint(event));
          if (event.type === 'plan') saving = saving.then(() => runs.update(runId, { plan: event.plan }));
          if (event.type === 'optimizer') {
            const e = event.event;
            if (e.type === 'trial_start') trial = e.trial;
            else if (e.type === 'trial_end') {
              w.addTrial(runId, e.trial);
              trial = undefined;
            } else if (e.type === 'checkpoint') {
              // Trials and cached answers first, then the checkpoint that refers to them.
              saving = saving.then(async () => {
                await w.flush();
                await cache.flush();
                await runs.saveCheckpoint(runId, e.checkpoint, event.usage);
              });
            }
          }
          if (!(event.type === 'optimizer' && event.event.type === 'checkpoint')) listener({ kind: 'event', runId, seq: s, event });
        };
        const host: RunHost = {
          createLM: (cfg) => createModel(cfg, localModel),
          cache,
          signal: me.controller.signal,
          ...(existing?.checkpoint !== undefined && { checkpoint: existing.checkpoint }),
          ...(existing?.usage && { usage: existing.usage }),
          onEvent,
          observeCall: ({ request, response }) => {
            if (!response) return;
            const call: LMCallRecord = {
              model: response.model,
              messages: request.messages,
              completion: response.completions[0] ?? '',
              usage: response.usage,
              cached: response.cached === true,
              durationMs: 0,
              ...(request.temperature !== undefined && { temperature: request.temperature }),
            };
            w.addTrace({ runId, stepId: request.tag ?? 'unknown', call, ...(trial !== undefined && { trialIndex: trial }) });
          },
        };
        const result = await executeRun(req.config, host);
        await saving;
        await w.flush();
        await cache.flush();
        await runs.complete(runId, result);
        listener({ kind: 'result', runId, result });
        listener({ kind: 'status', runId, status: 'completed' });
        return { ok: true as const, value: result };
      });
    } catch (err) {
      const error = toErrorData(err);
      const status: RunStatus = error.code === 'ABORTED' ? (me.stop === 'cancel' ? 'cancelled' : 'paused') : 'failed';
      try {
        await batcher?.flush();
        const { runs } = await getStorage();
        if (error.code !== 'RUN_LOCKED' && error.code !== 'RUN_NOT_FOUND') await runs.setStatus(runId, status, status === 'failed' ? error : undefined);
      } catch {
        // The run's status could not be saved (storage gone): the page still gets the error below.
      }
      listener({ kind: 'status', runId, status, ...(status === 'failed' && { error }) });
      return fail(error);
    } finally {
      active.delete(runId);
    }
  }

  return {
    start,
    async pause(runId) {
      stop(runId, 'pause');
    },
    async cancel(runId) {
      if (!stop(runId, 'cancel')) {
        const { runs } = await getStorage();
        const rec = await runs.get(runId);
        if (rec && rec.status !== 'completed') await runs.setStatus(runId, 'cancelled');
      }
    },
    async plan({ config, latencyMs }) {
      try {
        const prep = await prepareRun(config, { createLM: (cfg) => createModel(cfg, undefined) });
        const sizes = { train: prep.splits.train.length, val: prep.splits.val.length, test: prep.splits.test.length };
        return { ok: true, value: { ...planRun(prep.config, sizes, latencyMs), ...sizes } };
      } catch (err) {
        return fail(toErrorData(err));
      }
    },
    async parseData(text, format) {
      try {
        return { ok: true, value: parseDataset(text, { format: format ?? 'auto' }) };
      } catch (err) {
        return fail(toErrorData(err));
      }
    },
    async testConnection(model) {
      try {
        const lm = createModel(model, undefined);
        const started = performance.now();
        const res = await lm.call({ messages: [{ role: 'user', content: 'Reply with the single word: ok' }], temperature: 0, maxTokens: 8 }, { signal: AbortSignal.timeout(20_000) });
        return { ok: true, value: { model: res.model, latencyMs: Math.round(performance.now() - started), reply: (res.completions[0] ?? '').slice(0, 200) } };
      } catch (err) {
        return fail(toErrorData(err));
      }
    },
  };

  function stop(runId: string, how: 'pause' | 'cancel'): boolean {
    const run = active.get(runId);
    if (!run) return false;
    run.stop = how;
    run.controller.abort();
    return true;
  }
}

/** Checkpoints live on the run record; the event log keeps only that one was taken. */
function stripCheckpoint(event: RunEvent): RunEvent {
  if (event.type === 'optimizer' && event.event.type === 'checkpoint') return { type: 'optimizer', event: { type: 'checkpoint', checkpoint: null } };
  return event;
}

function fail(error: import('../core/errors').ErrorData): { ok: false; error: import('../core/errors').ErrorData } {
  return { ok: false, error };
}

/** One tab drives a run: a Web Lock per run (other tabs watch read-only). */
async function withRunLock<T>(runId: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks) return fn();
  return locks.request(`promptlab-run:${runId}`, { ifAvailable: true }, async (lock) => {
    if (!lock) throw new PlaygroundError('RUN_LOCKED', 'Another tab is running this run.', { hint: 'Watch it there, or close that tab and resume here.' });
    return fn();
  }) as Promise<T>;
}
