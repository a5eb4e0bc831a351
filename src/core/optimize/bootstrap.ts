/**
 * BootstrapFewShot (DSPy `teleprompt/bootstrap.py`).
 *
 * A teacher — by default the program itself seeded with up to `maxLabeledDemos` labeled
 * demos, run on the teacher model — goes over the trainset in order. When its prediction
 * passes the metric, every predictor step of that trace becomes an augmented demo for that
 * predictor. It stops at `maxBootstrappedDemos`; later rounds (`maxRounds` > 1) retry the
 * examples that failed at temperature 1.0 with a new rollout id (a fresh cache entry). Each
 * predictor's demos are then filled up to `maxLabeledDemos` with labeled examples that were
 * not bootstrapped.
 *
 * Kept from DSPy: the teacher never sees the example it is answering among its own demos;
 * a float metric passes when it is > 0 unless a `metricThreshold` is given.
 * Changed: the labeled sample and the fill-up are seeded by the run's seed (DSPy hard-codes 0).
 */
import type { Example } from '../data/types';
import { PlaygroundError, isAbortError, throwIfAborted, toErrorData, type ErrorData } from '../errors';
import { runProgram } from '../program/run';
import type { CallContext } from '../lm/types';
import type { Demo, ProgramState } from '../program/types';
import { Rng } from '../util/random';
import { isUsefulDemo, labeledDemo, labeledFewShot, tracedDemo, withDemos } from './demos';
import { defaultSettings } from './options';
import type { ExampleSnapshot, OptimizeContext, RejectionReason } from './types';

/** Longest string value a bootstrap event keeps of a row's inputs, labels or answer (longer ones are clipped and end in "…"). */
const EVENT_VALUE_MAX = 300;

/** BootstrapFewShot's options; what is not given takes the schema's default (options.ts). */
export interface BootstrapOptions {
  maxBootstrappedDemos?: number;
  maxLabeledDemos?: number;
  maxRounds?: number;
  metricThreshold?: number | undefined;
  /** A custom teacher state (e.g. an already optimized program). Default: labeled few-shot. */
  teacherState?: ProgramState;
  /** Stop after this many teacher runs (a call budget's share); default: no limit. */
  maxTeacherRuns?: number;
}

export interface BootstrapResult {
  state: ProgramState;
  /** Ids of training examples whose traces became demos. */
  bootstrapped: string[];
  /** Teacher program runs made (sent or cached). */
  teacherRuns: number;
}

/** Runs BootstrapFewShot over `trainset` (in the given order). `set` labels events (MIPROv2's demo-set index). */
export async function bootstrapFewShot(
  ctx: OptimizeContext,
  opts: BootstrapOptions,
  trainset: readonly Example[] = ctx.trainset,
  set = -1,
): Promise<BootstrapResult> {
  const { maxBootstrappedDemos: maxBoot, maxLabeledDemos: maxLabeled, maxRounds } = { ...defaultSettings('bootstrap_few_shot'), ...opts };
  const maxErrors = ctx.maxErrors ?? Math.max(5, Math.ceil(trainset.length * 0.1));
  const teacherState = opts.teacherState ?? labeledFewShot(ctx.program, ctx.state, ctx.trainset, maxLabeled, ctx.seed);
  const augmented = new Map<string, Demo[]>(ctx.program.predictorIds.map((id) => [id, []]));
  const bootstrapped: string[] = [];
  let errors = 0;
  let teacherRuns = 0;

  for (let round = 0; round < maxRounds && bootstrapped.length < maxBoot && teacherRuns < (opts.maxTeacherRuns ?? Infinity); round++) {
    for (const example of trainset) {
      if (bootstrapped.length >= maxBoot || teacherRuns >= (opts.maxTeacherRuns ?? Infinity)) break;
      if (bootstrapped.includes(example.id)) continue;
      throwIfAborted(ctx.signal);
      teacherRuns++;
      const outcome = await traceOne(ctx, teacherState, example, round, opts.metricThreshold);
      const row = { set, exampleId: example.id, round };
      const seen = snapshot(example);
      if (outcome.error) {
        const reason = rejectionReason({ error: outcome.error });
        ctx.emit?.({ type: 'bootstrap_rejected', ...row, example: seen, score: 0, error: outcome.error, reason, ...(outcome.prediction && { answer: clipFields(outcome.prediction) }) });
        // An answer that could not be read is a rejected demo, like a wrong one: the error
        // budget is for failed calls, so a small model's format slips cannot stop the run.
        if (reason !== 'unreadable') errors++;
        if (errors > maxErrors) {
          throw new PlaygroundError('OPTIMIZER_ERROR_BUDGET', `Bootstrapping stopped: ${errors} teacher runs failed (budget ${maxErrors}). Last error: ${outcome.error.message}`, {
            hint: outcome.error.hint ?? 'Check the teacher model and the output format, or raise maxErrors.',
            details: { errors, maxErrors },
          });
        }
        continue;
      }
      if (!outcome.passed) {
        ctx.emit?.({ type: 'bootstrap_rejected', ...row, example: seen, score: outcome.score, reason: 'wrong', answer: clipFields(outcome.prediction ?? {}) });
        continue;
      }
      bootstrapped.push(example.id);
      let first = true;
      for (const step of outcome.trace) {
        if (!augmented.has(step.stepId) || step.kind === 'retrieve') continue;
        const demo = tracedDemo(step, example.id);
        augmented.get(step.stepId)!.push(demo);
        // The row's example rides on its first event only: a program with several predictors would repeat it.
        ctx.emit?.({ type: 'demo_bootstrapped', predictor: step.stepId, ...row, score: outcome.score, demo, ...(first && { example: seen }) });
        first = false;
      }
    }
  }

  // Fill up with labeled demos from the examples that were not bootstrapped (DSPy's "raw demos").
  const rest = new Rng(`fill:${ctx.seed}:${set}`).shuffle(trainset.filter((ex) => !bootstrapped.includes(ex.id)));
  const state = withDemos(ctx.program, ctx.state, (stepId) => {
    const aug = augmented.get(stepId)!.slice(0, maxBoot);
    const room = Math.max(0, maxLabeled - aug.length);
    const raw = rest.map((ex) => labeledDemo(ctx.program, stepId, ex)).filter((d) => isUsefulDemo(ctx.program, stepId, d)).slice(0, room);
    return [...aug, ...raw];
  });
  return { state, bootstrapped, teacherRuns };
}

