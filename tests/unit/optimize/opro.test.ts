/**
 * OPRO at module and program level (issue 14): each level finds what the scripted task model
 * rewards by following the scored history, the two levels differ where credit assignment
 * matters, and the run keeps MIPROv2's contract: plan counts equal to the calls made, best
 * full evaluation wins, checkpoints resume to the same result, seeds, `ctx.stop` and budgets.
 */
import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from '../../../src/core/lm';
import { defaultSettings, parseOptimizerConfig, runOptimizer, type OproCheckpoint, type OptimizerEvent, type TrialRecord } from '../../../src/core/optimize';
import { planRun, validateRunConfig, type RunConfig } from '../../../src/core/runner';
import { chain, GOALS, oproWorld, type OproWorld } from './opro-world';

function eventsOf<T extends OptimizerEvent['type']>(events: OptimizerEvent[], type: T): Extract<OptimizerEvent, { type: T }>[] {
  return events.filter((e): e is Extract<OptimizerEvent, { type: T }> => e.type === type);
}

const issued = (w: OproWorld, role: 'task' | 'proposer') => {
  const u = w.usage.snapshot()[role];
  return u.calls + u.cacheHits;
};

describe('OPRO finds what the task model rewards by following the scored history', () => {
  for (const level of ['module', 'program'] as const) {
    it(`${level} level, one predictor: extends the best attempt round after round to the full chain`, async () => {
      const w = oproWorld();
      const r = await runOptimizer('opro', w.ctx, { level });
      expect(r.trials[0]!.kind).toBe('default');
      expect(r.trials[0]!.score).toBe(0);
      expect(r.state.predict!.instruction).toContain(chain('predict'));
      expect(r.valScore).toBe(1);
      // Demos are left as they were: OPRO optimizes instructions.
      expect(r.state.predict!.demos).toEqual([]);
    });

    it(`${level} level, two predictors rewarded each on its own: both reach their chain`, async () => {
      const w = oproWorld({ landscape: 'modules' });
      const r = await runOptimizer('opro', w.ctx, { level });
      expect(r.state.hint!.instruction).toContain(chain('hint'));
      expect(r.state.answer!.instruction).toContain(chain('answer'));
      expect(r.valScore).toBe(1);
    });
  }

  it('fails with a proposer that ignores the scores (it extends the first attempt, not the best)', async () => {
    for (const level of ['module', 'program'] as const) {
      const w = oproWorld({ reads: 'first' });
      const r = await runOptimizer('opro', w.ctx, { level });
      expect(r.state.predict!.instruction).not.toContain(GOALS.predict!.slice(0, 2).join(' '));
      expect(r.valScore).toBeLessThan(0.5);
    }
  });
});

