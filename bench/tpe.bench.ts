/**
 * Benchmark of our TPE sampler on the tpe-anchor-v1 problems, against Optuna's TPE.
 *
 *   npx tsx bench/tpe.bench.ts --out FILE [--anchor DIR] [--options '{"confirmEvaluations":1}'] [--name N]
 *                              [--optuna-local /tmp/tpe-anchor/results/optuna_tpe.json]
 *                              [--seeds 100-299]   (development seeds: short summary only)
 *                              [--no-budget]       (do not tell the sampler the budget T)
 *                              [--mipro-loop [--seeds 0-99] [--optuna] [--race]]
 *
 * `--mipro-loop` instead runs MIPROv2's search loop with its periodic full evaluations on the
 * anchor problems (bench/tpe/mipro-loop.ts), once telling the sampler the full evaluations and
 * once keeping them from it, and prints the mean regret of the returned configuration.
 *
 * The anchor folder (tpe-anchor-v1: problems, reference harness, Optuna's results) is outside the
 * repository: `--anchor DIR`, by default ../shared/bench/tpe-anchor beside it (as on CI); when
 * it is missing, the benchmark says so and exits with code 2.
 *
 * 1. conformance: the reference harness's random_ref check (fails loudly);
 * 2. an untimed warm-up (JIT);
 * 3. our sampler through the harness's runBenchmark (20 seeds x 40 trials x 6 problems);
 * 4. the result JSON (protocol shape) to --out, and a comparison with Optuna and random.
 *
 * Optuna's timings in results/optuna_tpe.json come from another machine: re-run it here
 * (copy the anchor folder to /tmp, `/usr/bin/python3 run_optuna.py --only optuna_tpe`)
 * and pass that file as --optuna-local.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../src/core/util/random';
import { TpeSampler, type TpeOptions, type TpeTrial } from '../src/core/optimize/tpe';
import { arg, dirArg } from './args';
import { ANCHOR_FILES, conformance, loadHarness, readJson, type AnchorOptimizer, type AnchorProblem } from './tpe/harness';
import { pooled, renderComparison, type AnchorResult } from './tpe/compare';
import { loopSummary, type LoopHarness, type LoopProblem } from './tpe/mipro-loop';

/** Adapts the stateless sampler to the harness's ask/tell loop; Rng seeded with the run seed. */
function makeOptimizer(prob: AnchorProblem, runSeed: number, options: TpeOptions): AnchorOptimizer {
  const sampler = new TpeSampler(prob.params.map((name) => ({ name, choices: prob.N })), options);
  const rng = new Rng(runSeed);
  const history: TpeTrial[] = [];
  return {
    ask: () => {
      const { params } = sampler.suggest(history, rng);
      return prob.params.map((name) => params[name] as number);
    },
    tell: (config, value) => {
      history.push({ params: Object.fromEntries(prob.params.map((name, i) => [name, config[i] as number])), value });
    },
  };
}

/** `a-b` (inclusive) as a list of run seeds. */
function seedRange(spec: string): number[] {
  const [a, b] = spec.split('-').map(Number) as [number, number];
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

/** MIPROv2's loop on the anchor problems, full evaluations told to the sampler and kept from it. */
function miproLoop(h: LoopHarness, problems: LoopProblem[], T: number): void {
  const seeds = seedRange(arg('seeds') ?? '0-19');
  const optuna = process.argv.includes('--optuna');
  // `--race`: tell our sampler the trial budget, as MIPROv2 did before (mipro-v2.ts).
  const race = process.argv.includes('--race');
  const runs: number[][] = [];
  for (const tell of [false, true]) {
    const r = loopSummary(h, problems, seeds, { T, tell, optuna, race });
    runs.push(r.scores);
    const per = Object.entries(r.perProblem).map(([pid, p]) => `${pid.slice(0, 2)}=${p.regret.toFixed(4)}`);
    console.log(`mipro loop, ${optuna ? 'optuna' : 'our'} TPE${race ? ' told the trial budget (race)' : ''}, full evaluations ${tell ? 'told to' : 'kept from'} the sampler, seeds ${seeds[0]}-${seeds.at(-1)}: `
      + `pooled regret ${r.pooledRegret.toFixed(4)} | ${per.join(' ')}`);
  }
  // Paired by (problem, seed): the same noise draws both ways until the histories differ.
  const d = runs[1]!.map((v, i) => v - runs[0]![i]!);
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const sem = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1) / d.length);
  console.log(`told - kept, true score of the returned configuration: ${mean >= 0 ? '+' : ''}${mean.toFixed(4)} ± ${sem.toFixed(4)} (sem, ${d.length} runs)`);
}

