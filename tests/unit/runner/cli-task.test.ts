/**
 * The headless runner with a paper task: `"task": "heart_disease"` and the task's data file
 * are enough (no program, metric or mapping); the preset's four-predictor program runs against
 * the scripted paper world and beats its baseline; an unknown task is refused with the list.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOptimizeCli } from './cli-process';
import type { RunResult } from '../../../src/core/runner';
import { fixtureData } from '../../fixtures/fixture-data';
import { paperWorldHandler } from '../../fixtures/paper-world';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';

const cli = (dir: string, ...args: string[]) => runOptimizeCli(args, { cwd: dir });

describe('npm run optimize with a paper task', { timeout: 120_000 }, () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer({ handler: paperWorldHandler({ heart_disease: fixtureData('heart_disease/all.jsonl').rows }) });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('runs the Heart Disease preset from its data file alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptlab-cli-task-'));
    writeFileSync(join(dir, 'all.jsonl'), fixtureData('heart_disease/all.jsonl').text);
    const config = {
      task: 'heart_disease',
      data: { path: 'all.jsonl', split: { train: 15, val: 15, test: 30 } },
      optimizer: { kind: 'bootstrap_random_search', numCandidatePrograms: 2, maxBootstrappedDemos: 2, maxLabeledDemos: 2 },
      models: { task: { provider: 'openai-compatible', baseURL: server.url, model: 'task-model' } },
      seed: 0,
    };
    writeFileSync(join(dir, 'run.json'), JSON.stringify(config));
    const { code, stderr } = await cli(dir, '--config', join(dir, 'run.json'), '--out', join(dir, 'result.json'), '--no-cache');
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/Task: 1 of 100 rows miss a mapped value/);
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as RunResult;
    expect(Object.keys(result.program.state).sort()).toEqual(['opinion_risk', 'opinion_symptoms', 'opinion_tests', 'vote']);
    expect(result.config.metric).toEqual({ kind: 'one_of_labels', field: 'target' });
    expect(result.data.test).toBe(30);
    expect(result.scores.test!).toBeGreaterThan(result.details.baselineTest!.mean);
  });

  it('refuses an unknown task, naming the tasks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptlab-cli-task-'));
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ task: 'hotpot', data: { path: 'x.jsonl' }, optimizer: { kind: 'none' }, models: { task: { provider: 'openai-compatible', baseURL: server.url, model: 'm' } } }));
    const err = await cli(dir, '--config', join(dir, 'run.json'));
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/task: must be one of scone, hotpotqa, hotpotqa_conditional, hover, iris, heart_disease, but got "hotpot"/);
  });
});
