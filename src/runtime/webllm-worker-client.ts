/**
 * The page's side of the local-model worker: a small client for web-llm's worker protocol.
 *
 * Why not web-llm's own `CreateWebWorkerMLCEngine`: it lives in the same 6.8 MB module as the
 * engine, and the worker bundle already carries one copy (Vite bundles workers separately), so
 * using it on the page would make the browser download web-llm twice. Its client also keeps a
 * call pending forever when the worker dies. This client speaks the same messages (typed with
 * web-llm's `WorkerRequest`), rejects every pending call when the worker errors or is
 * terminated, and adds our cache messages (see webllm-protocol.ts).
 */
import type { WorkerRequest } from '@mlc-ai/web-llm';
import type {
  CachedModelStatus,
  ChatCompletion,
  ChatCompletionRequestNonStreaming,
  EngineCacheHost,
  EngineConfig,
  InitProgressReport,
  LocalEngine,
  PromptLabRequest,
} from '../protocol/local-model';

/** The parts of `Worker` the client uses (a MessagePort-like object works too in tests). */
export interface WorkerLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: Event) => void): void;
  terminate?(): void;
}

type Pending = { resolve: (value: unknown) => void; reject: (reason: unknown) => void };

/** Creates the local-model worker (Vite bundles `llm.worker.ts` with web-llm inside it). */
function createLLMWorker(): Worker {
  return new Worker(new URL('../workers/llm.worker.ts', import.meta.url), { type: 'module', name: 'promptlab-llm' });
}

/** A LocalEngine backed by a web-llm worker. */
export class WorkerEngineClient implements LocalEngine, EngineCacheHost {
  readonly chat: LocalEngine['chat'];
  private readonly pending = new Map<string, Pending>();
  private readonly deathListeners = new Set<(reason: string) => void>();
  private progress: ((report: InitProgressReport) => void) | undefined;
  private modelIds: string[] | undefined;
  private deadReason: string | undefined;

  constructor(private readonly worker: WorkerLike = createLLMWorker()) {
    worker.addEventListener('message', (event) => this.onMessage((event as MessageEvent).data));
    // An uncaught error in a module worker (failed import, crash) arrives as an 'error' event;
    // web-llm's own client ignores it and its calls hang. We treat it as the worker's death.
    worker.addEventListener('error', (event) => {
      const message = (event as ErrorEvent).message || 'the model worker failed to start or crashed';
      this.die(message);
    });
    worker.addEventListener('messageerror', () => this.die('a message from the model worker could not be read'));
    this.chat = { completions: { create: (request) => this.chatCompletion(request) } };
  }

  /** True once the worker has died or been disposed. */
  get dead(): boolean {
    return this.deadReason !== undefined;
  }

  configure(config: EngineConfig): Promise<void> {
    return this.send<void>({ kind: 'promptlab:configure', uuid: crypto.randomUUID(), content: config });
  }

  setInitProgressCallback(callback: ((report: InitProgressReport) => void) | undefined): void {
    this.progress = callback;
  }

  async reload(modelId: string): Promise<void> {
    await this.send<null>({ kind: 'reload', uuid: crypto.randomUUID(), content: { modelId: [modelId] } });
    this.modelIds = [modelId];
  }

  chatCompletion(request: ChatCompletionRequestNonStreaming): Promise<ChatCompletion> {
    // web-llm's handler reloads the model when the ids differ, so we send what we loaded.
    return this.send<ChatCompletion>({ kind: 'chatCompletionNonStreaming', uuid: crypto.randomUUID(), content: { request, modelId: this.modelIds ?? [] } });
  }

  interruptGenerate(): void {
    if (this.dead) return;
    this.send({ kind: 'interruptGenerate', uuid: crypto.randomUUID(), content: null }).catch(() => undefined);
  }

  async unload(): Promise<void> {
    await this.send<null>({ kind: 'unload', uuid: crypto.randomUUID(), content: null });
    this.modelIds = undefined;
  }

  async cacheStatus(modelIds: string[]): Promise<CachedModelStatus[]> {
    return this.send<CachedModelStatus[]>({ kind: 'promptlab:cacheStatus', uuid: crypto.randomUUID(), content: { modelIds } });
  }

  async deleteModel(modelId: string): Promise<boolean> {
    return this.send<boolean>({ kind: 'promptlab:deleteModel', uuid: crypto.randomUUID(), content: { modelId } });
  }

  onDeath(listener: (reason: string) => void): () => void {
    if (this.deadReason !== undefined) {
      listener(this.deadReason);
      return () => undefined;
    }
    this.deathListeners.add(listener);
    return () => this.deathListeners.delete(listener);
  }

  dispose(): void {
    this.worker.terminate?.();
    this.die('the model worker was terminated');
  }

  private send<T>(message: WorkerRequest | PromptLabRequest): Promise<T> {
    if (this.deadReason !== undefined) return Promise.reject(`ModelWorkerDied: ${this.deadReason}`);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(message.uuid, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage(message);
    });
  }

  private onMessage(data: unknown): void {
    const msg = data as { kind?: string; uuid?: string; content?: unknown };
    if (msg.kind === 'initProgressCallback') {
      this.progress?.(msg.content as InitProgressReport);
      return;
    }
    if (msg.kind !== 'return' && msg.kind !== 'throw') return; // heartbeats and the like
    const pending = msg.uuid === undefined ? undefined : this.pending.get(msg.uuid);
    if (!pending || msg.uuid === undefined) return;
    this.pending.delete(msg.uuid);
    if (msg.kind === 'return') pending.resolve(msg.content);
    else pending.reject(msg.content);
  }

  private die(reason: string): void {
    if (this.deadReason !== undefined) return;
    this.deadReason = reason;
    for (const { reject } of this.pending.values()) reject(`ModelWorkerDied: ${reason}`);
    this.pending.clear();
    for (const listener of this.deathListeners) listener(reason);
    this.deathListeners.clear();
  }
}
