/**
 * `npm run optimize` as the CLI tests run it: a child process (tsx compiles the runner from the
 * repository's source), in a folder of the test's, with its exit code and output. A non-zero
 * exit is returned, not thrown, so a test can assert on it.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

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
