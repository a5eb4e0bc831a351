/**
 * The budget benchmark's figures: per landscape and arm, means and standard errors over seeds;
 * pooled over landscapes, the budgeted arm's share of the reference's calls and its score
 * difference; and the issue's targets, as PASS / FAIL / n/a lines (they never fail the process).
 */
import type { SeedRun } from './run-arm';

export interface MeanSem {
  mean: number;
  /** Standard error of the mean (sample standard deviation / sqrt(n)); 0 for one seed. */
  sem: number;
}

/** One arm on one landscape, over seeds. */
export interface ArmSummary {
  options: Record<string, unknown>;
  test: MeanSem;
  taskCalls: MeanSem;
  taskSent: MeanSem;
  proposerCalls: MeanSem;
  /** Seeds whose incumbent came within 0.02 of the known best, and the calls it took them. */
  callsToBest: { reached: number; of: number; calls: MeanSem | null };
  seconds: { local: MeanSem; api: MeanSem };
  /** The run plan's estimates at start, per regime; null when it gives none. */
  estimatedSeconds: { local: MeanSem; api: MeanSem } | null;
  runs: SeedRun[];
}

/** An arm that could not run (e.g. the optimizer rejected its options), with the error's message. */
export interface Unavailable {
  unavailable: string;
}

export type ArmResult = ArmSummary | Unavailable;

export interface LandscapeResult {
  knownBest: number;
  /** The budgeted arm's taskCalls: floor(0.4 x the reference's mean task calls). */
  budgetTaskCalls: number | null;
  reference?: ArmResult;
  budgeted?: ArmResult;
}

export interface Pooled {
  /** Budgeted task calls / reference task calls, summed over landscapes and seeds. */
  callsRatio: number;
  /** Mean over landscapes of (budgeted mean test - reference mean test). */
  scoreDelta: number;
  perLandscape: Record<string, MeanSem>;
  /** Landscapes where the budgeted arm is worse by more than 2 sem of the difference. */
  worseBy2Sem: string[];
}

/** What `--out` receives. */
export interface BenchResult {
  protocol: 'budget-v1';
  seeds: number[];
  arms: string[];
  landscapes: Record<string, LandscapeResult>;
  pooled: Pooled | null;
  targets: Target[];
  /** The only wall-clock figure: how long the benchmark took. */
  elapsed_s: number;
}

export interface Target {
  name: string;
  status: 'PASS' | 'FAIL' | 'n/a';
  detail: string;
}

export function meanSem(xs: readonly number[]): MeanSem {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sem: 0 };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, sem: Math.sqrt(variance / n) };
}

export function summarize(options: Record<string, unknown>, runs: SeedRun[]): ArmSummary {
  const of = (f: (r: SeedRun) => number) => meanSem(runs.map(f));
  const reached = runs.map((r) => r.callsToBest).filter((c): c is number => c !== null);
  const estimates = runs.map((r) => r.estimatedSeconds).filter((s) => s !== null);
  return {
    options,
    test: of((r) => r.test),
    taskCalls: of((r) => r.taskCalls),
    taskSent: of((r) => r.taskSent),
    proposerCalls: of((r) => r.proposerCalls),
    callsToBest: { reached: reached.length, of: runs.length, calls: reached.length ? meanSem(reached) : null },
    seconds: { local: of((r) => r.seconds.local), api: of((r) => r.seconds.api) },
    estimatedSeconds: estimates.length === runs.length ? { local: meanSem(estimates.map((e) => e.local)), api: meanSem(estimates.map((e) => e.api)) } : null,
    runs,
  };
}

export function isSummary(arm: ArmResult | undefined): arm is ArmSummary {
  return arm !== undefined && !('unavailable' in arm);
}

/** Pooled figures over the landscapes where both arms ran; null when there are none. */
export function pool(landscapes: Record<string, LandscapeResult>): Pooled | null {
  const both = Object.entries(landscapes).flatMap(([name, l]) => (isSummary(l.reference) && isSummary(l.budgeted) ? [{ name, ref: l.reference, bud: l.budgeted }] : []));
  if (both.length === 0) return null;
  const sum = (arm: ArmSummary) => arm.runs.reduce((a, r) => a + r.taskCalls, 0);
  const perLandscape: Record<string, MeanSem> = {};
  for (const { name, ref, bud } of both) perLandscape[name] = { mean: bud.test.mean - ref.test.mean, sem: Math.hypot(bud.test.sem, ref.test.sem) };
  const diffs = Object.values(perLandscape);
  return {
    callsRatio: both.reduce((a, b) => a + sum(b.bud), 0) / both.reduce((a, b) => a + sum(b.ref), 0),
    scoreDelta: diffs.reduce((a, d) => a + d.mean, 0) / diffs.length,
    perLandscape,
    worseBy2Sem: Object.entries(perLandscape).filter(([, d]) => d.mean < -2 * d.sem).map(([name]) => name),
  };
}

