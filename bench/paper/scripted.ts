/**
 * `bench:paper --scripted`: the scripted world (tests/fixtures/paper-world.ts) served on
 * 127.0.0.1, over the repository's data samples (tests/fixtures/data and Iris from its package),
 * so the table runs anywhere, in CI included, with no model.
 */
import type { ModelConfig } from '../../src/core/runner';
import type { PaperTask } from '../../src/core/tasks';
import { fixtureData, type FixtureName } from '../../tests/fixtures/fixture-data';
import { paperWorldHandler } from '../../tests/fixtures/paper-world';
import { startScriptedServer } from '../../tests/fixtures/scripted-server';

/** The rows, the models and a way to stop the server. */
export async function scriptedSetup(): Promise<{ rows: (t: PaperTask) => Record<string, unknown>[]; models: { task: ModelConfig; proposer: ModelConfig }; close: () => Promise<void> }> {
  const read = (t: PaperTask) => fixtureData(t.file as FixtureName).rows;
  const byFile = (file: FixtureName) => fixtureData(file).rows;
  const handler = paperWorldHandler({
    scone: byFile('scone/train.jsonl'),
    hotpotqa: byFile('hotpotqa/dev.jsonl'),
    hover: byFile('hover/dev.jsonl'),
    iris: byFile('iris/all.jsonl'),
    heart_disease: byFile('heart_disease/all.jsonl'),
  });
  const server = await startScriptedServer({ handler });
  return {
    rows: read,
    models: {
      task: { provider: 'openai-compatible', baseURL: server.url, model: 'task-model', maxConcurrency: 8 },
      proposer: { provider: 'openai-compatible', baseURL: server.url, model: 'proposer-model', maxConcurrency: 8 },
    },
    close: () => server.close(),
  };
}
