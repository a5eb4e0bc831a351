/**
 * A scripted world for optimizer tests: a word -> label task where the scripted task model is
 * right only when the prompt carries what it needs.
 *
 * Truth: a word is "alpha" when its first letter is a-m, else "beta".
 * The task model answers:
 *  - always right when the instruction states the rule ("first letter") and the demos show both labels;
 *  - right on 90% of words with the rule alone, on 75% with demos of both labels alone;
 *  - otherwise it always says "alpha" (right on about half).
 * The proposer writes the rule only when it is shown demos of the task (grounding), else a
 * vague instruction. So the best configuration is: a proposed instruction + a demo set with
 * both labels — and an optimizer has to find it.
 */
import type { Example } from '../../../src/core/data/types';
import { ScriptedLM } from '../../../src/core/lm';
import type { LMRequest } from '../../../src/core/lm/types';
import { hashString32 } from '../../../src/core/util/random';
import { pseudoWords } from '../../fixtures/pseudo-words';

export const RULE = 'Label the word "alpha" when its first letter is between a and m, otherwise "beta".';
const VAGUE = 'Classify the word thoughtfully.';

function truth(word: string): 'alpha' | 'beta' {
  return word[0]! <= 'm' ? 'alpha' : 'beta';
}

/** `n` distinct pseudo-words with their labels, seeded. */
export function words(n: number, seed = 7): Example[] {
  return pseudoWords(n, seed, truth);
}

function lastUser(req: LMRequest): string {
  return [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

function field(text: string, name: string): string {
  const m = new RegExp(`\\[\\[ ## ${name} ## \\]\\]\\n([^\\n]*)`).exec(text);
  return m ? m[1]!.trim() : '';
}

/**
 * What the task model says for a request. The `hard` landscape gives less credit to the rule
 * alone (60% of words instead of 90%) and to demos alone (30% instead of 75%).
 */
function taskAnswer(req: LMRequest, hard = false): string {
  const system = req.messages[0]!.content;
  const word = field(lastUser(req), 'word');
  const demoLabels = req.messages.slice(1, -1).filter((m) => m.role === 'assistant').map((m) => field(m.content, 'label'));
  const rule = system.includes('first letter');
  const bothLabels = demoLabels.includes('alpha') && demoLabels.includes('beta');
  const h = hashString32(word) % 100;
  const [ruleAlone, demosAlone] = hard ? [60, 30] : [90, 75];
  const right = (rule && bothLabels) || (rule && h < ruleAlone) || (bothLabels && h < demosAlone);
  const label = right ? truth(word) : 'alpha';
  return `[[ ## reasoning ## ]]\nThe word is ${word}.\n\n[[ ## label ## ]]\n${label}\n\n[[ ## completed ## ]]`;
}

/** In the `hard` landscape only the third proposal states the rule. */
function proposerAnswer(req: LMRequest, hard: boolean, proposalNumber: () => number): string {
  const system = req.messages[0]!.content;
  const user = lastUser(req);
  if (system.includes('proposed_instruction')) {
    const n = proposalNumber();
    const grounded = /word: [a-z]+/.test(user) && (!hard || n === 3);
    return `[[ ## proposed_instruction ## ]]\n${grounded ? RULE : VAGUE}\n\n[[ ## completed ## ]]`;
  }
  if (system.includes('[[ ## summary ## ]]')) return '[[ ## summary ## ]]\nSix-letter lowercase words, each labeled alpha or beta.\n\n[[ ## completed ## ]]';
  return '[[ ## observations ## ]]\nEvery row is a six-letter word with a label, alpha or beta.\n\n[[ ## completed ## ]]';
}

export function taskModel(hard = false): ScriptedLM {
  return new ScriptedLM((req) => taskAnswer(req, hard), { id: 'scripted-task', maxConcurrency: 8 });
}

export function proposerModel(hard = false): ScriptedLM {
  let proposals = 0;
  return new ScriptedLM((req) => proposerAnswer(req, hard, () => ++proposals), { id: 'scripted-proposer', maxConcurrency: 2 });
}
