/**
 * Per-example outcomes travel with a run: stored in IndexedDB with its result and carried by
 * its bundle. Runs and bundles made before them (results without `examples`) still open.
 */
import { describe, expect, it } from 'vitest';
import type { ExampleOutcomes, RunResult } from '../../../src/core/runner';
import { RunStore } from '../../../src/storage';
import { parseBundle, serializeBundle } from '../../../src/ui/bundle';
import { freshDB, CONFIG } from '../storage/helpers';
import { makeRunBundle } from './run-fixture';

const EXAMPLES: ExampleOutcomes = {
  val: [{ id: 'v1', inputs: { word: 'a' }, labels: { label: 'x' }, optimized: { prediction: { label: 'x' }, score: 1 } }],
  test: [{ id: 't1', inputs: { word: '=b' }, labels: { label: 'y' }, optimized: { prediction: { label: 'y' }, score: 1 }, baseline: { prediction: { label: 'x' }, score: 0, error: { code: 'LM_HTTP', message: 'down' } } }],
};

describe('stored and bundled per-example outcomes', () => {
  it('keeps them with a completed run in IndexedDB, and reads a run stored without them', async () => {
    const runs = new RunStore(await freshDB());
    const bundle = await makeRunBundle();
    const result = { ...bundle.run.result!, trials: [] } as RunResult;
    const withExamples = await runs.create({ config: CONFIG });
    await runs.complete(withExamples.id, { ...result, examples: EXAMPLES });
    expect((await runs.get(withExamples.id))?.result?.examples).toEqual(EXAMPLES);
    const before = await runs.create({ config: CONFIG });
    await runs.complete(before.id, result);
    const old = await runs.get(before.id);
    expect(old?.status).toBe('completed');
    expect(old?.result?.examples).toBeUndefined();
  });

  it('round-trips them in a bundle, and imports a bundle exported before them', async () => {
    const old = await makeRunBundle();
    expect(old.run.result!.examples).toBeUndefined();
    expect(parseBundle(serializeBundle(old)).run.result!.examples).toBeUndefined();
    const bundle = { ...old, run: { ...old.run, result: { ...old.run.result!, examples: EXAMPLES } } };
    expect(parseBundle(serializeBundle(bundle)).run.result!.examples).toEqual(EXAMPLES);
  });
});
