/**
 * Does MIPROv2 with a call budget of 40% of the reference's task calls reach the same test
 * score? Simulated landscapes (bench/budget/landscapes.ts) with scripted models: no network,
 * deterministic (the same seeds give the same figures; only `elapsed_s` is wall time).
 *
 *   npm run bench:budget -- --out FILE [--arms reference,budgeted] [--landscapes a,b] [--seeds N]
 *                           [--reference FILE] [--full-evals tell|keep] [--light-sampler ours]
 *
 * Arms, per landscape and seed (seeds 0..N-1, default 10; a seed picks the train/val split and
 * is the optimizer's seed):
 * - reference: `{ auto: 'light', sampler: { optuna: true } }`, DSPy's defaults;
 * - budgeted: `{ budget: { taskCalls: floor(0.4 x the reference's mean task calls) } }`.
 * `--light-sampler ours` runs the reference arm with our TPE (`{ auto: 'light' }`, the app's
 * default) instead of Optuna's. `--full-evals` sets MIPROv2's internal switch: the reference search's periodic full
 * evaluations told to the TPE sampler or kept from it (default: mipro/settings.ts's choice).
 * Task calls are task + teacher calls made (sent or answered by the cache); proposer calls are
 * reported apart. `--arms budgeted` alone takes the reference from `--reference FILE` (an
 * earlier `--out` of this benchmark with the same seeds).
 *
 * Printed and written to `--out` (protocol budget-v1): per landscape and arm the test score,
 * calls, calls until the incumbent came within 0.02 of the known best, simulated time
 * (bench/budget/sim-time.ts) beside the run plan's estimate at start; pooled figures; and the
 * issue's targets as PASS / FAIL (they never fail the process).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PlaygroundError } from '../src/core/errors';
import { arg } from './args';
import { LANDSCAPE_NAMES, landscape, type LandscapeName } from './budget/landscapes';
import { renderReport } from './budget/report';
import { TestScorer, WITHIN, runSeed, type SeedRun } from './budget/run-arm';
import { estimateTarget, everySeed, isSummary, withinBudgetTarget, overallTargets, pool, summarize, type ArmResult, type BenchResult, type LandscapeResult, type Target } from './budget/stats';

const ARMS = ['reference', 'budgeted'] as const;
type Arm = (typeof ARMS)[number];
const REFERENCE = { auto: 'light', sampler: { optuna: true } };
const BUDGET_SHARE = 0.4;
const USAGE = 'npm run bench:budget -- --out FILE [--arms reference,budgeted] [--landscapes a,b] [--seeds N] [--reference FILE]';

function budgeted(taskCalls: number): Record<string, unknown> {
  return { budget: { taskCalls } };
}

interface Args {
  out: string;
  arms: Arm[];
  names: LandscapeName[];
  seeds: number[];
  reference: BenchResult | undefined;
  tellFullEvaluations: boolean | undefined;
  referenceOptions: Record<string, unknown>;
}

function parseArgs(): Args {
  const out = arg('out');
  const list = <T extends string>(flag: string, allowed: readonly T[]): T[] => {
    const given = arg(flag)?.split(',') ?? [...allowed];
    const bad = given.filter((x) => !allowed.includes(x as T));
    if (bad.length) fail(`--${flag} must be among ${allowed.join(', ')}, but got ${bad.join(', ')}`);
    return given as T[];
  };
  const seeds = Number(arg('seeds') ?? 10);
  if (!out) fail(`--out FILE is required:\n  ${USAGE}`);
  if (!Number.isInteger(seeds) || seeds < 1) fail(`--seeds must be a positive whole number, but got ${arg('seeds')}`);
  const refFile = arg('reference');
  const fullEvals = arg('full-evals');
  if (fullEvals !== undefined && fullEvals !== 'tell' && fullEvals !== 'keep') fail(`--full-evals must be tell or keep, but got ${fullEvals}`);
  const arms = list('arms', ARMS);
  if (!arms.includes('reference') && !refFile) fail(`--arms budgeted needs the reference's figures: pass --reference FILE (an earlier --out of this benchmark).\n  ${USAGE}`);
  return {
    out: out!,
    arms,
    names: list('landscapes', LANDSCAPE_NAMES),
    seeds: Array.from({ length: seeds }, (_, i) => i),
    reference: refFile ? (JSON.parse(fs.readFileSync(refFile, 'utf8')) as BenchResult) : undefined,
    tellFullEvaluations: fullEvals === undefined ? undefined : fullEvals === 'tell',
    referenceOptions: arg('light-sampler') === 'ours' ? { auto: 'light' } : REFERENCE,
  };
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** The runs of one arm; `unavailable` when the optimizer rejects its options (a budget before it is supported). */
async function runArm(scorer: TestScorer, seeds: number[], options: Record<string, unknown>, knownBest: number, tell?: boolean): Promise<ArmResult> {
  const runs: SeedRun[] = [];
  for (const seed of seeds) {
    try {
      runs.push(await runSeed(scorer, seed, options, knownBest, tell));
    } catch (err) {
      if (err instanceof PlaygroundError && err.code === 'OPTIMIZER_INVALID') return { unavailable: err.message };
      throw err;
    }
  }
  return summarize(options, runs);
}

