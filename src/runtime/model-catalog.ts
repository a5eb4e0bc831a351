/**
 * The local model catalog: web-llm's prebuilt chat models with their size and memory needs.
 *
 * The data comes from `model-catalog.json`, a snapshot of web-llm's `prebuiltAppConfig` written
 * by `scripts/build-model-catalog.mjs` (importing `prebuiltAppConfig` itself would bundle the
 * whole 6 MB engine into the page). Embedding and vision models are left out: the task model
 * is a text chat model.
 *
 * Memory policy (conservative on purpose: WebGPU does not tell how much VRAM a GPU has):
 * - a model whose id contains "f16" needs `shader-f16` (web-llm's own `required_features`
 *   names it for only some of them, so we go by the id);
 * - a model must not need a larger storage-buffer binding than the adapter allows;
 * - VRAM budget: 4 GB when the adapter allows >= 2 GiB buffers (desktop GPUs and Apple silicon),
 *   else 2 GB (integrated and mobile GPUs report lower limits), and 2 GB on a software adapter
 *   (it works in system memory but is slow). Callers may pass their own budget.
 */
import snapshot from './model-catalog.json';
import type { WebGPUStatus } from './webgpu';

/** One model of web-llm's prebuilt list, as stored in the snapshot (web-llm's field names). */
export interface PrebuiltModelRecord {
  model_id: string;
  vram_required_MB: number | null;
  /** web-llm's ModelType: 0 or absent = LLM, 1 = embedding, 2 = vision-language. */
  model_type?: number;
  low_resource_required?: boolean;
  context_window_size?: number;
  required_features?: string[];
  buffer_size_required_bytes?: number;
}

/** A chat model the user can pick. */
export interface ModelInfo {
  id: string;
  /** e.g. "Llama-3.2", "Qwen2.5", "SmolLM2". */
  family: string;
  /** e.g. "1B", "0.5B", "360M" ("" when the id does not say). */
  parameterSize: string;
  /** e.g. "q4f16_1", "q4f32_1", "q0f32". */
  quantization: string;
  /** VRAM web-llm says the model needs, in MB (0 when unknown). */
  vramMB: number;
  /** web-llm marks it as able to run on limited devices (phones, integrated GPUs). */
  lowResource: boolean;
  /** Context window in tokens, when the catalog states it. */
  contextWindow?: number;
  /** Any "f16" in the id: needs the `shader-f16` WebGPU feature. */
  needsF16: boolean;
  /** Required `maxStorageBufferBindingSize`, when web-llm states it. */
  bufferSizeRequiredBytes?: number;
}

/** Turns web-llm records into the chat-model catalog (embedding and vision models removed). */
export function buildCatalog(records: readonly PrebuiltModelRecord[]): ModelInfo[] {
  return records.filter((r) => r.model_type === undefined || r.model_type === 0).map(toModelInfo);
}

/** The chat models of the bundled web-llm snapshot. */
export const MODEL_CATALOG: readonly ModelInfo[] = buildCatalog(snapshot.models as PrebuiltModelRecord[]);

function toModelInfo(r: PrebuiltModelRecord): ModelInfo {
  const quantization = /(q\d+f\d+(?:_\d+)?)/.exec(r.model_id)?.[1] ?? '';
  const size = /-(\d+(?:\.\d+)?[BM])(?=-|$)/i.exec(r.model_id);
  const family = size ? r.model_id.slice(0, size.index) : (r.model_id.split('-').slice(0, 2).join('-') || r.model_id);
  const info: ModelInfo = {
    id: r.model_id,
    family,
    parameterSize: size?.[1] ?? '',
    quantization,
    vramMB: r.vram_required_MB ?? 0,
    lowResource: r.low_resource_required ?? false,
    needsF16: /f16/i.test(r.model_id),
  };
  if (r.context_window_size !== undefined) info.contextWindow = r.context_window_size;
  if (r.buffer_size_required_bytes !== undefined) info.bufferSizeRequiredBytes = r.buffer_size_required_bytes;
  return info;
}

const GiB = 1024 ** 3;

/** The VRAM budget (MB) we assume for a GPU; see the policy at the top of this file. */
function estimateVramBudgetMB(gpu: WebGPUStatus): number {
  if (!gpu.available) return 0;
  if (gpu.isFallbackAdapter) return 2048;
  return gpu.limits.maxBufferSize >= 2 * GiB ? 4096 : 2048;
}

/** Why a model cannot run on this GPU, or undefined when it can. */
export function incompatibility(model: ModelInfo, gpu: WebGPUStatus, vramBudgetMB = estimateVramBudgetMB(gpu)): string | undefined {
  if (!gpu.available) return 'WebGPU is not available';
  if (model.needsF16 && !gpu.shaderF16) return 'needs shader-f16, which this GPU lacks (pick a q4f32 variant)';
  if (model.bufferSizeRequiredBytes !== undefined && gpu.limits.maxStorageBufferBindingSize > 0 && model.bufferSizeRequiredBytes > gpu.limits.maxStorageBufferBindingSize) {
    return `needs ${model.bufferSizeRequiredBytes} bytes per storage buffer; this GPU allows ${gpu.limits.maxStorageBufferBindingSize}`;
  }
  if (model.vramMB > vramBudgetMB) return `needs about ${Math.round(model.vramMB)} MB of GPU memory; the estimate for this GPU is ${vramBudgetMB} MB`;
  return undefined;
}

/** The catalog models that should run on this GPU, smallest VRAM first. */
export function compatibleModels(gpu: WebGPUStatus, catalog: readonly ModelInfo[] = MODEL_CATALOG, vramBudgetMB?: number): ModelInfo[] {
  const budget = vramBudgetMB ?? estimateVramBudgetMB(gpu);
  return catalog.filter((m) => incompatibility(m, gpu, budget) === undefined).sort((a, b) => a.vramMB - b.vramMB);
}

/**
 * Default task models, best first: small instruct models that follow formats well enough and
 * fit common laptops. A software adapter starts from the smallest one (it is ~100x slower).
 */
const DEFAULT_PREFERENCE = ['Llama-3.2-1B-Instruct', 'Qwen2.5-1.5B-Instruct', 'Qwen2.5-0.5B-Instruct', 'SmolLM2-360M-Instruct'];

/**
 * Picks the default local model for this GPU: q4f16 when `shader-f16` exists, else q4f32.
 * Returns undefined when no preferred model is compatible (no WebGPU, or too little memory).
 */
export function chooseDefaultModel(gpu: WebGPUStatus, catalog: readonly ModelInfo[] = MODEL_CATALOG, vramBudgetMB?: number): ModelInfo | undefined {
  const quant = gpu.shaderF16 ? 'q4f16_1' : 'q4f32_1';
  const order = gpu.isFallbackAdapter ? [...DEFAULT_PREFERENCE].reverse() : DEFAULT_PREFERENCE;
  const compatible = new Map(compatibleModels(gpu, catalog, vramBudgetMB).map((m) => [m.id, m]));
  for (const name of order) {
    const model = compatible.get(`${name}-${quant}-MLC`);
    if (model) return model;
  }
  return undefined;
}