describe('module level and program level differ on a two-predictor program', () => {
  it('when only joint changes are rewarded, program level finds both chains; module level keeps both original instructions', async () => {
    const mod = oproWorld({ landscape: 'joint' });
    const m = await runOptimizer('opro', mod.ctx, { level: 'module' });
    expect(m.state).toEqual(mod.ctx.state);
    expect(m.valScore).toBe(m.trials[0]!.score);
    expect(eventsOf(mod.events, 'new_best')).toHaveLength(1);

    const prog = oproWorld({ landscape: 'joint' });
    const p = await runOptimizer('opro', prog.ctx, { level: 'program' });
    expect(p.state.hint!.instruction).toContain(chain('hint'));
    expect(p.state.answer!.instruction).toContain(chain('answer'));
    expect(p.valScore).toBe(1);
  });

  it('module level makes one proposer call per predictor and candidate, each for one predictor; program level one per candidate, for all', async () => {
    const mod = oproWorld({ landscape: 'modules' });
    await runOptimizer('opro', mod.ctx, { level: 'module' });
    const prog = oproWorld({ landscape: 'modules' });
    await runOptimizer('opro', prog.ctx, { level: 'program' });
    // 4 rounds x 4 candidates, times 2 predictors at module level.
    expect(mod.proposer.calls).toBe(32);
    expect(prog.proposer.calls).toBe(16);
    const outputs = (w: OproWorld) => w.proposer.requests.map((r) => [...r.messages[0]!.content.matchAll(/^\d+\. `(proposed_instruction\w*)`/gm)].map((m) => m[1]));
    expect(new Set(outputs(mod).map((o) => o.join()))).toEqual(new Set(['proposed_instruction']));
    expect(new Set(outputs(prog).map((o) => o.join()))).toEqual(new Set(['proposed_instruction_hint,proposed_instruction_answer']));
    // Module level: steps alternate between the predictors, and each sees only its own instructions.
    const steps = eventsOf(mod.events, 'history_proposal').filter((e) => e.candidate === 0);
    expect(steps.map((e) => Object.keys(e.instructions)[0])).toEqual(['hint', 'answer', 'hint', 'answer', 'hint', 'answer', 'hint', 'answer']);
    expect(steps.every((e) => e.history.every((a) => Object.keys(a.instructions).join() === Object.keys(e.instructions).join()))).toBe(true);
    expect(eventsOf(prog.events, 'history_proposal').every((e) => Object.keys(e.instructions).join() === 'hint,answer')).toBe(true);
  });

  it('module level scores a predictor\'s candidate with the other predictor at its current best', async () => {
    const w = oproWorld({ landscape: 'modules' });
    const r = await runOptimizer('opro', w.ctx, { level: 'module' });
    const bests = eventsOf(w.events, 'new_best');
    for (const t of r.trials.filter((x) => x.kind === 'minibatch')) {
      const best = bests.filter((b) => b.trial < t.index).at(-1)!;
      const changed = Object.keys(t.params).filter((k) => t.params[k] !== best.params[k]);
      expect(changed.length).toBeLessThanOrEqual(1);
    }
  });
});

