import { describe, expect, it } from 'vitest';
import { PlaygroundError } from '../../../src/core/errors';
import { WorkerEngineClient, type WorkerLike } from '../../../src/runtime/webllm-worker-client';
import { WebLLMModel } from '../../../src/runtime/webllm-lm';

/** A worker stand-in: records posted messages; the test answers as web-llm's handler would. */
class FakeWorker extends EventTarget implements WorkerLike {
  readonly posted: { kind: string; uuid: string; content: unknown }[] = [];
  terminated = false;
  postMessage(message: unknown): void {
    this.posted.push(message as { kind: string; uuid: string; content: unknown });
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(data: unknown): void {
    this.dispatchEvent(Object.assign(new Event('message'), { data }));
  }
  crash(message: string): void {
    this.dispatchEvent(Object.assign(new Event('error'), { message }));
  }
}

describe('WorkerEngineClient (web-llm worker protocol)', () => {
  it('sends web-llm messages and resolves/rejects them by uuid; progress reaches the callback', async () => {
    const w = new FakeWorker();
    const client = new WorkerEngineClient(w);
    const progress: number[] = [];
    client.setInitProgressCallback((r) => progress.push(r.progress));
    const loading = client.reload('m-q4f32_1');
    expect(w.posted[0]).toMatchObject({ kind: 'reload', content: { modelId: ['m-q4f32_1'] } });
    w.reply({ kind: 'initProgressCallback', uuid: '', content: { progress: 0.25, timeElapsed: 1, text: 'x' } });
    w.reply({ kind: 'return', uuid: w.posted[0]!.uuid, content: null });
    await loading;
    expect(progress).toEqual([0.25]);
    const answer = client.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] });
    expect(w.posted[1]).toMatchObject({ kind: 'chatCompletionNonStreaming', content: { modelId: ['m-q4f32_1'] } });
    w.reply({ kind: 'throw', uuid: w.posted[1]!.uuid, content: 'Error: Device was lost.' });
    await expect(answer).rejects.toBe('Error: Device was lost.');
  });

  it('a worker error event rejects every pending call and tells death listeners', async () => {
    const w = new FakeWorker();
    const client = new WorkerEngineClient(w);
    const reasons: string[] = [];
    client.onDeath((r) => reasons.push(r));
    const a = client.reload('m');
    const b = client.cacheStatus(['m']);
    w.crash('Uncaught RangeError: Array buffer allocation failed');
    await expect(a).rejects.toMatch(/^ModelWorkerDied: Uncaught RangeError/);
    await expect(b).rejects.toMatch(/^ModelWorkerDied/);
    expect(reasons).toEqual(['Uncaught RangeError: Array buffer allocation failed']);
    await expect(client.unload()).rejects.toMatch(/^ModelWorkerDied/);
  });

  it('dispose terminates the worker and rejects pending calls; WebLLMModel maps that to MODEL_ENGINE_DIED', async () => {
    const w = new FakeWorker();
    const client = new WorkerEngineClient(w);
    const model = new WebLLMModel('m-q4f32_1', { createEngine: () => client, autoReload: false });
    const loading = model.load();
    await Promise.resolve();
    w.reply({ kind: 'return', uuid: w.posted[0]!.uuid, content: null }); // promptlab:configure
    await new Promise((r) => setTimeout(r, 0));
    w.reply({ kind: 'return', uuid: w.posted[1]!.uuid, content: null }); // reload
    await loading;
    const call = model.call({ messages: [{ role: 'user', content: 'hi' }] });
    await Promise.resolve();
    client.dispose();
    const err = await call.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlaygroundError);
    expect((err as PlaygroundError).code).toBe('MODEL_ENGINE_DIED');
    expect(w.terminated).toBe(true);
  });
});
