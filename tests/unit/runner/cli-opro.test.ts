/**
 * The headless runner's log of an OPRO run: `npm run optimize` as a child process against the
 * scripted server prints one short line per proposer call — which call, what it saw (the
 * history's size, its best score and what that was measured on, the examples) and the
 * instruction it wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIrisCli } from './cli-process';
import { irisHandler } from '../../fixtures/iris-world';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';


describe('npm run optimize with OPRO', { timeout: 90_000 }, () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer({ handler: irisHandler });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('prints one line per proposer call: the step, what it saw and the instruction it wrote', async () => {
    const { code, stderr } = await runIrisCli(server.url, { kind: 'opro', level: 'module', rounds: 2, candidatesPerRound: 2 });
    expect(code, stderr).toBe(0);
    const lines = stderr.split('\n').filter((l) => /^ {2}proposer call \d/.test(l));
    expect(lines).toHaveLength(4);
    // The first call saw the default program, scored in full on the 60 validation rows, and wrote instruction 1.
    expect(lines[0]).toMatch(/^ {2}proposer call 1 of step 1 \(round 1, module level\) saw 1 scored attempt \(best [\d.]+% on a full evaluation of 60\) and 3 examples; wrote instruction predict 1$/);
    // The scripted proposer writes the rule again: the line names the instruction it repeats.
    expect(lines[1]).toMatch(/^ {2}proposer call 2 of step 1 .* wrote instruction predict 1$/);
    // The second step saw the rule's full score, best last.
    expect(lines[3]).toMatch(/^ {2}proposer call 2 of step 2 \(round 2, module level\) saw 2 scored attempts \(best 95\.0% on a full evaluation of 60\) and 3 examples/);
  });
});
