/**
 * Running a program: steps in order, each predictor formatted in its model's output mode
 * (DSPy's ChatAdapter or JSONAdapter; `LanguageModel.output`), called on the context's LM
 * and parsed; each retrieve step searched with BM25. Every step lands in
 * the trace with the messages exactly as sent and the completion exactly as received.
 *
 * Context is passed explicitly (no global trace, unlike DSPy's `dspy.settings.trace`), so
 * concurrent runs in one worker never mix their traces.
 */
import { outputRequest, parseOutput } from '../adapter/output-request';
import { PlaygroundError, isAbortError, throwIfAborted, toErrorData, type ErrorData } from '../errors';
import { callRecord } from '../lm/call-record';
import { DEFAULT_MAX_REASONING_TOKENS } from '../lm/output';
import type { CallContext, LanguageModel, LMCallRecord, LMRequest, LMResponse, OutputChannel, ResolvedOutput } from '../lm/types';
import { predictorState, type ResolvedProgram, type ResolvedStep, type Source } from './resolve';
import { retrievePassages, toPassages } from './retrieve';
import type { ProgramRun, ProgramState, RetrieveStep, TraceStep } from './types';

/** Everything a program run needs, passed explicitly. */
export interface RunContext {
  /** The model predictor steps call (already wrapped with cache and usage accounting). */
  lm: LanguageModel;
  signal?: AbortSignal;
  /** Sampling temperature for predictor calls (default 0). */
  temperature?: number;
  maxTokens?: number;
  /** Distinguishes deliberate resamples in the cache (bootstrap rounds > 1). */
  rolloutId?: number | string;
  /** Named passage corpora for retrieve steps. */
  corpora?: Record<string, readonly string[]>;
  /** Where in the run these calls are made (phase, trial, example); each step adds its own id. */
  call?: CallContext;
}

/**
 * Runs `program` with `state` on `inputs`. Step failures (a parse error, an HTTP error) end
 * the run and are returned in `run.error` with the trace so far; only cancellation throws.
 */
export async function runProgram(
  program: ResolvedProgram,
  state: ProgramState,
  inputs: Record<string, unknown>,
  ctx: RunContext,
): Promise<ProgramRun> {
  const values = new Map<string, Record<string, unknown>>();
  const trace: TraceStep[] = [];
  for (const field of program.spec.inputs) {
    if (inputs[field.name] === undefined) {
      const error = new PlaygroundError('PROGRAM_MISSING_INPUT', `The example has no value for program input "${field.name}".`, {
        hint: 'Map a dataset column to this input.',
        details: { input: field.name },
      });
      return { prediction: {}, trace, error: error.toData() };
    }
  }
  for (const step of program.steps) {
    throwIfAborted(ctx.signal);
    const stepInputs = gatherInputs(step, inputs, values);
    const started = performance.now();
    const base = { stepId: step.spec.id, kind: step.spec.kind, inputs: stepInputs };
    let record: StepOutcome;
    try {
      record = step.isPredictor ? await runPredictor(program, step, state, stepInputs, ctx) : { outputs: runRetrieve(step.spec as RetrieveStep, stepInputs, inputs, ctx) };
    } catch (err) {
      if (isAbortError(err)) throw err;
      record = { error: toErrorData(err) };
    }
    const durationMs = performance.now() - started;
    if ('error' in record) {
      // The call stays in the trace even though the step failed: users need to see what the model said.
      trace.push({ ...base, outputs: {}, ...(record.lm && { lm: record.lm }), error: record.error, durationMs });
      return { prediction: {}, trace, error: record.error };
    }
    values.set(step.spec.id, record.outputs);
    trace.push({ ...base, outputs: record.outputs, ...(record.lm && { lm: record.lm }), durationMs });
  }
  const prediction: Record<string, unknown> = {};
  for (const [name, src] of Object.entries(program.outputs)) prediction[name] = readSource(src, inputs, values);
  return { prediction, trace };
}

/** A step's outputs, or why it failed; a predictor's call is kept either way. */
type StepOutcome = { outputs: Record<string, unknown>; lm?: LMCallRecord } | { error: ErrorData; lm?: LMCallRecord };

