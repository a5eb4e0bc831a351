/**
 * The browser's memory of what `auto` output found per model: kept in the settings store
 * under `output-modes`, shared by the worker (which records) and the page (which shows and
 * forgets), read fresh every time, and driving a real probe the way the runner uses it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { freshDB } from './helpers';
import { IdbOutputMemory, SettingsStore, type PromptLabDB } from '../../../src/storage';
import { OutputProbe, type OutputDecision } from '../../../src/core/lm/output';

let db: PromptLabDB;
beforeEach(async () => {
  db = await freshDB();
});

const at = new Date('2026-12-02T10:00:00Z');

describe('IdbOutputMemory', () => {
  it('remembers a mode per model with when it was found, in the documented setting', async () => {
    const memory = new IdbOutputMemory(db, () => at);
    expect(await memory.get('openai-compatible:m@http://x/v1')).toBeUndefined();
    await memory.set('openai-compatible:m@http://x/v1', 'chat');
    await memory.set('webllm:Qwen', 'json_schema');
    expect(await memory.get('openai-compatible:m@http://x/v1')).toBe('chat');
    expect(await memory.finding('webllm:Qwen')).toEqual({ output: 'json_schema', at: at.toISOString() });
    expect(await new SettingsStore(db).get('output-modes')).toEqual({
      version: 1,
      models: { 'openai-compatible:m@http://x/v1': { output: 'chat', at: at.toISOString() }, 'webllm:Qwen': { output: 'json_schema', at: at.toISOString() } },
    });
  });

  it('sees what another connection wrote (the page and the worker share the database), and forgets one model only', async () => {
    const worker = new IdbOutputMemory(db);
    const page = new IdbOutputMemory(db);
    expect(await page.get('a')).toBeUndefined();
    await worker.set('a', 'chat');
    await worker.set('b', 'json_schema');
    expect(await page.get('a')).toBe('chat');
    await page.forget('a');
    expect(await worker.get('a')).toBeUndefined();
    expect(await worker.get('b')).toBe('json_schema');
  });

  it('loses no write when the page and the worker change it at once', async () => {
    const a = new IdbOutputMemory(db);
    const b = new IdbOutputMemory(db);
    await a.set('gone', 'chat');
    await Promise.all([a.set('x', 'chat'), b.set('y', 'json_schema'), b.forget('gone'), a.set('z', 'chat')]);
    expect(await Promise.all(['x', 'y', 'z', 'gone'].map((id) => a.get(id)))).toEqual(['chat', 'json_schema', 'chat', undefined]);
  });

  it('reads a damaged or foreign value as nothing known, and replaces it on the next finding', async () => {
    const settings = new SettingsStore(db);
    const memory = new IdbOutputMemory(db);
    await settings.set('output-modes', { version: 99, models: { m: { output: 'chat', at: 'x' } } });
    expect(await memory.get('m')).toBeUndefined();
    await settings.set('output-modes', { version: 1, models: { m: { output: 'auto', at: 'x' }, n: 'chat' } });
    expect(await memory.get('m')).toBeUndefined();
    expect(await memory.get('n')).toBeUndefined();
    await memory.set('k', 'chat');
    expect(await memory.get('k')).toBe('chat');
  });

  it('lets a later run skip the probe: the first run records a refusal, the second recalls it', async () => {
    const memory = new IdbOutputMemory(db);
    const first = new OutputProbe('m', memory);
    const turn = await first.begin();
    expect(turn.output).toBe('json_schema');
    expect(turn.settle('refused', 'response_format is not supported')).toBe('chat');
    // The probe writes in the background; wait for the stored value, not for time.
    await expect.poll(() => memory.get('m')).toBe('chat');

    const decisions: OutputDecision[] = [];
    const second = new OutputProbe('m', new IdbOutputMemory(db), (d) => decisions.push(d));
    expect((await second.begin()).output).toBe('chat');
    expect(decisions).toEqual([{ modelId: 'm', output: 'chat', remembered: true }]);
  });
});
