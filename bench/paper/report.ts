/** The paper's table layout as text: test scores with 95% intervals, then calls per run, then the notes. */
import type { PaperTask } from '../../src/core/tasks';
import type { PaperOptimizer } from './optimizers';
import { pct, type TableResult } from './table';

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function paperCell(task: PaperTask): string {
  const p = task.paper;
  if (!p) return 'n/a (our variant)';
  return `${p.baseline.toFixed(1)} -> ${p.mipro.toFixed(1)}${p.bootstrapRs !== undefined ? ` (Bootstrap RS ${p.bootstrapRs.toFixed(1)})` : ''}`;
}

/** The report (see the file comment); `header` lines go first. */
export function renderPaperTable(result: TableResult, tasks: readonly PaperTask[], optimizers: readonly PaperOptimizer[], header: string[]): string {
  const cell = (t: PaperTask, o: PaperOptimizer) => result.cells.find((c) => c.task === t.id && c.optimizer === o.id);
  const lines = [...header, '', 'Test score, % (95% interval)', ''];
  lines.push(row(['Task', ...optimizers.map((o) => o.name), 'Paper, Llama-3-8B: baseline -> MIPRO']));
  lines.push(row(['---', ...optimizers.map(() => '---'), '---']));
  for (const t of tasks) {
    lines.push(row([t.name, ...optimizers.map((o) => {
      const c = cell(t, o);
      return c ? `${pct(c.mean)} [${pct(c.lo)}, ${pct(c.hi)}]` : '';
    }), paperCell(t)]));
  }
  lines.push('', 'Calls per run: task (and teacher) / proposer, made (sent or answered by the shared cache)', '');
  lines.push(row(['Task', ...optimizers.map((o) => o.name)]));
  lines.push(row(['---', ...optimizers.map(() => '---')]));
  for (const t of tasks) {
    lines.push(row([t.name, ...optimizers.map((o) => {
      const c = cell(t, o);
      return c ? `${Math.round(c.taskCalls)} / ${Math.round(c.proposerCalls)}` : '';
    })]));
  }
  const notes = tasks.flatMap((t) => (result.notes[t.id] ?? []).map((n) => `- ${t.name}: ${n}`));
  if (notes.length) lines.push('', 'Notes', '', ...notes);
  return lines.join('\n');
}
