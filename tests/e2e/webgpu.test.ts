/**
 * The local-model runtime in Debian's Chromium: WebGPU detection with and without WebGPU, and
 * the real web-llm worker against model folders served from 127.0.0.1 (no weights exist here:
 * loads stop at the model library, which is the point where web-llm would start the GPU).
 *
 * The test page (tests/e2e/pages/webgpu) is built with Vite's API into a temp dir and served,
 * with the fixtures, by a small server of this file. A real-generation smoke test runs only when
 * WEBLLM_MODEL_DIR (an MLC model folder) and WEBLLM_MODEL_LIB (its wasm) are set, on a GPU machine.
 */
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectErrors, launch, screenshot } from './browser';

const FIXTURES = resolve('tests/e2e/fixtures/webllm');
const REAL_DIR = process.env.WEBLLM_MODEL_DIR;
const REAL_LIB = process.env.WEBLLM_MODEL_LIB;
const outDir = mkdtempSync(join(tmpdir(), 'promptlab-webgpu-page-'));
const requests: string[] = [];
const sockets = new Set<Socket>();
let server: Server;
let origin = '';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.map': 'application/json' };

function sendFile(res: ServerResponse, path: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-length': statSync(path).size });
  createReadStream(path).pipe(res);
}

/** Routes: the built page at /, fixture models at /models/<name>/resolve/main/, a server that never answers at /hang/. */
function route(url: string, res: ServerResponse): void {
  requests.push(url);
  if (url === '/favicon.ico') return void res.writeHead(204).end();
  if (url.startsWith('/hang/')) return; // accept and never answer: a hung model server
  const model = /^\/models\/([\w.-]+)\/resolve\/main\/([\w.-]+)$/.exec(url);
  if (model) return sendFile(res, join(FIXTURES, model[1]!, model[2]!));
  if (url.startsWith('/libs/')) return sendFile(res, join(FIXTURES, 'libs', basename(url)));
  if (REAL_DIR && REAL_LIB && url.startsWith('/real/resolve/main/')) return sendFile(res, join(REAL_DIR, basename(url)));
  if (REAL_LIB && url === '/real-lib.wasm') return sendFile(res, REAL_LIB);
  sendFile(res, join(outDir, url === '/' ? 'index.html' : url.split('?')[0]!));
}

const record = (id: string, model: string, lib = `${origin}/libs/not-a-model.wasm`) => ({ model_id: id, model: `${origin}${model}`, model_lib: lib, vram_required_MB: 100 });

