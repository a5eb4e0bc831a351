/**
 * The rendered prompts of a program for one input: for each predictor step, the messages the
 * program sends (system, demo turns, the final user turn) with the request parameters it sends
 * them with, as JSON an OpenAI-compatible client can post (`{ model, ...step }` minus our
 * bookkeeping fields). Exported prompts that are not rendered exactly as they ran score worse
 * outside the tool; these are rendered by the same adapter call a run makes.
 *
 * A later step waits for earlier outputs. Without a trace those are unknown, so the value of
 * each input that waits is a placeholder named after the outputs it waits for,
 * `{{generate_query.query}}` (or `{{retrieve_1.passages + retrieve_2.passages}}` for an input
 * joined from several), listed in the step's `placeholders`. Retrieval is done when its query
 * and passages are known (a query straight from the input, passages given or in an input).
 * With a trace of the same input, each traced step's messages are the ones it sent.
 */
import { outputRequest } from '../adapter/output-request';
import { DEFAULT_MAX_REASONING_TOKENS } from '../lm/output';
import type { ChatMessage, ResolvedOutput } from '../lm/types';
import { predictorState, resolveProgram, type ResolvedProgram, type ResolvedStep, type Source } from '../program/resolve';
import { retrievePassages, toPassages } from '../program/retrieve';
import type { ProgramSpec, ProgramState, TraceStep } from '../program/types';
import { dspyAdapter, type DspyAdapter } from './dspy';

/** An input value that waits for earlier outputs. */
export interface PromptPlaceholder {
  /** The text standing in the messages, e.g. `{{generate_query.query}}`. */
  text: string;
  /** The step input it is the value of. */
  input: string;
  /** The outputs (`step.field`) or program inputs it waits for, joined in this order. */
  from: string[];
}

/** One predictor step's request. */
export interface PromptStep {
  step: string;
  messages: ChatMessage[];
  temperature: number;
  max_tokens: number;
  stop?: string[];
  response_format?: Record<string, unknown>;
  /** True when the messages are exactly what the program sends for this input (no placeholders). */
  exact: boolean;
  /** True when the messages are the ones a traced run sent. */
  from_trace?: true;
  placeholders?: PromptPlaceholder[];
}

/** The whole export. */
export interface RenderedPrompts {
  /** The model the program was optimized with or set up for, when known. */
  model_hint?: string;
  /** DSPy's adapter for the answer format the prompts ask for. */
  adapter: DspyAdapter;
  output: ResolvedOutput;
  /** The program inputs the prompts were rendered for. */
  inputs: Record<string, unknown>;
  steps: PromptStep[];
  /** How the answers are read, and how to fill placeholders. */
  note: string;
}

/** Options of {@link renderPrompts}. */
export interface PromptOptions {
  /** The answer format (default `chat`, DSPy's ChatAdapter). */
  output?: ResolvedOutput;
  modelHint?: string;
  /** Named passage corpora for retrieve steps (as a run gets them). */
  corpora?: Record<string, readonly string[]>;
  /** The cap for `reasoning` answers (the task model's `maxReasoningTokens`). */
  maxReasoningTokens?: number;
  /** A run of the program on these inputs: its steps' messages and outputs are used as they were. */
  trace?: readonly TraceStep[];
}

/** A value as far as it is known: the value, or the sources it waits for. */
type Known = { known: true; value: unknown } | { known: false; from: string[] };

/** The parse rules, per adapter, and how placeholders are filled. */
const NOTES: Record<DspyAdapter, string> = {
  ChatAdapter:
    "Answers are read as DSPy's ChatAdapter reads them: a line starting with an output field's marker `[[ ## field ## ]]` opens that field's section; the first section of each output counts and is trimmed; the answer ends at `[[ ## completed ## ]]` (sent as the stop sequence). Every output field must be present; a labels field must be one of its labels, a number field a number, a list a JSON list. When sections are missing, PromptLab also reads a JSON object with the output fields, then `field: value` lines.",
  JSONAdapter:
    "Answers are read as DSPy's JSONAdapter reads them: one JSON object whose keys are the output fields (also inside ```json fences or prose). Every output field must be present; a labels field must be one of its labels, a number field a number, a list a JSON list. When there is no such object, PromptLab also reads `[[ ## field ## ]]` sections, then `field: value` lines.",
};
const SEND_NOTE = 'Send a step as the body { model, messages, temperature, max_tokens, stop, response_format } of a chat completion. ';
const PLACEHOLDER_NOTE =
  ' A placeholder {{step.field}} stands for that output as the adapter writes it into the prompt: text as it is, a number as digits, a list in a text field as lines "[1] «…»" (one item as «…»), other lists and objects as one-line JSON; an input joined from several outputs ({{a + b}}) lists their items in order without repeats.';

/**
 * The messages each predictor step of `spec` sends for `inputs` (typed values; an input left
 * undefined becomes a placeholder too). Throws the program's errors when it does not resolve.
 */
