/**
 * Measures a page's main-thread tasks with their CPU time, from a Chromium trace.
 *
 * Why not the Long Tasks or Long Animation Frames APIs: both report wall time. On a busy
 * machine the OS takes the CPU away from the renderer in the middle of a task, and a 5 ms task
 * then lasts 100 ms on the clock (measured on a 2-core machine at a load average of 7-9: long
 * tasks of 98 and 128 ms that ran 5 and 10 ms; the LoAF script durations were as inflated).
 * A trace records each task's thread time (`tdur`) as well as its wall time (`dur`): thread time
 * counts only what the main thread ran (our scripts, style, layout, paint, GC), so it stays the
 * app's own cost under load, while a real regression (a 100 ms computation) costs 100 ms of it.
 *
 * Windows are given by `performance.mark()`s made in the page, which the trace carries on the
 * same clock as the tasks.
 */
import type { Browser, Page } from 'playwright-core';

/** One task of the page's main thread, in ms from the first mark. */
export interface MainThreadTask {
  start: number;
  wallMs: number;
  cpuMs: number;
}

export interface MainThreadTrace {
  tasks: MainThreadTask[];
  /** Each mark's time, in ms from the first mark. */
  marks: Record<string, number>;
}

/** Chromium's trace event for one task of a thread's task runner. */
const TASK_EVENT = 'ThreadControllerImpl::RunTask';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
}

/** Starts tracing the browser's tasks and the pages' `performance.mark()`s. */
export async function startTaskTrace(browser: Browser, page: Page): Promise<void> {
  await browser.startTracing(page, { categories: ['toplevel', 'blink.user_timing'] });
}

/**
 * Stops the trace and returns the tasks of the main thread that made the marks `names`
 * (the first one starts the clock). Throws when a mark is missing or the trace has no thread
 * times, so a Chromium that stops recording them fails the test instead of passing it.
 */
export async function stopTaskTrace(browser: Browser, names: string[]): Promise<MainThreadTrace> {
  const raw = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(raw) ? raw : raw.traceEvents;
  const found = names.map((name) => events.find((e) => e.cat === 'blink.user_timing' && e.name === name));
  const missing = names.filter((_, i) => !found[i]);
  if (missing.length > 0) throw new Error(`The trace has no performance.mark() named ${missing.join(', ')}: was it made in the traced page?`);
  const { pid, tid, ts: origin } = found[0]!;
  const tasks = events
    .filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.name === TASK_EVENT && e.ts >= origin)
    .map((e) => {
      if (e.tdur === undefined) throw new Error(`The trace's ${TASK_EVENT} events carry no thread time (tdur); the CPU time of tasks cannot be measured.`);
      return { start: (e.ts - origin) / 1000, wallMs: (e.dur ?? 0) / 1000, cpuMs: e.tdur / 1000 };
    });
  return { tasks, marks: Object.fromEntries(names.map((name, i) => [name, (found[i]!.ts - origin) / 1000])) };
}

/** Places `performance.mark(name)` in the page. */
export async function mark(page: Page, name: string): Promise<void> {
  await page.evaluate((n) => void performance.mark(n), name);
}
