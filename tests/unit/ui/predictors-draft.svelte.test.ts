/**
 * "Predictors to optimize" in the workspace's optimizer draft: a multi-step program lists its
 * predictor steps, all searched by default (no `predictors` option); an unchecked step puts
 * the others in `predictors`; the choice survives a reload, and a workspace saved before it
 * loads with every step searched.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openPromptLabDB, SettingsStore } from '../../../src/storage';
import { WorkspaceState } from '../../../src/ui/state/workspace.svelte';

let counter = 0;
async function settings(): Promise<SettingsStore> {
  return new SettingsStore(await openPromptLabDB(`predictors-${process.pid}-${counter++}`));
}

function multiHop(): WorkspaceState {
  const ws = new WorkspaceState();
  ws.program.useTemplate('multi_hop');
  ws.program.signature = 'question -> answer';
  return ws;
}

describe('workspace: predictors to optimize', () => {
  it('searches every predictor step by default; an unchecked step leaves the others in predictors', () => {
    const ws = multiHop();
    expect(ws.predictorIds).toEqual(['generate_query_1', 'generate_query_2', 'generate_answer']);
    expect(ws.optimizerConfig()).not.toHaveProperty('predictors');
    ws.searchPredictor('generate_query_1', false);
    expect(ws.optimizerConfig()).toMatchObject({ kind: 'mipro_v2', predictors: ['generate_query_2', 'generate_answer'] });
    ws.searchPredictor('generate_query_1', true);
    expect(ws.optimizerConfig()).not.toHaveProperty('predictors');
  });

  it('reports unchecking every step as a problem', () => {
    const ws = multiHop();
    for (const id of ws.predictorIds) ws.searchPredictor(id, false);
    expect(ws.optimizerConfig()).toMatchObject({ predictors: [] });
    expect(ws.validate().join('\n')).toMatch(/predictors/);
  });

  it('keeps the choice across a reload; a workspace saved before it loads with every step searched', async () => {
    const store = await settings();
    const ws = multiHop();
    ws.searchPredictor('generate_answer', false);
    await ws.save(store);
    const again = new WorkspaceState();
    await again.load(store);
    expect(again.optimizerConfig()).toMatchObject({ predictors: ['generate_query_1', 'generate_query_2'] });

    const { skippedPredictors: _new, ...optimizer } = ws.snapshot().optimizer;
    await store.set('workspace.v1', { ...ws.snapshot(), optimizer });
    const old = new WorkspaceState();
    await old.load(store);
    expect(old.optimizer.skippedPredictors).toEqual([]);
    expect(old.optimizerConfig()).not.toHaveProperty('predictors');
  });
});
