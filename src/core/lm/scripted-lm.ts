/**
 * A scripted model for tests, the benchmark and demos: its answers come from a function of
 * the request, so a script can answer correctly only when the prompt carries the needed rule
 * (in the instruction or a demo), which is what lets tests check that an optimizer finds it.
 */
import { abortedError, sleep } from './semaphore';
import type { CallOptions, LanguageModel, LMRequest, LMResponse } from './types';

/** Answers a request: one text, or one text per completion. May throw to script a failure. */
export type Script = (req: LMRequest) => string | string[] | Promise<string | string[]>;

export interface ScriptedLMOptions {
  /** Default `scripted`. Part of every cache key, so two scripts should have two ids. */
  id?: string;
  /** Simulated latency per call in ms (default 0). */
  latencyMs?: number;
  /** Default 4. Informational: callers bound their own concurrency with it. */
  maxConcurrency?: number;
}

/** Rough token count: about four characters per token for English text. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** A `LanguageModel` whose answers come from a script. Records every request it receives. */
export class ScriptedLM implements LanguageModel {
  readonly id: string;
  readonly maxConcurrency: number;
  readonly latencyMs: number;
  /** Every request received, in order (cancelled ones included). */
  readonly requests: LMRequest[] = [];
  private active = 0;
  private peak = 0;

  constructor(private readonly script: Script, opts: ScriptedLMOptions = {}) {
    this.id = opts.id ?? 'scripted';
    this.latencyMs = opts.latencyMs ?? 0;
    this.maxConcurrency = opts.maxConcurrency ?? 4;
  }

  /** Number of calls received. */
  get calls(): number {
    return this.requests.length;
  }

  /** Most calls that were running at the same time. */
  get peakConcurrency(): number {
    return this.peak;
  }

  async call(req: LMRequest, options: CallOptions = {}): Promise<LMResponse> {
    const { signal } = options;
    if (signal?.aborted) throw abortedError();
    this.requests.push(req);
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      if (this.latencyMs > 0) await sleep(this.latencyMs, signal);
      const answer = await this.script(req);
      if (signal?.aborted) throw abortedError();
      const n = req.n ?? 1;
      const completions = Array.isArray(answer) ? [...answer] : Array.from({ length: n }, () => answer);
      const promptText = req.messages.map((m) => m.content).join('\n');
      return {
        completions,
        finishReasons: completions.map(() => 'stop'),
        usage: {
          promptTokens: estimateTokens(promptText),
          completionTokens: completions.reduce((sum, c) => sum + estimateTokens(c), 0),
        },
        model: this.id,
      };
    } finally {
      this.active--;
    }
  }

  /** Forgets the recorded requests and the peak. */
  reset(): void {
    this.requests.length = 0;
    this.peak = this.active;
  }
}
