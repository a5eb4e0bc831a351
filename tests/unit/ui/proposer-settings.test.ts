/**
 * MIPRO++ in the UI: the "Proposer settings" view model from a real 0-shot MIPRO++ run on the
 * scripted world (plus-world.ts: the rule is written only with the dataset summary on, the
 * "description" tip and a low temperature) — every round's settings in words with its score,
 * at random or by TPE, and the report with each value's mean and count, the best marked and a
 * sentence naming it; live rounds before their trial ends; and the optimizer draft's MIPRO++
 * entry, which makes the config the core takes and leaves old saved workspaces as they were.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { parseOptimizerConfig, runOptimizer, type OptimizerEvent, type TrialRecord } from '../../../src/core/optimize';
import type { RunEvent } from '../../../src/core/runner';
import { openPromptLabDB, SettingsStore } from '../../../src/storage';
import { proposerSettingsView } from '../../../src/ui/run/proposer-settings';
import { WorkspaceState } from '../../../src/ui/state/workspace.svelte';
import { makePlusWorld } from '../optimize/plus-world';

const PLUS = { auto: 'light', mode: 'instructions_only', proposerSearch: true } as const;
const asRun = (events: readonly OptimizerEvent[]): RunEvent[] => events.map((event) => ({ type: 'optimizer', event }));
const trialsOf = (events: readonly OptimizerEvent[]): TrialRecord[] => events.flatMap((e) => (e.type === 'trial_end' ? [e.trial] : []));

describe('the proposer settings of a MIPRO++ run', () => {
  it('lists every round with its settings in words and score, and reports each value\'s mean and count with the rewarded values best', async () => {
    const w = makePlusWorld({ seed: 0 });
    await runOptimizer('mipro_v2', w.ctx, PLUS);
    const view = proposerSettingsView(asRun(w.events), trialsOf(w.events))!;
    const picked = w.events.filter((e) => e.type === 'proposer_settings_picked');
    expect(view.rounds.map((r) => r.round)).toEqual(picked.map((e) => e.round));
    for (const r of view.rounds) {
      expect(r.score).toBe(trialsOf(w.events).find((t) => t.index === r.trial)!.score);
      expect(r.settings).toEqual([{ predictor: 'generate', text: expect.stringMatching(/^the dataset summary (on|off), the program summary (on|off), tip '\w+', (no )?demos shown, temperature [\d.]+$/) }]);
    }
    // The first rounds are random startup; TPE picks the later ones.
    expect(view.rounds[0]!.pickedBy).toBe('random');
    expect(view.rounds.at(-1)!.pickedBy).toBe('TPE');

    const report = view.report!;
    const row = (setting: string) => report.rows.find((r) => r.setting === setting)!;
    expect(row('datasetSummary').values.find((v) => v.best)!.label).toBe('on');
    expect(row('tip').values.find((v) => v.best)!.label).toBe('description');
    expect(row('tip').values.map((v) => v.label)).toEqual(['none', 'creative', 'simple', 'description', 'high_stakes', 'persona']);
    // One best value per setting, or the values tied at the best mean; the counts add up to the scored rounds.
    for (const r of report.rows) {
      const best = r.values.filter((v) => v.best).length;
      const tied = r.values.filter((v) => v.tied).length;
      expect(best === 1 ? tied === 0 : best === 0 && tied >= 2).toBe(true);
      expect(r.values.reduce((a, v) => a + v.count, 0)).toBe(view.rounds.filter((x) => !x.failed).length);
    }
    expect(report.summary).toMatch(/^Instructions written with the dataset summary on, .*tip 'description'.* and temperature (0\.5|0\.8) scored best, by mean round score\.$/);
    const winner = w.events.find((e) => e.type === 'proposer_settings_report')!.report.winner!;
    expect(report.winner).toBe(`The returned program's instructions were written in round ${winner.round}, with ${view.rounds.find((r) => r.round === winner.round)!.settings[0]!.text}.`);
    expect(report.scoredOn).toMatch(/^Each round's score: a minibatch of \d+ validation examples\.$/);
  });

  it('marks values tied at the best mean as tied, not best, and names them apart in the summary', () => {
    const settings = (tip: string, temperature: number) => ({ generate: { datasetSummary: true, programSummary: false, tip, demos: false, temperature } });
    const values = (...v: [boolean | string | number, number | null, number][]) => v.map(([value, mean, count]) => ({ value, mean, count }));
    const report = {
      scope: 'minibatch' as const, n: 35, winner: null,
      rounds: [{ round: 1, trial: 1, settings: settings('simple', 0.5), score: 0.9 }, { round: 2, trial: 2, settings: settings('persona', 1), score: 0.9 }],
      settings: [
        { predictor: 'generate', setting: 'datasetSummary' as const, values: values([false, null, 0], [true, 0.9, 2]), best: true },
        { predictor: 'generate', setting: 'tip' as const, values: values(['none', null, 0], ['simple', 0.9, 1], ['persona', 0.9, 1]), best: 'simple' },
        { predictor: 'generate', setting: 'demos' as const, values: values([false, 0.9, 2]), best: false },
      ],
    };
    const view = proposerSettingsView(asRun([{ type: 'proposer_settings_report', report }]), [])!;
    // A setting with one value (no demos to show) teaches nothing and is not listed.
    expect(view.report!.rows.map((r) => r.setting)).toEqual(['datasetSummary', 'tip']);
    expect(view.report!.rows[1]!.values.map((v) => [v.label, v.best, v.tied])).toEqual([['none', false, false], ['simple', false, true], ['persona', false, true]]);
    expect(view.report!.summary).toBe('Instructions written with the dataset summary on scored best, by mean round score. Tied at the best mean: tip (simple = persona).');
    expect(view.report!.winner).toBe("The original instructions won: no round's instructions beat them in a full evaluation.");
    expect(view.rounds.map((r) => [r.round, r.score])).toEqual([[1, 0.9], [2, 0.9]]);
  });

  it('while running: a round is listed once picked, scored once its trial ends, and there is no report yet', () => {
    const settings = { generate: { datasetSummary: true, programSummary: false, tip: 'simple', demos: false, temperature: 0.8 } };
    const events = asRun([
      { type: 'proposer_settings_picked', round: 1, trial: 0, settings, params: {} },
      { type: 'proposer_settings_picked', round: 2, trial: 1, settings: { generate: { ...settings.generate, tip: 'persona', demos: true } }, params: {} },
    ]);
    const trial: TrialRecord = { index: 0, kind: 'minibatch', params: {}, score: 0.75, n: 35, calls: { sent: 35, cacheHits: 0 }, errors: 0, durationMs: 10 };
    const view = proposerSettingsView(events, [trial])!;
    expect(view.report).toBeUndefined();
    expect(view.rounds).toEqual([
      { round: 1, trial: 0, settings: [{ predictor: 'generate', text: "the dataset summary on, the program summary off, tip 'simple', no demos shown, temperature 0.8" }], score: 0.75 },
      { round: 2, trial: 1, settings: [{ predictor: 'generate', text: "the dataset summary on, the program summary off, tip 'persona', demos shown, temperature 0.8" }] },
    ]);
  });

  it('names each predictor\'s best settings in a run of several, and is absent for a run that is not MIPRO++', async () => {
    const w = makePlusWorld({ seed: 0, twoSteps: true });
    await runOptimizer('mipro_v2', w.ctx, PLUS);
    const view = proposerSettingsView(asRun(w.events), trialsOf(w.events))!;
    expect(new Set(view.report!.rows.map((r) => r.predictor))).toEqual(new Set(['hint', 'answer']));
    expect(view.report!.summary).toMatch(/^By mean round score, instructions scored best when written with .* \(hint\); .* \(answer\)\.$/);
    expect(view.rounds[0]!.settings.map((s) => s.predictor)).toEqual(['hint', 'answer']);
    expect(proposerSettingsView(asRun(w.events.filter((e) => !e.type.startsWith('proposer_settings'))), [])).toBeUndefined();
  });
});

describe('workspace: MIPRO++', () => {
  it('the menu\'s MIPRO++ makes a 0-shot MIPROv2 config with proposerSearch, sized by auto, for the checked predictors; the core takes it', () => {
    const ws = new WorkspaceState();
    ws.chooseBudget('10min');
    ws.optimizer.skippedPredictors = ['generate'];
    ws.chooseOptimizer('mipro_plus');
    expect(ws.optimizerChoice).toBe('mipro_plus');
    const config = ws.optimizerConfig();
    expect(config).toEqual({ kind: 'mipro_v2', seed: 0, minibatchSize: 35, mode: 'instructions_only', proposerSearch: true, auto: 'light' });
    expect(parseOptimizerConfig(config).ok).toBe(true);
    ws.chooseBudget('medium');
    expect(ws.optimizerConfig()).toMatchObject({ auto: 'medium', proposerSearch: true });
    // A program with several predictors: the unchecked ones keep their instructions.
    ws.program.useTemplate('multi_hop');
    ws.optimizer.skippedPredictors = ['generate_query_1'];
    expect(ws.optimizerConfig()).toMatchObject({ proposerSearch: true, predictors: ['generate_query_2', 'generate_answer'] });
    expect(parseOptimizerConfig(ws.optimizerConfig()).ok).toBe(true);
    // Back to MIPROv2: no proposer search.
    ws.chooseOptimizer('mipro_v2');
    expect(ws.optimizerChoice).toBe('mipro_v2');
    expect(ws.optimizerConfig()).not.toHaveProperty('proposerSearch');
  });

  it('loads a workspace saved before MIPRO++ as MIPROv2, its config unchanged', async () => {
    const store = new SettingsStore(await openPromptLabDB(`plus-workspace-${process.pid}`));
    const old = new WorkspaceState();
    old.optimizer.auto = 'medium';
    const { proposerSearch: _p, ...optimizer } = old.snapshot().optimizer;
    await store.set('workspace.v1', { ...old.snapshot(), optimizer });
    const loaded = new WorkspaceState();
    await loaded.load(store);
    expect(loaded.optimizerChoice).toBe('mipro_v2');
    expect(loaded.optimizerConfig()).toEqual(old.optimizerConfig());
  });
});
