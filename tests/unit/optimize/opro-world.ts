/**
 * A scripted world for OPRO: the task model rewards instructions that carry a chain of
 * sentences, in order, and the proposer can only build that chain by reading the history.
 *
 * Task model: a predictor's *level* is how many sentences of its goal chain its instruction
 * holds, in order and contiguous (0-3). A word is answered right when the program's level is 3,
 * or when its hash (0-99) falls below a share that grows with the level; otherwise the answer
 * is the wrong label. One predictor (`predict`): level k gives 25k% (then 100%).
 * Two predictors (`hint` -> `answer`, the hint step says its level to the answer step):
 * - `modules`: each predictor's progress counts on its own (level = the sum, 16% a level);
 * - `joint`: only joint progress counts (level = the smaller of the two, 25% a level).
 *
 * Proposer: reads the attempts in the meta-prompt and extends the *last* one (the best, as
 * OPRO sorts them) with the next sentence of each goal chain — but only in candidate 1 of a
 * step; the other candidates append a decoy, which breaks the chain. So the chain is reached
 * only by following the best-scored attempt, round after round. `reads: 'first'` makes a
 * proposer that ignores the scores (it extends the first attempt shown, the worst).
 */
import { ScriptedLM, type UsageMeter } from '../../../src/core/lm';
import type { CacheStore, LMRequest } from '../../../src/core/lm/types';
import type { OptimizeContext, OptimizerEvent } from '../../../src/core/optimize';
import { buildFromTemplate, resolveProgram } from '../../../src/core/program';
import { HINT_THEN_ANSWER, worldContext } from './harness';
import { hashString32 } from '../../../src/core/util/random';
import { words } from './world';

export const GOALS: Record<string, readonly string[]> = {
  predict: ['Look at the first letter.', 'Letters a to m mean alpha.', 'Later letters mean beta.'],
  hint: ['Spell the first letter.', 'Compare it with m.', 'Say early or late.'],
  answer: ['Read the hint.', 'Early means alpha.', 'Late means beta.'],
};

/** The goal chain of `id` in full: what an instruction must hold to reach level 3. */
export function chain(id: string): string {
  return GOALS[id]!.join(' ');
}

export type Landscape = 'one' | 'modules' | 'joint';


/** How many sentences of `id`'s chain `text` holds, in order and contiguous. */
function levelOf(text: string, id: string): number {
  const goal = GOALS[id]!;
  let k = 0;
  while (k < goal.length && text.includes(goal.slice(0, k + 1).join(' '))) k++;
  return k;
}

function field(text: string, name: string): string {
  const m = new RegExp(`\\[\\[ ## ${name} ## \\]\\]\\n([\\s\\S]*?)(?:\\n\\n\\[\\[ ## |$)`).exec(text);
  return m ? m[1]!.trim() : '';
}

function truth(word: string): 'alpha' | 'beta' {
  return word[0]! <= 'm' ? 'alpha' : 'beta';
}

function taskAnswer(req: LMRequest, landscape: Landscape): string {
  const system = req.messages[0]!.content;
  const user = req.messages.at(-1)!.content;
  const word = field(user, 'word');
  if (landscape !== 'one' && !system.includes('label')) return `[[ ## hint ## ]]\nlevel ${levelOf(system, 'hint')}\n\n[[ ## completed ## ]]`;
  let level: number;
  let share: number;
  if (landscape === 'one') [level, share] = [levelOf(system, 'predict'), 25];
  else {
    const hint = Number(/level (\d)/.exec(field(user, 'hint'))?.[1] ?? 0);
    const own = levelOf(system, 'answer');
    [level, share] = landscape === 'modules' ? [hint + own, 16] : [Math.min(hint, own), 25];
  }
  const top = landscape === 'modules' ? 6 : 3;
  const right = level === top || hashString32(word) % 100 < share * level;
  const label = right ? truth(word) : truth(word) === 'alpha' ? 'beta' : 'alpha';
  return `[[ ## label ## ]]\n${label}\n\n[[ ## completed ## ]]`;
}

/** The instructions of one attempt in the meta-prompt, by predictor (module level: under `id`). */
function attemptInstructions(block: string, id: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of block.matchAll(/^Instruction(?: for (\w+))?: (.*)$/gm)) out[m[1] ?? id!] = m[2]!;
  return out;
}

function proposerAnswer(req: LMRequest, reads: 'best' | 'first'): string {
  const user = req.messages.at(-1)!.content;
  const attempts = field(user, 'attempted_instructions').split(/\n\n(?=Attempt \d+)/);
  const module = /Step \d+ of \d+, "(\w+)"/.exec(field(user, 'module_description'))?.[1];
  const parent = attemptInstructions(reads === 'best' ? attempts.at(-1)! : attempts[0]!, module);
  const candidate = Number(/:(\d+)$/.exec(String(req.rolloutId))?.[1]);
  const next = (id: string) => {
    const text = parent[id]!;
    const k = levelOf(text, id);
    if (candidate === 1 && k < 3) return `${text} ${GOALS[id]![k]}`;
    return `${text} Decoy ${attempts.length}-${candidate}.`;
  };
  if (module) return `[[ ## proposed_instruction ## ]]\n${next(module)}\n\n[[ ## completed ## ]]`;
  return `${Object.keys(parent).map((id) => `[[ ## proposed_instruction_${id} ## ]]\n${next(id)}`).join('\n\n')}\n\n[[ ## completed ## ]]`;
}

export interface OproWorld {
  ctx: OptimizeContext;
  usage: UsageMeter;
  events: OptimizerEvent[];
  task: ScriptedLM;
  proposer: ScriptedLM;
}

/** A world on `landscape`: 40 training and `val` (60) validation words. */
export function oproWorld(opts: { landscape?: Landscape; val?: number; seed?: number; cache?: CacheStore; signal?: AbortSignal; reads?: 'best' | 'first' } = {}): OproWorld {
  const landscape = opts.landscape ?? 'one';
  const all = words(40 + (opts.val ?? 60));
  const spec = landscape === 'one' ? buildFromTemplate({ template: 'predict', signature: 'word -> label', labels: { label: ['alpha', 'beta'] } }) : HINT_THEN_ANSWER;
  const program = resolveProgram(spec);
  const task = new ScriptedLM((req) => taskAnswer(req, landscape), { id: 'scripted-task', maxConcurrency: 8 });
  const proposer = new ScriptedLM((req) => proposerAnswer(req, opts.reads ?? 'best'), { id: 'scripted-proposer' });
  const { ctx, usage, events } = worldContext({ program, trainset: all.slice(0, 40), valset: all.slice(40), task, proposer, ...(opts.cache && { cache: opts.cache }), ...(opts.seed !== undefined && { seed: opts.seed }), ...(opts.signal && { signal: opts.signal }) });
  return { ctx, usage, events, task, proposer };
}
