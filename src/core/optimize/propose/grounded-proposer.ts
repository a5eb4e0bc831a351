/**
 * The grounded instruction proposer (MIPRO paper §3; DSPy `propose/grounded_proposer.py`).
 *
 * For each proposal the proposer model sees: a summary of the dataset, a summary of the
 * program, a description of the module, up to three bootstrapped demos of that module
 * (gathered from neighbouring demo sets, {@link gatherDemos}), the
 * module's current instruction, and a randomly drawn tip; it writes a new instruction at
 * temperature 1.0 (`init_temperature`).
 *
 * Changed from DSPy: candidate 0 is the original instruction and is never sent for proposal
 * (DSPy proposes N and then overwrites the first); each proposal has its own rollout id, so
 * two proposals with the same context are two samples, and a rerun gets the same ones from
 * the cache.
 */
import type { Example } from '../../data/types';
import type { LanguageModel } from '../../lm/types';
import type { ResolvedProgram } from '../../program/resolve';
import type { Demo } from '../../program/types';
import { Rng } from '../../util/random';
import type { OptimizerEvent, ProposerContext, ProposerSettings } from '../types';
import { ask } from './ask';
import { datasetSummaryCalls, summarizeDataset } from './dataset-summary';
import { moduleDescription, programSummary } from './program-summary';

/**
 * Tips drawn at random per proposal: the reference's six (none, creative, simple, description,
 * high stakes, persona), paraphrased rather than copied (DSPy's `TIPS`, e.g. "Don't be afraid
 * to be creative when creating the new instruction!"); each keeps its reference's intent.
 */
const TIPS: Record<string, string> = {
  none: '',
  creative: 'Feel free to be creative in how you phrase the new instruction.',
  simple: 'Keep the instruction short, clear and direct.',
  description: 'Make the instruction informative: describe the task and what a good answer looks like.',
  high_stakes: 'Frame the task as high stakes: getting it wrong has real consequences.',
  persona: 'Open the instruction with a persona that fits the task (for example "You are a ...").',
};

const PROPOSE = {
  instruction:
    'You write instructions for one step of a language-model program. Use the dataset summary, the program summary, the module description and the example runs of this step to write a better instruction for it. Follow the tip if there is one. Answer with the instruction only.',
  inputs: [
    { name: 'dataset_summary', description: 'what the data looks like' },
    { name: 'program_summary', description: 'the whole program, step by step' },
    { name: 'module_description', description: 'the step to write an instruction for' },
    { name: 'task_demos', description: 'example inputs and outputs of this step that led to correct results' },
    { name: 'current_instruction', description: 'the instruction this step has now' },
    { name: 'tip', description: 'a suggestion for the new instruction' },
  ],
  outputs: [{ name: 'proposed_instruction', description: 'the new instruction for this step' }],
};

export interface ProposeOptions {
  /** Instruction candidates per predictor, including the original (candidate 0). */
  count: number;
  /** The predictor steps to propose for (default: all); the others keep only their current instruction. */
  predictors?: readonly string[];
  /** Demo sets per predictor step id (candidate i draws its demos from set i mod sets and the sets after it, see {@link gatherDemos}). */
  demoSets: Record<string, Demo[]>[];
  seed: number;
  temperature?: number;
  dataAware?: boolean;
  programAware?: boolean;
  tipAware?: boolean;
  signal?: AbortSignal;
  emit?: (e: OptimizerEvent) => void;
}

/** Proposer calls for `predictors` steps with `count` candidates each and a trainset of `trainSize`. */
export function proposerCalls(predictors: number, count: number, trainSize: number, dataAware = true): number {
  if (count <= 1) return 0;
  return (dataAware ? datasetSummaryCalls(trainSize) : 0) + predictors * (count - 1);
}

/** Proposes `count` instruction candidates per predictor (index 0 = the current instruction). */
export async function proposeInstructions(
  lm: LanguageModel,
  program: ResolvedProgram,
  current: Record<string, string>,
  trainset: readonly Example[],
  opts: ProposeOptions,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = Object.fromEntries(program.predictorIds.map((id) => [id, [current[id]!]]));
  if (opts.count <= 1) return out;
  const signal = opts.signal ? { signal: opts.signal } : {};
  const data = opts.dataAware === false ? { summary: '', observations: [] } : await summarizeDataset(lm, trainset, signal);
  if (opts.dataAware !== false) opts.emit?.({ type: 'dataset_summary', ...data });
  let done = 0;
  const proposed = program.predictorIds.filter((id) => !opts.predictors || opts.predictors.includes(id));
  const total = proposed.length * (opts.count - 1);
  for (const stepId of proposed) {
    const rng = new Rng(`propose:${opts.seed}:${stepId}`);
    for (let i = 1; i < opts.count; i++) {
      const tipName = opts.tipAware === false ? 'none' : rng.pick(TIP_NAMES);
      const settings: ProposerSettings = { datasetSummary: opts.dataAware !== false, programSummary: opts.programAware !== false, tip: tipName, demos: true, temperature: opts.temperature ?? 1 };
      const { instruction, context } = await proposeWith(lm, {
        program, stepId, current: current[stepId]!, datasetSummary: data.summary, demoSets: opts.demoSets, demoIndex: i, settings, rolloutId: `propose:${opts.seed}:${stepId}:${i}`, ...signal,
      });
      out[stepId]!.push(instruction);
      opts.emit?.({ type: 'instruction_proposed', predictor: stepId, index: i, instruction, tip: tipName, context });
      opts.emit?.({ type: 'progress', phase: 'propose', done: ++done, total });
    }
  }
  return out;
}

