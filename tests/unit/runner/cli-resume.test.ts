/**
 * The headless runner killed with kill -9 in the middle of its search, then started again
 * with --resume, ends with the result of a run that was never interrupted.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureData } from '../../fixtures/fixture-data';
import { IRIS_SIGNATURE, irisHandler } from '../../fixtures/iris-world';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';

const ROOT = resolve(__dirname, '../../..');

interface Child {
  done: Promise<{ code: number | null; stderr: string }>;
  kill(): void;
}

function optimize(dir: string, extra: string[] = []): Child {
  // tsx's loader inside one node process (its CLI would run the runner in a child, out of reach of kill -9).
  const loader = pathToFileURL(resolve(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', loader, resolve(ROOT, 'src/cli/optimize.ts'), '--config', join(dir, 'run.json'), '--out', join(dir, 'result.json'), '--cache-dir', join(dir, 'cache'), ...extra], { cwd: dir });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((ok) => child.on('close', (code) => ok({ code, stderr })));
  return { done, kill: () => child.kill('SIGKILL') };
}

/** Resolves once `check` holds, polling the file system (state, not time). */
async function until(check: () => boolean, child: Child): Promise<void> {
  let ended = false;
  void child.done.then(() => (ended = true));
  while (!check()) {
    if (ended) throw new Error('the runner ended before the state was reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function runDir(server: ScriptedServer): string {
  const dir = mkdtempSync(join(tmpdir(), 'promptlab-resume-'));
  writeFileSync(join(dir, 'iris.jsonl'), fixtureData('iris/all.jsonl').text);
  writeFileSync(join(dir, 'run.json'), JSON.stringify({
    program: { template: 'predict', signature: IRIS_SIGNATURE },
    data: { path: 'iris.jsonl', split: { train: 0.2, val: 0.4, test: 0.4 }, seed: 0 },
    metric: { kind: 'exact_match', field: 'species' },
    optimizer: { kind: 'mipro_v2', auto: 'light' },
    models: {
      task: { provider: 'openai-compatible', baseURL: server.url, model: 'task-model', maxConcurrency: 2 },
      proposer: { provider: 'openai-compatible', baseURL: server.url, model: 'proposer-model' },
    },
    seed: 0,
  }));
  return dir;
}

describe('npm run optimize --resume', { timeout: 180_000 }, () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    // A little latency per call, so the search is still going when the runner is killed.
    server = await startScriptedServer({ handler: async (body, ctx) => ({ reply: (await irisHandler(body, ctx)) as string, delayMs: 3 }) });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('continues a run killed with kill -9 from its checkpoint, to the uninterrupted result', async () => {
    const reference = runDir(server);
    expect((await optimize(reference).done).code).toBe(0);
    const expected = JSON.parse(readFileSync(join(reference, 'result.json'), 'utf8'));
    expect(existsSync(join(reference, 'result.json.checkpoint.json'))).toBe(false);

    const dir = runDir(server);
    const checkpoint = join(dir, 'result.json.checkpoint.json');
    const first = optimize(dir);
    // Killed once the checkpoint holds a few minibatch trials: mid-search.
    await until(() => existsSync(checkpoint) && (readFileSync(checkpoint, 'utf8').match(/"kind":"minibatch"/g)?.length ?? 0) >= 3, first);
    first.kill();
    expect((await first.done).code).toBe(null);
    expect(existsSync(join(dir, 'result.json'))).toBe(false);

    const resumed = await optimize(dir, ['--resume']).done;
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('Resuming from the checkpoint');
    const got = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    const path = (r: { trials: { index: number; params: unknown; score: number }[] }) => r.trials.map((t) => ({ index: t.index, params: t.params, score: t.score }));
    expect(path(got)).toEqual(path(expected));
    expect(got.program.state).toEqual(expected.program.state);
    expect(got.scores).toEqual(expected.scores);
    expect(existsSync(checkpoint)).toBe(false);
  });

  it('refuses to resume with a changed config, or with no checkpoint', async () => {
    const dir = runDir(server);
    const none = await optimize(dir, ['--resume']).done;
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no checkpoint to resume/);
    writeFileSync(join(dir, 'result.json.checkpoint.json'), JSON.stringify({ version: 1, configHash: 'other', latencyMs: 800, checkpoint: null, usage: {}, savedAt: '' }));
    const changed = await optimize(dir, ['--resume']).done;
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/different config/);
  });
});