async function runLandscape(a: Args, scorer: TestScorer): Promise<LandscapeResult> {
  const name = scorer.landscape.name;
  const knownBest = await scorer.knownBest();
  const result: LandscapeResult = { knownBest, budgetTaskCalls: null };
  result.reference = a.arms.includes('reference') ? await runArm(scorer, a.seeds, a.referenceOptions, knownBest, a.tellFullEvaluations) : a.reference?.landscapes[name]?.reference;
  if (a.arms.includes('budgeted')) {
    if (!isSummary(result.reference)) fail(`The budgeted arm on ${name} needs the reference's task calls, but the reference file has none for it.`);
    result.budgetTaskCalls = Math.floor(BUDGET_SHARE * result.reference.taskCalls.mean);
    result.budgeted = await runArm(scorer, a.seeds, budgeted(result.budgetTaskCalls), knownBest, a.tellFullEvaluations);
  }
  return result;
}

/** The two fixed-budget targets (run only with the budgeted arm and their landscape). */
async function fixedBudgetTargets(a: Args, scorers: Map<LandscapeName, TestScorer>, landscapes: Record<string, LandscapeResult>): Promise<Target[]> {
  const specs = [
    { landscape: 'both_needed', taskCalls: 200, goal: 'every seed within 0.03 of the reference mean', floor: (l: LandscapeResult) => (isSummary(l.reference) ? l.reference.test.mean - 0.03 : NaN) },
    { landscape: 'two_predictor_and', taskCalls: 500, goal: 'every seed finds both rules (within 0.02 of the known best)', floor: (l: LandscapeResult) => l.knownBest - WITHIN },
  ] as const;
  const out: Target[] = [];
  for (const t of specs) {
    const name = `${t.landscape}, budget ${t.taskCalls}: ${t.goal}`;
    const scorer = scorers.get(t.landscape);
    const l = landscapes[t.landscape];
    if (!a.arms.includes('budgeted') || !scorer || !l || Number.isNaN(t.floor(l))) {
      out.push({ name, status: 'n/a', detail: 'needs the budgeted arm on this landscape, and its reference' });
      continue;
    }
    const arm = await runArm(scorer, a.seeds, budgeted(t.taskCalls), l.knownBest, a.tellFullEvaluations);
    if (!isSummary(arm)) out.push({ name, status: 'n/a', detail: arm.unavailable });
    else out.push(everySeed(name, arm.runs, t.floor(l), `task calls ${arm.taskCalls.mean.toFixed(0)}; test >=`));
  }
  return out;
}

async function main(): Promise<void> {
  const a = parseArgs();
  const started = performance.now();
  if (a.reference && !a.arms.includes('reference') && a.reference.seeds.join() !== a.seeds.join()) {
    fail(`The reference file ran seeds ${a.reference.seeds.join(',')}, this run ${a.seeds.join(',')}: pass --seeds ${a.reference.seeds.length} (pooled figures compare the same seeds).`);
  }
  const scorers = new Map<LandscapeName, TestScorer>();
  const landscapes: Record<string, LandscapeResult> = {};
  for (const name of a.names) {
    const scorer = new TestScorer(landscape(name));
    scorers.set(name, scorer);
    landscapes[name] = await runLandscape(a, scorer);
    console.error(`${name}: done (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  const pooled = pool(landscapes);
  const targets = [...(await fixedBudgetTargets(a, scorers, landscapes)), ...overallTargets(pooled), estimateTarget(landscapes), withinBudgetTarget(landscapes)];
  const elapsed_s = Math.round((performance.now() - started) / 100) / 10;
  const result: BenchResult = { protocol: 'budget-v1', seeds: a.seeds, arms: a.arms, landscapes, pooled, targets, elapsed_s };
  fs.mkdirSync(path.dirname(path.resolve(a.out)), { recursive: true });
  fs.writeFileSync(a.out, JSON.stringify(result, null, 1) + '\n');
  console.log(renderReport(result));
  console.log(`\nwrote ${a.out}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
