/**
 * The headless runner's log of a MIPRO++ run: `npm run optimize` as a child process against
 * the scripted server prints one short line per proposal round (its trial, at random or by
 * TPE, the proposer's settings) and, at the end, the settings that scored best and the round
 * that wrote the winning instructions.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOptimizeCli } from './cli-process';
import { fixtureData } from '../../fixtures/fixture-data';
import { IRIS_SIGNATURE, irisHandler } from '../../fixtures/iris-world';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';


describe('npm run optimize with MIPRO++', { timeout: 90_000 }, () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer({ handler: irisHandler });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("prints each round's proposer settings, then the best settings and the winning round", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptlab-cli-plus-'));
    writeFileSync(join(dir, 'iris.jsonl'), fixtureData('iris/all.jsonl').text);
    const config = {
      program: { template: 'predict', signature: IRIS_SIGNATURE },
      data: { path: join(dir, 'iris.jsonl'), split: { train: 0.2, val: 0.4, test: 0.4 }, seed: 0 },
      metric: { kind: 'exact_match', field: 'species' },
      optimizer: { kind: 'mipro_v2', auto: 'light', mode: 'instructions_only', proposerSearch: true },
      models: {
        task: { provider: 'openai-compatible', baseURL: server.url, model: 'task-model', output: 'chat' },
        proposer: { provider: 'openai-compatible', baseURL: server.url, model: 'proposer-model' },
      },
      seed: 0,
    };
    writeFileSync(join(dir, 'run.json'), JSON.stringify(config));
    const { code, stderr } = await runOptimizeCli(['--config', join(dir, 'run.json'), '--out', join(dir, 'result.json'), '--cache-dir', join(dir, 'cache')], { cwd: dir });
    expect(code, stderr).toBe(0);
    const rounds = stderr.split('\n').filter((l) => /^ {2}round \d+ /.test(l));
    const planned = Number(/Plan \(mipro_v2\): (\d+) trials/.exec(stderr)![1]);
    expect(rounds).toHaveLength(planned);
    expect(rounds[0]).toMatch(/^ {2}round 1 \(trial 1, at random\) proposer settings: predict dataset summary (on|off), program summary (on|off), tip \w+, demos (on|off), temperature [\d.]+$/);
    expect(rounds.at(-1)).toMatch(/, by TPE\) proposer settings: predict /);
    expect(stderr).toMatch(/\n {2}proposer settings that scored best for predict \(mean on (minibatches of|all) \d+.*\): dataset summary (on|off) \([\d.]+%, \d+ rounds?(, tied)?\), .*tip \w+ /);
    expect(stderr).toMatch(/\n {2}(the winning instructions were written in round \d+|the original instructions won: no round beat them)\n/);
  });
});
