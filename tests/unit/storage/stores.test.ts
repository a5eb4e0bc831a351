import { beforeEach, describe, expect, it } from 'vitest';
import { freshDB } from './helpers';
import { EventLog, eventRow, SettingsStore, TraceStore, TrialStore, type PromptLabDB } from '../../../src/storage';
import type { PlaygroundError } from '../../../src/core/errors';
import type { LMCallRecord } from '../../../src/core/program/types';
import type { TrialRecord } from '../../../src/core/optimize/types';

let db: PromptLabDB;
beforeEach(async () => {
  db = await freshDB();
});

const call: LMCallRecord = { model: 'qwen', messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'é?' }], completion: '[[ ## answer ## ]]\n4', temperature: 0, usage: { promptTokens: 12, completionTokens: 4 }, cached: false, durationMs: 30 };

describe('run logs', () => {
  const trial = (index: number): TrialRecord => ({ index, kind: 'full', params: {}, score: index / 10, n: 5, calls: { sent: 5, cacheHits: 0 }, errors: 0, durationMs: 1 });

  it('TrialStore returns a run\'s trials in index order and replaces a rewritten trial', async () => {
    const store = new TrialStore(db);
    await store.put('r', trial(10), trial(2));
    await store.put('r', { ...trial(2), score: 0.9 });
    await store.put('other', trial(1));
    const got = await store.list('r');
    expect(got.map((t) => [t.index, t.score])).toEqual([[2, 0.9], [10, 1]]);
    expect(got[0]).not.toHaveProperty('runId');
  });

  it('EventLog keeps seq order per run, continues numbering and replays from a seq', async () => {
    const log = new EventLog(db);
    expect(await log.nextSeq('r')).toBe(0);
    await log.append(eventRow('r', 1, { type: 'phase', phase: 'search', status: 'end' }, 5), eventRow('r', 0, { type: 'phase', phase: 'search', status: 'start' }, 4));
    await log.append(eventRow('s', 7, { type: 'progress', phase: 'x', done: 1, total: 2 }));
    expect((await log.list('r')).map((e) => e.seq)).toEqual([0, 1]);
    expect((await log.list('r', 1)).map((e) => e.event)).toEqual([{ type: 'phase', phase: 'search', status: 'end' }]);
    expect(await log.nextSeq('r')).toBe(2);
    expect(await log.nextSeq('s')).toBe(8);
  });

  it('TraceStore keeps each call exactly as sent and received, filterable by trial', async () => {
    const store = new TraceStore(db);
    await store.add({ runId: 'r', stepId: 'generate', call, trialIndex: 0, exampleId: 'ex1', at: 7 }, { runId: 'r', stepId: 'generate', call: { ...call, cached: true }, trialIndex: 1 });
    const [first] = await store.list('r', { trialIndex: 0 });
    expect(first).toMatchObject({ runId: 'r', stepId: 'generate', exampleId: 'ex1', messages: call.messages, completion: call.completion, model: 'qwen', temperature: 0, usage: call.usage, cached: false, at: 7 });
    expect((await store.list('r')).map((t) => t.cached)).toEqual([false, true]);
  });

  it('TraceStore refuses a call whose messages carry headers or keys', async () => {
    const store = new TraceStore(db);
    const leaky = { ...call, messages: [{ role: 'user', content: 'q', headers: { Authorization: 'Bearer sk-1' } }] } as unknown as LMCallRecord;
    const err = (await store.add({ runId: 'r', stepId: 's', call: leaky }).catch((e: unknown) => e)) as PlaygroundError;
    expect(err.code).toBe('INTERNAL');
    expect(err.details?.fields).toContain('call.messages.0.headers');
    const withKey = { ...call, apiKey: 'sk-2' } as unknown as LMCallRecord;
    expect(await store.add({ runId: 'r', stepId: 's', call: withKey }).catch((e: PlaygroundError) => e.code)).toBe('INTERNAL');
    expect(await store.count('r')).toBe(0);
  });
});

describe('SettingsStore', () => {
  it('stores plain settings and lists them without remembered keys', async () => {
    const s = new SettingsStore(db);
    await s.set('theme', 'dark');
    await s.set('endpoints', [{ id: 'openrouter', baseURL: 'https://openrouter.ai/api/v1' }]);
    await s.rememberApiKey('openrouter', 'sk-or-1');
    expect(await s.get('theme')).toBe('dark');
    expect((await s.keys()).sort()).toEqual(['endpoints', 'theme']);
    await s.delete('theme');
    expect(await s.get('theme')).toBeUndefined();
  });

  it('keeps API keys only in their namespace, after an explicit remember, until forgotten', async () => {
    const s = new SettingsStore(db);
    expect(await s.getApiKey('openai')).toBeUndefined();
    await s.rememberApiKey('openai', 'sk-1');
    await s.rememberApiKey('groq', 'gsk-2');
    expect(await s.getApiKey('openai')).toBe('sk-1');
    expect((await s.rememberedEndpoints()).sort()).toEqual(['groq', 'openai']);
    await s.forgetApiKey('openai');
    expect(await s.getApiKey('openai')).toBeUndefined();
    expect(await s.rememberedEndpoints()).toEqual(['groq']);
  });

  it('refuses to write a key through an ordinary setting', async () => {
    const s = new SettingsStore(db);
    expect(await s.set('apiKey:openai', 'sk').catch((e: PlaygroundError) => e.code)).toBe('INTERNAL');
    expect(await s.get('apiKey:groq').catch((e: PlaygroundError) => e.code)).toBe('INTERNAL');
    expect(await s.set('endpoint', { baseURL: 'x', apiKey: 'sk-3' }).catch((e: PlaygroundError) => e.code)).toBe('INTERNAL');
    expect(await s.rememberedEndpoints()).toEqual([]);
    expect(await s.keys()).toEqual([]);
  });
});