describe('the meta-prompt', () => {
  it('shows the attempts sorted by score ascending (best last), each score saying minibatch or full, and 3 training examples', async () => {
    const w = oproWorld();
    await runOptimizer('opro', w.ctx, { level: 'module' });
    const proposals = eventsOf(w.events, 'history_proposal');
    expect(proposals).toHaveLength(16);
    for (const e of proposals) {
      const scores = e.history.map((a) => a.score);
      expect(scores).toEqual([...scores].sort((a, b) => a - b));
      expect(e.examples).toHaveLength(3);
    }
    const late = proposals.at(-1)!;
    expect(new Set(late.history.map((a) => a.scope))).toEqual(new Set(['minibatch', 'full']));
    // The text the proposer read says the same, in the same order.
    const req = w.proposer.requests.at(-1)!;
    const user = req.messages.at(-1)!.content;
    const shown = [...user.matchAll(/^Score: ([\d.]+) \((a minibatch of 35|the full validation set, 60)/gm)].map((m) => [Number(m[1]) / 100, m[2]!.startsWith('a minibatch') ? 'minibatch' : 'full']);
    expect(shown).toEqual(late.history.map((a) => [Number(a.score.toFixed(3)), a.scope]));
    expect(req.messages[0]!.content).toMatch(/the best is last/);
    expect(req.temperature).toBe(1);
    expect(user).toContain(`word: ${String(late.examples[0]!.word)}`);
  });

  it('keeps only the historyLength best attempts', async () => {
    const w = oproWorld();
    await runOptimizer('opro', w.ctx, { level: 'module', historyLength: 3 });
    const proposals = eventsOf(w.events, 'history_proposal');
    expect(Math.max(...proposals.map((e) => e.history.length))).toBe(3);
    const last = proposals.at(-1)!;
    expect(last.history.at(-1)!.score).toBe(1);
  });

  it('announces every proposed instruction as instruction_proposed, at its index among the predictor\'s candidates', async () => {
    const w = oproWorld({ landscape: 'modules' });
    const r = await runOptimizer('opro', w.ctx, { level: 'program' });
    const proposed = eventsOf(w.events, 'instruction_proposed');
    for (const id of ['hint', 'answer']) {
      const own = proposed.filter((e) => e.predictor === id);
      expect(own.map((e) => e.index)).toEqual(own.map((_, i) => i + 1));
      const best = r.trials[eventsOf(w.events, 'new_best').at(-1)!.trial]!;
      expect(own.find((e) => e.index === best.params[`${id}.instruction`])!.instruction).toBe(r.state[id]!.instruction);
    }
  });
});

describe('the run', () => {
  it('returns the best full evaluation, never a minibatch score', async () => {
    const w = oproWorld();
    const r = await runOptimizer('opro', w.ctx, { level: 'module' });
    const full = r.trials.filter((t) => t.kind !== 'minibatch');
    expect(r.valScore).toBe(Math.max(...full.map((t) => t.score)));
    // Each step's best minibatch candidate is the one re-checked in full.
    for (const t of r.trials.filter((x) => x.kind === 'full')) {
      const batch = t.ofTrials!.map((i) => r.trials[i]!);
      const step = r.trials.slice(t.index - 4, t.index);
      expect(batch[0]!.score).toBe(Math.max(...step.map((x) => x.score)));
      expect(t.params).toEqual(batch[0]!.params);
      expect(t.n).toBe(60);
    }
    expect(r.trials.filter((t) => t.kind === 'minibatch').every((t) => t.n === 35)).toBe(true);
  });

  it('keeps a lucky minibatch score from winning: after two steps, the best full score stands below the best minibatch score', async () => {
    const r = await runOptimizer('opro', oproWorld().ctx, { level: 'module', rounds: 2 });
    const best = (kind: (t: TrialRecord) => boolean) => Math.max(...r.trials.filter(kind).map((t) => t.score));
    expect(best((t) => t.kind === 'minibatch')).toBeGreaterThan(best((t) => t.kind !== 'minibatch'));
    expect(r.valScore).toBe(best((t) => t.kind !== 'minibatch'));
    expect(r.valMeasured).toEqual({ n: 60, errors: 0 });
  });

  for (const level of ['module', 'program'] as const) {
    it(`${level} level: the plan's counts are the calls made`, async () => {
      const w = oproWorld({ landscape: 'modules' });
      const r = await runOptimizer('opro', w.ctx, { level });
      const plan = r.plan!;
      expect(issued(w, 'task')).toBe(plan.taskCalls);
      expect(issued(w, 'proposer')).toBe(plan.proposerCalls);
      expect(r.trials.filter((t) => t.kind === 'minibatch')).toHaveLength(plan.trials);
      expect(r.trials.filter((t) => t.kind !== 'minibatch')).toHaveLength(plan.fullEvaluations);
      const runs = (kind: (t: TrialRecord) => boolean) => r.trials.filter(kind).reduce((a, t) => a + t.n, 0);
      expect(runs((t) => t.kind === 'minibatch')).toBe(plan.taskProgramRuns.search);
      expect(runs((t) => t.kind !== 'minibatch')).toBe(plan.taskProgramRuns.fullEvaluations);
      expect(plan.notes.join(' ')).toMatch(level === 'module' ? /4 rounds x 2 predictors/ : /every predictor at once/);
    });
  }

  it('on a run without cache hits, the model receives exactly the planned calls', async () => {
    // A validation set no larger than a minibatch: every candidate is scored in full once.
    const w = oproWorld({ val: 30 });
    const r = await runOptimizer('opro', w.ctx, { level: 'module' });
    expect(w.usage.snapshot().task.cacheHits).toBe(0);
    expect(w.usage.snapshot().proposer.cacheHits).toBe(0);
    expect(w.task.calls).toBe(r.plan!.taskCalls);
    expect(w.proposer.calls).toBe(r.plan!.proposerCalls);
    expect(r.plan!.fullEvaluations).toBe(1);
    expect(r.trials.slice(1).every((t) => t.kind === 'full' && t.n === 30)).toBe(true);
    expect(r.valScore).toBe(1);
  });

  it('shows its defaults in the plan: rounds, candidates per round, history length, examples', async () => {
    expect(defaultSettings('opro')).toMatchObject({ level: 'module', rounds: 4, candidatesPerRound: 4, historyLength: 20, exampleCount: 3, minibatchSize: 35, valSize: 100, temperature: 1 });
    const r = await runOptimizer('opro', oproWorld().ctx, {});
    const notes = r.plan!.notes.join(' ');
    expect(notes).toMatch(/4 rounds x 1 predictor/);
    expect(notes).toMatch(/4 proposer calls/);
    expect(notes).toMatch(/the 20 best-scored attempts/);
    expect(notes).toMatch(/3 training examples/);
    expect(notes).toMatch(/minibatch of 35/);
  });

  for (const level of ['module', 'program'] as const) {
    it(`${level} level: resumed from a mid-run checkpoint, ends exactly like an uninterrupted run`, async () => {
      const uninterrupted = await runOptimizer('opro', oproWorld({ landscape: 'modules' }).ctx, { level });
      const cache = new MemoryCacheStore(100_000);
      const controller = new AbortController();
      const first = oproWorld({ landscape: 'modules', cache, signal: controller.signal });
      let checkpoint: OproCheckpoint | undefined;
      const emit = first.ctx.emit!;
      first.ctx.emit = (e) => {
        emit(e);
        if (e.type === 'checkpoint') checkpoint = e.checkpoint as OproCheckpoint;
        if (e.type === 'trial_end' && e.trial.index === 12) controller.abort();
      };
      await expect(runOptimizer('opro', first.ctx, { level })).rejects.toMatchObject({ code: 'ABORTED' });
      expect(checkpoint!.steps).toBeGreaterThan(0);
      expect(checkpoint!.trials.length).toBeLessThan(12);

      const second = oproWorld({ landscape: 'modules', cache });
      const resumed = await runOptimizer('opro', second.ctx, { level }, checkpoint);
      expect(resumed.trials.map((t) => [t.kind, t.params, t.score, t.n])).toEqual(uninterrupted.trials.map((t) => [t.kind, t.params, t.score, t.n]));
      expect(resumed.state).toEqual(uninterrupted.state);
      expect(resumed.valScore).toBe(uninterrupted.valScore);
      // The steps done before the checkpoint are not proposed again.
      expect(eventsOf(second.events, 'history_proposal')[0]!.step).toBe(checkpoint!.steps);
    });
  }

  it('refuses a checkpoint of the other level, or of another optimizer', async () => {
    let checkpoint: unknown;
    const w = oproWorld();
    w.ctx.emit = (e) => {
      if (e.type === 'checkpoint') checkpoint ??= e.checkpoint;
    };
    await runOptimizer('opro', w.ctx, { level: 'module', rounds: 1 });
    await expect(runOptimizer('opro', oproWorld().ctx, { level: 'program' }, checkpoint)).rejects.toMatchObject({ code: 'OPTIMIZER_INVALID' });
    await expect(runOptimizer('opro', oproWorld().ctx, {}, { optimizer: 'mipro_v2', version: 1, valIds: [] })).rejects.toMatchObject({ code: 'OPTIMIZER_INVALID' });
  });

  it('is reproducible for a seed (0 included), from a warm cache too; another seed draws other minibatches', async () => {
    const cache = new MemoryCacheStore(100_000);
    const a = await runOptimizer('opro', oproWorld({ seed: 0, cache }).ctx, {});
    const b = await runOptimizer('opro', oproWorld({ seed: 0 }).ctx, {});
    const warm = oproWorld({ seed: 0, cache });
    const w = await runOptimizer('opro', warm.ctx, {});
    const c = await runOptimizer('opro', oproWorld({ seed: 1 }).ctx, {});
    expect(b.trials.map((t) => [t.params, t.score])).toEqual(a.trials.map((t) => [t.params, t.score]));
    expect(b.state).toEqual(a.state);
    expect(w.trials.map((t) => [t.params, t.score])).toEqual(a.trials.map((t) => [t.params, t.score]));
    expect(warm.task.calls + warm.proposer.calls).toBe(0);
    expect(c.trials.map((t) => t.score)).not.toEqual(a.trials.map((t) => t.score));
  });

  it('stops at a trial boundary when asked (ctx.stop), keeping the best full evaluation so far', async () => {
    const w = oproWorld();
    const stop = new AbortController();
    w.ctx.stop = stop.signal;
    const emit = w.ctx.emit!;
    let startedAfter = 0;
    w.ctx.emit = (e) => {
      emit(e);
      if (stop.signal.aborted && e.type === 'trial_start') startedAfter++;
      if (e.type === 'new_best' && e.trial > 0) stop.abort();
    };
    const r = await runOptimizer('opro', w.ctx, { level: 'module' });
    expect(r.stoppedEarly).toBe(true);
    expect(startedAfter).toBe(0);
    expect(r.valScore).toBe(r.trials.at(-1)!.score);
    expect(r.valScore).toBeGreaterThan(0);
    expect(r.valMeasured).toEqual({ n: 60, errors: 0 });
    expect(w.proposer.calls).toBe(4);
  });
});

describe('OPRO with a call budget', () => {
  it('runs the steps that fit, never spending more, and says so in the plan', async () => {
    // The default program (60 calls), then 200 calls a step (4 x 35 + 60): 500 calls buy 2 steps.
    const w = oproWorld();
    const r = await runOptimizer('opro', w.ctx, { budget: { taskCalls: 500 } });
    expect(issued(w, 'task')).toBe(460);
    expect(r.plan!.budget).toMatchObject({ calls: 500 });
    expect(r.plan!.taskCalls).toBe(460);
    expect(w.proposer.calls).toBe(8);
    expect(r.plan!.notes.join(' ')).toMatch(/fit 2 of the 4 steps/);
    const tiny = await runOptimizer('opro', oproWorld().ctx, { budget: { taskCalls: 100 } }).catch((e: unknown) => e);
    expect(tiny).toMatchObject({ code: 'OPTIMIZER_INVALID', details: { budget: 100, minimum: 260 } });
  });

  it('turns minutes into calls when the run is planned, as for MIPROv2', () => {
    const config: RunConfig = {
      program: { template: 'predict', signature: 'word -> label' },
      data: { text: 'word,label\na,b', split: { train: 0.5, val: 0.5 } },
      metric: { kind: 'exact_match', field: 'label' },
      optimizer: { kind: 'opro', budget: { minutes: 2 } },
      models: { task: { provider: 'webllm', model: 'm' } },
    };
    const plan = planRun(config, { train: 40, val: 60, test: 0 }, { task: 100 });
    // One call at a time at 0.1 s: 2 minutes are about 1,200 calls, less the proposer's share.
    expect(plan.budget!.calls).toBeGreaterThan(600);
    expect(plan.budget!.calls).toBeLessThanOrEqual(1200);
    expect(plan.budget!.minutes).toBe(2);
    expect(plan.taskCalls - plan.taskProgramRuns.final!).toBeLessThanOrEqual(plan.budget!.calls);
    // More minutes than the rounds take: the rounds are the limit.
    const long = planRun({ ...config, optimizer: { kind: 'opro', budget: { minutes: 60 } } }, { train: 40, val: 60, test: 0 }, { task: 100 });
    expect(long.notes.join(' ')).toMatch(/more than the 4 rounds take/);
  });
});

describe('OPRO options', () => {
  it('are a kind of the run config, strict, with did-you-mean on typos', () => {
    expect(parseOptimizerConfig({ kind: 'opro', level: 'program', rounds: 2, candidatesPerRound: 3, historyLength: 5 }).ok).toBe(true);
    const typo = parseOptimizerConfig({ kind: 'opro', candidatesPerRoud: 3, level: 'graph' });
    expect(typo.ok ? [] : typo.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^candidatesPerRoud: .*did you mean "candidatesPerRound"/), expect.stringMatching(/^level: /)]));
    const config = {
      program: { template: 'predict', signature: 'q -> a' },
      data: { text: 'q,a\nx,y', split: { train: 0.5, val: 0.5 } },
      metric: { kind: 'exact_match', field: 'a' },
      optimizer: { kind: 'opro', histroyLength: 5 },
      models: { task: { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:1/v1', model: 'm' } },
    };
    expect(validateRunConfig(config)).toEqual([expect.stringMatching(/^optimizer\.histroyLength: .*did you mean "historyLength"/)]);
    expect(validateRunConfig({ ...config, optimizer: { kind: 'opro', level: 'program' } })).toEqual([]);
  });
});