/** The reason of a `bootstrap_rejected` event; events stored before it had one are read from their error. */
export function rejectionReason(event: { error?: ErrorData; reason?: RejectionReason }): RejectionReason {
  if (event.reason) return event.reason;
  if (!event.error) return 'wrong';
  return event.error.code === 'ADAPTER_PARSE' ? 'unreadable' : 'failed';
}

async function traceOne(ctx: OptimizeContext, teacherState: ProgramState, example: Example, round: number, threshold: number | undefined) {
  // The teacher must not see the example it answers among its own demos.
  const teacher: ProgramState = {};
  for (const [id, s] of Object.entries(teacherState)) teacher[id] = { ...s, demos: s.demos.filter((d) => d.exampleId !== example.id) };
  const call: CallContext = { phase: 'bootstrap', exampleId: example.id };
  const run = await runProgram(ctx.program, teacher, example.inputs, {
    lm: ctx.lms.teacher,
    call,
    ...(ctx.corpora && { corpora: ctx.corpora }),
    ...(ctx.signal && { signal: ctx.signal }),
    ...(round > 0 && { temperature: 1, rolloutId: `bootstrap-round-${round}` }),
  });
  if (run.error) return { error: run.error, passed: false, score: 0, trace: run.trace };
  // From here the answer was read: a rejection says what it was.
  const prediction = run.prediction;
  try {
    const score = await ctx.metric.score(example, prediction, { call, trace: run.trace, ...(ctx.signal && { signal: ctx.signal }) });
    const bar = threshold ?? ctx.metric.passThreshold;
    const passed = bar === undefined ? score > 0 : score >= bar;
    return { passed, score, trace: run.trace, prediction };
  } catch (err) {
    if (isAbortError(err)) throw err;
    return { error: toErrorData(err), passed: false, score: 0, trace: run.trace, prediction };
  }
}

/** A row's inputs and gold labels as events carry them (clipped: {@link clipFields}). */
function snapshot(example: Example): ExampleSnapshot {
  return { inputs: clipFields(example.inputs), labels: clipFields(example.labels) };
}

/**
 * `fields` with long values clipped to {@link EVENT_VALUE_MAX} characters and an ending "…":
 * strings directly, lists and objects through their JSON (a long one becomes a clipped string).
 * Numbers, booleans and short values are kept as they are.
 */
function clipFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') out[name] = clip(value);
    else if (typeof value === 'object' && value !== null) {
      const json = JSON.stringify(value);
      out[name] = json.length > EVENT_VALUE_MAX ? clip(json) : value;
    } else out[name] = value;
  }
  return out;
}

function clip(text: string): string {
  if (text.length <= EVENT_VALUE_MAX) return text;
  // Do not cut a surrogate pair in half.
  const end = /[\uD800-\uDBFF]/.test(text[EVENT_VALUE_MAX - 1]!) ? EVENT_VALUE_MAX - 1 : EVENT_VALUE_MAX;
  return `${text.slice(0, end)}…`;
}
