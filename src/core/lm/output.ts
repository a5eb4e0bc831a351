/**
 * How one role's model is asked for its answers: chat sections, a JSON object, or a JSON
 * object constrained by the signature's schema (see {@link OutputMode}).
 *
 * `auto` asks for `json_schema` on the first real call and never sends a probe of its own.
 * While that first call is out, other calls to the same model wait for it (a dozen refused
 * requests would cost as much as the probe saves). If the model refuses the format
 * (`LM_FORMAT_UNSUPPORTED`: a 4xx naming `response_format`, a web-llm grammar error), the
 * caller retries that call in `chat` and every later call is made in `chat`; either outcome is
 * remembered per model (the endpoint and model name are in the model's id), so a rerun sends
 * nothing new. A call that fails for another reason (a timeout, a 500) decides nothing: the
 * next call asks again.
 *
 * Every answer a predictor receives is reported to the channel with how it was read, so the
 * host can count unreadable answers per role and mark them in the traces.
 */
import { raceAbort } from './semaphore';
import type { AnsweredCall, OutputChannel, OutputMode, OutputTurn, ResolvedOutput } from './types';

/** Where `auto`'s findings are kept between runs: a file in the cache folder, or IndexedDB. */
export interface OutputMemory {
  get(modelId: string): Promise<ResolvedOutput | undefined>;
  set(modelId: string, output: ResolvedOutput): Promise<void>;
}

/** `auto` found that `modelId` does not take schemas (`chat`) or does (`json_schema`). */
export interface OutputDecision {
  modelId: string;
  output: ResolvedOutput;
  /** Why: the server's refusal, when there was one. */
  reason?: string;
  /** True when it came from an earlier run's memory rather than this run's calls. */
  remembered: boolean;
}

/** Reasoning is capped at this many tokens unless a model entry says otherwise. */
export const DEFAULT_MAX_REASONING_TOKENS = 256;

/**
 * What `auto` knows about one model, shared by every role that uses it (task and teacher
 * often share a model, and must not each probe it).
 */
export class OutputProbe {
  private decided: ResolvedOutput | undefined;
  private loaded: Promise<void> | undefined;
  private pending: Promise<void> | undefined;
  private release: (() => void) | undefined;

  constructor(
    readonly modelId: string,
    private readonly memory?: OutputMemory,
    private readonly onDecision?: (decision: OutputDecision) => void,
  ) {}

  /** The decided mode, or `undefined` while unknown. */
  get output(): ResolvedOutput | undefined {
    return this.decided;
  }

  async begin(signal?: AbortSignal): Promise<OutputTurn> {
    this.loaded ??= this.recall();
    await raceAbort(this.loaded, signal);
    for (;;) {
      const known = this.decided;
      if (known) return { output: known, settle: () => undefined };
      if (!this.pending) break;
      await raceAbort(this.pending, signal);
    }
    this.pending = new Promise<void>((resolve) => (this.release = resolve));
    let open = true;
    return {
      output: 'json_schema',
      settle: (outcome, reason) => {
        if (!open) return undefined;
        open = false;
        if (outcome !== 'failed') this.decide(outcome === 'accepted' ? 'json_schema' : 'chat', reason);
        this.pending = undefined;
        this.release?.();
        return outcome === 'refused' ? 'chat' : undefined;
      },
    };
  }

  private async recall(): Promise<void> {
    let stored: ResolvedOutput | undefined;
    try {
      stored = await this.memory?.get(this.modelId);
    } catch {
      // A memory that cannot be read costs one probing call, nothing else.
    }
    if (stored === 'chat' || stored === 'json_schema') {
      this.decided = stored;
      this.onDecision?.({ modelId: this.modelId, output: stored, remembered: true });
    }
  }

  private decide(output: ResolvedOutput, reason: string | undefined): void {
    this.decided = output;
    this.onDecision?.({ modelId: this.modelId, output, ...(reason !== undefined && { reason }), remembered: false });
    this.memory?.set(this.modelId, output).catch(() => undefined);
  }
}

/** A channel for one role: a fixed mode, or `auto` through the model's shared probe. */
export function createOutputChannel(opts: {
  requested: OutputMode;
  probe?: OutputProbe;
  maxReasoningTokens?: number;
  onAnswer?: (call: AnsweredCall) => void;
}): OutputChannel {
  const { requested, probe } = opts;
  if (requested === 'auto' && !probe) throw new RangeError('An "auto" output channel needs the model\'s probe.');
  return {
    requested,
    maxReasoningTokens: opts.maxReasoningTokens ?? DEFAULT_MAX_REASONING_TOKENS,
    begin: (signal) => (requested === 'auto' ? probe!.begin(signal) : Promise.resolve({ output: requested, settle: () => undefined })),
    current: () => (requested === 'auto' ? probe!.output : requested),
    answered: (call) => opts.onAnswer?.(call),
  };
}
