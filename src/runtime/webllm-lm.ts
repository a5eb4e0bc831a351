/**
 * WebLLMModel: the local WebGPU model (web-llm in its worker) as a LanguageModel.
 *
 * web-llm queues requests to one loaded model, so `maxConcurrency` is 1. Its worker reports
 * errors as strings and a dead worker leaves calls pending forever, so every engine promise
 * here is raced against a timeout, the caller's abort signal and the worker's death, and every
 * failure becomes a typed PlaygroundError (see webllm-errors.ts). A lost GPU device or a dead
 * worker is recovered once per call by reloading the engine, so a long run continues.
 */
import { PlaygroundError, throwIfAborted } from '../core/errors';
import type { CallOptions, LanguageModel, LMRequest, LMResponse } from '../core/lm';
import type { ResponseFormat } from '../core/lm/types';
import { mapWebLLMError } from './webllm-errors';
import type { CacheBackend, ChatCompletionMessageParam, ChatCompletionRequestNonStreaming, CustomModelRecord, EngineConfig, InitProgressReport, LocalEngine } from '../protocol/local-model';
import { WorkerEngineClient } from './webllm-worker-client';
import { webgpuHelp, type WebGPUStatus } from './webgpu';

/** A load progress event (web-llm's InitProgressReport: progress 0..1, seconds elapsed). */
export type LoadProgress = InitProgressReport;

export interface WebLLMModelOptions {
  /** Creates the engine; default: a new web-llm worker. Tests pass an in-process fake. */
  createEngine?: () => LocalEngine;
  /** Longest time one generation may take before it is interrupted (default 180 s). */
  callTimeoutMs?: number;
  /**
   * Longest time loading may go without a progress event (default 120 s), counted from when the
   * engine has started: this is the model server's budget.
   */
  loadStallTimeoutMs?: number;
  /** Longest time the engine may take to start (its worker downloads and compiles web-llm) and answer (default 120 s). */
  engineStartTimeoutMs?: number;
  /** Reload the engine and retry once when the device is lost or the worker dies (default true). */
  autoReload?: boolean;
}

export interface WebLLMLoadOptions {
  onProgress?: (progress: LoadProgress) => void;
  /** Custom models (self-hosted weights, tests); default: web-llm's prebuilt list. */
  appConfig?: { model_list: CustomModelRecord[]; cacheBackend?: CacheBackend };
  /** Where web-llm caches model files (default: the Cache API). */
  cacheBackend?: CacheBackend;
  /** The result of detectWebGPU(): when given, loading fails early without a usable GPU. */
  gpu?: WebGPUStatus;
  signal?: AbortSignal;
}

export type WebLLMState = 'unloaded' | 'loading' | 'ready' | 'failed';

const DEFAULTS = { callTimeoutMs: 180_000, loadStallTimeoutMs: 120_000, engineStartTimeoutMs: 120_000 };

export class WebLLMModel implements LanguageModel {
  readonly id: string;
  readonly maxConcurrency = 1;
  private engine: LocalEngine | undefined;
  private died: Promise<never> | undefined;
  private deathReason: string | undefined;
  private loadOptions: WebLLMLoadOptions | undefined;
  private reloading: Promise<void> | undefined;
  private currentState: WebLLMState = 'unloaded';

  constructor(
    readonly modelId: string,
    private readonly options: WebLLMModelOptions = {},
  ) {
    this.id = `webllm:${modelId}`;
  }

  /** Creates a model and loads it. */
  static async load(modelId: string, loadOptions: WebLLMLoadOptions = {}, options: WebLLMModelOptions = {}): Promise<WebLLMModel> {
    const model = new WebLLMModel(modelId, options);
    await model.load(loadOptions);
    return model;
  }

  get state(): WebLLMState {
    return this.currentState;
  }

