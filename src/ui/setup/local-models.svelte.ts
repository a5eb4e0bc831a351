/**
 * The local model (WebLLM): the catalog filtered by this GPU, which models are cached, the
 * download/load progress, and the bridge the optimizer worker calls. Everything heavy is
 * imported on demand: the catalog when the models panel asks for it, the engine client (and
 * with it the web-llm worker) only when the user checks the cache or loads a model.
 */
import type { ErrorData } from '../../core/errors';
import type { LanguageModel } from '../../core/lm';
import type { ModelConfig, RunConfig } from '../../core/runner';
import type { ModelInfo } from '../../runtime/model-catalog';
import type { WebGPUStatus } from '../../runtime/webgpu';
import type { WebLLMLoadOptions } from '../../runtime/webllm-lm';
import type { WorkerEngineClient } from '../../runtime/webllm-worker-client';
import type { LocalModelBridge } from '../../protocol/optimizer';
import { createLocalModelBridge } from '../../runtime/local-model-bridge';
import { probeLatency } from '../../core/lm';
import { toErrorData } from '../../core/errors';

/** A catalog entry as the picker shows it. */
export interface LocalModelOption {
  info: ModelInfo;
  /** Why it cannot run here (undefined when it can). */
  blocked?: string;
}

export type LocalStatus = 'unloaded' | 'loading' | 'ready' | 'failed';

/** A loaded local model as this state uses it (a WebLLMModel in the app). */
export type LoadedModel = LanguageModel & { unload(): Promise<void> };

/** What the local model state depends on; both default to the app's. */
export interface LocalModelDeps {
  /** Downloads (if needed) and loads a model; default: WebLLMModel.load (imported on demand). */
  open?: (modelId: string, options: WebLLMLoadOptions) => Promise<LoadedModel>;
  /** Told the time of the warm-up call each loaded model answers (the plan's latency). */
  onLatency?: (model: ModelConfig, ms: number) => void;
}

export class LocalModelState {
  gpu = $state.raw<WebGPUStatus | undefined>(undefined);
  options = $state.raw<LocalModelOption[]>([]);
  cached = $state.raw<ReadonlySet<string>>(new Set());
  cacheChecked = $state(false);
  status = $state<LocalStatus>('unloaded');
  loadedId = $state('');
  progress = $state(0);
  progressText = $state('');
  error = $state.raw<ErrorData | undefined>(undefined);
  /** Milliseconds the loaded model took for its warm-up call. */
  warmUpMs = $state<number | undefined>(undefined);

  private model: LoadedModel | undefined;
  private host: WorkerEngineClient | undefined;

  constructor(private readonly deps: LocalModelDeps = {}) {}

  setGpu(gpu: WebGPUStatus): void {
    this.gpu = gpu;
    if (this.options.length) void this.loadCatalog();
  }

  /** Loads the catalog (its own chunk) and marks models this GPU cannot run. */
  async loadCatalog(): Promise<void> {
    const { MODEL_CATALOG, incompatibility } = await import('../../runtime/model-catalog');
    const gpu = this.gpu;
    this.options = [...MODEL_CATALOG]
      .sort((a, b) => a.vramMB - b.vramMB)
      .map((info) => {
        const blocked = !gpu ? 'Checking WebGPU…' : !gpu.available ? 'WebGPU is not available' : incompatibility(info, gpu);
        return blocked ? { info, blocked } : { info };
      });
  }

  private async engineHost(): Promise<WorkerEngineClient> {
    if (this.host && !this.host.dead) return this.host;
    const { WorkerEngineClient } = await import('../../runtime/webllm-worker-client');
    this.host = new WorkerEngineClient();
    return this.host;
  }

  /** Asks the model worker which catalog models are in the browser's cache. */
  async refreshCached(): Promise<void> {
    try {
      const { listCachedModels } = await import('../../runtime/webllm-cache');
      const list = await listCachedModels(await this.engineHost(), this.options.map((o) => o.info));
      this.cached = new Set(list.map((c) => c.model.id));
      this.cacheChecked = true;
    } catch (err) {
      this.error = toErrorData(err);
    }
  }

  async deleteCached(modelId: string): Promise<void> {
    try {
      const { deleteCachedModel } = await import('../../runtime/webllm-cache');
      await deleteCachedModel(await this.engineHost(), modelId);
      const next = new Set(this.cached);
      next.delete(modelId);
      this.cached = next;
      if (this.loadedId === modelId) await this.unload();
    } catch (err) {
      this.error = toErrorData(err);
    }
  }

  /** Downloads (if needed) and loads a model, reporting progress, then times one warm-up call. */
  async load(modelId: string): Promise<LoadedModel | undefined> {
    if (this.model && this.loadedId === modelId && this.status === 'ready') return this.model;
    await this.unload();
    this.status = 'loading';
    this.error = undefined;
    this.progress = 0;
    this.progressText = '';
    try {
      const loadOpts: WebLLMLoadOptions = {
        onProgress: (p) => {
          this.progress = p.progress;
          this.progressText = p.text;
        },
        ...(this.gpu && { gpu: this.gpu }),
      };
      this.model = await (this.deps.open ?? openWebLLM)(modelId, loadOpts);
      this.cached = new Set([...this.cached, modelId]);
      await this.warmUp(this.model, modelId);
      this.loadedId = modelId;
      this.status = 'ready';
      return this.model;
    } catch (err) {
      const error = toErrorData(err);
      // A model that loaded but failed its warm-up call still holds GPU memory: free it.
      await this.unload();
      this.status = 'failed';
      this.error = error;
      return undefined;
    }
  }

  /**
   * One short call right after loading: its time is the model's measured time per call, which
   * the plan turns a budget in minutes into calls with. A model that cannot answer it fails
   * its load: a run on it would fail at its first call.
   */
  private async warmUp(model: LoadedModel, modelId: string): Promise<void> {
    this.progressText = 'Timing one short warm-up call';
    const { latencyMs } = await probeLatency(model);
    this.warmUpMs = latencyMs;
    this.deps.onLatency?.({ provider: 'webllm', model: modelId }, latencyMs);
  }

  async unload(): Promise<void> {
    const m = this.model;
    this.model = undefined;
    this.loadedId = '';
    this.status = 'unloaded';
    this.warmUpMs = undefined;
    await m?.unload().catch(() => undefined);
  }

  /** The bridge for a run whose config uses the local model (loads it first). */
  async bridgeFor(config: RunConfig): Promise<LocalModelBridge | undefined> {
    const local = Object.values(config.models).find((m) => m?.provider === 'webllm');
    if (!local) return undefined;
    const model = await this.load(local.model);
    if (!model) return undefined;
    return createLocalModelBridge(model);
  }
}

/** The app's loader: web-llm's engine in its worker (this module's chunk loads on first use). */
async function openWebLLM(modelId: string, options: WebLLMLoadOptions): Promise<LoadedModel> {
  const { WebLLMModel } = await import('../../runtime/webllm-lm');
  return WebLLMModel.load(modelId, options);
}
