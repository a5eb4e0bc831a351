import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_VERSION, bundleFileName, createBundle, parseBundle, serializeBundle, type BundleTrace, type RunBundle } from '../../../src/ui/bundle';
import type { TraceRow } from '../../../src/storage';
import { tpeSteps } from '../../../src/ui/teach/teach-model';
import { FIXTURE_CONFIG, makeRunBundle } from './run-fixture';
import { findSecrets } from '../../../src/storage/secrets';
import { codeOf } from '../errors';

describe('run bundle', () => {
  let bundle: RunBundle;
  beforeAll(async () => {
    bundle = await makeRunBundle();
  }, 60_000);

  it('round-trips a real MIPROv2 run: trials, events, traces and result come back equal', () => {
    const text = serializeBundle(bundle);
    const back = parseBundle(text);
    // JSON has no NaN (TPE's score of a non-TPE pick): the replay must read the same either way.
    expect(back).toEqual(JSON.parse(text));
    expect(tpeSteps(back.events, back.trials)).toEqual(tpeSteps(bundle.events, bundle.trials));
    expect(back.trials.length).toBeGreaterThan(10);
    expect(back.traces.length).toBeGreaterThan(100);
    expect(back.events.some((e) => e.type === 'optimizer' && e.event.type === 'trial_start')).toBe(true);
    expect(back.run.result?.details.test?.ci95).toBeDefined();
  });

  it('never carries an API key: the config is redacted before export', () => {
    const text = serializeBundle(bundle);
    expect(text).not.toContain('sk-secret-never-exported');
    // Only the mark that a key was given (a resume asks for it) travels, never the key.
    expect(findSecrets(JSON.parse(text))).toEqual([]);
    for (const m of text.matchAll(/"apiKey":\s*"([^"]*)"/g)) expect(m[1]).toBe('<redacted>');
  });

  it('exports a stored config without its keys or pasted data', () => {
    const withData = { ...FIXTURE_CONFIG, data: { ...FIXTURE_CONFIG.data, text: 'word,label\napple,alpha' } };
    const out = serializeBundle(createBundle({ run: { ...bundle.run, config: withData }, trials: [], events: [] }));
    expect(findSecrets(JSON.parse(out))).toEqual([]);
    expect(out).not.toContain('apple');
  });

  it('refuses to export a key hidden anywhere else in the run', () => {
    const leaky = { ...bundle.run, error: { code: 'INTERNAL' as const, message: 'x', details: { apiKey: 'sk-leak' } } };
    expect(codeOf(() => createBundle({ run: leaky, trials: [], events: [] }))).toBe('SHARE_INVALID');
  });

  it("exports a run whose dataset has a column named like a secret: the user's data is not a key", () => {
    const row = { inputs: { password: 'hunter2', question: 'q' }, labels: { secret: 'yes' } };
    const events = [
      { type: 'optimizer' as const, event: { type: 'bootstrap_rejected' as const, set: 0, exampleId: 'r1', round: 0, score: 0, reason: 'wrong' as const, example: row, answer: { secret: 'no' } } },
      { type: 'optimizer' as const, event: { type: 'demo_bootstrapped' as const, predictor: 'generate', set: 0, exampleId: 'r2', round: 0, score: 1, demo: { fields: { password: 'p', secret: 'yes' } } } },
    ];
    const text = serializeBundle(createBundle({ run: bundle.run, trials: [], events }));
    expect(parseBundle(text).events).toHaveLength(2);
    // A key beside them is still refused.
    const leaky = [{ type: 'optimizer' as const, event: { ...events[0]!.event, apiKey: 'sk-x' } }];
    expect(codeOf(() => createBundle({ run: bundle.run, trials: [], events: leaky as never }))).toBe('SHARE_INVALID');
  });

  it('refuses to import a file whose config holds a key or an unredacted header', () => {
    const keyed = { ...bundle, run: { ...bundle.run, config: FIXTURE_CONFIG } };
    expect(codeOf(() => parseBundle(JSON.stringify(keyed)))).toBe('SHARE_INVALID');
    const task = { ...bundle.run.config.models.task, headers: { Authorization: 'Bearer x' } };
    const header = { ...bundle, run: { ...bundle.run, config: { ...bundle.run.config, models: { task } } } };
    expect(codeOf(() => parseBundle(JSON.stringify(header)))).toBe('SHARE_INVALID');
  });

  it('checks the version: a newer bundle gets SHARE_VERSION, not a half-read replay', () => {
    expect(codeOf(() => parseBundle(JSON.stringify({ ...bundle, version: BUNDLE_VERSION + 1 })))).toBe('SHARE_VERSION');
  });

  it('rejects what is not a bundle, or a malformed one, with SHARE_INVALID', () => {
    expect(codeOf(() => parseBundle('not json'))).toBe('SHARE_INVALID');
    expect(codeOf(() => parseBundle(JSON.stringify({ hello: 1 })))).toBe('SHARE_INVALID');
    const badTrial = { ...bundle, trials: [{ ...bundle.trials[0], score: 'high' }] };
    expect(codeOf(() => parseBundle(JSON.stringify(badTrial)))).toBe('SHARE_INVALID');
    const badTrace = { ...bundle, traces: [{ ...bundle.traces[0], messages: 'hi' }] };
    expect(codeOf(() => parseBundle(JSON.stringify(badTrace)))).toBe('SHARE_INVALID');
  });

  it('carries whether each answer could be read, with its format, cap and finish reason, through export and import', () => {
    const [first, second] = bundle.traces as [BundleTrace, BundleTrace];
    const unreadable = { message: 'Could not read the model\'s answer: missing "answer".', missing: ['answer'], invalid: [{ field: 'score', reason: 'not a number' }], cutOff: true };
    const marked: TraceRow = { ...first, id: 7, runId: 'r', completion: '  prose\n\twith whitespace ', maxTokens: 320, responseFormat: 'json_schema', finishReason: 'length', unreadable };
    const back = parseBundle(serializeBundle(createBundle({ run: bundle.run, trials: [], events: [], traces: [marked, second] })));
    const { id: _id, runId: _run, ...expected } = marked;
    expect(back.traces[0]).toEqual(expected);
    expect(back.traces[1]).toEqual(second);
    expect(back.traces.map((t) => t.unreadable !== undefined)).toEqual([true, false]);
  });

  it('imports bundles exported before traces had those fields, and refuses them when they are malformed', () => {
    const NEW_FIELDS = ['maxTokens', 'responseFormat', 'finishReason', 'unreadable'];
    const old = { ...bundle, traces: bundle.traces.map((t) => Object.fromEntries(Object.entries(t).filter(([k]) => !NEW_FIELDS.includes(k)))) };
    const back = parseBundle(JSON.stringify(old));
    expect(back.traces).toHaveLength(bundle.traces.length);
    expect(back.traces.every((t) => t.unreadable === undefined && t.responseFormat === undefined)).toBe(true);
    const trace = bundle.traces[0]!;
    for (const bad of [{ responseFormat: 'xml' }, { maxTokens: '256' }, { unreadable: { message: 1, missing: [], invalid: [] } }, { unreadable: { message: 'x' } }]) {
      expect(codeOf(() => parseBundle(JSON.stringify({ ...bundle, traces: [{ ...trace, ...bad }] }))), JSON.stringify(bad)).toBe('SHARE_INVALID');
    }
  });

  it('wraps bare optimizer events (as the event log may store them) into run events', () => {
    const bare = createBundle({ run: bundle.run, trials: [], events: [{ type: 'new_best', trial: 0, score: 0.5, params: {} }] });
    expect(bare.events[0]).toEqual({ type: 'optimizer', event: { type: 'new_best', trial: 0, score: 0.5, params: {} } });
  });

  it('names the file after the run', () => {
    expect(bundleFileName(bundle)).toBe('promptlab-run-word-rule-miprov2-scripted.json');
  });
});