  /** Downloads (or reads from cache) and loads the model, reporting progress. */
  async load(loadOptions: WebLLMLoadOptions = {}): Promise<void> {
    this.loadOptions = loadOptions;
    const { gpu, signal, onProgress } = loadOptions;
    throwIfAborted(signal);
    if (gpu && !gpu.available) throw new PlaygroundError('WEBGPU_UNAVAILABLE', 'WebGPU is not available, so the local model cannot run.', { hint: webgpuHelp(gpu), details: { reason: gpu.reason } });
    if (gpu && /f16/i.test(this.modelId) && !gpu.shaderF16) {
      throw new PlaygroundError('WEBGPU_UNAVAILABLE', `Model "${this.modelId}" needs the WebGPU feature shader-f16, which this GPU does not offer.`, { hint: 'Pick the q4f32 variant of the model.' });
    }
    this.currentState = 'loading';
    const engine = this.ensureEngine();
    const started = Date.now();
    let lastProgress = Date.now();
    const report = (p: LoadProgress) => {
      lastProgress = Date.now();
      onProgress?.(p);
    };
    engine.setInitProgressCallback(report);
    report({ progress: 0, timeElapsed: 0, text: `Starting the engine for ${this.modelId}` });
    const config: EngineConfig = {};
    if (loadOptions.appConfig) config.modelList = loadOptions.appConfig.model_list;
    const backend = loadOptions.cacheBackend ?? loadOptions.appConfig?.cacheBackend;
    if (backend) config.cacheBackend = backend;
    const stall = this.options.loadStallTimeoutMs ?? DEFAULTS.loadStallTimeoutMs;
    const stalled = () => Date.now() - lastProgress >= stall;
    try {
      // The worker's start-up is the app's own, not the model server's: it has its own timeout,
      // and the stall clock starts once the engine answers, right before the model is requested.
      // (Counted together, a worker that took 2 s to start on a busy machine failed a 1.5 s stall
      // before any request was sent, and the error blamed the model server.)
      await this.guard(engine.configure(config), 'start', { timeoutMs: this.options.engineStartTimeoutMs ?? DEFAULTS.engineStartTimeoutMs, signal });
      lastProgress = Date.now();
      await this.guard(engine.reload(this.modelId), 'load', { timeoutMs: stall, isExpired: stalled, signal });
      this.currentState = 'ready';
      onProgress?.({ progress: 1, timeElapsed: (Date.now() - started) / 1000, text: `Loaded ${this.modelId}` });
    } catch (err) {
      this.currentState = 'failed';
      const error = mapWebLLMError(err, this.modelId, 'load');
      // A timed-out or aborted load leaves the worker mid-download in an unknown state: end it.
      if (['MODEL_TIMEOUT', 'ABORTED', 'MODEL_ENGINE_DIED', 'MODEL_OUT_OF_MEMORY'].includes(error.code)) this.disposeEngine();
      throw error;
    } finally {
      engine.setInitProgressCallback(undefined);
    }
  }

  async call(request: LMRequest, options: CallOptions = {}): Promise<LMResponse> {
    throwIfAborted(options.signal);
    try {
      return await this.callOnce(request, options.signal);
    } catch (err) {
      const recoverable = err instanceof PlaygroundError && (err.code === 'MODEL_DEVICE_LOST' || err.code === 'MODEL_ENGINE_DIED');
      if (!recoverable || this.options.autoReload === false || !this.loadOptions) throw err;
      await this.reload();
      return this.callOnce(request, options.signal);
    }
  }

