/**
 * Trace rows say when an answer could not be read: a real predictor call whose answer is
 * cut off at its token cap goes through the output channel, the recorder and the batcher
 * into IndexedDB, and comes back with its reason, format, cap and finish reason. Rows stored
 * before these fields existed still read, and the row builder still refuses secrets.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createOutputChannel } from '../../../src/core/lm/output';
import { callRecord } from '../../../src/core/lm/call-record';
import type { AnsweredCall, LanguageModel, LMRequest, ResolvedOutput } from '../../../src/core/lm/types';
import { buildFromTemplate, resolveProgram, runProgram } from '../../../src/core/program';
import type { ObservedCall } from '../../../src/core/runner';
import { EventLog, IdbCacheStore, RunStore, TraceStore, type PromptLabDB, type TraceRow } from '../../../src/storage';
import { traceRow } from '../../../src/storage/run-logs';
import { RunRecorder } from '../../../src/workers/run-recorder';
import { CONFIG, freshDB } from './helpers';
import { thrown } from '../errors';

let db: PromptLabDB;
beforeEach(async () => {
  db = await freshDB();
});

const program = resolveProgram(buildFromTemplate({ template: 'chain_of_thought', signature: 'question -> answer' }));
const RAMBLE = '  Let me think.\n\n\tThe answer is probably';

/**
 * Runs the program once in `output` mode against a model answering `completion` (stopping for
 * `finish`), and returns the call as the runner reports it to the page (see `buildModels`).
 */
async function observedCall(output: ResolvedOutput, completion: string, finish: string): Promise<ObservedCall> {
  let answered: AnsweredCall | undefined;
  const channel = createOutputChannel({ requested: output, maxReasoningTokens: 64, onAnswer: (c) => (answered = c) });
  const lm: LanguageModel = {
    id: 'm',
    maxConcurrency: 1,
    output: channel,
    call: async (_req: LMRequest) => ({ completions: [completion], usage: { promptTokens: 20, completionTokens: 9 }, model: 'm', finishReasons: [finish] }),
  };
  await runProgram(program, {}, { question: 'What is 2 + 2?' }, { lm, call: { phase: 'search', trialIndex: 3, exampleId: 'row-1' } });
  const call = answered!;
  return {
    role: 'task',
    context: call.request.context ?? {},
    record: callRecord(call.request, call.response, call.durationMs),
    ...(call.unreadable && { unreadable: call.unreadable }),
    durationMs: call.durationMs,
  };
}

async function recordAndList(...calls: ObservedCall[]): Promise<TraceRow[]> {
  const runs = new RunStore(db);
  await runs.create({ id: 'r', config: CONFIG });
  const recorder = await RunRecorder.open({ db, runs, events: new EventLog(db), cache: new IdbCacheStore(db) }, 'r');
  for (const c of calls) recorder.recordCall(c);
  await recorder.finish();
  return new TraceStore(db).list('r');
}

describe('trace rows of unreadable answers', () => {
  it('store why the answer could not be read, with the format, cap and finish reason of the call', async () => {
    const bad = await observedCall('json_schema', RAMBLE, 'length');
    const good = await observedCall('chat', '[[ ## reasoning ## ]]\n2 + 2\n\n[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]', 'stop');
    expect(bad.unreadable?.code).toBe('ADAPTER_PARSE');
    expect(good.unreadable).toBeUndefined();

    const rows = await recordAndList(bad, good);
    expect(rows).toHaveLength(2);
    const [b, g] = rows as [TraceRow, TraceRow];
    // The completion exactly as received: whitespace and all.
    expect(b.completion).toBe(RAMBLE);
    expect(b.responseFormat).toBe('json_schema');
    expect(b.finishReason).toBe('length');
    expect(b.maxTokens).toBe(bad.record!.maxTokens);
    expect(b.maxTokens).toBeGreaterThan(0);
    expect(b.unreadable).toEqual({ message: bad.unreadable!.message, missing: ['reasoning', 'answer'], invalid: [], cutOff: true });
    expect(b.unreadable!.message).toMatch(/cut off at its limit of \d+ tokens/);
    expect(b).toMatchObject({ role: 'task', phase: 'search', trialIndex: 3, exampleId: 'row-1', stepId: 'generate' });

    expect(g.unreadable).toBeUndefined();
    expect(g.responseFormat).toBeUndefined();
    expect(g.finishReason).toBe('stop');

    const only = await new TraceStore(db).list('r', { unreadable: true });
    expect(only.map((r) => r.completion)).toEqual([RAMBLE]);
    expect(await new TraceStore(db).list('r', { unreadable: true, trialIndex: 4 })).toEqual([]);
  });

  it('read rows stored before these fields existed, which no "only unreadable" filter matches', async () => {
    const old = { runId: 'r', stepId: 'generate', messages: [{ role: 'user' as const, content: 'q' }], completion: 'a', model: 'm', usage: { promptTokens: 1, completionTokens: 1 }, cached: false, at: 1 };
    await db.add('traces', old);
    const [row] = await new TraceStore(db).list('r');
    expect(row).toMatchObject(old);
    expect(row).not.toHaveProperty('unreadable');
    expect(await new TraceStore(db).list('r', { unreadable: true })).toEqual([]);
  });

  it('keep the secret checks: an unreadable error carrying a key is refused, not stored', async () => {
    const bad = await observedCall('chat', RAMBLE, 'stop');
    const leaky = { ...bad.unreadable!, details: { ...bad.unreadable!.details, apiKey: 'sk-live-123' } };
    const err = thrown(() => traceRow({ runId: 'r', stepId: 'generate', call: bad.record!, unreadable: leaky }));
    expect(err.code).toBe('INTERNAL');
    expect(err.details?.fields).toEqual(['unreadable.details.apiKey']);
    // Only the parse failure's own fields are copied: the row holds no `details` at all.
    const row = traceRow({ runId: 'r', stepId: 'generate', call: bad.record!, unreadable: bad.unreadable! });
    expect(Object.keys(row.unreadable!).sort()).toEqual(['invalid', 'message', 'missing']);
    expect(row.responseFormat).toBeUndefined();
  });
});
