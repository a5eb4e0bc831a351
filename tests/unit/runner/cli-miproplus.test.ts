/**
 * The headless runner's log of a MIPRO++ run: `npm run optimize` as a child process against
 * the scripted server prints one short line per proposal round (its trial, at random or by
 * TPE, the proposer's settings) and, at the end, the settings that scored best and the round
 * that wrote the winning instructions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIrisCli } from './cli-process';
import { irisHandler } from '../../fixtures/iris-world';
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
    const { code, stderr } = await runIrisCli(server.url, { kind: 'mipro_v2', auto: 'light', mode: 'instructions_only', proposerSearch: true });
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
