/**
 * Issue 12, section 4: a run cancelled mid-search keeps the best program found so far. The
 * search stops at its next trial boundary (`ctx.stop`, unlike `signal`, which aborts), spends
 * no more calls, and returns the best state with the score it measured (`stoppedEarly`).
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/evaluate';
import { runOptimizer, type OptimizeResult, type OptimizerEvent } from '../../../src/core/optimize';
import { makeWorld, type World } from './harness';

/** Asks `w`'s search to stop when `when` sees an event; counts the trials started after it. */
function stopWhen(w: World, when: (e: OptimizerEvent) => boolean) {
  const stop = new AbortController();
  const emit = w.ctx.emit!;
  const seen = { startedAfter: 0, callsAtStop: -1 };
  w.ctx.stop = stop.signal;
  w.ctx.emit = (e) => {
    emit(e);
    if (stop.signal.aborted && e.type === 'trial_start') seen.startedAfter++;
    if (!stop.signal.aborted && when(e)) stop.abort();
  };
  return seen;
}

/** The mean the kept state scores on the validation set, evaluated again (the scripted model is deterministic). */
async function rescore(w: World, r: OptimizeResult): Promise<number> {
  const out = await evaluate({ program: w.ctx.program, state: r.state, examples: w.ctx.valset, metric: w.ctx.metric, ctx: { lm: w.ctx.lms.task } });
  return out.mean;
}

describe('stopping a search early keeps the best program found so far', () => {
  it('MIPROv2: stops at the trial boundary after a new best, and returns that best with its full score', async () => {
    const w = makeWorld({ train: 40, val: 60 });
    const seen = stopWhen(w, (e) => e.type === 'new_best' && e.trial > 0);
    const r = await runOptimizer('mipro_v2', w.ctx, { auto: 'light' });
    expect(r.stoppedEarly).toBe(true);
    expect(seen.startedAfter).toBe(0);
    // Stopped before the planned 10 minibatch trials.
    expect(r.trials.filter((t) => t.kind === 'minibatch').length).toBeLessThan(10);
    const full = r.trials.filter((t) => t.kind !== 'minibatch' && !t.failed);
    const best = Math.max(...full.map((t) => t.score));
    // The best so far beats the default program, and is the one returned.
    expect(best).toBeGreaterThan(r.trials[0]!.score);
    expect(r.valScore).toBe(best);
    expect(r.valMeasured).toEqual({ n: 60, errors: 0 });
    expect(await rescore(w, r)).toBe(best);
  });

  it('random search: stops before the next candidate and keeps the best candidate scored', async () => {
    const w = makeWorld({ train: 30, val: 30 });
    let ended = 0;
    stopWhen(w, (e) => e.type === 'trial_end' && ++ended === 3);
    const r = await runOptimizer('bootstrap_random_search', w.ctx, { numCandidatePrograms: 6 });
    expect(r.stoppedEarly).toBe(true);
    expect(r.trials).toHaveLength(3);
    const best = Math.max(...r.trials.map((t) => t.score));
    expect(r.valScore).toBe(best);
    expect(await rescore(w, r)).toBe(best);
  });

  it('budgeted MIPROv2: stops at the trial boundary and keeps the leader with what it was measured on', async () => {
    const w = makeWorld({ train: 40, val: 60 });
    let ended = 0;
    const seen = stopWhen(w, (e) => e.type === 'trial_end' && ++ended === 8);
    const r = await runOptimizer('mipro_v2', w.ctx, { budget: { taskCalls: 600 } });
    expect(r.stoppedEarly).toBe(true);
    expect(seen.startedAfter).toBe(0);
    expect(r.trials).toHaveLength(8);
    const leader = [...w.events].reverse().find((e) => e.type === 'new_best');
    expect(r.valScore).toBe(leader?.type === 'new_best' ? leader.score : undefined);
    expect(r.valMeasured!.n).toBeGreaterThan(0);
  });

  it('ends ABORTED, with nothing to keep, when stopped before anything was scored', async () => {
    const w = makeWorld({ train: 30, val: 30 });
    const stop = new AbortController();
    stop.abort();
    w.ctx.stop = stop.signal;
    await expect(runOptimizer('bootstrap_random_search', w.ctx, { numCandidatePrograms: 2 })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('runs to the end, not stopped early, when no stop is asked for', async () => {
    const w = makeWorld({ train: 30, val: 30 });
    w.ctx.stop = new AbortController().signal;
    const r = await runOptimizer('bootstrap_random_search', w.ctx, { numCandidatePrograms: 2 });
    expect(r.stoppedEarly).toBeUndefined();
    expect(r.trials).toHaveLength(5);
  });
});
