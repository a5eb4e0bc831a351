/**
 * The parts the budget benchmark's landscapes are built from (after tests/unit/optimize/world.ts):
 * labels and draws, one- and two-step programs, and scripted task and proposer
 * models. Everything is decided by seeded generators and FNV hashes, never by Math.random, so
 * a landscape gives the same answers on every run.
 */
import { ScriptedLM, type LMRequest } from '../../src/core/lm';
import { buildFromTemplate, type ProgramSpec } from '../../src/core/program';
import { hashString32 } from '../../src/core/util/random';
import { answer, blocks, readPrompt, type Prompt } from './prompt';

/** Two labels: "alpha" when the first letter is a-m, else "beta". */
export function byHalf(word: string): string {
  return word[0]! <= 'm' ? 'alpha' : 'beta';
}

/** A stable per-word draw in [0, mod), salted so landscapes do not share their "hard" words. */
export function draw(salt: string, text: string, mod = 100): number {
  return hashString32(`${salt}:${text}`) % mod;
}

/** One chain-of-thought step, `word -> label` with the given labels (DSPy's ChainOfThought). */
export function oneStep(labels: string[], instruction?: string): ProgramSpec {
  return buildFromTemplate({ template: 'chain_of_thought', signature: 'word -> label', labels: { label: labels }, ...(instruction && { instruction }) });
}

/** Two chain-of-thought steps: `hint` (word -> hint), then `classify` (word, hint -> label). */
export function twoSteps(): ProgramSpec {
  return {
    version: 1,
    name: 'hint_then_label',
    inputs: [{ name: 'word' }],
    steps: [
      { id: 'hint', kind: 'chain_of_thought', signature: 'word -> hint' },
      { id: 'classify', kind: 'chain_of_thought', signature: { signature: 'word, hint -> label', labels: { label: ['alpha', 'beta'] } } },
    ],
    outputs: { label: 'classify.label' },
  };
}

/**
 * A scripted task model: `decide` gets the prompt and the raw request and returns the output
 * fields after `reasoning`. At most one call at a time, like a local WebGPU model, so the
 * optimizer's own time estimate is the one-at-a-time (`local`) regime.
 */
export function taskModel(id: string, decide: (p: Prompt, req: LMRequest) => Record<string, string>): ScriptedLM {
  return new ScriptedLM((req) => {
    const p = readPrompt(req);
    return answer({ reasoning: `Looking at ${p.inputs['word'] ?? 'the input'}.`, ...decide(p, req) });
  }, { id, maxConcurrency: 1 });
}

/**
 * What a proposal says: `step` is the predictor it is for, `k` counts that predictor's
 * proposals from 1, and `grounded` says whether the proposer was shown demos of the task.
 */
export type WriteInstruction = (step: string, k: number, grounded: boolean) => string;

/**
 * A scripted proposer. It reads the step from the module description the grounded proposer
 * shows (`Step 1 of 2, "hint", ...`) and counts each step's proposals, so "the second
 * proposal for `hint`" is the same proposal in every run and in both arms.
 */
export function proposerModel(id: string, write: WriteInstruction): ScriptedLM {
  const counts = new Map<string, number>();
  return new ScriptedLM((req) => {
    const system = req.messages[0]!.content;
    if (system.includes('proposed_instruction')) {
      const user = blocks(req.messages.at(-1)!.content);
      const step = /"(\w+)"/.exec(user['module_description'] ?? '')?.[1] ?? '';
      const k = (counts.get(step) ?? 0) + 1;
      counts.set(step, k);
      const grounded = (user['task_demos'] ?? '') !== '(no examples available)';
      return answer({ proposed_instruction: write(step, k, grounded) });
    }
    if (system.includes('[[ ## summary ## ]]')) return answer({ summary: 'Six-letter lowercase words, each with a label.' });
    return answer({ observations: 'Every row is a six-letter word with a label.' });
  }, { id, maxConcurrency: 2 });
}
