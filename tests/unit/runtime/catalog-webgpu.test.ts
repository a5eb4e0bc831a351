import { describe, expect, it } from 'vitest';
import { MODEL_CATALOG, buildCatalog, chooseDefaultModel, compatibleModels, incompatibility } from '../../../src/runtime/model-catalog';
import { detectWebGPU, webgpuHelp, type GpuAdapterLike, type NavigatorLike, type WebGPUStatus } from '../../../src/runtime/webgpu';

const GiB = 1024 ** 3;
function adapter(features: string[], maxBufferSize = 4 * GiB, fallback = false): GpuAdapterLike {
  return {
    features: new Set(features),
    limits: { maxBufferSize, maxStorageBufferBindingSize: Math.min(maxBufferSize, 2 * GiB), maxComputeWorkgroupStorageSize: 32768 },
    info: { vendor: 'acme', architecture: 'rdna', description: 'Acme GPU', isFallbackAdapter: fallback },
  };
}
const nav = (a: GpuAdapterLike | null | Error): NavigatorLike => ({ gpu: { requestAdapter: async () => { if (a instanceof Error) throw a; return a; } } });

describe('detectWebGPU', () => {
  it('reports no API, no adapter and a throwing adapter request as unavailable with a reason', async () => {
    expect(await detectWebGPU({})).toMatchObject({ available: false, reason: 'no-api', shaderF16: false });
    expect(await detectWebGPU(nav(null))).toMatchObject({ available: false, reason: 'no-adapter' });
    expect(await detectWebGPU(nav(new Error('blocked')))).toMatchObject({ available: false, reason: 'error', errorMessage: 'blocked' });
  });

  it('reads shader-f16, limits, adapter info and the fallback flag as plain data', async () => {
    const s = await detectWebGPU(nav(adapter(['shader-f16'], 4 * GiB, true)));
    expect(s).toEqual({
      available: true,
      shaderF16: true,
      limits: { maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 2 * GiB, maxComputeWorkgroupStorageSize: 32768 },
      adapterInfo: { vendor: 'acme', architecture: 'rdna', description: 'Acme GPU' },
      isFallbackAdapter: true,
    });
    expect(structuredClone(s)).toEqual(s);
    expect((await detectWebGPU(nav(adapter([])))).shaderF16).toBe(false);
  });

  it('explains what to do: browsers, the Linux flag, and the API-model way out', async () => {
    const help = webgpuHelp(await detectWebGPU({}));
    expect(help).toMatch(/Chrome or Edge 113\+/);
    expect(help).toMatch(/Safari 26\+/);
    expect(help).toMatch(/Firefox 141\+ on Windows/);
    expect(help).toMatch(/#enable-unsafe-webgpu/);
    expect(help).toMatch(/API model/);
    expect(webgpuHelp(await detectWebGPU(nav(adapter([]))))).toMatch(/q4f32/);
    expect(webgpuHelp(await detectWebGPU(nav(adapter(['shader-f16']))))).toBe('');
  });
});

const status = (over: Partial<WebGPUStatus> & { maxBufferSize?: number }): WebGPUStatus => {
  const maxBufferSize = over.maxBufferSize ?? 4 * GiB;
  return { available: true, shaderF16: false, limits: { maxBufferSize, maxStorageBufferBindingSize: Math.min(maxBufferSize, 2 * GiB), maxComputeWorkgroupStorageSize: 32768 }, ...over };
};

describe('model catalog', () => {
  it('keeps chat models only: embedding (1) and vision (2) model types are excluded', () => {
    const cat = buildCatalog([
      { model_id: 'Llama-3.2-1B-Instruct-q4f32_1-MLC', vram_required_MB: 1128.82, low_resource_required: true, context_window_size: 4096 },
      { model_id: 'snowflake-arctic-embed-s-q0f32-MLC-b4', vram_required_MB: 238.71, model_type: 1 },
      { model_id: 'Phi-3.5-vision-instruct-q4f16_1-MLC', vram_required_MB: 4521, model_type: 2 },
      { model_id: 'gemma-2-2b-it-q4f16_1-MLC', vram_required_MB: 1895, model_type: 0 },
    ]);
    expect(cat.map((m) => m.id)).toEqual(['Llama-3.2-1B-Instruct-q4f32_1-MLC', 'gemma-2-2b-it-q4f16_1-MLC']);
    expect(cat[0]).toEqual({ id: 'Llama-3.2-1B-Instruct-q4f32_1-MLC', family: 'Llama-3.2', parameterSize: '1B', quantization: 'q4f32_1', vramMB: 1128.82, lowResource: true, contextWindow: 4096, needsF16: false });
    expect(cat[1]).toMatchObject({ family: 'gemma-2', parameterSize: '2b', needsF16: true });
  });

  it('the bundled snapshot has the known small models and no embedding/vision models', () => {
    const ids = MODEL_CATALOG.map((m) => m.id);
    expect(ids).toContain('SmolLM2-360M-Instruct-q4f32_1-MLC');
    expect(ids.some((id) => /embed|vision/i.test(id))).toBe(false);
    expect(MODEL_CATALOG.find((m) => m.id === 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC')).toMatchObject({ parameterSize: '0.5B', vramMB: 1060.2 });
  });

  it('without shader-f16 no f16 model is compatible; memory limits drop big models', () => {
    const noF16 = compatibleModels(status({}));
    expect(noF16.length).toBeGreaterThan(5);
    expect(noF16.every((m) => !m.id.includes('f16'))).toBe(true);
    expect(noF16.every((m) => m.vramMB <= 4096)).toBe(true);
    const small = compatibleModels(status({ shaderF16: true, maxBufferSize: GiB }));
    expect(small.every((m) => m.vramMB <= 2048)).toBe(true);
    expect(small.some((m) => m.id.includes('f16'))).toBe(true);
    expect(compatibleModels(status({ available: false }))).toEqual([]);
    const big = MODEL_CATALOG.find((m) => m.id.startsWith('Llama-3.1-8B'))!;
    expect(incompatibility(big, status({ shaderF16: true }))).toMatch(/GPU memory/);
  });

  it('default choice: q4f16 with shader-f16, q4f32 without, smallest on a software adapter', () => {
    expect(chooseDefaultModel(status({ shaderF16: true }))?.id).toBe('Llama-3.2-1B-Instruct-q4f16_1-MLC');
    expect(chooseDefaultModel(status({}))?.id).toBe('Llama-3.2-1B-Instruct-q4f32_1-MLC');
    expect(chooseDefaultModel(status({ isFallbackAdapter: true }))?.id).toBe('SmolLM2-360M-Instruct-q4f32_1-MLC');
    expect(chooseDefaultModel(status({}), MODEL_CATALOG, 700)?.id).toBe('SmolLM2-360M-Instruct-q4f32_1-MLC');
    expect(chooseDefaultModel(status({}), MODEL_CATALOG, 300)).toBeUndefined();
    expect(chooseDefaultModel(status({ available: false }))).toBeUndefined();
  });
});