export function renderPrompts(spec: ProgramSpec, state: ProgramState | undefined, inputs: Record<string, unknown>, opts: PromptOptions = {}): RenderedPrompts {
  const program = resolveProgram(spec);
  const output = opts.output ?? 'chat';
  const values = new Map<string, Record<string, unknown>>();
  const traced = new Map<string, TraceStep>();
  for (const t of opts.trace ?? []) {
    if (t.error) continue;
    traced.set(t.stepId, t);
    values.set(t.stepId, t.outputs);
  }
  const steps: PromptStep[] = [];
  for (const step of program.steps) {
    const gathered = Object.fromEntries(Object.entries(step.inputs).map(([name, sources]) => [name, gather(sources, inputs, values)]));
    if (step.isPredictor) steps.push(predictorPrompt(program, step, state ?? {}, gathered, traced.get(step.spec.id), { ...opts, output }));
    else if (!values.has(step.spec.id)) {
      const passages = retrieve(step, gathered, inputs, opts.corpora);
      if (passages) values.set(step.spec.id, { passages });
    }
  }
  const note = SEND_NOTE + NOTES[dspyAdapter(output)] + (steps.some((s) => s.placeholders) ? PLACEHOLDER_NOTE : '');
  return { ...(opts.modelHint && { model_hint: opts.modelHint }), adapter: dspyAdapter(output), output, inputs, steps, note };
}

function predictorPrompt(
  program: ResolvedProgram,
  step: ResolvedStep,
  state: ProgramState,
  gathered: Record<string, Known>,
  trace: TraceStep | undefined,
  opts: PromptOptions & { output: ResolvedOutput },
): PromptStep {
  const own = predictorState(program, state, step.spec.id);
  const signature = { ...step.signature, instruction: own.instruction };
  const cap = opts.maxReasoningTokens ?? DEFAULT_MAX_REASONING_TOKENS;
  if (trace?.lm) {
    const output = traceOutput(trace);
    const params = outputRequest(output, signature, own.demos, trace.inputs, cap);
    return { step: step.spec.id, ...requestParams({ ...params, messages: trace.lm.messages.map((m) => ({ ...m })) }), exact: true, from_trace: true };
  }
  const placeholders: PromptPlaceholder[] = [];
  const stepInputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(gathered)) {
    if (value.known) stepInputs[name] = value.value;
    else {
      const text = `{{${value.from.join(' + ')}}}`;
      placeholders.push({ text, input: name, from: value.from });
      stepInputs[name] = text;
    }
  }
  const params = outputRequest(opts.output, signature, own.demos, stepInputs, cap);
  return { step: step.spec.id, ...requestParams(params), exact: placeholders.length === 0, ...(placeholders.length > 0 && { placeholders }) };
}

/**
 * The mode a traced call was made in, read from the format it asked for (`json` and
 * `json_schema` send the same messages; a schema is asked for only when one was sent).
 */
function traceOutput(trace: TraceStep): ResolvedOutput {
  const format = trace.lm?.responseFormat;
  if (format === 'json_schema') return 'json_schema';
  if (format === 'json_object') return 'json';
  return 'chat';
}

/** The request's parts in OpenAI's names, as the HTTP client sends them. */
function requestParams(req: ReturnType<typeof outputRequest>): Pick<PromptStep, 'messages' | 'temperature' | 'max_tokens' | 'stop' | 'response_format'> {
  const out: ReturnType<typeof requestParams> = { messages: req.messages, temperature: 0, max_tokens: req.maxTokens ?? 0 };
  if (req.stop && req.stop.length > 0) out.stop = req.stop;
  const format = req.responseFormat;
  if (format?.type === 'json_object') out.response_format = { type: 'json_object' };
  else if (format) out.response_format = { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, strict: format.strict } };
  return out;
}

/** One step input: its sources' values joined as a run joins them, or what it waits for. */
function gather(sources: readonly Source[], inputs: Record<string, unknown>, values: Map<string, Record<string, unknown>>): Known {
  const read = sources.map((src) => readSource(src, inputs, values));
  if (read.some((r) => !r.known)) return { known: false, from: sources.map(sourceName) };
  const plain = read.map((r) => (r as { value: unknown }).value);
  if (plain.length === 1) return { known: true, value: plain[0] };
  const merged: unknown[] = [];
  for (const v of plain) for (const item of Array.isArray(v) ? v : [v]) if (!merged.includes(item)) merged.push(item);
  return { known: true, value: merged };
}

function readSource(src: Source, inputs: Record<string, unknown>, values: Map<string, Record<string, unknown>>): Known {
  const value = src.from === 'input' ? inputs[src.field] : values.get(src.stepId)?.[src.field];
  return value === undefined ? { known: false, from: [sourceName(src)] } : { known: true, value };
}

function sourceName(src: Source): string {
  return src.from === 'input' ? src.field : `${src.stepId}.${src.field}`;
}

/** A retrieve step's passages when its query and corpus are known, as a run retrieves them. */
function retrieve(step: ResolvedStep, gathered: Record<string, Known>, inputs: Record<string, unknown>, corpora: PromptOptions['corpora']): string[] | undefined {
  const s = step.spec;
  const query = gathered.query;
  if (s.kind !== 'retrieve' || !query?.known) return undefined;
  const corpus = s.corpus.from === 'corpus' ? corpora?.[s.corpus.name] : inputs[s.corpus.field] === undefined ? undefined : toPassages(inputs[s.corpus.field]);
  return corpus ? retrievePassages(corpus, queryText(query.value), s.k) : undefined;
}

/** A query as text, as a run searches with it (program/run.ts). */
function queryText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(queryText).join(' ');
  return v === undefined || v === null ? '' : JSON.stringify(v);
}