async function runPredictor(
  program: ResolvedProgram,
  step: ResolvedStep,
  state: ProgramState,
  stepInputs: Record<string, unknown>,
  ctx: RunContext,
): Promise<StepOutcome> {
  const own = predictorState(program, state, step.spec.id);
  const signature = { ...step.signature, instruction: own.instruction };
  const channel = ctx.lm.output;
  const reasoningCap = channel?.maxReasoningTokens ?? DEFAULT_MAX_REASONING_TOKENS;
  const requestIn = (output: ResolvedOutput): LMRequest => {
    const parts = outputRequest(output, signature, own.demos, stepInputs, reasoningCap);
    return {
      ...parts,
      temperature: ctx.temperature ?? 0,
      context: { ...ctx.call, stepId: step.spec.id },
      ...(ctx.maxTokens !== undefined && { maxTokens: ctx.maxTokens }),
      ...(ctx.rolloutId !== undefined && { rolloutId: ctx.rolloutId }),
    };
  };
  const { output, request, response, durationMs } = await callInMode(ctx, channel, requestIn);
  const lm = callRecord(request, response, durationMs);
  let outcome: StepOutcome;
  try {
    outcome = { outputs: parseOutput(output, signature, lm.completion), lm };
  } catch (err) {
    outcome = { error: explainCutOff(toErrorData(err), lm), lm };
  }
  channel?.answered({ request, response, durationMs, ...('error' in outcome && { unreadable: outcome.error }) });
  return outcome;
}

/**
 * Calls the model in the channel's mode. When `auto`'s first call is refused for its format,
 * the same call is made again in the mode the channel falls back to (once).
 */
async function callInMode(ctx: RunContext, channel: OutputChannel | undefined, requestIn: (output: ResolvedOutput) => LMRequest) {
  const turn = channel ? await channel.begin(ctx.signal) : undefined;
  let output: ResolvedOutput = turn?.output ?? 'chat';
  const options = ctx.signal ? { signal: ctx.signal } : {};
  let started = performance.now();
  let request: LMRequest;
  let response: LMResponse;
  // Everything between `begin` and `settle` is in the try: a probe left unsettled would keep
  // every other call to the model waiting.
  try {
    request = requestIn(output);
    response = await ctx.lm.call(request, options);
    turn?.settle('accepted');
  } catch (err) {
    const refused = err instanceof PlaygroundError && err.code === 'LM_FORMAT_UNSUPPORTED';
    const retry = turn?.settle(refused ? 'refused' : 'failed', refused ? err.message : undefined);
    if (!retry) throw err;
    output = retry;
    request = requestIn(output);
    started = performance.now();
    response = await ctx.lm.call(request, options);
  }
  return { output, request, response, durationMs: performance.now() - started };
}

/** A parse failure on an answer cut off at its token cap says so, and what to raise. */
function explainCutOff(error: ErrorData, lm: LMCallRecord): ErrorData {
  if (error.code !== 'ADAPTER_PARSE' || lm.finishReason !== 'length') return error;
  return {
    ...error,
    message: `${error.message} The answer was cut off at its limit of ${lm.maxTokens ?? '?'} tokens.`,
    hint: 'Raise the model\'s "maxReasoningTokens" if its reasoning needs more room, or ask for shorter reasoning in the instruction.',
    details: { ...error.details, cutOff: true, ...(lm.maxTokens !== undefined && { maxTokens: lm.maxTokens }) },
  };
}

function runRetrieve(
  step: RetrieveStep,
  stepInputs: Record<string, unknown>,
  programInputs: Record<string, unknown>,
  ctx: RunContext,
): Record<string, unknown> {
  let corpus: readonly string[] | undefined;
  if (step.corpus.from === 'corpus') {
    corpus = ctx.corpora?.[step.corpus.name];
    if (!corpus) {
      throw new PlaygroundError('PROGRAM_MISSING_CORPUS', `Retrieve step "${step.id}" needs the passage corpus "${step.corpus.name}", which was not provided.`, {
        hint: 'Paste passages for the corpus, or take them from a dataset column.',
        details: { step: step.id, corpus: step.corpus.name },
      });
    }
  } else {
    corpus = toPassages(programInputs[step.corpus.field]);
  }
  const query = stringify(stepInputs.query);
  return { passages: retrievePassages(corpus, query, step.k) };
}

function gatherInputs(step: ResolvedStep, inputs: Record<string, unknown>, values: Map<string, Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, sources] of Object.entries(step.inputs)) {
    if (sources.length === 1) {
      out[name] = readSource(sources[0]!, inputs, values);
      continue;
    }
    // Several sources concatenate into one list, without duplicates (e.g. passages of two hops).
    const merged: unknown[] = [];
    for (const src of sources) {
      const v = readSource(src, inputs, values);
      for (const item of Array.isArray(v) ? v : [v]) if (!merged.includes(item)) merged.push(item);
    }
    out[name] = merged;
  }
  return out;
}

function readSource(src: Source, inputs: Record<string, unknown>, values: Map<string, Record<string, unknown>>): unknown {
  return src.from === 'input' ? inputs[src.field] : values.get(src.stepId)?.[src.field];
}

function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(stringify).join(' ');
  return v === undefined || v === null ? '' : JSON.stringify(v);
}
