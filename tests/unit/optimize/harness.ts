/** Builds an OptimizeContext over the scripted world. */
import type { Example } from '../../../src/core/data/types';
import { createAccountedLM, MemoryCacheStore, UsageMeter } from '../../../src/core/lm';
import type { CacheStore, LanguageModel } from '../../../src/core/lm/types';
import { createMetric } from '../../../src/core/metric';
import type { OptimizeContext, OptimizerEvent } from '../../../src/core/optimize';
import { buildFromTemplate, initialState, resolveProgram, type ProgramSpec, type ResolvedProgram } from '../../../src/core/program';
import { proposerModel, taskModel, words } from './world';

export interface World {
  ctx: OptimizeContext;
  usage: UsageMeter;
  events: OptimizerEvent[];
  task: ReturnType<typeof taskModel>;
  proposer: ReturnType<typeof proposerModel>;
  cache: CacheStore;
  test: Example[];
}

/** Two predictors over the word world: a hint step, then the answer step (plus-world and opro-world). */
export const HINT_THEN_ANSWER: ProgramSpec = {
  version: 1,
  name: 'hint_then_answer',
  inputs: [{ name: 'word' }],
  steps: [
    { id: 'hint', kind: 'predict', signature: 'word -> hint' },
    { id: 'answer', kind: 'predict', signature: 'word, hint -> label' },
  ],
  outputs: { label: 'answer.label' },
};

/** What a scripted world's optimizer context is made of. */
export interface WorldParts {
  program: ResolvedProgram;
  trainset: Example[];
  valset: Example[];
  task: LanguageModel;
  proposer: LanguageModel;
  cache?: CacheStore;
  seed?: number;
  signal?: AbortSignal;
}

/**
 * The OptimizeContext every scripted world builds: the program at its initial state, exact
 * match on `label`, the task model also as teacher, all roles accounted and cached (a fresh
 * 100,000-entry cache unless one is given), events collected.
 */
export function worldContext(p: WorldParts): { ctx: OptimizeContext; usage: UsageMeter; events: OptimizerEvent[]; cache: CacheStore } {
  const usage = new UsageMeter();
  const cache = p.cache ?? new MemoryCacheStore(100_000);
  const events: OptimizerEvent[] = [];
  const ctx: OptimizeContext = {
    program: p.program,
    state: initialState(p.program),
    trainset: p.trainset,
    valset: p.valset,
    metric: createMetric({ kind: 'exact_match', field: 'label' }),
    lms: {
      task: createAccountedLM({ lm: p.task, role: 'task', usage, cache }),
      teacher: createAccountedLM({ lm: p.task, role: 'teacher', usage, cache }),
      proposer: createAccountedLM({ lm: p.proposer, role: 'proposer', usage, cache }),
    },
    seed: p.seed ?? 0,
    emit: (e) => events.push(e),
    usage: () => usage.snapshot(),
    ...(p.signal && { signal: p.signal }),
  };
  return { ctx, usage, events, cache };
}

export function makeWorld(opts: { train?: number; val?: number; seed?: number; cache?: CacheStore; signal?: AbortSignal; hard?: boolean } = {}): World {
  const all = words((opts.train ?? 40) + (opts.val ?? 40) + 60);
  const trainset = all.slice(0, opts.train ?? 40);
  const valset = all.slice(trainset.length, trainset.length + (opts.val ?? 40));
  const test = all.slice(trainset.length + valset.length);
  const spec = buildFromTemplate({ template: 'chain_of_thought', signature: 'word -> label', labels: { label: ['alpha', 'beta'] } });
  const program = resolveProgram(spec);
  const task = taskModel(opts.hard);
  const proposer = proposerModel(opts.hard);
  const { ctx, usage, events, cache } = worldContext({ program, trainset, valset, task, proposer, ...(opts.cache && { cache: opts.cache }), ...(opts.seed !== undefined && { seed: opts.seed }), ...(opts.signal && { signal: opts.signal }) });
  return { ctx, usage, events, task, proposer, cache, test };
}
