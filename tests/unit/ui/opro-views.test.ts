/**
 * OPRO in the UI's view models: each proposed instruction carries what the proposer call that
 * wrote it saw (the scored history, best last, each score marked minibatch or full, and the
 * training examples), at module and program level, from a real OPRO run on the scripted world;
 * MIPROv2's proposals stay as they were; and the optimizer draft makes OPRO's run config,
 * with a workspace saved before OPRO loading as it did.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { parseOptimizerConfig, runOptimizer, type OptimizerEvent, type ProposerContext } from '../../../src/core/optimize';
import type { RunEvent } from '../../../src/core/runner';
import { openPromptLabDB, SettingsStore } from '../../../src/storage';
import { proposals } from '../../../src/ui/run/view-models';
import { WorkspaceState } from '../../../src/ui/state/workspace.svelte';
import { optimizerOverview } from '../../../src/ui/teach/overview';
import { oproWorld } from '../optimize/opro-world';

const asRun = (events: readonly OptimizerEvent[]): RunEvent[] => events.map((event) => ({ type: 'optimizer', event }));
type History = Extract<OptimizerEvent, { type: 'history_proposal' }>;

describe('proposals of an OPRO run', () => {
  it('module level: every proposal shows the history and examples of the call that wrote it, best last, each score minibatch or full', async () => {
    const w = oproWorld();
    await runOptimizer('opro', w.ctx, { level: 'module', rounds: 3, candidatesPerRound: 2 });
    const calls = w.events.filter((e): e is History => e.type === 'history_proposal');
    const list = proposals(asRun(w.events));
    expect(list.length).toBeGreaterThan(0);
    for (const p of list) {
      const call = calls.find((c) => c.indices[p.predictor] === p.index)!;
      expect(p.history).toMatchObject({ level: 'module', step: call.step, round: call.round, candidate: call.candidate });
      expect(p.history!.attempts.map((a) => [a.instruction, a.score, a.scope, a.n])).toEqual(call.history.map((a) => [a.instructions.predict, a.score, a.scope, a.n]));
      const scores = p.history!.attempts.map((a) => a.score);
      expect(scores).toEqual([...scores].sort((a, b) => a - b));
      expect(p.history!.examples).toHaveLength(3);
      expect(p.history!.examples[0]).toMatch(/^word: \w+\nlabel: (alpha|beta)$/);
    }
    // The first call saw the default program only, in full; a later one minibatch scores too.
    expect(list[0]!.history!.attempts).toEqual([expect.objectContaining({ instruction: w.ctx.state.predict!.instruction, scope: 'full', n: 60 })]);
    expect(new Set(list.at(-1)!.history!.attempts.map((a) => a.scope))).toEqual(new Set(['minibatch', 'full']));
  });

  it('program level: one call wrote every predictor\'s instruction, and its history lists each predictor\'s line', async () => {
    const w = oproWorld({ landscape: 'modules' });
    await runOptimizer('opro', w.ctx, { level: 'program', rounds: 2, candidatesPerRound: 2 });
    const list = proposals(asRun(w.events));
    const hint = list.find((p) => p.predictor === 'hint' && p.index === 1)!;
    const answer = list.find((p) => p.predictor === 'answer' && p.index === 1)!;
    expect(hint.history).toBeDefined();
    expect(answer.history).toBe(hint.history);
    expect(hint.history!.level).toBe('program');
    expect(hint.history!.attempts[0]!.instruction).toBe(`hint: ${w.ctx.state.hint!.instruction}\nanswer: ${w.ctx.state.answer!.instruction}`);
  });

  it('a later call that repeats an instruction does not replace what the call that first wrote it saw', () => {
    const context: ProposerContext = { datasetSummary: '', programSummary: '', moduleDescription: '', demos: [], currentInstruction: 'Classify.', tip: '' };
    const call = (step: number, index: number, score: number): OptimizerEvent => ({
      type: 'history_proposal', level: 'module', step, round: step, candidate: 0, instructions: { predict: 'Look closer.' }, indices: { predict: index },
      history: [{ instructions: { predict: 'Classify.' }, score, scope: 'full', n: 20, trial: 0 }], examples: [{ word: 'apple', label: 'alpha' }],
    });
    const list = proposals(asRun([{ type: 'instruction_proposed', predictor: 'predict', index: 1, instruction: 'Look closer.', tip: 'none', context }, call(0, 1, 0.25), call(1, 1, 0.5)]));
    expect(list).toHaveLength(1);
    expect(list[0]!.history).toMatchObject({ step: 0, attempts: [{ instruction: 'Classify.', score: 0.25, scope: 'full', n: 20, trial: 0 }], examples: ['word: apple\nlabel: alpha'] });
  });

  it("MIPROv2's proposals carry their grounding context and tip, and no history", () => {
    const context: ProposerContext = { datasetSummary: 'Words.', programSummary: 'One step.', moduleDescription: 'Labels a word.', demos: [], currentInstruction: 'Classify.', tip: 'Be brief.' };
    const [p] = proposals(asRun([{ type: 'instruction_proposed', predictor: 'predict', index: 1, instruction: 'Label it.', tip: 'Be brief.', context }]));
    expect(p).toEqual({ predictor: 'predict', index: 1, instruction: 'Label it.', tip: 'Be brief.', context });
  });
});

describe('workspace: OPRO', () => {
  it('makes an OPRO config of the chosen level, rounds and candidates, with minutes as its budget; the core accepts it', () => {
    const ws = new WorkspaceState();
    ws.optimizer.kind = 'opro';
    expect(ws.optimizerConfig()).toEqual({ kind: 'opro', seed: 0, level: 'module', rounds: 4, candidatesPerRound: 4, minibatchSize: 35 });
    expect(ws.oproBudgetChoice).toBe('rounds');
    ws.optimizer.oproLevel = 'program';
    ws.optimizer.rounds = 2;
    ws.optimizer.candidatesPerRound = 3;
    ws.chooseOproBudget('10min');
    expect(ws.oproBudgetChoice).toBe('10min');
    const config = ws.optimizerConfig();
    expect(config).toEqual({ kind: 'opro', seed: 0, level: 'program', rounds: 2, candidatesPerRound: 3, minibatchSize: 35, budget: { minutes: 10 } });
    expect(parseOptimizerConfig(config).ok).toBe(true);
    ws.chooseOproBudget('rounds');
    expect(ws.optimizerConfig()).not.toHaveProperty('budget');
  });

  it('loads a workspace saved before OPRO was offered with OPRO\'s defaults, its MIPROv2 config unchanged', async () => {
    const store = new SettingsStore(await openPromptLabDB(`opro-workspace-${process.pid}`));
    const old = new WorkspaceState();
    old.optimizer.auto = 'medium';
    const { oproLevel: _l, rounds: _r, candidatesPerRound: _c, ...optimizer } = old.snapshot().optimizer;
    await store.set('workspace.v1', { ...old.snapshot(), optimizer });
    const loaded = new WorkspaceState();
    await loaded.load(store);
    expect(loaded.optimizerConfig()).toEqual(old.optimizerConfig());
    loaded.optimizer.kind = 'opro';
    expect(loaded.optimizerConfig()).toMatchObject({ kind: 'opro', level: 'module', rounds: 4, candidatesPerRound: 4 });
  });
});

describe("teaching mode's overview", () => {
  it('names the optimizer that ran; MIPROv2 keeps its own paragraph', () => {
    expect(optimizerOverview('opro')).toMatch(/^OPRO ran: .*best last.*no TPE/);
    expect(optimizerOverview('bootstrap_few_shot')).toMatch(/^BootstrapFewShot ran/);
    expect(optimizerOverview('none')).toMatch(/^No optimizer ran/);
    expect(optimizerOverview('mipro_v2')).toBeUndefined();
  });
});
