/**
 * The paper's optimizer set (Opsahl-Ong et al., 2024, Table 2's columns), as run configs. Two
 * sizes: `paper` is each optimizer's own defaults (MIPROv2 light, OPRO's 4 rounds of 4, 16
 * random-search candidates); `small` shrinks every search to a few trials, for the scripted run
 * in CI and for a quick look at a slow endpoint. Both sizes keep each optimizer's character.
 */
import type { OptimizerConfig } from '../../src/core/optimize';

export const OPTIMIZER_IDS = ['baseline', 'bootstrap_rs', 'opro', 'mipro', 'mipro_0shot', 'mipro_plus'] as const;
export type PaperOptimizerId = (typeof OPTIMIZER_IDS)[number];
export type BenchSize = 'small' | 'paper';

export interface PaperOptimizer {
  id: PaperOptimizerId;
  /** The column title, as the paper names it. */
  name: string;
  config(size: BenchSize): OptimizerConfig;
}

export const PAPER_OPTIMIZERS: readonly PaperOptimizer[] = [
  { id: 'baseline', name: 'Baseline (unoptimized)', config: () => ({ kind: 'none' }) },
  {
    id: 'bootstrap_rs',
    name: 'Bootstrap RS',
    config: (size) => ({ kind: 'bootstrap_random_search', ...(size === 'small' && { numCandidatePrograms: 3, maxBootstrappedDemos: 2, maxLabeledDemos: 2 }) }),
  },
  {
    id: 'opro',
    name: 'Module-level OPRO',
    config: (size) => ({ kind: 'opro', level: 'module', ...(size === 'small' && { rounds: 2, candidatesPerRound: 2 }) }),
  },
  {
    id: 'mipro',
    name: 'MIPROv2',
    config: (size) => ({ kind: 'mipro_v2', auto: 'light', ...(size === 'small' && { numTrials: 10, maxBootstrappedDemos: 2, maxLabeledDemos: 2 }) }),
  },
  {
    id: 'mipro_0shot',
    name: '0-shot MIPRO',
    config: (size) => ({ kind: 'mipro_v2', auto: 'light', mode: 'instructions_only', ...(size === 'small' && { numTrials: 10 }) }),
  },
  {
    id: 'mipro_plus',
    name: '0-shot MIPRO++',
    config: (size) => ({ kind: 'mipro_v2', auto: 'light', mode: 'instructions_only', proposerSearch: true, ...(size === 'small' && { numTrials: 10 }) }),
  },
];
