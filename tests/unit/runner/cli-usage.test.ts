/**
 * Issue 11, defects 4 and 6 through the runner's front door: every usage error (a typo, a bad
 * shape, a file that is not a file, an unknown flag) exits 2 with a CONFIG_INVALID message that
 * names the problem, never an INTERNAL "bug", and a password in a base URL is never printed.
 * No model is ever reached: all of these stop at validation.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOptimizeCli } from './cli-process';


async function optimize(config: unknown, args: string[] = []): Promise<{ code: number; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'promptlab-usage-'));
  writeFileSync(join(dir, 'words.jsonl'), '{"word":"apple","label":"alpha"}\n{"word":"pear","label":"beta"}\n');
  mkdirSync(join(dir, 'folder'));
  writeFileSync(join(dir, 'run.json'), JSON.stringify(config));
  const { code, stderr } = await runOptimizeCli(['--config', join(dir, 'run.json'), '--out', join(dir, 'result.json'), '--no-cache', ...args], { cwd: dir, timeout: 15_000 });
  return { code, stderr };
}

/** A config that would run, against a port nothing listens on, with one change. */
function config(patch: { data?: object; task?: object; top?: object } = {}) {
  return {
    program: { template: 'predict', signature: 'word -> label' },
    data: { path: 'words.jsonl', split: { train: 0.5, val: 0.5 }, ...patch.data },
    metric: { kind: 'exact_match', field: 'label' },
    optimizer: { kind: 'none' },
    models: { task: { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model: 'm', maxRetries: 0, timeoutMs: 2000, ...patch.task } },
    maxErrors: 100,
    ...patch.top,
  };
}

function expectUsageError(r: { code: number; stderr: string }, ...parts: string[]): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toMatch(/INTERNAL|bug in PromptLab/);
  for (const part of parts) expect(r.stderr).toContain(part);
}

describe('npm run optimize: usage errors exit 2 and name the problem', () => {
  it('refuses typos of keys, naming the key and the one meant', async () => {
    const { optimizer, ...rest } = config();
    const [optimiser, trails] = await Promise.all([
      optimize({ ...rest, optimiser: optimizer }),
      optimize(config({ top: { optimizer: { kind: 'mipro_v2', numTrails: 3 } } })),
    ]);
    expectUsageError(optimiser, 'CONFIG_INVALID', 'optimiser: is not an allowed key here; did you mean "optimizer"?', 'optimizer: is required');
    expectUsageError(trails, 'optimizer.numTrails', 'did you mean "numTrials"?');
  });

  it('refuses a mapping that is not an object and headers that are a string', async () => {
    const r = await optimize(config({ data: { mapping: 'word' }, task: { headers: 'Authorization: Bearer x' } }));
    expectUsageError(r, 'CONFIG_INVALID', 'data.mapping: must be an object', 'models.task.headers: must be an object');
  });

  it('checks data and corpus paths: missing, a folder, a device, all listed at once', async () => {
    const [missing, device] = await Promise.all([
      optimize(config({ data: { path: 'nope.jsonl', corpus: { path: 'folder' } } })),
      optimize(config({ data: { path: '/dev/zero' } })),
    ]);
    expectUsageError(missing, 'CONFIG_INVALID', 'data.path: ', 'nope.jsonl', 'does not exist', 'data.corpus.path: ', 'is a folder');
    expectUsageError(device, 'CONFIG_INVALID', 'data.path: ', '/dev/zero', 'not a regular file');
  });

  it('refuses a timeout past setTimeout range and endless retries, before any call', async () => {
    const r = await optimize(config({ task: { timeoutMs: 2 ** 31, maxRetries: 1e9 } }));
    expectUsageError(r, 'models.task.timeoutMs: must be at most 2147483647', 'models.task.maxRetries: must be at most 10');
  });

  it('refuses an unknown flag and a bad --latency-ms with the usage', async () => {
    const [flag, latency] = await Promise.all([optimize(config(), ['--bogus']), optimize(config(), ['--latency-ms', 'fast'])]);
    expectUsageError(flag, '--bogus', 'Usage:');
    expectUsageError(latency, '--latency-ms', 'Usage:');
  });
});

describe('npm run optimize: secrets', () => {
  it('refuses a password in the base URL without printing it', async () => {
    const r = await optimize(config({ task: { baseURL: 'http://alice:hunter2-PASSWORD@127.0.0.1:9/v1' }, top: { maxErrors: 0 } }));
    expectUsageError(r, 'models.task.baseURL');
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).not.toContain('alice');
  });
});