/** The overall targets: callsRatio <= 0.40, scoreDelta >= -0.01, no landscape worse by more than 2 sem. */
export function overallTargets(p: Pooled | null): Target[] {
  if (!p) return ['callsRatio <= 0.40', 'scoreDelta >= -0.01', 'no landscape worse by > 2 sem'].map((name) => ({ name, status: 'n/a', detail: 'needs both arms' }));
  return [
    { name: 'callsRatio <= 0.40', status: p.callsRatio <= 0.4 ? 'PASS' : 'FAIL', detail: p.callsRatio.toFixed(3) },
    { name: 'scoreDelta >= -0.01', status: p.scoreDelta >= -0.01 ? 'PASS' : 'FAIL', detail: p.scoreDelta.toFixed(4) },
    { name: 'no landscape worse by > 2 sem', status: p.worseBy2Sem.length === 0 ? 'PASS' : 'FAIL', detail: p.worseBy2Sem.join(', ') || 'none' },
  ];
}

/** Every seed's test score at least `floor`. */
export function everySeed(name: string, runs: SeedRun[], floor: number, what: string): Target {
  const low = runs.filter((r) => r.test < floor);
  const scores = runs.map((r) => r.test.toFixed(3)).join(' ');
  return { name, status: low.length === 0 ? 'PASS' : 'FAIL', detail: `${what} ${floor.toFixed(3)}; per seed: ${scores}${low.length ? ` (${low.length} below)` : ''}` };
}

/** How far an estimate may stray from the simulated time. */
const ESTIMATE_TOLERANCE = 0.25;

/** The budgeted arm's estimate at start within 25% of its mean simulated time, per landscape and regime. */
export function estimateTarget(landscapes: Record<string, LandscapeResult>): Target {
  const name = 'budgeted estimate within 25% of simulated time (local and api, every landscape)';
  const misses: string[] = [];
  let worst = 0;
  let checked = 0;
  for (const [landscape, l] of Object.entries(landscapes)) {
    if (!isSummary(l.budgeted) || !l.budgeted.estimatedSeconds) continue;
    for (const regime of ['local', 'api'] as const) {
      const simulated = l.budgeted.seconds[regime].mean;
      const off = l.budgeted.estimatedSeconds[regime].mean / simulated - 1;
      checked++;
      if (Math.abs(off) > Math.abs(worst)) worst = off;
      if (Math.abs(off) > ESTIMATE_TOLERANCE) misses.push(`${landscape} ${regime} ${signedPercent(off)}`);
    }
  }
  if (checked === 0) return { name, status: 'n/a', detail: 'needs the budgeted arm' };
  return { name, status: misses.length ? 'FAIL' : 'PASS', detail: misses.length ? misses.join(', ') : `worst ${signedPercent(worst)}` };
}

function signedPercent(x: number): string {
  return `${x >= 0 ? '+' : ''}${(100 * x).toFixed(0)}%`;
}

/** No budgeted run made more task and teacher calls than its budget. */
export function withinBudgetTarget(landscapes: Record<string, LandscapeResult>): Target {
  const name = 'no budgeted run spends more than its budget';
  const over: string[] = [];
  let runs = 0;
  for (const [landscape, l] of Object.entries(landscapes)) {
    if (!isSummary(l.budgeted)) continue;
    const budget = (l.budgeted.options['budget'] as { taskCalls: number }).taskCalls;
    for (const r of l.budgeted.runs) {
      runs++;
      if (r.taskCalls > budget) over.push(`${landscape} seed ${r.seed}: ${r.taskCalls} > ${budget}`);
    }
  }
  if (runs === 0) return { name, status: 'n/a', detail: 'needs the budgeted arm' };
  return { name, status: over.length ? 'FAIL' : 'PASS', detail: over.length ? over.join(', ') : `${runs} runs` };
}
