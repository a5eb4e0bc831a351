/**
 * The headless runner end to end: `npm run optimize` as a child process against the scripted
 * OpenAI-compatible server, on the example config and on the real Iris data (written to
 * a file, as a user would pass it).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOptimizeCli } from './cli-process';
import { fixtureData } from '../../fixtures/fixture-data';
import { IRIS_SIGNATURE, irisHandler } from '../../fixtures/iris-world';
import { startFaultProxy } from '../../fixtures/fault-proxy';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';

const KEY = 'sk-test-SECRET-0123456789';

async function optimize(dir: string, config: unknown, extra: string[] = []) {
  writeFileSync(join(dir, 'run.json'), JSON.stringify(config));
  const { code, stderr } = await runOptimizeCli(['--config', join(dir, 'run.json'), '--out', join(dir, 'result.json'), '--cache-dir', join(dir, 'cache'), ...extra], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
  return { code, stderr, result: code === 0 ? JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) : undefined };
}

// Each test starts the runner as a child process (tsx compiles it first): on a loaded 2-core machine that alone takes seconds.
describe('npm run optimize', { timeout: 90_000 }, () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer({
      handler: (body) => {
        const last = String(body.messages?.at(-1)?.content ?? '');
        if (last.includes('[[ ## word ## ]]')) {
          const word = /\[\[ ## word ## \]\]\n([^\n]*)/.exec(last)![1]!.trim();
          return `[[ ## reasoning ## ]]\nIt starts with ${word[0]}.\n\n[[ ## label ## ]]\n${word[0]! <= 'm' ? 'alpha' : 'beta'}\n\n[[ ## completed ## ]]`;
        }
        return irisHandler(body, { index: 0, headers: {} });
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A fresh folder with all of Iris and a config optimizing it with `optimizer` against the scripted server. */
  function irisRun(prefix: string, optimizer: Record<string, unknown>, task: { maxConcurrency?: number } = {}) {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const iris = join(dir, 'iris.jsonl');
    writeFileSync(iris, fixtureData('iris/all.jsonl').text);
    const config = {
      program: { template: 'predict', signature: IRIS_SIGNATURE },
      data: { path: iris, split: { train: 0.2, val: 0.4, test: 0.4 }, seed: 0 },
      metric: { kind: 'exact_match', field: 'species' },
      optimizer,
      models: {
        task: { provider: 'openai-compatible', baseURL: server.url, model: 'task-model', ...task },
        proposer: { provider: 'openai-compatible', baseURL: server.url, model: 'proposer-model' },
      },
      seed: 0,
    };
    return { dir, config };
  }

  it("runs the issue's example config, caches on disk, and a rerun sends no request", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptlab-cli-'));
    const rows = ['apple', 'banana', 'cherry', 'quince', 'tomato', 'zucchini', 'mango', 'walnut', 'date', 'pear'].map((w) => ({ word: w, label: w[0]! <= 'm' ? 'alpha' : 'beta' }));
    writeFileSync(join(dir, 'words.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    const config = {
      program: { template: 'chain_of_thought', signature: 'word -> label', labels: { label: ['alpha', 'beta'] } },
      data: { path: 'words.jsonl', split: { train: 0.5, val: 0.5 }, seed: 0 },
      metric: { kind: 'exact_match', field: 'label' },
      optimizer: { kind: 'none' },
      models: { task: { provider: 'openai-compatible', baseURL: server.url, model: 'm', apiKeyEnv: 'OPENAI_API_KEY' } },
      seed: 0,
    };
    server.reset();
    const first = await optimize(dir, config);
    expect(first.code).toBe(0);
    const r = first.result;
    expect(r.scores.val).toBe(1);
    expect(r.usage.task.calls).toBe(5);
    expect(r.usage.task.cacheHits).toBe(0);
    expect(r.program.spec.steps[0].kind).toBe('chain_of_thought');
    expect(r.program.state.generate.instruction).toContain('word');
    expect(r.trials).toEqual([]);
    expect(r.timings.totalMs).toBeGreaterThan(0);
    expect(first.stderr).toContain('val');
    // auto output: the endpoint took the JSON schema of the first call, and the runner says so.
    expect(first.stderr).toMatch(/Output: task and teacher model openai-compatible:m@\S+ accepts JSON schemas/);
    expect(r.program.output).toBe('json_schema');
    expect((server.requests[0]!.body as { response_format: { type: string } }).response_format.type).toBe('json_schema');
    // The key went to the endpoint, and nowhere else.
    expect(server.requests.every((q) => q.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(readFileSync(join(dir, 'result.json'), 'utf8')).not.toContain(KEY);
    expect(readFileSync(join(dir, 'cache', 'cache.jsonl'), 'utf8')).not.toContain(KEY);
    expect(first.stderr).not.toContain(KEY);
    // The final line says how many requests went out: here each call was one.
    expect(first.stderr).toMatch(/task calls sent 5, attempts 5, cache hits 0, failures 0; all roles: 5 calls, 5 attempts\n$/);

    server.reset();
    const second = await optimize(dir, config);
    expect(second.code).toBe(0);
    expect(second.result.usage.task.calls).toBe(0);
    expect(second.result.usage.task.cacheHits).toBe(5);
    expect(second.result.scores).toEqual(r.scores);
    expect(server.requests).toHaveLength(0);
    expect(second.stderr).toMatch(/is asked in json_schema format, as an earlier run found/);
  });

  it('counts in its final line every request sent: under connection resets, as many attempts as the proxy received', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptlab-cli-resets-'));
    const rows = ['apple', 'banana', 'cherry', 'quince', 'tomato', 'zucchini', 'mango', 'walnut', 'date', 'pear', 'kiwi', 'olive'].map((w) => ({ word: w, label: w[0]! <= 'm' ? 'alpha' : 'beta' }));
    writeFileSync(join(dir, 'words.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    const proxy = await startFaultProxy({ target: server.url, rate: 0.3, faults: ['reset-before-body', 'reset-after-body'], seed: 3 });
    try {
      const { code, stderr, result: r } = await optimize(dir, {
        program: { template: 'predict', signature: 'word -> label', labels: { label: ['alpha', 'beta'] } },
        data: { path: 'words.jsonl', split: { train: 0.5, val: 0.5 }, seed: 0 },
        metric: { kind: 'exact_match', field: 'label' },
        optimizer: { kind: 'none' },
        models: { task: { provider: 'openai-compatible', baseURL: proxy.url, model: 'm', output: 'chat', maxRetries: 8 } },
        seed: 0,
      });
      expect(code, stderr).toBe(0);
      const resets = proxy.injected['reset-before-body'] + proxy.injected['reset-after-body'];
      expect(resets).toBeGreaterThan(0);
      expect(r.usage.task).toMatchObject({ calls: 6, attempts: proxy.received, failures: 0 });
      expect(proxy.received).toBe(6 + resets);
      expect(stderr).toMatch(new RegExp(`task calls sent 6, attempts ${proxy.received}, cache hits 0, failures 0; all roles: 6 calls, ${proxy.received} attempts\\n$`));
    } finally {
      await proxy.close();
    }
    // The runner backs off for real (half a second and up) before each retry.
  }, 60_000);

  it('fits MIPROv2 into a budget in minutes: one warm-up call measures the model, the search stays within the calls it became', async () => {
    const { dir, config } = irisRun('promptlab-budget-', { kind: 'mipro_v2', budget: { minutes: 2 } }, { maxConcurrency: 1 });
    const { code, result: r, stderr } = await optimize(dir, config, ['--latency-ms', '1000']);
    expect(code, stderr).toBe(0);
    // Two minutes at one second a call, one call at a time, less the proposer's calls.
    expect(r.plan.budget).toEqual({ calls: 120 - r.plan.proposerCalls, minutes: 2, teacherRunsExpected: expect.any(Number), chunk: 5, sentShare: 1, searchRunsMax: expect.any(Number) });
    const teacher = r.usage.teacher.calls + r.usage.teacher.cacheHits;
    const search = r.trials.reduce((a: number, t: { n: number }) => a + t.n, 0);
    expect(search + teacher).toBeLessThanOrEqual(r.plan.budget.calls);
    expect(search + teacher).toBeGreaterThan(r.plan.budget.calls - 10);
    // The final scoring comes on top: val, test, and the baseline on test.
    expect(r.usage.task.calls + r.usage.task.cacheHits).toBe(search + r.data.val + 2 * r.data.test);
    expect(r.scores.test).toBeGreaterThan(r.details.baselineTest.mean);
    expect(stderr).toContain(`Budget: ${r.plan.budget.calls} task and teacher calls`);
    // The calls used of the budget, from the first checkpoint on (the pace is measured as it goes).
    expect(stderr).toMatch(new RegExp(`budget: \\d+ of ${r.plan.budget.calls} calls used`));

    const measured = await optimize(mkdtempSync(join(tmpdir(), 'promptlab-budget-')), { ...config, data: { ...config.data } });
    expect(measured.code, measured.stderr).toBe(0);
    expect(measured.stderr).toMatch(/Measured the task model: \d+ ms for one warm-up call/);
  });

  it('optimizes real Iris data with MIPROv2 light: beats the baseline on test, reports plan and trials', async () => {
    const { dir, config } = irisRun('promptlab-iris-', { kind: 'mipro_v2', auto: 'light', seed: 0 });
    const { code, result: r, stderr } = await optimize(dir, config);
    expect(code, stderr).toBe(0);
    expect(r.data).toMatchObject({ rows: 150, train: 30, val: 60, test: 60 });
    expect(r.plan.optimizer).toBe('mipro_v2');
    expect(r.trials.length).toBeGreaterThan(10);
    expect(r.details.baselineTest.mean).toBeLessThan(0.5);
    expect(r.scores.test).toBeGreaterThan(0.9);
    expect(r.scores.val).toBeGreaterThanOrEqual(r.trials[0].score);
    expect(r.usage.proposer.calls).toBe(r.plan.proposerCalls);
    expect(stderr).toContain('Plan (mipro_v2)');
  });

  it('rejects a bad config listing every problem, with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptlab-bad-'));
    const { code, stderr } = await optimize(dir, {
      program: { template: 'chain_of_thought', signature: 'word label' },
      data: { split: { train: 0.5 } },
      metric: { kind: 'nope' },
      optimizer: { kind: 'mipro_v2', auto: 'enormous' },
      models: { task: { provider: 'openai-compatible', baseURL: 'not a url', model: 'm' } },
    });
    expect(code).toBe(2);
    expect(stderr).toContain('CONFIG_INVALID');
    for (const part of ['program', 'data:', 'data.split.val', 'metric', 'optimizer.auto', 'models.task.baseURL']) expect(stderr).toContain(part);
  });
});
