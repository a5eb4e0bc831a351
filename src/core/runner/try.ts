/**
 * "Try the program": one input, typed by the user, run through the optimized program and the
 * baseline (or the workspace's one program) on the task model, with everything a reader needs
 * to judge the answers: the parsed outputs, the reasoning, and each call's messages exactly as
 * sent. The task model is built as a run builds it (cache, usage accounting, the role's output
 * channel), so a repeated input, or a training example the run already asked, is answered from
 * the same cache with the same answer format.
 */
import type { ErrorData } from '../errors';
import { createAccountedLM, UsageMeter } from '../lm';
import { createOutputChannel, OutputProbe, type OutputMemory } from '../lm/output';
import type { CacheStore, LanguageModel } from '../lm/types';
import { typedInputs } from '../signature/typed-inputs';
import { resolveProgram } from '../program/resolve';
import { runProgram } from '../program/run';
import type { ProgramSpec, ProgramState, TraceStep } from '../program/types';
import { roleOutput, type ModelConfig } from './config';

/** Which program of a try an answer comes from. */
export type TryWhich = 'optimized' | 'baseline' | 'current';

/** What a try runs: one program spec, the states to compare, the user's inputs and the task model. */
export interface TryRequest {
  spec: ProgramSpec;
  /** One state per program to run (`optimized` and `baseline`, or the workspace's `current`). */
  states: Partial<Record<TryWhich, ProgramState>>;
  /** The user's text per program input (converted to numbers where a field is a number). */
  inputs: Record<string, string>;
  /** The task model, with its key in memory (never stored, never in a trace). */
  model: ModelConfig;
  /** Named passage corpora for retrieve steps. */
  corpora?: Record<string, readonly string[]>;
}

/** One program's answer to a try. */
export interface TryAnswer {
  which: TryWhich;
  /** The program's outputs, parsed (empty when it failed). */
  prediction: Record<string, unknown>;
  /** The chain-of-thought reasoning of the last step that gave one. */
  reasoning?: string;
  /** Every step, with each call's messages exactly as sent and the answer as received. */
  trace: TraceStep[];
  /** Why the program gave no answer (a model error, an unreadable answer). */
  error?: ErrorData;
}

/** What the host supplies: the raw client, and the cache and output memory runs use. */
export interface TryHost {
  createLM(config: ModelConfig): LanguageModel;
  cache?: CacheStore;
  outputMemory?: OutputMemory;
  signal?: AbortSignal;
}

const ORDER: readonly TryWhich[] = ['optimized', 'baseline', 'current'];

/**
 * Runs each state of `req` on its inputs, one after the other (a local model answers one call
 * at a time anyway, and the second program then reuses what `auto` found with the first).
 * A program's failure is its answer's `error`; only cancellation and a bad spec throw.
 */
export async function tryProgram(req: TryRequest, host: TryHost): Promise<TryAnswer[]> {
  const program = resolveProgram(req.spec);
  const lm = taskModel(req.model, host);
  const inputs = typedInputs(req.spec.inputs, req.inputs);
  const answers: TryAnswer[] = [];
  for (const which of ORDER) {
    const state = req.states[which];
    if (!state) continue;
    const run = await runProgram(program, state, inputs, {
      lm,
      call: {},
      ...(req.corpora && { corpora: req.corpora }),
      ...(host.signal && { signal: host.signal }),
    });
    const reasoning = lastReasoning(run.trace);
    answers.push({ which, prediction: run.prediction, trace: run.trace, ...(reasoning !== undefined && { reasoning }), ...(run.error && { error: run.error }) });
  }
  return answers;
}

/** The task role's model as a run builds it: cached, accounted, asked in the model's output mode. */
function taskModel(cfg: ModelConfig, host: TryHost): LanguageModel {
  const lm = host.createLM(cfg);
  const requested = roleOutput('task', cfg);
  const probe = requested === 'auto' ? new OutputProbe(lm.id, host.outputMemory) : undefined;
  const output = createOutputChannel({
    requested,
    ...(probe && { probe }),
    ...(cfg.maxReasoningTokens !== undefined && { maxReasoningTokens: cfg.maxReasoningTokens }),
  });
  return createAccountedLM({ lm, role: 'task', usage: new UsageMeter(), ...(host.cache && { cache: host.cache }), output });
}

function lastReasoning(trace: readonly TraceStep[]): string | undefined {
  for (let i = trace.length - 1; i >= 0; i--) {
    const r = trace[i]!.outputs.reasoning;
    if (typeof r === 'string') return r;
  }
  return undefined;
}
