/**
 * A scripted two-predictor program for optimizer tests: `hint` (word -> hint), then `classify`
 * (word, hint -> label), where each predictor is rewarded by its own instruction and demos:
 *
 * - `hint` earns a level point for its rewarded instruction (its 2nd proposal, candidate 2) and
 *   one for any demos (only bootstrapped sets give it demos: a labeled example has no hint);
 *   it writes the level as its hint;
 * - `classify` earns a point for its rewarded instruction (its 1st proposal, candidate 1) and
 *   one for labeled demos only (no demo with scripted reasoning: demo set 1, labeled-only);
 * - the label is right on 20% + 20% per point of the words (all of them at 4 points), else it
 *   is the wrong label, so a failing trace shows a wrong label.
 *
 * So the best configuration takes different indices per predictor: hint instruction 2 with a
 * bootstrapped set, classify instruction 1 with the labeled set.
 */
import type { Example } from '../../../src/core/data/types';
import { createAccountedLM, MemoryCacheStore, UsageMeter } from '../../../src/core/lm';
import { createMetric } from '../../../src/core/metric';
import type { OptimizeContext, OptimizerEvent } from '../../../src/core/optimize';
import { initialState, resolveProgram, type ProgramState } from '../../../src/core/program';
import { byHalf, draw, proposerModel, taskModel, twoSteps } from '../../../bench/budget/world';
import { pseudoWords } from '../../fixtures/pseudo-words';

export const HINT_RULE = 'HINT RULE: state how sure you are.';
export const CLASSIFY_RULE = 'CLASSIFY RULE: trust the hint.';
const REASONING = 'Looking at';

function level(instruction: string, demos: number): number {
  return (instruction.includes(HINT_RULE) ? 1 : 0) + (demos > 0 ? 1 : 0);
}

function task() {
  return taskModel('two-step-task', (p): Record<string, string> => {
    const word = p.inputs['word'] ?? '';
    if (p.outputs.includes('hint')) return { hint: `level-${level(p.instruction, p.demos.length)}` };
    const labeledOnly = p.demos.length > 0 && p.demos.every((d) => !(d['reasoning'] ?? '').startsWith(REASONING));
    const points = Number(/level-(\d)/.exec(p.inputs['hint'] ?? '')?.[1] ?? 0) + (p.instruction.includes(CLASSIFY_RULE) ? 1 : 0) + (labeledOnly ? 1 : 0);
    const right = draw('two-step', word) < 20 + 20 * points;
    const truth = byHalf(word);
    return { label: right ? truth : truth === 'alpha' ? 'beta' : 'alpha' };
  });
}

function proposer() {
  return proposerModel('two-step-proposer', (step, k) => {
    if (step === 'hint') return k === 2 ? HINT_RULE : `Write a hint (${k}).`;
    return k === 1 ? CLASSIFY_RULE : `Classify the word (${k}).`;
  });
}

export interface TwoStepWorld {
  ctx: OptimizeContext;
  events: OptimizerEvent[];
}

/** The two-step program over 40 training and 40 validation words; `state` replaces the initial state. */
export function twoStepWorld(opts: { seed?: number; state?: (s: ProgramState) => ProgramState } = {}): TwoStepWorld {
  const rows: Example[] = pseudoWords(80, 'two-step', byHalf);
  const program = resolveProgram(twoSteps());
  const usage = new UsageMeter();
  const cache = new MemoryCacheStore(100_000);
  const t = task();
  const events: OptimizerEvent[] = [];
  const base = initialState(program);
  const ctx: OptimizeContext = {
    program,
    state: opts.state ? opts.state(base) : base,
    trainset: rows.slice(0, 40),
    valset: rows.slice(40),
    metric: createMetric({ kind: 'exact_match', field: 'label' }),
    lms: {
      task: createAccountedLM({ lm: t, role: 'task', usage, cache }),
      teacher: createAccountedLM({ lm: t, role: 'teacher', usage, cache }),
      proposer: createAccountedLM({ lm: proposer(), role: 'proposer', usage, cache }),
    },
    seed: opts.seed ?? 0,
    emit: (e) => events.push(e),
    usage: () => usage.snapshot(),
  };
  return { ctx, events };
}