  /** Reloads the model in a fresh engine (after a lost device or a dead worker). */
  reload(): Promise<void> {
    this.reloading ??= (async () => {
      this.disposeEngine();
      await this.load({ ...this.loadOptions, signal: undefined });
    })().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  /** Unloads the model and ends its worker. */
  async unload(): Promise<void> {
    const engine = this.engine;
    if (!engine) return;
    try {
      await this.guard(engine.unload(), 'call', { timeoutMs: 10_000 });
    } catch {
      // Unloading a broken engine may fail; ending its worker frees the GPU memory anyway.
    }
    this.disposeEngine();
    this.currentState = 'unloaded';
  }

  private async callOnce(request: LMRequest, signal: AbortSignal | undefined): Promise<LMResponse> {
    if (this.reloading) await this.reloading;
    if (this.deathReason !== undefined) throw mapWebLLMError(`ModelWorkerDied: ${this.deathReason}`, this.modelId, 'call');
    const engine = this.engine;
    if (!engine || this.currentState !== 'ready') {
      throw new PlaygroundError('MODEL_LOAD_FAILED', `Model "${this.modelId}" is not loaded (state: ${this.currentState}).`, { hint: 'Load the model first.' });
    }
    const body: Parameters<LocalEngine['chat']['completions']['create']>[0] = { messages: request.messages.map((m) => ({ role: m.role, content: m.content }) as ChatCompletionMessageParam), stream: false };
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
    if (request.seed !== undefined) body.seed = request.seed;
    if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
    if (request.n !== undefined && request.n !== 1) body.n = request.n;
    if (request.responseFormat) body.response_format = webllmResponseFormat(request.responseFormat);
    const timeoutMs = this.options.callTimeoutMs ?? DEFAULTS.callTimeoutMs;
    try {
      const completion = await this.guard(engine.chat.completions.create(body), 'call', { timeoutMs, signal, onStop: () => engine.interruptGenerate() });
      return {
        completions: completion.choices.map((c) => c.message.content ?? ''),
        usage: { promptTokens: completion.usage?.prompt_tokens ?? 0, completionTokens: completion.usage?.completion_tokens ?? 0 },
        model: this.modelId,
        finishReasons: completion.choices.map((c) => c.finish_reason ?? null),
      };
    } catch (err) {
      throw mapWebLLMError(err, this.modelId, 'call');
    }
  }

  /**
   * Races an engine promise against a timeout, the abort signal and the worker's death.
   * `isExpired` lets the load timeout be a stall timeout (reset by progress events).
   */
  private guard<T>(promise: Promise<T>, phase: 'start' | 'load' | 'call', opts: { timeoutMs: number; isExpired?: () => boolean; signal?: AbortSignal | undefined; onStop?: () => void }): Promise<T> {
    const races: Promise<T>[] = [promise];
    if (this.died) races.push(this.died);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    races.push(
      new Promise<never>((_, reject) => {
        const check = () => {
          if (opts.isExpired && !opts.isExpired()) {
            timer = setTimeout(check, Math.max(50, opts.timeoutMs / 10));
            return;
          }
          opts.onStop?.();
          const { what, hint } = timeoutText(this.modelId, phase, opts.timeoutMs);
          reject(new PlaygroundError('MODEL_TIMEOUT', `${what}.`, { hint, details: { modelId: this.modelId, phase, timeoutMs: opts.timeoutMs } }));
        };
        timer = setTimeout(check, opts.isExpired ? Math.max(50, opts.timeoutMs / 10) : opts.timeoutMs);
      }),
    );
    if (opts.signal) {
      const signal = opts.signal;
      races.push(
        new Promise<never>((_, reject) => {
          onAbort = () => {
            opts.onStop?.();
            reject(new PlaygroundError('ABORTED', 'The operation was cancelled.'));
          };
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      );
    }
    return Promise.race(races).finally(() => {
      clearTimeout(timer);
      if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    });
  }

  private ensureEngine(): LocalEngine {
    if (this.engine && this.deathReason === undefined) return this.engine;
    this.disposeEngine();
    const engine = this.options.createEngine ? this.options.createEngine() : new WorkerEngineClient();
    this.engine = engine;
    this.died = new Promise<never>((_, reject) => {
      engine.onDeath((reason) => {
        if (this.engine !== engine) return;
        this.currentState = 'failed';
        this.deathReason = reason;
        reject(`ModelWorkerDied: ${reason}`);
      });
    });
    this.died.catch(() => undefined);
    return engine;
  }

  private disposeEngine(): void {
    const engine = this.engine;
    this.engine = undefined;
    this.died = undefined;
    this.deathReason = undefined;
    engine?.dispose();
  }
}

/**
 * web-llm's `response_format`: it grammar-constrains decoding with xgrammar, which takes the
 * JSON Schema as a string under `type: 'json_object'` (web-llm has no `json_schema` type).
 * JSON mode gets a schema too, one that allows any object: web-llm 0.2.86 compiles `schema`
 * whenever the type is `json_object`, and a missing one fails the call ("Cannot pass non-string
 * to std::string") instead of meaning "any JSON" as in OpenAI's API. `name` and `strict` have
 * no counterpart: the grammar always enforces the schema.
 */
function webllmResponseFormat(format: ResponseFormat): WebLLMResponseFormat {
  const schema = format.type === 'json_schema' ? format.schema : ANY_OBJECT;
  return { type: 'json_object', schema: JSON.stringify(schema) };
}

const ANY_OBJECT = { type: 'object' };

type WebLLMResponseFormat = NonNullable<ChatCompletionRequestNonStreaming['response_format']>;

/** What a timeout of `phase` says happened, and what to do. */
function timeoutText(modelId: string, phase: 'start' | 'load' | 'call', timeoutMs: number): { what: string; hint: string } {
  switch (phase) {
    case 'start':
      return { what: `The engine for model "${modelId}" did not start within ${timeoutMs} ms`, hint: 'Its worker (web-llm, several MB) may still be downloading or could not start: check the network and load again.' };
    case 'load':
      return { what: `Loading model "${modelId}" made no progress for ${timeoutMs} ms`, hint: 'The model server may be down or very slow; check the network and load again.' };
    case 'call':
      return { what: `Model "${modelId}" did not answer within ${timeoutMs} ms`, hint: 'The GPU may be too slow for this model or prompt: lower max tokens, pick a smaller model, or raise the timeout.' };
  }
}
