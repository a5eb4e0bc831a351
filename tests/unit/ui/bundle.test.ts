import { beforeAll, describe, expect, it } from 'vitest';
import { PlaygroundError } from '../../../src/core/errors';
import { BUNDLE_VERSION, bundleFileName, createBundle, parseBundle, serializeBundle, type RunBundle } from '../../../src/ui/bundle';
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
    expect(text).not.toContain('apiKey');
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

  it('wraps bare optimizer events (as the event log may store them) into run events', () => {
    const bare = createBundle({ run: bundle.run, trials: [], events: [{ type: 'new_best', trial: 0, score: 0.5, params: {} }] });
    expect(bare.events[0]).toEqual({ type: 'optimizer', event: { type: 'new_best', trial: 0, score: 0.5, params: {} } });
  });

  it('names the file after the run', () => {
    expect(bundleFileName(bundle)).toBe('promptlab-run-word-rule-miprov2-scripted.json');
  });
});
