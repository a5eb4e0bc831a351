/**
 * OPRO through the runner, end to end in process: a run config with `"kind": "opro"` is
 * planned, run against the scripted OpenAI-compatible server over HTTP, and returns the program
 * the task model rewards; the calls the server received are the plan's, final scoring included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAICompatibleLM } from '../../../src/core/lm';
import { executeRun, type ModelConfig, type RunConfig, type RunEvent } from '../../../src/core/runner';
import { fixtureData } from '../../fixtures/fixture-data';
import { irisHandler, irisRunConfig } from '../../fixtures/iris-world';
import { startScriptedServer, type ChatCompletionBody, type ScriptedServer } from '../../fixtures/scripted-server';

const IRIS = fixtureData('iris/all.jsonl').text;

function createLM(cfg: ModelConfig) {
  if (cfg.provider !== 'openai-compatible') throw new Error('openai-compatible only');
  return new OpenAICompatibleLM({ baseURL: cfg.baseURL, model: cfg.model, maxConcurrency: 4, backoffBaseMs: 1 });
}

describe('OPRO through the runner', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    // The fixture's proposer answers `proposed_instruction`; program level asks for one field per predictor.
    server = await startScriptedServer({
      handler: async (body, ctx) => {
        const answer = await irisHandler(body, ctx);
        const perPredictor = (body as ChatCompletionBody).messages?.[0]?.content.includes('proposed_instruction_generate');
        return perPredictor === true && typeof answer === 'string' ? answer.replace('[[ ## proposed_instruction ## ]]', '[[ ## proposed_instruction_generate ## ]]') : answer;
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  for (const level of ['module', 'program'] as const) {
    it(`${level} level: finds the rule, and the server receives the planned calls`, async () => {
      server.reset();
      const base = irisRunConfig(IRIS, server.url);
      const config: RunConfig = { ...base, optimizer: { kind: 'opro', level, rounds: 2, candidatesPerRound: 2 }, models: { ...base.models, task: { ...base.models.task, output: 'chat' } } };
      const events: RunEvent[] = [];
      const result = await executeRun(config, { createLM, onEvent: (e) => events.push(e) });
      expect(result.program.state.generate!.instruction).toMatch(/petal length/);
      expect(result.scores.val).toBeGreaterThan(result.trials[0]!.score + 0.3);
      const bodies = server.requests.map((r) => r.body as ChatCompletionBody);
      const task = bodies.filter((b) => b.model === 'task-model').length;
      const proposer = bodies.filter((b) => b.model === 'proposer-model').length;
      const plan = result.plan!;
      expect(plan.optimizer).toBe('opro');
      // The final scoring's calls repeat the search's (the cache answers them), so the server sees at most the plan.
      expect(task + result.usage.task.cacheHits).toBe(plan.taskCalls);
      expect(proposer).toBe(plan.proposerCalls);
      expect(proposer).toBe(4);
      const optimizerEvents = events.flatMap((e) => (e.type === 'optimizer' ? [e.event] : []));
      expect(optimizerEvents.filter((e) => e.type === 'history_proposal')).toHaveLength(4);
      expect(optimizerEvents.some((e) => e.type === 'checkpoint')).toBe(true);
    }, 60_000);
  }
});
