/**
 * Setup problems at the card that causes them: the core's checks name the bad value by its
 * path in the run config, and one table maps each path to the card that edits it. With parsed
 * data, a mapping to a missing column, a split the rows cannot fill and a metric field the
 * program does not output are problems before Start, not failures after it; a test split of 0
 * is none (the run has no test split).
 */
import { describe, expect, it } from 'vitest';
import { parseDataset } from '../../../src/core/data';
import { WorkspaceState } from '../../../src/ui/state/workspace.svelte';
import { cardOf, toSetupProblems } from '../../../src/ui/setup/setup-problems';

const parser = { parseData: async (text: string) => parseDataset(text) };
const ROWS = Array.from({ length: 10 }, (_, i) => `what is ${i}?,${i}`).join('\n');

/** A workspace that can start: question -> answer over 10 CSV rows, an API task model. */
async function ready(): Promise<WorkspaceState> {
  const ws = new WorkspaceState();
  ws.program.signature = 'question -> answer';
  await ws.data.setText(`question,answer\n${ROWS}\n`, parser);
  ws.data.suggest(ws.program.inputNames, ws.program.labelNames);
  return ws;
}

describe('setup problems: which card', () => {
  it('maps config paths to the card that edits them', () => {
    expect(cardOf('data')).toBe('data');
    expect(cardOf('data.split.test')).toBe('data');
    expect(cardOf('data.mapping.inputs.question')).toBe('data');
    expect(cardOf('data.corpus.column')).toBe('program');
    expect(cardOf('program.spec.steps[0]')).toBe('program');
    expect(cardOf('models.task.baseURL')).toBe('models');
    expect(cardOf('metric.field')).toBe('metric');
    expect(cardOf('optimizer.auto')).toBe('optimize');
    expect(cardOf('seed')).toBe('optimize');
    // A prefix of a word is not the card: "datasets" is no data path.
    expect(cardOf('datasets')).toBe('optimize');
  });

  it('splits the core lines into path and message', () => {
    expect(toSetupProblems(['data.split: The split fractions add up to 1.2, more than 1.'])).toEqual([
      { card: 'data', path: 'data.split', message: 'The split fractions add up to 1.2, more than 1.', line: 'data.split: The split fractions add up to 1.2, more than 1.' },
    ]);
  });
});

describe('setup problems: the workspace', () => {
  it('has none when the setup can run', async () => {
    const ws = await ready();
    expect(ws.problems).toEqual([]);
  });

  it('puts a mapping to a missing column at the Data card, at its field', async () => {
    const ws = await ready();
    ws.data.setMapping('inputs', 'question', 'nope');
    expect(ws.problemsOf('data')).toEqual([expect.objectContaining({ path: 'data.mapping.inputs.question', message: expect.stringContaining('"nope"') })]);
    ws.data.setMapping('inputs', 'question', 'question');
    expect(ws.problems).toEqual([]);
  });

  it('puts a split the data cannot fill at the Data card', async () => {
    const ws = await ready();
    ws.data.setSplit('train', 0.8);
    expect(ws.problemsOf('data')).toEqual([expect.objectContaining({ path: 'data.split', message: expect.stringMatching(/add up to 1\.5/) })]);
    ws.data.split = { train: 5, val: 5, test: 5 };
    expect(ws.problemsOf('data')).toEqual([expect.objectContaining({ path: 'data.split', message: expect.stringMatching(/asks for 15 examples.*only 10/) })]);
    ws.data.split = { train: 5, val: 5, test: 0 };
    expect(ws.problems).toEqual([]);
  });

  it('allows a test split of 0 (no test split)', async () => {
    const ws = await ready();
    ws.data.split = { train: 0.5, val: 0.5, test: 0 };
    expect(ws.problems).toEqual([]);
  });

  it('puts a metric field the program does not output at the Metric card', async () => {
    const ws = await ready();
    ws.metric.field = 'label';
    expect(ws.problemsOf('metric')).toEqual([expect.objectContaining({ path: 'metric.field', message: expect.stringContaining('"label" is not an output') })]);
  });

  it('puts a missing task model at the Models card, and a bad signature at the Program card', async () => {
    const ws = await ready();
    ws.models.endpoints[0]!.baseURL = 'not a url';
    expect(ws.problemsOf('models')).toEqual([expect.objectContaining({ path: 'models.task.baseURL' })]);
    ws.program.signature = 'question answer';
    expect(ws.problemsOf('program')).toEqual([expect.objectContaining({ path: 'program' })]);
  });
});

describe('plan latency', () => {
  it("uses the proposer's latency measured by Test connection, and says it was measured", async () => {
    const ws = await ready();
    ws.models.addEndpoint();
    const proposer = ws.models.endpoints[1]!;
    proposer.baseURL = 'http://127.0.0.1:1/v1';
    proposer.model = 'proposer-model';
    ws.models.roles.proposer = proposer.id;
    expect(ws.proposerLatency).toMatchObject({ measured: false });
    ws.models.recordLatency(ws.models.configFor(proposer.id)!, 40);
    expect(ws.proposerLatency).toEqual({ ms: 40, measured: true, local: false });
    expect(ws.latency).toMatchObject({ proposer: 40 });
  });
});
