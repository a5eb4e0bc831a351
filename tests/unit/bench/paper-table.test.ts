/**
 * bench:paper's small scripted table (what CI runs): all six tasks x the paper's six
 * optimizers through the real runner, against the scripted world on 127.0.0.1. Every
 * optimizer must find what the world rewards (demos or the proposer's word) and beat the
 * unoptimized program on every task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAPER_TASKS } from '../../../src/core/tasks';
import { PAPER_OPTIMIZERS } from '../../../bench/paper/optimizers';
import { renderPaperTable } from '../../../bench/paper/report';
import { scriptedSetup } from '../../../bench/paper/scripted';
import { runPaperTable, type TableResult } from '../../../bench/paper/table';

describe('bench:paper, small scripted table', () => {
  let setup: Awaited<ReturnType<typeof scriptedSetup>>;
  let result: TableResult;
  beforeAll(async () => {
    setup = await scriptedSetup();
    result = await runPaperTable({
      tasks: PAPER_TASKS,
      optimizers: PAPER_OPTIMIZERS,
      seeds: [0],
      size: 'small',
      split: { train: 15, val: 15, test: 30 },
      rows: setup.rows,
      models: setup.models,
      log: () => {},
    });
  }, 170_000);
  afterAll(() => setup?.close());

  it('has a cell for every task and optimizer', () => {
    expect(result.cells).toHaveLength(PAPER_TASKS.length * PAPER_OPTIMIZERS.length);
  });

  it.each(PAPER_TASKS.map((t) => [t.name, t.id] as const))('every optimizer beats the baseline on %s', (_name, id) => {
    const cells = result.cells.filter((c) => c.task === id);
    const baseline = cells.find((c) => c.optimizer === 'baseline')!;
    for (const c of cells.filter((x) => x.optimizer !== 'baseline')) {
      expect(c.mean, `${c.optimizer} on ${id}`).toBeGreaterThan(baseline.mean);
      expect(c.taskCalls).toBeGreaterThan(baseline.taskCalls);
    }
    // Only the optimizers that propose instructions call the proposer.
    expect(cells.find((c) => c.optimizer === 'bootstrap_rs')!.proposerCalls).toBe(0);
    expect(cells.find((c) => c.optimizer === 'mipro_plus')!.proposerCalls).toBeGreaterThan(0);
  });

  it('prints the paper layout: intervals per cell, calls, and the paper numbers beside', () => {
    const text = renderPaperTable(result, PAPER_TASKS, PAPER_OPTIMIZERS, ['header']);
    for (const t of PAPER_TASKS) expect(text).toContain(`| ${t.name} |`);
    for (const o of PAPER_OPTIMIZERS) expect(text).toContain(o.name);
    expect(text).toMatch(/\| ScoNe \| \d+\.\d \[\d+\.\d, \d+\.\d\]/);
    expect(text).toContain('69.1 -> 79.4');
    expect(text).toContain('n/a (our variant)');
    expect(text).toMatch(/\| Iris \| \d+ \/ 0 \|/);
  });
});