async function main(): Promise<void> {
  const out = arg('out');
  if (!out) throw new Error('usage: npx tsx bench/tpe.bench.ts --out FILE [--anchor DIR]');
  const anchor = dirArg({
    flag: 'anchor',
    fallback: '../shared/bench/tpe-anchor',
    needs: ANCHOR_FILES,
    what: 'the tpe-anchor benchmark (problems, reference harness, Optuna results)',
    usage: `npm run bench:tpe -- --out ${out} --anchor DIR`,
  });
  // MIPROv2 knows its number of trials up front, so by default the sampler is told the
  // protocol's budget T (this enables its end-of-budget race); --no-budget withholds it.
  const T = readJson<{ T: number }>(anchor, 'results/random_ref.json').T;
  const withBudget = !process.argv.includes('--no-budget');
  const options = { ...(withBudget && { trialBudget: T }), ...(JSON.parse(arg('options') ?? '{}') as TpeOptions) };
  const h = await loadHarness(anchor);
  const problems = h.loadProblems(path.join(anchor, 'problems'));

  await conformance(h, problems, anchor);
  console.log('conformance: random_ref bit-identical, test vectors ok');
  if (process.argv.includes('--mipro-loop')) {
    miproLoop(h as LoopHarness, problems as LoopProblem[], T);
    return;
  }

  const warm = problems[0] as AnchorProblem;
  for (let i = 0; i < 3; i++) await h.runBenchmark([warm], (p, s) => makeOptimizer(p, s, options), 'warmup', '', { seeds: [999] });

  const resolved = new TpeSampler([{ name: 'x', choices: 2 }], options).options;
  const description = `TpeSampler(space, ${JSON.stringify(resolved)}) from src/core/optimize/tpe; `
    + 'suggest(history, new Rng(run_seed)) per ask, history = every told (params, value); maximize.'
    + (options.trialBudget !== undefined ? ` The sampler is told the trial budget T = ${options.trialBudget} up front (as MIPROv2 knows num_trials).` : '');
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  const seedsArg = arg('seeds');
  const seeds = seedsArg ? seedRange(seedsArg) : undefined;
  const { result } = await h.runBenchmark(problems, (p, s) => makeOptimizer(p, s, options), arg('name') ?? 'promptlab_tpe',
    description, { env: { cpu, n_cpus: os.cpus().length }, ...(seeds ? { seeds } : {}) });
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 1) + '\n');

  if (seeds) {
    // Development seeds (not the protocol's 0..19): no paired comparison with the anchors.
    const r = result as unknown as AnchorResult;
    const per = Object.entries(r.problems).map(([pid, p]) => `${pid.slice(0, 2)}=${(p.at['40']?.['best_mean']?.mean ?? NaN).toFixed(4)}`);
    console.log(`seeds ${seedsArg}: pooled@40 best_mean=${pooled(r, 'best_mean').toFixed(3)} best_noisy=${pooled(r, 'best_noisy').toFixed(3)} `
      + `true_seen=${pooled(r, 'best_true_seen').toFixed(3)} | best_mean@40 ${per.join(' ')}`);
    return;
  }
  const localPath = arg('optuna-local');
  const optunaLocal = localPath ? (JSON.parse(fs.readFileSync(localPath, 'utf8')) as AnchorResult) : undefined;
  console.log(renderComparison(result as unknown as AnchorResult, readJson<AnchorResult>(anchor, 'results/optuna_tpe.json'),
    readJson<AnchorResult>(anchor, 'results/random.json'), optunaLocal));
  console.log(`\nwrote ${out} (${String(result.elapsed_s)} s)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
