/**
 * WebGPU detection, done by us before web-llm is ever loaded.
 *
 * Why: web-llm checks for WebGPU only after it has fetched the model config and the model's
 * wasm library (megabytes), and it reports a missing `shader-f16` only at that point too. We
 * ask `navigator.gpu` for an adapter first, read its features and limits, and return plain data
 * (it crosses worker boundaries and goes into the model catalog's filters).
 */

/** What the page can run: plain, structured-cloneable data. */
export interface WebGPUStatus {
  available: boolean;
  /** Why WebGPU is unavailable: no `navigator.gpu`, no adapter, or requesting one threw. */
  reason?: 'no-api' | 'no-adapter' | 'error';
  /** The error text when `reason` is `'error'`. */
  errorMessage?: string;
  adapterInfo?: { vendor: string; architecture: string; description: string };
  /** Whether the adapter offers `shader-f16` (needed by every model id containing "f16"). */
  shaderF16: boolean;
  /** Adapter limits that bound model size (0 when unavailable). */
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number; maxComputeWorkgroupStorageSize: number };
  /** True for a software adapter (e.g. SwiftShader): it works, but very slowly. */
  isFallbackAdapter?: boolean;
}

/** The parts of `GPUAdapter` we read (typed structurally so tests can pass fakes). */
export interface GpuAdapterLike {
  features: { has(name: string): boolean };
  limits: Partial<Record<'maxBufferSize' | 'maxStorageBufferBindingSize' | 'maxComputeWorkgroupStorageSize', number>>;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

/** The parts of `Navigator` we read. */
export interface NavigatorLike {
  gpu?: { requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null> };
  userAgent?: string;
}

const NO_LIMITS = { maxBufferSize: 0, maxStorageBufferBindingSize: 0, maxComputeWorkgroupStorageSize: 0 };

/**
 * Asks the browser for a WebGPU adapter (high-performance, like web-llm does) and reports what
 * it offers. Never throws: every failure becomes `available: false` with a reason.
 */
export async function detectWebGPU(nav: NavigatorLike = globalThis.navigator as unknown as NavigatorLike): Promise<WebGPUStatus> {
  if (!nav?.gpu) return { available: false, reason: 'no-api', shaderF16: false, limits: { ...NO_LIMITS } };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    const errorMessage = err instanceof Error ? err.message : String(err);
    return { available: false, reason: 'error', errorMessage, shaderF16: false, limits: { ...NO_LIMITS } };
  }
  if (!adapter) return { available: false, reason: 'no-adapter', shaderF16: false, limits: { ...NO_LIMITS } };
  const status: WebGPUStatus = {
    available: true,
    shaderF16: adapter.features.has('shader-f16'),
    limits: {
      maxBufferSize: Number(adapter.limits.maxBufferSize ?? 0),
      maxStorageBufferBindingSize: Number(adapter.limits.maxStorageBufferBindingSize ?? 0),
      maxComputeWorkgroupStorageSize: Number(adapter.limits.maxComputeWorkgroupStorageSize ?? 0),
    },
  };
  const info = adapter.info;
  if (info) status.adapterInfo = { vendor: info.vendor ?? '', architecture: info.architecture ?? '', description: info.description ?? '' };
  // `GPUAdapter.isFallbackAdapter` moved to `GPUAdapterInfo` in newer browsers: read both.
  const fallback = info?.isFallbackAdapter ?? adapter.isFallbackAdapter;
  if (fallback !== undefined) status.isFallbackAdapter = fallback;
  return status;
}

/**
 * A user-facing explanation of the WebGPU status: what is wrong and what to do.
 * Returns an empty string when WebGPU is usable with f16 models on a hardware adapter.
 */
export function webgpuHelp(status: WebGPUStatus): string {
  const apiModel = 'You can still use an API model (any OpenAI-compatible endpoint) as the task model.';
  if (!status.available) {
    const why =
      status.reason === 'no-api'
        ? 'This browser does not offer WebGPU, which the local model needs.'
        : status.reason === 'no-adapter'
          ? 'WebGPU is present but no GPU adapter is available (the GPU may be blocklisted or disabled).'
          : `Asking for a WebGPU adapter failed${status.errorMessage ? `: ${status.errorMessage}` : ''}.`;
    return [
      why,
      'WebGPU works in Chrome or Edge 113+ on desktop, Safari 26+, and Firefox 141+ on Windows.',
      'On Linux, Chrome needs chrome://flags/#enable-unsafe-webgpu (and often #enable-vulkan) enabled.',
      apiModel,
    ].join(' ');
  }
  const notes: string[] = [];
  if (status.isFallbackAdapter) notes.push('WebGPU runs on a software adapter (no GPU): local models will be very slow.');
  if (!status.shaderF16) notes.push('This GPU lacks shader-f16, so only f32 model variants (q4f32) can run; they need more memory.');
  if (notes.length > 0) notes.push(apiModel);
  return notes.join(' ');
}
