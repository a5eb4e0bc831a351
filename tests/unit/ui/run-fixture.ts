/**
 * A real (small) MIPROv2 run in Node over the scripted word world, turned into a run bundle:
 * what teaching mode replays. Enough trials that TPE leaves its random startup and fits
 * densities. Used by the unit tests and by the teaching browser test.
 */
import { evaluate } from '../../../src/core/evaluate';
import type { LanguageModel } from '../../../src/core/lm/types';
import { optimizerSettings, runOptimizer } from '../../../src/core/optimize';
import { createTpeSampler, miproV2 } from '../../../src/core/optimize/mipro';
import { redactConfig, type RunConfig, type RunEvent, type RunResult } from '../../../src/core/runner';
import { createBundle, type BundleTrace, type RunBundle } from '../../../src/ui/bundle';
import { makeWorld } from '../optimize/harness';

export const FIXTURE_CONFIG: RunConfig = {
  program: { template: 'chain_of_thought', signature: 'word -> label' },
  data: { text: 'word,label\n…', split: { train: 40, val: 60, test: 60 } },
  metric: { kind: 'exact_match', field: 'label' },
  optimizer: { kind: 'mipro_v2', auto: 'light', numTrials: 16, sampler: { nStartupTrials: 5 } },
  models: {
    task: { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model: 'task-model', apiKey: 'sk-secret-never-exported' },
    proposer: { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model: 'proposer-model' },
  },
  seed: 0,
};

function recording(lm: LanguageModel, traces: BundleTrace[], stepId: string): LanguageModel {
  return {
    id: lm.id,
    maxConcurrency: lm.maxConcurrency,
    ...(lm.output && { output: lm.output }),
    async call(request, options) {
      const started = Date.now();
      const response = await lm.call(request, options);
      traces.push({
        stepId: request.context?.stepId ?? stepId,
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        completion: response.completions[0] ?? '',
        model: response.model,
        usage: response.usage,
        cached: response.cached ?? false,
        durationMs: Date.now() - started,
        at: started,
        ...(request.temperature !== undefined && { temperature: request.temperature }),
        // Where the call happened, as the runner stores it: the trace inspector filters by these.
        ...(request.context?.phase && { phase: request.context.phase }),
        ...(request.context?.trialIndex !== undefined && { trialIndex: request.context.trialIndex }),
        ...(request.context?.exampleId !== undefined && { exampleId: request.context.exampleId }),
      });
      return response;
    },
  };
}

/**
 * Runs MIPROv2 on the word world and returns its bundle (keys stripped by redactConfig).
 * `optimizer` replaces the fixture's optimizer settings (e.g. plain `auto: 'light'`). `raced`
 * makes a run as MIPROv2 made them before it stopped telling its sampler the trial count: the
 * sampler races the leaders in the last trials (what runs stored then show).
 */
export async function makeRunBundle(optimizer: RunConfig['optimizer'] = FIXTURE_CONFIG.optimizer, opts: { raced?: boolean } = {}): Promise<RunBundle> {
  const runConfig: RunConfig = { ...FIXTURE_CONFIG, optimizer };
  const w = makeWorld({ train: 40, val: 60, hard: true });
  const traces: BundleTrace[] = [];
  w.ctx.lms = {
    task: recording(w.ctx.lms.task, traces, 'generate'),
    teacher: recording(w.ctx.lms.teacher, traces, 'generate'),
    proposer: recording(w.ctx.lms.proposer, traces, 'proposer'),
  };
  const events: RunEvent[] = [{ type: 'data', rows: 160, dropped: 0, train: 40, val: 60, test: 60 }];
  w.ctx.emit = (event) => events.push({ type: 'optimizer', event });
  const { kind: _k, ...options } = optimizer as Record<string, unknown>;
  const settings = optimizerSettings({ ...options, kind: 'mipro_v2' });
  const r = opts.raced && settings.kind === 'mipro_v2'
    ? await miproV2(w.ctx, settings, (s) => createTpeSampler({ ...s, trialBudget: settings.numTrials ?? 16 }))
    : await runOptimizer('mipro_v2', w.ctx, options);
  const ctx = { lm: w.ctx.lms.task };
  const score = async (state: typeof r.state, examples = w.test) => {
    const e = await evaluate({ program: w.ctx.program, state, examples, metric: w.ctx.metric, ctx, omitTraces: true });
    return { mean: e.mean, ci95: e.ci95, n: e.n, errors: e.errors };
  };
  const test = await score(r.state);
  const baselineTest = await score(w.ctx.state);
  // The validation score with its interval, as the runner reports it (the search's valset, scored again: cached).
  const val = await score(r.state, [...w.ctx.valset]);
  events.push({ type: 'score', split: 'test', which: 'optimized', mean: test.mean, n: test.n }, { type: 'score', split: 'test', which: 'baseline', mean: baselineTest.mean, n: baselineTest.n });
  const config = redactConfig(runConfig);
  const result: RunResult = {
    version: 1,
    scores: { val: val.mean, test: test.mean },
    details: { val, test, baselineTest },
    usage: w.usage.snapshot(),
    program: { spec: w.ctx.program.spec, state: r.state },
    trials: r.trials,
    ...(r.plan && { plan: r.plan }),
    data: { rows: 160, dropped: [], train: 40, val: 60, test: 60 },
    timings: { totalMs: 1000, dataMs: 1, optimizeMs: 900, evaluateMs: 99 },
    config,
  };
  return createBundle({
    run: { id: 'fixture-run', name: 'Word rule (MIPROv2, scripted)', status: 'completed', createdAt: Date.UTC(2025, 0, 1), config, ...(r.plan && { plan: r.plan }), result, usage: result.usage },
    trials: r.trials,
    events,
    traces,
    exportedAt: new Date(Date.UTC(2025, 0, 2)),
  });
}
