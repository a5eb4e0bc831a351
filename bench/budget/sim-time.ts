/**
 * Simulated wall time of a run, computed from its calls (nothing sleeps).
 *
 * A recorder wraps each accounted model and logs every call with its role, the search trial
 * and example it belongs to, and whether it was sent (cache hits and answers shared with an
 * identical call in flight cost no time). The trial is the call's own context
 * (`CallContext.trialIndex`, set by the optimizer); a call without one takes the trial open
 * between the optimizer's `trial_start` and `trial_end` events, if any.
 *
 * Two regimes, every sent call counted (task, teacher and proposer):
 * - `local`: 1.5 s per call, one at a time (a WebGPU model answers one request at a time).
 * - `api`: 0.8 s per call, 8 at once. The task calls of one trial (one evaluation of a
 *   configuration on k examples) run as ceil(k / 8) waves, k = examples that sent at least one
 *   call; a wave lasts as long as its deepest program run (d sequential calls, d = the most
 *   calls one example sent: P for a program of P predictors, fewer when the cache answered some
 *   steps). Task calls outside any trial, teacher (bootstrap) and proposer calls are sequential.
 *
 * The optimizer's own estimates, to compare with each regime: the run plan's `estimatedSeconds`
 * (`planRun` in src/core/runner, what the app and the headless runner show before a run) for a
 * local task model at 1.5 s a call and for an API model at 0.8 s a call with 8 calls at once,
 * less the final scoring on validation that the plan adds after the optimizer and this
 * benchmark does not run.
 */
import type { LanguageModel } from '../../src/core/lm';
import { interceptCalls } from '../../src/core/lm/intercept';
import type { OptimizerConfig } from '../../src/core/optimize';
import type { ProgramSpec } from '../../src/core/program';
import type { ModelConfig } from '../../src/core/runner';
import { planRun } from '../../src/core/runner';

export interface CallLog {
  role: 'task' | 'teacher' | 'proposer';
  trial: number | undefined;
  example: string | undefined;
  sent: boolean;
}

const LOCAL_SECONDS = 1.5;
const API_SECONDS = 0.8;
const API_CONCURRENCY = 8;

/** `lm` with every call logged to `log`; `currentTrial` is the trial open in the event stream. */
export function recorded(lm: LanguageModel, role: CallLog['role'], log: CallLog[], currentTrial: () => number | undefined): LanguageModel {
  return interceptCalls(lm, async (req, options) => {
    const trial = req.context?.trialIndex ?? currentTrial();
    const response = await lm.call(req, options);
    log.push({ role, trial, example: req.context?.exampleId, sent: response.cached !== true });
    return response;
  });
}

/** Seconds in the `local` and `api` regimes (see the file comment). */
export function simulatedSeconds(log: readonly CallLog[]): { local: number; api: number } {
  const sent = log.filter((c) => c.sent);
  const byTrial = new Map<number, Map<string, number>>();
  let sequential = 0;
  for (const c of sent) {
    if (c.role !== 'task' || c.trial === undefined) {
      sequential++;
      continue;
    }
    const examples = byTrial.get(c.trial) ?? new Map<string, number>();
    byTrial.set(c.trial, examples);
    const key = c.example ?? `call${examples.size}`;
    examples.set(key, (examples.get(key) ?? 0) + 1);
  }
  let waveCalls = 0;
  for (const examples of byTrial.values()) waveCalls += Math.ceil(examples.size / API_CONCURRENCY) * Math.max(...examples.values());
  return { local: sent.length * LOCAL_SECONDS, api: (waveCalls + sequential) * API_SECONDS };
}

/** The run plan's estimates for both regimes without its final validation scoring; null when it gives none. */
export function estimates(spec: ProgramSpec, options: Record<string, unknown>, sizes: { train: number; val: number; predictors: number }): { local: number; api: number } | null {
  const local = estimate(spec, options, sizes, { provider: 'scripted', model: 'budget-bench' }, LOCAL_SECONDS, 1);
  const api = estimate(spec, options, sizes, { provider: 'openai-compatible', model: 'budget-bench', baseURL: 'http://127.0.0.1:1/v1', maxConcurrency: API_CONCURRENCY }, API_SECONDS, API_CONCURRENCY);
  return local === null || api === null ? null : { local, api };
}

function estimate(spec: ProgramSpec, options: Record<string, unknown>, sizes: { train: number; val: number; predictors: number }, task: ModelConfig, seconds: number, concurrency: number): number | null {
  const ms = seconds * 1000;
  const plan = planRun(
    {
      program: { spec },
      data: { rows: [], split: { train: 0.5, val: 0.5 } },
      metric: { kind: 'exact_match', field: 'label' },
      optimizer: { kind: 'mipro_v2', ...options } as OptimizerConfig,
      models: { task },
    },
    { train: sizes.train, val: sizes.val, test: 0 },
    { task: ms, proposer: ms },
  );
  if (plan.estimatedSeconds === undefined) return null;
  // The final scoring on validation: val program runs, `concurrency` at a time.
  return plan.estimatedSeconds - Math.ceil(sizes.val / concurrency) * sizes.predictors * seconds;
}
