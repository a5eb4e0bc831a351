/** Builds an OptimizeContext over the scripted world. */
import type { Example } from '../../../src/core/data/types';
import { createAccountedLM, MemoryCacheStore, UsageMeter } from '../../../src/core/lm';
import type { CacheStore } from '../../../src/core/lm/types';
import { createMetric } from '../../../src/core/metric';
import type { OptimizeContext, OptimizerEvent } from '../../../src/core/optimize';
import { buildFromTemplate, initialState, resolveProgram } from '../../../src/core/program';
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

export function makeWorld(opts: { train?: number; val?: number; seed?: number; cache?: CacheStore; signal?: AbortSignal; hard?: boolean } = {}): World {
  const all = words((opts.train ?? 40) + (opts.val ?? 40) + 60);
  const trainset = all.slice(0, opts.train ?? 40);
  const valset = all.slice(trainset.length, trainset.length + (opts.val ?? 40));
  const test = all.slice(trainset.length + valset.length);
  const spec = buildFromTemplate({ template: 'chain_of_thought', signature: 'word -> label', labels: { label: ['alpha', 'beta'] } });
  const program = resolveProgram(spec);
  const usage = new UsageMeter();
  const cache = opts.cache ?? new MemoryCacheStore(100_000);
  const task = taskModel(opts.hard);
  const proposer = proposerModel(opts.hard);
  const events: OptimizerEvent[] = [];
  const ctx: OptimizeContext = {
    program,
    state: initialState(program),
    trainset,
    valset,
    metric: createMetric({ kind: 'exact_match', field: 'label' }),
    lms: {
      task: createAccountedLM({ lm: task, role: 'task', usage, cache }),
      teacher: createAccountedLM({ lm: task, role: 'teacher', usage, cache }),
      proposer: createAccountedLM({ lm: proposer, role: 'proposer', usage, cache }),
    },
    seed: opts.seed ?? 0,
    emit: (e) => events.push(e),
    usage: () => usage.snapshot(),
    ...(opts.signal && { signal: opts.signal }),
  };
  return { ctx, usage, events, task, proposer, cache, test };
}
