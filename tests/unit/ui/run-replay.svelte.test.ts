/**
 * Replay of a finished run: a real MIPROv2 run's bundle played back frame by frame. The run
 * view and teaching mode read `RunsState.shown` (a frame while a replay is active), so what these
 * frames hold is what the chart, the proposals and the TPE view show during a replay.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunBundle } from '../../../src/ui/bundle';
import { RunReplay, type Timeline } from '../../../src/ui/state/run-replay.svelte';
import { RunViews } from '../../../src/ui/state/run-views.svelte';
import { WallClock } from '../../../src/ui/state/wall-clock.svelte';
import { ok } from '../../../src/ui/state/outcome';
import { tpeSteps } from '../../../src/ui/teach/teach-model';
import { makeRunBundle } from './run-fixture';
import { ManualTimers } from './state-fakes';

function timelineOf(bundle: RunBundle): Timeline {
  return { run: bundle.run, events: bundle.events.map((event, i) => ({ event, at: i, seq: i })), trials: bundle.trials };
}

async function started(bundle: RunBundle) {
  const timers = new ManualTimers();
  const replay = new RunReplay({ load: async () => ok(timelineOf(bundle)), timers });
  const views = new RunViews({ current: () => replay.frame }, new WallClock(timers));
  await replay.start();
  return { timers, replay, views };
}

/** Plays until the replay stops, counting the clock time it took. */
function playToEnd(timers: ManualTimers, replay: RunReplay): number {
  let ms = 0;
  while (replay.playing && ms < 3_600_000) {
    timers.advance(100);
    ms += 100;
  }
  return ms;
}

describe('replaying a finished run', () => {
  let bundle: RunBundle;
  beforeAll(async () => {
    bundle = await makeRunBundle();
  }, 60_000);

  it('starts from nothing and ends with the whole run, trials and TPE steps growing frame by frame', async () => {
    const { replay, views } = await started(bundle);
    expect(replay.playing).toBe(true);
    expect(replay.frame!.trials).toEqual([]);
    expect(replay.frame!.result).toBeUndefined();
    expect(replay.frame!.replay).toBe(true);
    expect(replay.frame!.status).toBe('running');
    replay.pause();
    let trials = 0;
    let tpe = 0;
    let proposalsSeen = 0;
    const phases: string[] = [];
    while (replay.position < replay.total) {
      replay.step();
      const frame = replay.frame!;
      // Nothing goes back: the run unfolds as it did.
      expect(frame.trials.length).toBeGreaterThanOrEqual(trials);
      expect(views.tpeSteps.length).toBeGreaterThanOrEqual(tpe);
      expect(views.proposals.length).toBeGreaterThanOrEqual(proposalsSeen);
      trials = frame.trials.length;
      tpe = views.tpeSteps.length;
      proposalsSeen = views.proposals.length;
      if (views.phase && phases.at(-1) !== views.phase) phases.push(views.phase);
      if (replay.position < replay.total) expect(frame.result).toBeUndefined();
    }
    expect(phases).toEqual(['bootstrap', 'propose', 'search']);
    // The last frame is the run as stored.
    expect(replay.frame!.result).toEqual(bundle.run.result);
    expect(replay.frame!.trials).toEqual(bundle.trials);
    expect(views.tpeSteps).toEqual(tpeSteps(bundle.events, bundle.trials));
    expect(replay.playing).toBe(false);
  });

  it('plays on its own, 16x four times as fast as 4x, and pause stops it where it is', async () => {
    const a = await started(bundle);
    a.replay.setSpeed(4);
    const at4 = playToEnd(a.timers, a.replay);
    const b = await started(bundle);
    b.replay.setSpeed(16);
    const at16 = playToEnd(b.timers, b.replay);
    expect(a.replay.position).toBe(a.replay.total);
    expect(b.replay.position).toBe(b.replay.total);
    expect(at4 / at16).toBeGreaterThan(3);
    expect(at4 / at16).toBeLessThan(5);
    // The fixture run (16 trials) plays in under a minute at 1x: a class sees its shape.
    expect(at4 * 4).toBeLessThan(60_000);

    const c = await started(bundle);
    c.timers.advance(2000);
    c.replay.pause();
    const held = c.replay.position;
    expect(held).toBeGreaterThan(0);
    c.timers.advance(60_000);
    expect(c.replay.position).toBe(held);
    c.replay.play();
    c.timers.advance(2000);
    expect(c.replay.position).toBeGreaterThan(held);
  });

  it('seeks back and forth to the same frames as stepping does', async () => {
    const { replay } = await started(bundle);
    replay.pause();
    const stepped: number[] = [];
    while (replay.position < replay.total - 1) {
      replay.step();
      stepped.push(replay.frame!.trials.length);
    }
    const half = Math.floor(replay.total / 2);
    replay.seek(half);
    expect(replay.frame!.trials.length).toBe(stepped[half - 1]);
    replay.seek(3);
    expect(replay.frame!.trials.length).toBe(stepped[2]);
    replay.seek(half);
    expect(replay.frame!.trials.length).toBe(stepped[half - 1]);
    replay.stop();
    expect(replay.frame).toBeUndefined();
    expect(replay.active).toBe(false);
  });
});
