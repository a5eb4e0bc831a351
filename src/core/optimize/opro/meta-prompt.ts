/**
 * OPRO's meta-prompt (Yang et al. 2023, §4.2; DSPy's COPRO `GenerateInstructionGivenAttempts`):
 * the attempts so far with their scores, sorted by score ascending so the best comes last,
 * and a few training examples to show what the program does. At module level the proposer
 * writes one instruction (`proposed_instruction`, as the grounded proposer does) for one
 * step, shown with its description; at program level it writes one per predictor
 * (`proposed_instruction_<step id>`), shown the program's summary.
 *
 * Every score says what it was measured on (a minibatch or the full validation subsample,
 * and how many examples), so the proposer can weigh a noisy minibatch score accordingly.
 */
import type { Example } from '../../data/types';
import { askFields, cleanInstruction, formatRows, moduleDescription, programSummary } from '../propose';
import type { OproLevel } from '../options';
import type { OptimizeContext, ScoredAttempt, TrialRecord } from '../types';

const ATTEMPTS = 'Each score is the whole program\'s score out of 100 with those instructions, and says what it was measured on: a minibatch of validation examples (noisier) or the full validation set.';

const MODULE_SIGNATURE = {
  instruction: `You improve the instruction of one step of a language-model program. Below are instructions tried for this step, in increasing order of score: the best is last. ${ATTEMPTS} The other steps kept their best instructions. Examples of the task follow. Write a new instruction for this step that is different from all of them and scores higher. Answer with the instruction only.`,
  inputs: [
    { name: 'module_description', description: 'the step to write an instruction for' },
    { name: 'attempted_instructions', description: 'instructions tried so far with their scores, lowest first, best last' },
    { name: 'task_examples', description: 'inputs and expected outputs of the whole program' },
  ],
  outputs: [{ name: 'proposed_instruction', description: 'the new instruction for this step' }],
};

function programSignature(ids: readonly string[]) {
  return {
    instruction: `You improve the instructions of a language-model program of several steps. Below are sets of instructions tried, one instruction per step, in increasing order of score: the best is last. ${ATTEMPTS} Examples of the task follow. Write a new set, one instruction for every step, that is different from all of them and scores higher. Answer with the instructions only.`,
    inputs: [
      { name: 'program_summary', description: 'the whole program, step by step' },
      { name: 'attempted_instructions', description: 'sets of instructions tried so far with their scores, lowest first, best last' },
      { name: 'task_examples', description: 'inputs and expected outputs of the whole program' },
    ],
    outputs: ids.map((id) => ({ name: `proposed_instruction_${id}`, description: `the new instruction for step "${id}"` })),
  };
}

/**
 * The attempts a proposal for `focus` sees: every successful trial that measured an
 * instruction of it (at module level: the default program and the trials of `focus`'s own
 * steps; at program level: every trial). An attempt measured more than once keeps its
 * measurement on the most examples (the latest of those). The `length` best, lowest first.
 */
export function attemptsFor(trials: readonly TrialRecord[], measures: (trial: TrialRecord) => boolean, focus: readonly string[], instructions: Record<string, string[]>, length: number): ScoredAttempt[] {
  const byText = new Map<string, ScoredAttempt>();
  for (const t of trials) {
    if (t.failed || !measures(t)) continue;
    const texts = Object.fromEntries(focus.map((id) => [id, instructions[id]![t.params[`${id}.instruction`] ?? 0]!]));
    const key = JSON.stringify(focus.map((id) => texts[id]));
    const seen = byText.get(key);
    if (seen && seen.n > t.n) continue;
    byText.set(key, { instructions: texts, score: t.score, scope: t.kind === 'minibatch' ? 'minibatch' : 'full', n: t.n, trial: t.index });
  }
  const sorted = [...byText.values()].sort((a, b) => a.score - b.score || a.trial - b.trial);
  return sorted.slice(Math.max(0, sorted.length - length));
}

/** The attempts as the proposer reads them. */
function renderAttempts(attempts: readonly ScoredAttempt[], level: OproLevel): string {
  if (attempts.length === 0) return '(none yet)';
  return attempts
    .map((a, i) => {
      const score = `Score: ${(100 * a.score).toFixed(1)} (${a.scope === 'minibatch' ? `a minibatch of ${a.n} validation examples` : `the full validation set, ${a.n} examples`})`;
      const lines = Object.entries(a.instructions).map(([id, text]) => (level === 'module' ? `Instruction: ${text}` : `Instruction for ${id}: ${text}`));
      return [`Attempt ${i + 1}`, ...lines, score].join('\n');
    })
    .join('\n\n');
}

/** One proposal request: the step's focus, what it sees, and where it sits in the run. */
export interface ProposalRequest {
  level: OproLevel;
  focus: readonly string[];
  attempts: readonly ScoredAttempt[];
  examples: readonly Example[];
  /** Each predictor's instruction in the best program, used when a proposal comes back empty. */
  current: Record<string, string>;
  step: number;
  candidate: number;
  temperature: number;
}

/** One proposer call: a new instruction for every predictor in `focus`. */
export async function proposeOnce(ctx: OptimizeContext, req: ProposalRequest): Promise<Record<string, string>> {
  const module = req.level === 'module';
  const signature = module ? MODULE_SIGNATURE : programSignature(req.focus);
  const task_examples = req.examples.length ? formatRows(req.examples) : '(no examples available)';
  const attempted_instructions = renderAttempts(req.attempts, req.level);
  const inputs = module
    ? { module_description: moduleDescription(ctx.program, req.focus[0]!), attempted_instructions, task_examples }
    : { program_summary: programSummary(ctx.program), attempted_instructions, task_examples };
  const out = await askFields({
    lm: ctx.lms.proposer,
    signature,
    inputs,
    temperature: req.temperature,
    rolloutId: `opro:${ctx.seed}:${req.level}:${req.step}:${req.candidate}`,
    ...(ctx.signal && { signal: ctx.signal }),
  });
  const field = (id: string) => (module ? 'proposed_instruction' : `proposed_instruction_${id}`);
  return Object.fromEntries(req.focus.map((id) => [id, cleanInstruction(out[field(id)] ?? '') || req.current[id]!]));
}
