/**
 * `npm run optimize` as the CLI tests run it: a child process (tsx compiles the runner from the
 * repository's source), in a folder of the test's, with its exit code and output. A non-zero
 * exit is returned, not thrown, so a test can assert on it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fixtureData } from '../../fixtures/fixture-data';
import { IRIS_SIGNATURE } from '../../fixtures/iris-world';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the runner with `args` in `cwd`; `env` is added to this process's environment. */
export async function runOptimizeCli(args: string[], opts: { cwd: string; env?: Record<string, string>; timeout?: number }): Promise<CliOutcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), resolve(ROOT, 'src/cli/optimize.ts'), ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      maxBuffer: 10 * 1024 * 1024,
      ...(opts.timeout !== undefined && { timeout: opts.timeout }),
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout?: string; stderr?: string };
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * A Predict run over all of Iris against the scripted Iris world at `url`, with `optimizer`:
 * writes the data and run.json in a fresh folder, runs the runner there, and returns its outcome.
 */
export async function runIrisCli(url: string, optimizer: Record<string, unknown>): Promise<CliOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'promptlab-cli-iris-'));
  writeFileSync(join(dir, 'iris.jsonl'), fixtureData('iris/all.jsonl').text);
  const config = {
    program: { template: 'predict', signature: IRIS_SIGNATURE },
    data: { path: join(dir, 'iris.jsonl'), split: { train: 0.2, val: 0.4, test: 0.4 }, seed: 0 },
    metric: { kind: 'exact_match', field: 'species' },
    optimizer,
    models: {
      task: { provider: 'openai-compatible', baseURL: url, model: 'task-model', output: 'chat' },
      proposer: { provider: 'openai-compatible', baseURL: url, model: 'proposer-model' },
    },
    seed: 0,
  };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(config));
  return runOptimizeCli(['--config', join(dir, 'run.json'), '--out', join(dir, 'result.json'), '--cache-dir', join(dir, 'cache')], { cwd: dir });
}
