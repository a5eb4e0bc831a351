/**
 * Test page for tests/e2e/webgpu.test.ts: exposes the runtime (WebGPU detection, catalog,
 * WebLLMModel in the real web-llm worker, cache helpers) on `window.lab` and renders the
 * detection result the way a user would read it.
 */
import { PlaygroundError } from '../../../../src/core/errors';
import {
  WebLLMModel,
  WorkerEngineClient,
  chooseDefaultModel,
  compatibleModels,
  deleteCachedModel,
  detectWebGPU,
  listCachedModels,
  webgpuHelp,
  type CustomModelRecord,
  type LoadProgress,
  type ModelInfo,
  type WebGPUStatus,
} from '../../../../src/runtime';

function show(s: WebGPUStatus): void {
  const el = document.getElementById('status')!;
  const model = chooseDefaultModel(s);
  el.className = `status ${s.available ? 'good' : 'bad'}`;
  const head = s.available ? `WebGPU available (${s.adapterInfo?.description || s.adapterInfo?.vendor || 'unknown adapter'}), shader-f16: ${s.shaderF16 ? 'yes' : 'no'}` : `WebGPU unavailable (${s.reason})`;
  el.innerHTML = `<strong></strong><p></p><p>Default model: <code></code> · ${compatibleModels(s).length} compatible models</p>`;
  el.querySelector('strong')!.textContent = head;
  el.querySelector('p')!.textContent = webgpuHelp(s);
  el.querySelector('code')!.textContent = model?.id ?? '(none)';
}

function log(line: string): void {
  const li = document.createElement('li');
  li.textContent = line;
  document.getElementById('log')!.append(li);
}

interface LoadResult {
  ok: boolean;
  code?: string;
  message?: string;
  hint?: string;
  details?: Record<string, unknown> | undefined;
  ms: number;
  /** Time from the last progress event to the end of the load. */
  sinceProgressMs: number;
  events: LoadProgress[];
}

async function load(modelId: string, modelList: CustomModelRecord[], opts: { stallMs?: number; terminateAfterMs?: number } = {}): Promise<LoadResult> {
  const events: LoadProgress[] = [];
  let client: WorkerEngineClient | undefined;
  const model = new WebLLMModel(modelId, { loadStallTimeoutMs: opts.stallMs ?? 60_000, createEngine: () => (client = new WorkerEngineClient()) });
  if (opts.terminateAfterMs !== undefined) setTimeout(() => client?.dispose(), opts.terminateAfterMs);
  const t0 = performance.now();
  let lastProgress = t0;
  const onProgress = (p: LoadProgress) => {
    lastProgress = performance.now();
    events.push(p);
    log(`${Math.round(p.progress * 100)}% ${p.text}`);
  };
  try {
    await model.load({ appConfig: { model_list: modelList }, onProgress, gpu: await detectWebGPU() });
    return { ok: true, ms: performance.now() - t0, sinceProgressMs: performance.now() - lastProgress, events };
  } catch (err) {
    const e = err instanceof PlaygroundError ? err : new PlaygroundError('INTERNAL', String(err));
    log(`${e.code}: ${e.message} (${e.hint ?? ''})`);
    return { ok: false, code: e.code, message: e.message, hint: e.hint, details: e.details, ms: performance.now() - t0, sinceProgressMs: performance.now() - lastProgress, events };
  } finally {
    await model.unload();
  }
}

async function pendingCallsOnTerminate(modelList: CustomModelRecord[], modelId: string): Promise<{ reload: string; ms: number }> {
  const client = new WorkerEngineClient();
  await client.configure({ modelList });
  const reload = client.reload(modelId).then(() => 'resolved', (e: unknown) => String(e));
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  client.dispose();
  return { reload: await reload, ms: performance.now() - t0 };
}

async function cache(modelList: CustomModelRecord[], ids: string[]) {
  const client = new WorkerEngineClient();
  try {
    const catalog = ids.map((id) => ({ id }) as ModelInfo);
    const cached = await listCachedModels(client, catalog, { model_list: modelList });
    const deleted = await deleteCachedModel(client, ids[0]!, { model_list: modelList });
    return { cached: cached.map((c) => c.model.id), deleted };
  } finally {
    client.dispose();
  }
}

async function generate(modelId: string, modelList: CustomModelRecord[]) {
  const model = await WebLLMModel.load(modelId, { appConfig: { model_list: modelList } }, { callTimeoutMs: 600_000 });
  try {
    return await model.call({ messages: [{ role: 'user', content: 'Say hello in one word.' }], maxTokens: 8, temperature: 0 });
  } finally {
    await model.unload();
  }
}

const ready = detectWebGPU().then((s) => (show(s), s));
Object.assign(window, { lab: { ready, detect: detectWebGPU, choose: (s: WebGPUStatus) => chooseDefaultModel(s)?.id, load, pendingCallsOnTerminate, cache, generate } });
