/**
 * An in-process engine with web-llm's `chat.completions.create` contract, for WebLLMModel tests.
 * Each behaviour is scripted per call: answer, throw a web-llm-style string, or hang.
 */
import type { ChatCompletion, ChatCompletionRequestNonStreaming, EngineConfig, InitProgressReport, LocalEngine } from '../../../src/protocol/local-model';

export type Step = { answer: string; finish?: string } | { throws: string } | { hang: true };

export class FakeEngine implements LocalEngine {
  readonly requests: ChatCompletionRequestNonStreaming[] = [];
  readonly configs: EngineConfig[] = [];
  readonly reloads: string[] = [];
  interrupts = 0;
  disposed = false;
  /** What reload does: resolve after emitting progress, throw a string, or hang. */
  reloadBehaviour: 'ok' | 'hang' | { throws: string } = 'ok';
  /** What configure (the engine's first answer, i.e. its start-up) does: answer at once, after a delay, or never. */
  configureBehaviour: 'ok' | 'hang' | { delayMs: number } = 'ok';
  private progress: ((r: InitProgressReport) => void) | undefined;
  private deathListeners: ((reason: string) => void)[] = [];
  readonly chat = { completions: { create: (r: ChatCompletionRequestNonStreaming) => this.create(r) } };

  constructor(private readonly steps: Step[] = []) {}

  async configure(config: EngineConfig): Promise<void> {
    this.configs.push(config);
    if (this.configureBehaviour === 'hang') return new Promise(() => undefined);
    if (typeof this.configureBehaviour === 'object') await new Promise((r) => setTimeout(r, (this.configureBehaviour as { delayMs: number }).delayMs));
  }
  setInitProgressCallback(cb: ((r: InitProgressReport) => void) | undefined): void {
    this.progress = cb;
  }
  async reload(modelId: string): Promise<void> {
    this.reloads.push(modelId);
    if (this.reloadBehaviour === 'hang') return new Promise(() => undefined);
    if (typeof this.reloadBehaviour === 'object') throw this.reloadBehaviour.throws;
    this.progress?.({ progress: 0.5, timeElapsed: 1, text: 'Fetching param cache[1/2]' });
    this.progress?.({ progress: 1, timeElapsed: 2, text: 'Finish loading' });
  }
  interruptGenerate(): void {
    this.interrupts += 1;
  }
  async unload(): Promise<void> {}
  onDeath(listener: (reason: string) => void): () => void {
    this.deathListeners.push(listener);
    return () => undefined;
  }
  dispose(): void {
    this.disposed = true;
  }
  /** Simulates the worker's 'error' event. */
  kill(reason: string): void {
    for (const l of this.deathListeners) l(reason);
  }

  private async create(request: ChatCompletionRequestNonStreaming): Promise<ChatCompletion> {
    this.requests.push(request);
    const step = this.steps.shift() ?? { answer: 'ok' };
    if ('hang' in step) return new Promise(() => undefined);
    if ('throws' in step) throw step.throws;
    const n = request.n ?? 1;
    return {
      id: 'x',
      object: 'chat.completion',
      created: 0,
      model: 'fake',
      choices: Array.from({ length: n }, (_, i) => ({ index: i, message: { role: 'assistant', content: n > 1 ? `${step.answer}#${i}` : step.answer }, finish_reason: (step.finish ?? 'stop') as 'stop', logprobs: null })),
      usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18, extra: {} as never },
    } as ChatCompletion;
  }
}