/** The tips' names, in the reference's order (`none` first). */
export const TIP_NAMES: readonly string[] = Object.keys(TIPS);

/** One proposal: what it is for, what the proposer may be shown, and the settings that decide what it is shown. */
export interface ProposalRequest {
  program: ResolvedProgram;
  stepId: string;
  /** The step's current instruction (always shown; the fallback when the answer is empty). */
  current: string;
  /** The dataset summary ('' when there is none). */
  datasetSummary: string;
  /** Demo sets per predictor step id: the demos shown are gathered from set `demoIndex` mod sets and its neighbours ({@link gatherDemos}). */
  demoSets: Record<string, Demo[]>[];
  demoIndex: number;
  settings: ProposerSettings;
  /** Two proposals with the same context and another rollout id are two samples. */
  rolloutId: string;
  signal?: AbortSignal;
}

/** One grounded proposal with explicit settings (one proposer call): the new instruction and what the proposer saw. */
export async function proposeWith(lm: LanguageModel, r: ProposalRequest): Promise<{ instruction: string; context: ProposerContext }> {
  const { settings } = r;
  const demos = settings.demos ? gatherDemos(r.demoSets, r.stepId, r.demoIndex) : [];
  const context: ProposerContext = {
    datasetSummary: settings.datasetSummary ? r.datasetSummary : '',
    programSummary: settings.programSummary ? programSummary(r.program) : '',
    moduleDescription: settings.programSummary ? moduleDescription(r.program, r.stepId) : '',
    demos,
    currentInstruction: r.current,
    tip: TIPS[settings.tip] ?? '',
  };
  const raw = await ask({
    lm,
    signature: PROPOSE,
    inputs: {
      dataset_summary: context.datasetSummary || '(not available)',
      program_summary: context.programSummary || '(not available)',
      module_description: context.moduleDescription || '(not available)',
      task_demos: demos.length ? formatDemos(demos) : '(no examples available)',
      current_instruction: context.currentInstruction,
      tip: context.tip || '(no tip)',
    },
    temperature: settings.temperature,
    rolloutId: r.rolloutId,
    ...(r.signal && { signal: r.signal }),
  });
  return { instruction: cleanInstruction(raw) || r.current, context };
}

/** Demos the proposer sees per proposal (DSPy's `num_demos_in_context`). */
const DEMOS_IN_CONTEXT = 3;

/**
 * The demos candidate `i` of `stepId` is grounded in: up to three augmented (bootstrapped)
 * demos, gathered as DSPy's grounded proposer gathers them: from demo set `i` (mod the number
 * of sets) first, then the sets after it, wrapping around to the ones before, until there are
 * three. Changed from DSPy: a demo already gathered from an earlier set is skipped (bootstrapped
 * sets often share their traces, and a repeat tells the proposer nothing new), and candidate
 * `i` never gets "no demos" for landing on set 0 (DSPy shows none at demo set 0, which it then
 * overwrites with the original instruction; here candidate 0 is never proposed).
 */
export function gatherDemos(sets: readonly Record<string, Demo[]>[], stepId: string, i: number): Demo[] {
  const out: Demo[] = [];
  const seen = new Set<string>();
  for (let k = 0; k < sets.length && out.length < DEMOS_IN_CONTEXT; k++) {
    for (const d of sets[(i + k) % sets.length]![stepId] ?? []) {
      const key = JSON.stringify(d.fields);
      if (!d.augmented || seen.has(key)) continue;
      seen.add(key);
      out.push(d);
      if (out.length === DEMOS_IN_CONTEXT) break;
    }
  }
  return out;
}

function formatDemos(demos: Demo[]): string {
  return demos
    .map((d, i) => `Example ${i + 1}\n${Object.entries(d.fields).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n')}`)
    .join('\n\n');
}

/** Strips wrappers small proposers add: quotes, "Instruction:" prefixes, code fences. */
export function cleanInstruction(text: string): string {
  let s = text.trim().replace(/^```\w*\n?|```$/g, '').trim();
  s = s.replace(/^(new |proposed |improved )?instruction\s*:\s*/i, '').trim();
  if (s.length > 1 && /^["“'].*["”']$/s.test(s)) s = s.slice(1, -1).trim();
  return s;
}
