/**
 * What the trace inspector says of a call (format, cap, cut-off, why its answer could not
 * be read), and what the share panel and preview say of a program's output mode.
 */
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/core/runner';
import type { BundleTrace } from '../../../src/ui/bundle';
import { traceCallView, unreadableCount } from '../../../src/ui/run/trace-view';
import { shareMetaOf } from '../../../src/ui/run/view-models';
import { configuredOutput, outputAnswers } from '../../../src/ui/share/share-state.svelte';

const OLD_ROW: BundleTrace = { stepId: 'generate', messages: [], completion: 'x', model: 'm', usage: { promptTokens: 3, completionTokens: 48 }, cached: false, at: 1 };

describe('trace inspector labels', () => {
  it('read a row stored before formats were recorded as a chat call with nothing to flag', () => {
    expect(traceCallView(OLD_ROW)).toEqual({ format: 'chat' });
  });

  it('name the format, the cap, and where an answer was cut off', () => {
    expect(traceCallView({ ...OLD_ROW, responseFormat: 'json_schema', maxTokens: 320, finishReason: 'stop' })).toEqual({ format: 'JSON schema', cap: '320 token cap' });
    expect(traceCallView({ ...OLD_ROW, responseFormat: 'json_object', maxTokens: 320, finishReason: 'length' })).toEqual({ format: 'JSON object', cap: '320 token cap', cutOff: 'cut off at 320 tokens' });
    // No cap recorded: the model's own token count says where it stopped.
    expect(traceCallView({ ...OLD_ROW, finishReason: 'length' }).cutOff).toBe('cut off at 48 tokens');
  });

  it('give an unreadable answer its reason from the parse failure, or the parser message when it named no field', () => {
    const missing = { message: 'Could not read the model\'s answer: missing "species".', missing: ['reasoning', 'species'], invalid: [], cutOff: true };
    expect(traceCallView({ ...OLD_ROW, unreadable: missing }).unreadable).toBe('missing "reasoning", "species"; the answer was cut off at its token cap');
    const invalid = { message: 'm', missing: [], invalid: [{ field: 'score', reason: 'not a number' }] };
    expect(traceCallView({ ...OLD_ROW, unreadable: invalid }).unreadable).toBe('"score" invalid (not a number)');
    expect(traceCallView({ ...OLD_ROW, unreadable: { message: 'The answer is not JSON.', missing: [], invalid: [] } }).unreadable).toBe('The answer is not JSON.');
    expect(unreadableCount([OLD_ROW, { ...OLD_ROW, unreadable: invalid }, { ...OLD_ROW, unreadable: missing }])).toBe(2);
  });
});

describe('output mode in share links', () => {
  const summary = {
    details: { val: { mean: 0.8, ci95: { lo: 0.7, hi: 0.9 }, n: 10, errors: 0 } },
    config: { metric: { kind: 'exact_match', field: 'species' }, optimizer: { kind: 'mipro_v2', auto: 'light' }, models: { task: { provider: 'openai-compatible', baseURL: 'http://x/v1', model: 'gpt-4o-mini' } } },
    program: { spec: {}, state: {} },
  } as unknown as RunSummary;

  it("records the mode a run's program was optimized with, and none for results stored before modes", () => {
    expect(shareMetaOf({ ...summary, program: { ...summary.program, output: 'json_schema' } }).output).toBe('json_schema');
    expect(shareMetaOf(summary)).not.toHaveProperty('output');
  });

  it("takes a workspace program's mode from the task model, unless it is decided at run time", () => {
    const task = { provider: 'openai-compatible' as const, baseURL: 'http://x/v1', model: 'm' };
    expect(configuredOutput({ ...task, output: 'json' })).toBe('json');
    expect(configuredOutput({ ...task, output: 'chat' })).toBe('chat');
    expect(configuredOutput({ ...task, output: 'auto' })).toBeUndefined();
    expect(configuredOutput(task)).toBeUndefined();
    expect(configuredOutput(undefined)).toBeUndefined();
  });

  it('words each mode for the preview', () => {
    expect(outputAnswers('json_schema')).toBe('JSON-schema answers');
    expect(outputAnswers('json')).toBe('JSON-object answers');
    expect(outputAnswers('chat')).toMatch(/^chat answers/);
  });
});
