/**
 * Output modes end to end, in process, over HTTP to the scripted OpenAI-compatible server:
 * a small task model that breaks the chat format 30% of the time but follows a JSON schema
 * when given one; a server that refuses `response_format`; and what a rerun sends.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAICompatibleLM, type OutputMode } from '../../../src/core/lm';
import { executeRun, type ModelConfig, type RunConfig, type RunEvent, type RunHost, type RunResult } from '../../../src/core/runner';
import { FileCacheStore } from '../../../src/node/file-cache-store';
import { FileOutputMemory } from '../../../src/node/file-output-memory';
import { fixtureData } from '../../fixtures/fixture-data';
import { irisHandler, irisRunConfig } from '../../fixtures/iris-world';
import { startScriptedServer, type ChatCompletionBody, type ScriptedServer } from '../../fixtures/scripted-server';
import { smallIrisHandler } from '../../fixtures/small-model';

const IRIS = fixtureData('iris/all.jsonl').text;

function config(url: string, output: OutputMode | undefined, optimizer: RunConfig['optimizer'] = { kind: 'mipro_v2', auto: 'light' }): RunConfig {
  const base = irisRunConfig(IRIS, url);
  return { ...base, optimizer, models: { ...base.models, task: { ...base.models.task, ...(output && { output }) } } };
}

function createLM(cfg: ModelConfig) {
  if (cfg.provider !== 'openai-compatible') throw new Error('openai-compatible only');
  return new OpenAICompatibleLM({ baseURL: cfg.baseURL, model: cfg.model, maxConcurrency: 4, backoffBaseMs: 1 });
}

async function run(cfg: RunConfig, extra: Partial<RunHost> = {}): Promise<{ result: RunResult; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const result = await executeRun(cfg, { createLM, onEvent: (e) => events.push(e), ...extra });
  return { result, events };
}

function taskBodies(server: ScriptedServer): ChatCompletionBody[] {
  return server.requests.map((r) => r.body as ChatCompletionBody).filter((b) => b && b.model === 'task-model');
}

describe('output modes with a small task model (30% of chat answers unreadable)', () => {
  let server: ScriptedServer;
  let wellBehaved: RunResult;
  beforeAll(async () => {
    server = await startScriptedServer({ handler: irisHandler });
    wellBehaved = (await run(config(server.url, 'chat'))).result;
    server.setHandler(smallIrisHandler(0.3));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('json_schema: no answer is unreadable, and the run scores what a well-behaved model scores', async () => {
    server.reset();
    const { result } = await run(config(server.url, 'json_schema'));
    expect(result.usage.task.parseFailures).toBe(0);
    expect(result.details.val.parseFailures).toBeUndefined();
    expect(result.scores).toEqual(wellBehaved.scores);
    expect(result.program.output).toBe('json_schema');
    // The optimizer found the rule (the scripted model is right only with it or with demos).
    expect(result.scores.test!).toBeGreaterThan(result.details.baselineTest!.mean);

    const body = taskBodies(server)[0]!;
    const format = body.response_format as { type: string; json_schema: { name: string; strict: boolean; schema: Record<string, any> } };
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.strict).toBe(true);
    expect(format.json_schema.schema.properties.species).toEqual({ type: 'string', enum: ['setosa', 'versicolor', 'virginica'] });
    expect(Object.keys(format.json_schema.schema.properties)).toEqual(['reasoning', 'species']);
    expect(format.json_schema.schema.required).toEqual(['reasoning', 'species']);
    expect(format.json_schema.schema.additionalProperties).toBe(false);
    expect(body.stop).toBeUndefined();
    expect(body.max_tokens).toBeLessThan(320);
  });

  it('chat: the run finishes, its unreadable answers counted and scored 0', async () => {
    server.reset();
    const { result } = await run(config(server.url, 'chat'));
    const u = result.usage.task;
    // 30% of answers break the format; two kinds in three are unreadable.
    expect(u.parseFailures).toBeGreaterThan(0.1 * u.calls);
    expect(u.parseFailures).toBeLessThan(0.3 * u.calls);
    expect(result.details.val.parseFailures).toBeGreaterThan(0);
    expect(result.details.val.errors).toBe(0);
    expect(result.scores.val).toBeLessThan(wellBehaved.scores.val);
    expect(result.trials.some((t) => (t.parseFailures ?? 0) > 0)).toBe(true);
    const body = taskBodies(server)[0]!;
    expect(body.response_format).toBeUndefined();
    expect(body.stop).toEqual(['[[ ## completed ## ]]']);
  });

  it('the proposer is asked in chat by default, with no schema', async () => {
    server.reset();
    await run(config(server.url, undefined, { kind: 'mipro_v2', auto: 'light', numTrials: 2 }));
    const proposer = server.requests.map((r) => r.body as ChatCompletionBody).filter((b) => b?.model === 'proposer-model');
    expect(proposer.length).toBeGreaterThan(0);
    expect(proposer.every((b) => b.response_format === undefined && Array.isArray(b.stop))).toBe(true);
  });
});

describe('auto against a server that refuses response_format', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer({
      handler: (body, ctx) =>
        body.response_format !== undefined
          ? { status: 400, body: { error: { message: "Unrecognized request argument supplied: response_format", type: 'invalid_request_error' } } }
          : irisHandler(body, ctx),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('falls back to chat on the first call, says so, remembers it, and a rerun sends nothing new', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'output-auto-'));
    const cache = await FileCacheStore.open(join(dir, 'cache'));
    const outputMemory = new FileOutputMemory(cache.dir);
    const cfg = config(server.url, undefined, { kind: 'bootstrap_few_shot' });
    const first = await run(cfg, { cache, outputMemory });
    await cache.close();

    const task = taskBodies(server);
    // One request asked for a schema, and only one, though calls run 4 at a time.
    expect(task.filter((b) => b.response_format !== undefined)).toHaveLength(1);
    expect(task.length).toBeGreaterThan(20);
    // Bootstrapping (the teacher role, on the same model) made the first call.
    expect(first.result.usage.teacher.failures + first.result.usage.task.failures).toBe(1);
    expect(first.result.usage.task.parseFailures).toBe(0);
    expect(first.result.program.output).toBe('chat');
    const notice = first.events.find((e) => e.type === 'output');
    expect(notice).toMatchObject({ type: 'output', roles: ['task', 'teacher'], output: 'chat', remembered: false });
    expect((notice as { reason: string }).reason).toMatch(/response_format/);
    const stored = JSON.parse(readFileSync(outputMemory.path, 'utf8'));
    expect(Object.values(stored.models)).toEqual([expect.objectContaining({ output: 'chat' })]);

    server.reset();
    const again = await FileCacheStore.open(join(dir, 'cache'));
    const second = await run(cfg, { cache: again, outputMemory: new FileOutputMemory(again.dir) });
    await again.close();
    expect(server.requests).toHaveLength(0);
    expect(second.result.scores).toEqual(first.result.scores);
    expect(second.events.find((e) => e.type === 'output')).toMatchObject({ output: 'chat', remembered: true });
  });

  it('an explicit json_schema is not second-guessed: the refusal is the run\'s error', async () => {
    server.reset();
    const err = await run(config(server.url, 'json_schema', { kind: 'none' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EVAL_ERROR_BUDGET', details: { firstError: { code: 'LM_FORMAT_UNSUPPORTED' } } });
    expect((err as Error & { hint: string }).hint).toMatch(/output to "chat"/);
  });
});
