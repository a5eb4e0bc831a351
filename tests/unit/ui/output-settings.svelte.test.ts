/**
 * Answer formats in the UI: the Models panel's choice per model goes into the run config
 * (only what differs from the defaults) and persists with the workspace (never a key); the
 * findings of `auto` are read from and forgotten in the shared memory; the run view notes an
 * `output` event, also when the run is reopened from storage; the usage table's unreadable
 * answers and tokens per call.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { OpenAICompatibleLM, emptyUsage } from '../../../src/core/lm';
import { validateRunConfig, type RunConfig, type RunEvent } from '../../../src/core/runner';
import type { RunUpdate } from '../../../src/protocol/optimizer';
import { IdbOutputMemory, openPromptLabDB, SettingsStore } from '../../../src/storage';
import { applyUpdates, emptySnapshot, storedSnapshot } from '../../../src/ui/run/run-snapshot';
import { outputNotes, usageRows } from '../../../src/ui/run/view-models';
import { OUTPUT_CHOICES } from '../../../src/ui/setup/models-state.svelte';
import { OutputFindings, findingText } from '../../../src/ui/setup/output-findings.svelte';
import { WorkspaceState } from '../../../src/ui/state/workspace.svelte';

let counter = 0;
const freshDb = () => openPromptLabDB(`output-ui-${process.pid}-${counter++}`);

function workspace(): WorkspaceState {
  const ws = new WorkspaceState();
  const [ep] = ws.models.endpoints;
  ep!.baseURL = 'http://127.0.0.1:9/v1/';
  ep!.model = 'task-model';
  ep!.apiKey = 'sk-secret';
  return ws;
}

describe('Models panel: answer format per model', () => {
  it('offers Auto first, then every other mode the runner knows', () => {
    expect(OUTPUT_CHOICES.map((c) => c.value)).toEqual(['auto', 'chat', 'json', 'json_schema']);
    expect(OUTPUT_CHOICES[0]!.help).toMatch(/proposer and judge default to chat/);
  });

  it('leaves the defaults out of the run config and puts a choice in the model entry of every role it serves', () => {
    const ws = workspace();
    expect(ws.models.toConfig().task).not.toHaveProperty('output');
    expect(ws.models.toConfig().task).not.toHaveProperty('maxReasoningTokens');

    ws.models.addEndpoint();
    const proposer = ws.models.endpoints[1]!;
    Object.assign(proposer, { baseURL: 'http://127.0.0.1:9/v1', model: 'proposer-model', output: 'json', maxReasoningTokens: 512 });
    ws.models.roles.proposer = proposer.id;
    ws.models.endpoints[0]!.output = 'chat';
    const models = ws.models.toConfig();
    expect(models.task).toMatchObject({ model: 'task-model', output: 'chat' });
    expect(models.proposer).toMatchObject({ model: 'proposer-model', output: 'json', maxReasoningTokens: 512 });
    expect(ws.problems).toEqual(expect.not.arrayContaining([expect.stringMatching(/output|maxReasoningTokens/)]));
  });

  it('treats an empty token field as the default and lets the config check name a cap too small', () => {
    const ws = workspace();
    ws.models.endpoints[0]!.maxReasoningTokens = 256;
    expect(ws.models.toConfig().task).not.toHaveProperty('maxReasoningTokens');
    ws.models.endpoints[0]!.maxReasoningTokens = 8;
    expect(validateRunConfig({ ...ws.toRunConfig(), program: { template: 'predict', signature: 'q -> a' }, data: { rows: [{ q: 1, a: 2 }], split: { train: 1, val: 1 } } } as RunConfig))
      .toContain('models.task.maxReasoningTokens: must be at least 16, but got 8');
  });

  it('gives the local model the same choice', () => {
    const ws = workspace();
    ws.models.localModel = 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC';
    ws.models.roles.task = 'local';
    ws.models.localOutput.output = 'json_schema';
    expect(ws.models.toConfig().task).toEqual({ provider: 'webllm', model: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC', output: 'json_schema' });
    expect(ws.models.modelIdOf('local')).toBe('webllm:Qwen2.5-0.5B-Instruct-q4f16_1-MLC');
  });

  it('names an endpoint the way its client does in runs (where findings are kept)', () => {
    const ws = workspace();
    const cfg = ws.models.configFor('api-1');
    if (cfg?.provider !== 'openai-compatible') throw new Error('expected an endpoint');
    expect(ws.models.modelIdOf('api-1')).toBe(new OpenAICompatibleLM({ baseURL: cfg.baseURL, model: cfg.model }).id);
    expect(ws.models.modelIdOf('api-1')).toBe('openai-compatible:task-model@http://127.0.0.1:9/v1');
    ws.models.endpoints[0]!.baseURL = 'not a url';
    expect(ws.models.modelIdOf('api-1')).toBeUndefined();
  });

  it('persists the choices with the workspace (keys stay out), and loads an older workspace with the defaults', async () => {
    const store = new SettingsStore(await freshDb());
    const ws = workspace();
    ws.models.endpoints[0]!.output = 'chat';
    ws.models.endpoints[0]!.maxReasoningTokens = 128;
    ws.models.localOutput = { output: 'json', maxReasoningTokens: null };
    await ws.save(store);
    expect(JSON.stringify(await store.get('workspace.v1'))).not.toContain('sk-secret');

    const again = new WorkspaceState();
    await again.load(store);
    expect(again.models.endpoints[0]).toMatchObject({ output: 'chat', maxReasoningTokens: 128, apiKey: '' });
    expect(again.models.localOutput).toEqual({ output: 'json', maxReasoningTokens: null });

    // Saved before answer formats: no fields at all (and a mode this version does not know).
    const { endpoints, localOutput: _new, ...rest } = ws.models.snapshot();
    const old = endpoints.map(({ output: _o, maxReasoningTokens: _m, ...e }) => e);
    await store.set('workspace.v1', { ...ws.snapshot(), models: { ...rest, endpoints: [{ ...old[0], output: 'xml' }] } });
    const older = new WorkspaceState();
    await older.load(store);
    expect(older.models.endpoints[0]).toMatchObject({ output: 'auto', maxReasoningTokens: null });
    expect(older.models.localOutput).toEqual({ output: 'auto', maxReasoningTokens: null });
    expect(older.models.toConfig().task).not.toHaveProperty('output');
  });
});

describe('Models panel: what auto found', () => {
  it('reads a finding the worker recorded, says it, and forgets it on "Check again"', async () => {
    const db = await freshDb();
    const worker = new IdbOutputMemory(db, () => new Date('2026-12-02T10:00:00Z'));
    const findings = new OutputFindings(async () => new IdbOutputMemory(db));
    await findings.read('m');
    expect(findings.found).toEqual({ m: null });
    expect(findingText(findings.found.m, 'This server')).toMatch(/^Not checked yet/);

    await worker.set('m', 'chat');
    await findings.refresh();
    expect(findings.found.m).toMatchObject({ output: 'chat' });
    expect(findingText(findings.found.m, 'This server')).toMatch(/^This server refused JSON schemas on .*2026: answers are asked in chat format\.$/);

    await findings.forget('m');
    expect(findings.found.m).toBeNull();
    expect(await worker.get('m')).toBeUndefined();

    await worker.set('m', 'json_schema');
    await findings.refresh();
    expect(findingText(findings.found.m, 'This model')).toMatch(/^This model takes JSON schemas/);
  });

  it('reports a store that cannot open, and tries again on the next read', async () => {
    let opens = 0;
    const db = await freshDb();
    const findings = new OutputFindings(async () => {
      if (opens++ === 0) throw new Error('IndexedDB is not available');
      return new IdbOutputMemory(db);
    });
    await findings.read('m');
    expect(findings.error?.message).toMatch(/not available/);
    await findings.read('m');
    expect(findings.found).toEqual({ m: null });
  });
});

describe('run view: output events', () => {
  const refused: RunEvent = { type: 'output', roles: ['task', 'teacher'], modelId: 'openai-compatible:m@http://x/v1', output: 'chat', reason: 'response_format json_schema is not supported', remembered: false };

  it('says a refusal with its reason, and a remembered mode as remembered', () => {
    expect(outputNotes([refused])).toEqual([{
      tone: 'warn',
      modelId: 'openai-compatible:m@http://x/v1',
      text: 'The task and teacher model refused JSON schemas: answers were asked in chat format from then on.',
      reason: 'response_format json_schema is not supported',
    }]);
    const [note] = outputNotes([{ type: 'output', roles: ['task'], modelId: 'webllm:Q', output: 'json_schema', remembered: true }]);
    expect(note).toEqual({ tone: 'neutral', modelId: 'webllm:Q', text: 'The task model was asked in JSON-schema format (remembered from an earlier run).' });
    expect(outputNotes([{ ...refused, remembered: true }])[0]!.text).toMatch(/^The task and teacher model was asked in chat format: an earlier run found it refuses JSON schemas/);
    expect(outputNotes([{ ...refused, output: 'json_schema', reason: undefined } as RunEvent])[0]!.text).toMatch(/takes JSON schemas/);
  });

  it('notes a model once per mode (a resumed run recalls what it found)', () => {
    expect(outputNotes([refused, { ...refused, remembered: true }, { type: 'phase', phase: 'search', status: 'start' }])).toHaveLength(1);
  });

  it('keeps the event in the live snapshot and in one reopened from storage', () => {
    const update: RunUpdate = { kind: 'event', runId: 'r', seq: 0, event: refused };
    const live = applyUpdates(emptySnapshot('r'), [update], 1);
    expect(outputNotes(live.story)).toHaveLength(1);
    const stored = storedSnapshot({ id: 'r', status: 'completed', createdAt: 1, config: {} as RunConfig }, [{ event: refused, at: 1, seq: 0 }], []);
    expect(outputNotes(stored.story)[0]!.tone).toBe('warn');
  });
});

describe('usage table', () => {
  it('shows tokens per answered call, and unreadable answers (0 for runs stored before they were counted)', () => {
    const usage = emptyUsage();
    usage.task = { calls: 10, attempts: 10, cacheHits: 3, failures: 2, parseFailures: 1, promptTokens: 3300, completionTokens: 304 };
    usage.proposer = { calls: 2, attempts: 2, cacheHits: 0, failures: 2, parseFailures: 0, promptTokens: 0, completionTokens: 0 };
    const { parseFailures: _absent, ...old } = usage.teacher;
    usage.teacher = { ...old, calls: 3, promptTokens: 1236, completionTokens: 114 } as typeof usage.teacher;
    const rows = usageRows(usage);
    expect(rows.map((r) => [r.role, r.perCall, r.parseFailures])).toEqual([
      ['task', '413 in / 38 out', 1],
      ['proposer', '—', 0],
      ['teacher', '412 in / 38 out', 0],
    ]);
  });
});