beforeAll(async () => {
  await build({
    root: resolve('tests/e2e/pages/webgpu'),
    configFile: false,
    base: './',
    logLevel: 'warn',
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
  server = createServer((req, res) => route(req.url ?? '/', res));
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((ok) => server?.close(ok));
  rmSync(outDir, { recursive: true, force: true });
});

async function openPage(browser: Browser, name: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
  const errors = collectErrors(page);
  await page.goto(`${origin}/index.html?${name}`);
  await page.waitForFunction(() => 'lab' in window);
  await page.evaluate(() => (window as any).lab.ready);
  return { page, errors };
}

describe('bundle', () => {
  it('keeps web-llm out of the page bundle: only the worker carries it', () => {
    const assets = readdirSync(join(outDir, 'assets')).filter((f) => f.endsWith('.js'));
    const sizes = Object.fromEntries(assets.map((f) => [f, statSync(join(outDir, 'assets', f)).size]));
    const worker = assets.filter((f) => f.startsWith('llm.worker'));
    const page = assets.filter((f) => !f.startsWith('llm.worker'));
    console.log('[webgpu page bundle sizes, bytes]', sizes);
    expect(worker).toHaveLength(1);
    expect(sizes[worker[0]!]).toBeGreaterThan(3_000_000);
    for (const f of page) expect(sizes[f]).toBeLessThan(200_000);
  });
});

describe('without WebGPU', () => {
  let browser: Browser;
  beforeAll(async () => void (browser = await launch('no-webgpu')));
  afterAll(async () => void (await browser?.close()));

  it('reports WebGPU unavailable with a reason and tells the user what to do', async () => {
    const { page, errors } = await openPage(browser, 'no-webgpu');
    const status = await page.evaluate(() => (window as any).lab.detect());
    expect(status.available).toBe(false);
    expect(['no-api', 'no-adapter']).toContain(status.reason);
    await expect(page.locator('#status').textContent()).resolves.toMatch(/Chrome or Edge 113\+.*#enable-unsafe-webgpu.*API model/s);
    await screenshot(page, 'webgpu-unavailable');
    expect(errors).toEqual([]);
  });

  it('refuses to load a local model before any download', async () => {
    const { page } = await openPage(browser, 'no-webgpu-load');
    const before = requests.length;
    const res = await page.evaluate((list) => (window as any).lab.load('Fixture-q4f32_1-MLC', list), [record('Fixture-q4f32_1-MLC', '/models/fixture-model')]);
    expect(res.code).toBe('WEBGPU_UNAVAILABLE');
    expect(requests.slice(before).filter((u) => u.startsWith('/models/'))).toEqual([]);
  });
});

describe('with WebGPU (SwiftShader: software adapter, no shader-f16)', () => {
  let browser: Browser;
  beforeAll(async () => void (browser = await launch('webgpu')));
  afterAll(async () => void (await browser?.close()));

  it('detects the adapter, no shader-f16, and picks a q4f32 model', async () => {
    const { page, errors } = await openPage(browser, 'webgpu');
    const status = await page.evaluate(() => (window as any).lab.detect());
    expect(status.available).toBe(true);
    expect(status.shaderF16).toBe(false);
    expect(status.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    const chosen: string = await page.evaluate((s) => (window as any).lab.choose(s), status);
    expect(chosen).toMatch(/-q4f32_1-MLC$/);
    await screenshot(page, 'webgpu-swiftshader');
    expect(errors).toEqual([]);
  });

  it('runs the real web-llm worker: progress arrives, the config is fetched, a bad model library fails with MODEL_LOAD_FAILED', async () => {
    const { page } = await openPage(browser, 'load');
    const res = await page.evaluate((list) => (window as any).lab.load('Fixture-q4f32_1-MLC', list), [record('Fixture-q4f32_1-MLC', '/models/fixture-model')]);
    expect(res.events.length).toBeGreaterThanOrEqual(2);
    expect(res.events.map((e: { text: string }) => e.text).join('\n')).toMatch(/Fetching the config and library of Fixture-q4f32_1-MLC/);
    expect(requests).toContain('/models/fixture-model/resolve/main/mlc-chat-config.json');
    expect(requests).toContain('/libs/not-a-model.wasm');
    expect(res.code).toBe('MODEL_LOAD_FAILED');
    expect(res.message).toMatch(/wasm|library/i);
    await screenshot(page, 'webgpu-load-bad-library');
  });

  it('a 404 on the model files gives MODEL_LOAD_FAILED with a clear message', async () => {
    const { page } = await openPage(browser, 'missing');
    const res = await page.evaluate((list) => (window as any).lab.load('Missing-q4f32_1-MLC', list), [record('Missing-q4f32_1-MLC', '/models/no-such-model')]);
    expect(res.code).toBe('MODEL_LOAD_FAILED');
    expect(res.message).toMatch(/Downloading the files of model "Missing-q4f32_1-MLC" failed/);
    expect(res.hint).toMatch(/404/);
  });

  // The stall clock starts when the engine has started (its worker takes 1-3 s to start on a busy
  // machine) and is reset by each progress event; the last one comes right before the request.
  it('a hung model server gives MODEL_TIMEOUT, not a hang', async () => {
    const { page } = await openPage(browser, 'hang');
    const stallMs = 1500;
    const res = await page.evaluate(([list, ms]) => (window as any).lab.load('Hung-q4f32_1-MLC', list, { stallMs: ms }), [[record('Hung-q4f32_1-MLC', '/hang/model')], stallMs] as const);
    expect(res.code).toBe('MODEL_TIMEOUT');
    // The timeout is the model server's: the request reached it, and it stayed silent for the
    // whole stall after the last progress event; then the load failed instead of hanging.
    expect(res.details).toMatchObject({ phase: 'load', timeoutMs: stallMs });
    expect(requests.some((u) => u.startsWith('/hang/'))).toBe(true);
    expect(res.sinceProgressMs).toBeGreaterThanOrEqual(stallMs - 5);
    expect(res.sinceProgressMs).toBeLessThan(10_000);
  });

  it('terminating the worker rejects its pending call at once; a load in flight fails with MODEL_ENGINE_DIED', async () => {
    const { page } = await openPage(browser, 'terminate');
    const list = [record('Hung-q4f32_1-MLC', '/hang/model2')];
    const pending = await page.evaluate((l) => (window as any).lab.pendingCallsOnTerminate(l, 'Hung-q4f32_1-MLC'), list);
    expect(pending.reload).toMatch(/^ModelWorkerDied/);
    expect(pending.ms).toBeLessThan(1000);
    const res = await page.evaluate((l) => (window as any).lab.load('Hung-q4f32_1-MLC', l, { terminateAfterMs: 500 }), list);
    expect(res.code).toBe('MODEL_ENGINE_DIED');
    expect(res.ms).toBeLessThan(5000);
  });

  it('cache management: an uncached model is listed as not cached and deleting it is a no-op', async () => {
    const { page } = await openPage(browser, 'cache');
    const res = await page.evaluate((list) => (window as any).lab.cache(list, ['Fixture-q4f32_1-MLC']), [record('Fixture-q4f32_1-MLC', '/models/fixture-model')]);
    expect(res).toEqual({ cached: [], deleted: false });
  });

  it.skipIf(!REAL_DIR || !REAL_LIB)('generates with real cached weights (set WEBLLM_MODEL_DIR and WEBLLM_MODEL_LIB on a GPU machine)', async () => {
    const { page } = await openPage(browser, 'real');
    const id = basename(REAL_DIR!);
    const res = await page.evaluate(([i, list]) => (window as any).lab.generate(i, list), [id, [record(id, '/real', `${origin}/real-lib.wasm`)]] as const);
    expect(res.completions[0].length).toBeGreaterThan(0);
    expect(res.usage.completionTokens).toBeGreaterThan(0);
  }, 900_000);
});
