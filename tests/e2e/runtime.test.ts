/**
 * The browser runtime in Debian's Chromium, without the UI: the optimizer worker runs a real
 * MIPROv2 run against the scripted OpenAI-compatible server, IndexedDB keeps it across
 * reloads, a run whose tab closed mid-run shows as interrupted and resumes to the same result
 * as an uninterrupted run, a crashed worker fails the run with a clear message (resumable),
 * and Web Locks keep a second tab from driving the same run.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig, RunResult } from '../../src/core/runner';
import { fixtureData } from '../fixtures/fixture-data';
import { irisHandler, irisRunConfig } from '../fixtures/iris-world';
import { startScriptedServer, type ScriptedServer } from '../fixtures/scripted-server';
import { collectErrors, launch } from './browser';
import { buildAndServePage, type ServedPage } from './serve-page';

const IRIS = fixtureData('iris/all.jsonl').text;
const KEY = 'sk-browser-KEY-never-stored';

let browser: Browser;
let page: ServedPage;
let server: ScriptedServer;
let reference: RunResult;

function config(): RunConfig {
  return irisRunConfig(IRIS, server.url, KEY);
}

async function open(context: BrowserContext): Promise<Page> {
  const p = await context.newPage();
  await p.goto(page.url);
  await p.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  await p.evaluate(() => (globalThis as any).runtime.ready);
  return p;
}

function startRun(p: Page, runId: string, resume = false): Promise<RunResult> {
  return p.evaluate(
    ({ runId, cfg, resume }) => {
      const rt = (globalThis as any).runtime;
      return rt.client.start({ runId, config: cfg, tabId: rt.tabId, resume }, () => {});
    },
    { runId, cfg: config(), resume },
  );
}

/** Starts a run without waiting; resolves once it has stored at least `trials` trials. */
async function startUntil(p: Page, runId: string, trials: number): Promise<void> {
  await p.evaluate(
    ({ runId, cfg }) => {
      const rt = (globalThis as any).runtime;
      (globalThis as any).pending = rt.client.start({ runId, config: cfg, tabId: rt.tabId }, () => {}).catch((e: any) => ({ code: e.code, message: e.message, hint: e.hint }));
    },
    { runId, cfg: config() },
  );
  const deadline = Date.now() + 60_000;
  while ((await p.evaluate((id) => (globalThis as any).runtime.run(id), runId)).trials.length < trials) {
    if (Date.now() > deadline) throw new Error(`run ${runId} did not reach ${trials} trials`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const summary = (r: RunResult) => ({ scores: r.scores, state: r.program.state, trials: r.trials.map((t) => [t.kind, t.params, t.score]) });

beforeAll(async () => {
  server = await startScriptedServer({ handler: irisHandler });
  page = await buildAndServePage('tests/e2e/pages/runtime');
  browser = await launch('no-webgpu');
});

afterAll(async () => {
  await browser?.close();
  await page?.close();
  await server?.close();
});

describe('browser runtime', () => {
  it('runs MIPROv2 in the worker and keeps the whole run across a reload', async () => {
    const context = await browser.newContext();
    const p = await open(context);
    const errors = collectErrors(p);
    reference = await startRun(p, 'full');
    expect(reference.scores.test!).toBeGreaterThan(reference.details.baselineTest!.mean);
    await p.reload();
    await p.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const stored = await p.evaluate(() => (globalThis as any).runtime.run('full'));
    expect(stored.record.status).toBe('completed');
    expect(stored.record.result.scores).toEqual(reference.scores);
    expect(stored.trials).toHaveLength(reference.trials.length);
    expect(stored.traces).toBeGreaterThan(100);
    const dump = await p.evaluate(async () => {
      const { db } = await (globalThis as any).runtime.stores();
      const all = await Promise.all(['runs', 'trials', 'events', 'traces', 'lmCache', 'settings'].map((s) => db.getAll(s)));
      db.close();
      return JSON.stringify(all);
    });
    expect(dump).not.toContain(KEY);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a run whose page was closed mid-run shows as interrupted and resumes to the same result', async () => {
    const context = await browser.newContext();
    const first = await open(context);
    await startUntil(first, 'closed', 5);
    await first.close();
    const second = await open(context);
    expect(await second.evaluate(() => (globalThis as any).runtime.markInterrupted())).toEqual(['closed']);
    expect((await second.evaluate(() => (globalThis as any).runtime.run('closed'))).record.status).toBe('interrupted');
    const resumed = await startRun(second, 'closed', true);
    expect(summary(resumed)).toEqual(summary(reference));
    await context.close();
  });

  it('a crashed worker fails the run at once with a clear message, and the run can be resumed', async () => {
    const context = await browser.newContext();
    const p = await open(context);
    await startUntil(p, 'crash', 3);
    const started = Date.now();
    await p.evaluate(() => (globalThis as any).runtime.client.terminate());
    const error = await p.evaluate(() => (globalThis as any).pending);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.code).toBe('WORKER_CRASHED');
    expect(error.hint).toContain('Resume');
    const resumed = await startRun(p, 'crash', true);
    expect(summary(resumed)).toEqual(summary(reference));
    await context.close();
  });

  it('one tab drives a run; a second tab cannot start it (Web Locks)', async () => {
    const context = await browser.newContext();
    const a = await open(context);
    const b = await open(context);
    await startUntil(a, 'locked', 1);
    const error = await b.evaluate(async () => {
      try {
        await (globalThis as any).runtime.client.start({ runId: 'locked', config: {}, resume: true }, () => {});
        return null;
      } catch (e: any) {
        return e.code;
      }
    });
    expect(error).toBe('RUN_LOCKED');
    await context.close();
  });
});
