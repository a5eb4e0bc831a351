/**
 * Side-by-side table of tpe-anchor-v1 result files (the TypeScript twin of the anchor's
 * compare.py, focused on what the TPE brief asks: @40 figures, paired differences against
 * Optuna, pooled normalized scores and suggest timing).
 */

/** The parts of a protocol result file this table reads. */
export interface AnchorResult {
  optimizer: { name: string };
  problems: Record<string, {
    optimum: number;
    space_mean: number;
    at: Record<string, Record<string, { mean: number; sem: number }>>;
    per_seed: Record<string, number[][]>;
    timing?: { suggest_ms_at_last_trial?: { median: number } };
  }>;
}

const METRICS = ['best_mean', 'best_noisy', 'best_true_seen'] as const;
type Metric = (typeof METRICS)[number];

function meanSem(v: number[]): { mean: number; sem: number } {
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(v.reduce((a, x) => a + (x - mean) * (x - mean), 0) / (n - 1));
  return { mean, sem: sd / Math.sqrt(n) };
}

/** Ours minus reference, per seed at trial `t` (0-based), as mean +- sem. */
function paired(ours: number[][], ref: number[][], t: number): { mean: number; sem: number } {
  return meanSem(ours.map((run, i) => (run[t] as number) - ((ref[i] as number[])[t] as number)));
}

/** Pooled normalized score at a checkpoint: mean over problems of (v - space_mean) / (optimum - space_mean). */
export function pooled(r: AnchorResult, metric: Metric, cp = '40'): number {
  const ps = Object.values(r.problems);
  return ps.reduce((acc, p) => acc + ((p.at[cp]?.[metric]?.mean as number) - p.space_mean) / (p.optimum - p.space_mean), 0) / ps.length;
}

function median(v: number[]): number {
  const a = [...v].sort((x, y) => x - y);
  const n = a.length;
  return n % 2 ? (a[(n - 1) / 2] as number) : ((a[n / 2 - 1] as number) + (a[n / 2] as number)) / 2;
}

const f4 = (x: number) => x.toFixed(4);
const ms = (r: AnchorResult, pid: string) => r.problems[pid]?.timing?.suggest_ms_at_last_trial?.median ?? NaN;

/**
 * Renders the comparison. `optunaLocal` is Optuna re-run on this machine (timings are only
 * comparable on the same machine); its search figures equal the file's up to numpy versions.
 */
export function renderComparison(ours: AnchorResult, optuna: AnchorResult, random: AnchorResult, optunaLocal?: AnchorResult): string {
  const lines: string[] = [];
  const named: [string, AnchorResult][] = [['ours', ours], ['optuna', optuna], ['random', random]];
  let worst = Infinity;
  for (const pid of Object.keys(optuna.problems)) {
    const p = ours.problems[pid];
    if (!p) continue;
    lines.push(`\n${pid}  optimum=${f4(p.optimum)}  space_mean=${f4(p.space_mean)}`);
    lines.push(`  ${'optimizer'.padEnd(8)} ${'best_mean@40'.padStart(16)} ${'best_noisy@40'.padStart(16)} ${'true_seen@40'.padStart(16)}`);
    for (const [name, r] of named) {
      const cells = METRICS.map((m) => {
        const a = r.problems[pid]?.at['40']?.[m];
        return (a ? `${f4(a.mean)}±${f4(a.sem)}` : '-').padStart(16);
      });
      lines.push(`  ${name.padEnd(8)} ${cells.join(' ')}`);
    }
    const o = optuna.problems[pid] as NonNullable<typeof p>;
    const parts = (['best_mean', 'best_noisy'] as const).map((m) => {
      const d = paired(p.per_seed[m] as number[][], o.per_seed[m] as number[][], 39);
      const z = d.sem > 0 ? d.mean / d.sem : 0;
      if (m === 'best_mean') worst = Math.min(worst, z);
      return `${m} ${d.mean >= 0 ? '+' : ''}${f4(d.mean)}±${f4(d.sem)} (${z >= 0 ? '+' : ''}${z.toFixed(2)} sem)`;
    });
    lines.push(`  ours - optuna (paired, @40): ${parts.join('   ')}`);
    const local = optunaLocal ? `, optuna here ${ms(optunaLocal, pid).toFixed(3)}` : '';
    lines.push(`  suggest ms @40 (median): ours ${ms(ours, pid).toFixed(3)}, optuna file ${ms(optuna, pid).toFixed(3)}${local}`);
  }
  lines.push('\npooled normalized score @40 (0 = space mean, 1 = optimum)');
  const all: [string, AnchorResult][] = optunaLocal ? [...named, ['optuna-here', optunaLocal]] : named;
  for (const [name, r] of all) {
    lines.push(`  ${name.padEnd(12)} ${METRICS.map((m) => `${m}=${pooled(r, m).toFixed(3)}`).join('  ')}`);
  }
  const pids = Object.keys(ours.problems);
  const medAll = (r: AnchorResult) => median(pids.map((pid) => ms(r, pid)));
  lines.push(`\nmedian over problems of median suggest ms @40: ours ${medAll(ours).toFixed(3)}, optuna file ${medAll(optuna).toFixed(3)}`
    + (optunaLocal ? `, optuna re-measured here ${medAll(optunaLocal).toFixed(3)}` : ' (re-measure Optuna here with --optuna-local)'));
  lines.push(`worst per-problem paired best_mean@40 difference vs optuna: ${worst.toFixed(2)} sem (target: > -2)`);
  return lines.join('\n');
}
