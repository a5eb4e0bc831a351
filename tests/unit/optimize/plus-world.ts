/**
 * A scripted world for 0-shot MIPRO++: the word -> label task of world.ts, with a proposer
 * whose instructions depend on its settings and a task model that rewards what they say.
 *
 * The proposer writes the rule ("first letter") only with the dataset summary shown, the
 * "description" tip and a temperature of at most 0.8. Short of that, each of the three adds
 * one hint to a vague instruction (the data's shape, what a good label is, a precise tone).
 * The task model is always right with the rule; otherwise right on 25% more of the words per
 * hint (else it says "alpha", right on about half): 0.5, 0.62, 0.75, 0.88 for 0-3 hints (the
 * three hints together are the rule). The program summary and the demos change nothing.
 */
import type { Example } from '../../../src/core/data/types';
import { ScriptedLM, type UsageMeter } from '../../../src/core/lm';
import type { CacheStore, LMRequest } from '../../../src/core/lm/types';
import type { OptimizeContext, OptimizerEvent } from '../../../src/core/optimize';
import { buildFromTemplate, resolveProgram } from '../../../src/core/program';
import { HINT_THEN_ANSWER, worldContext } from './harness';
import { hashString32 } from '../../../src/core/util/random';
import { RULE, words } from './world';

const HINTS = { data: 'The words are six-letter lowercase words.', description: 'A good label names the group of the word.', precise: 'Be precise.' };

function lastUser(req: LMRequest): string {
  return [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

function field(text: string, name: string): string {
  const m = new RegExp(`\\[\\[ ## ${name} ## \\]\\]\\n([^\\n]*)`).exec(text);
  return m ? m[1]!.trim() : '';
}

/** The hints a proposal request earns from its settings. */
function hintsOf(req: LMRequest): string[] {
  const user = lastUser(req);
  const out: string[] = [];
  if (field(user, 'dataset_summary') !== '(not available)') out.push(HINTS.data);
  if (field(user, 'tip').startsWith('Make the instruction informative')) out.push(HINTS.description);
  if ((req.temperature ?? 1) <= 0.8) out.push(HINTS.precise);
  return out;
}

function proposerAnswer(req: LMRequest): string {
  const system = req.messages[0]!.content;
  if (system.includes('proposed_instruction')) {
    const hints = hintsOf(req);
    const text = hints.length === 3 ? RULE : ['Classify the word.', ...hints].join(' ');
    return `[[ ## proposed_instruction ## ]]\n${text}\n\n[[ ## completed ## ]]`;
  }
  if (system.includes('[[ ## summary ## ]]')) return '[[ ## summary ## ]]\nSix-letter lowercase words, each labeled alpha or beta.\n\n[[ ## completed ## ]]';
  return '[[ ## observations ## ]]\nEvery row is a six-letter word with a label, alpha or beta.\n\n[[ ## completed ## ]]';
}

function taskAnswer(req: LMRequest): string {
  const system = req.messages[0]!.content;
  // The two-step program's first step (no label field): a hint the answer step ignores.
  if (!system.includes('label')) return '[[ ## hint ## ]]\nno hint\n\n[[ ## completed ## ]]';
  const word = field(lastUser(req), 'word');
  const hints = Object.values(HINTS).filter((h) => system.includes(h)).length;
  const right = system.includes('first letter') || hashString32(word) % 100 < 25 * hints;
  const label = right ? (word[0]! <= 'm' ? 'alpha' : 'beta') : 'alpha';
  return `[[ ## reasoning ## ]]\nThe word is ${word}.\n\n[[ ## label ## ]]\n${label}\n\n[[ ## completed ## ]]`;
}

/** What a MIPRO++ test needs: the context, the meter, the events and the scripted models. */
export interface PlusWorld {
  ctx: OptimizeContext;
  usage: UsageMeter;
  events: OptimizerEvent[];
  task: ScriptedLM;
  proposer: ScriptedLM;
  test: Example[];
}


/** The world with `train` and `val` rows (60 test rows after them), seeded `seed`; `twoSteps`: the hint -> answer program. */
export function makePlusWorld(opts: { train?: number; val?: number; seed?: number; cache?: CacheStore; signal?: AbortSignal; twoSteps?: boolean } = {}): PlusWorld {
  const train = opts.train ?? 40;
  const val = opts.val ?? 60;
  const all = words(train + val + 60);
  const spec = opts.twoSteps ? HINT_THEN_ANSWER : buildFromTemplate({ template: 'chain_of_thought', signature: 'word -> label', labels: { label: ['alpha', 'beta'] } });
  const program = resolveProgram(spec);
  const task = new ScriptedLM(taskAnswer, { id: 'scripted-task', maxConcurrency: 8 });
  const proposer = new ScriptedLM(proposerAnswer, { id: 'scripted-proposer', maxConcurrency: 2 });
  const { ctx, usage, events } = worldContext({ program, trainset: all.slice(0, train), valset: all.slice(train, train + val), task, proposer, ...(opts.cache && { cache: opts.cache }), ...(opts.seed !== undefined && { seed: opts.seed }), ...(opts.signal && { signal: opts.signal }) });
  return { ctx, usage, events, task, proposer, test: all.slice(train + val) };
}
