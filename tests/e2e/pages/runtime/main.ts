/**
 * A bare page exposing the browser runtime (RunClient, the optimizer worker, IndexedDB stores,
 * tab locks) to the runtime browser tests, without the UI.
 */
import { RunClient } from '../../../../src/runtime/run-client';
import { EventLog, holdTabLock, openPromptLabDB, RunStore, TraceStore, TrialStore } from '../../../../src/storage';

const tabId = `tab-${Math.random().toString(36).slice(2)}`;
const client = new RunClient();

async function stores() {
  const db = await openPromptLabDB();
  return { db, runs: new RunStore(db), trials: new TrialStore(db), events: new EventLog(db), traces: new TraceStore(db) };
}

const api = {
  tabId,
  client,
  ready: holdTabLock(tabId),
  stores,
  async markInterrupted() {
    const { runs, db } = await stores();
    const ids = await runs.markInterruptedOnStartup();
    db.close();
    return ids;
  },
  async run(id: string) {
    const { runs, trials, events, traces, db } = await stores();
    const out = { record: await runs.get(id), trials: await trials.list(id), events: (await events.list(id)).length, traces: (await traces.list(id)).length };
    db.close();
    return out;
  },
};

(globalThis as unknown as { runtime: typeof api }).runtime = api;
document.getElementById('status')!.textContent = 'ready';
