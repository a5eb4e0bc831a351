/** The budget benchmark's printed table: one row per landscape and arm, then pooled figures and targets. */
import { isSummary, type ArmResult, type BenchResult, type MeanSem } from './stats';

const COLUMNS = ['landscape', 'known', 'arm', 'test', 'task calls', 'sent', 'prop', 'to best (calls)', 'local s (est)', 'api s (est)'];

export function renderReport(r: BenchResult): string {
  const rows = Object.entries(r.landscapes).flatMap(([name, l]) =>
    (['reference', 'budgeted'] as const).flatMap((arm) => (l[arm] ? [armRow(name, l.knownBest, arm === 'budgeted' && l.budgetTaskCalls !== null ? `budget ${l.budgetTaskCalls}` : arm, l[arm])] : [])),
  );
  const lines = [table([COLUMNS, ...rows]), ''];
  if (r.pooled) {
    const p = r.pooled;
    lines.push(`pooled: callsRatio ${p.callsRatio.toFixed(3)}, scoreDelta ${signed(p.scoreDelta)}; budgeted - reference test per landscape:`);
    for (const [name, d] of Object.entries(p.perLandscape)) lines.push(`  ${name.padEnd(20)} ${signed(d.mean)} ± ${d.sem.toFixed(4)}${p.worseBy2Sem.includes(name) ? '  WORSE BY > 2 SEM' : ''}`);
    lines.push('');
  }
  lines.push('targets:');
  for (const t of r.targets) lines.push(`  ${t.status.padEnd(4)}  ${t.name}: ${t.detail}`);
  lines.push('', `seeds ${r.seeds[0]}..${r.seeds.at(-1)} (${r.seeds.length}); arms ${r.arms.join(', ')}; ${r.elapsed_s} s`);
  return lines.join('\n');
}

function armRow(name: string, knownBest: number, label: string, arm: ArmResult | undefined): string[] {
  if (!isSummary(arm)) return [name, knownBest.toFixed(3), label, `unavailable: ${arm?.unavailable ?? ''}`];
  const best = arm.callsToBest;
  return [
    name,
    knownBest.toFixed(3),
    label,
    ms(arm.test, 3),
    ms(arm.taskCalls, 0),
    arm.taskSent.mean.toFixed(0),
    arm.proposerCalls.mean.toFixed(0),
    `${best.reached}/${best.of}${best.calls ? ` ${ms(best.calls, 0)}` : ' never'}`,
    seconds(arm.seconds.local, arm.estimatedSeconds?.local),
    seconds(arm.seconds.api, arm.estimatedSeconds?.api),
  ];
}

function seconds(simulated: MeanSem, estimated: MeanSem | undefined): string {
  return `${simulated.mean.toFixed(0)} (${estimated ? estimated.mean.toFixed(0) : 'n/a'})`;
}

export function ms(v: MeanSem, digits: number): string {
  return `${v.mean.toFixed(digits)}±${v.sem.toFixed(digits)}`;
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
}

/**
 * Left-aligned columns, the first row being the header; a row shorter than the header (an
 * unavailable arm) runs on in its last cell.
 */
export function table(rows: string[][]): string {
  const width = rows[0]!.length;
  const widths = rows[0]!.map((_, i) => Math.max(...rows.filter((r) => r.length === width).map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join('  ')).join('\n');
}
