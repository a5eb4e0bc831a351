/**
 * Loads the tpe-anchor reference harness at run time from its folder (it lives outside the
 * repository: `--anchor DIR`, by default ../shared/bench/tpe-anchor beside it, as on CI) and
 * runs its conformance check without writing anything into that folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Files of the anchor folder the benchmark reads (checked before it starts). */
export const ANCHOR_FILES = ['reference_harness.mjs', 'problems', 'results/random_ref.json', 'results/traces/random_ref.json', 'results/optuna_tpe.json', 'results/random.json'] as const;

/** A problem as the harness loads it (we only read the search space). */
export interface AnchorProblem { id: string; params: string[]; N: number; seed: number }
/** What the harness calls per (problem, run seed). */
export interface AnchorOptimizer { ask(): number[] | Promise<number[]>; tell(config: number[], value: number): void | Promise<void> }
type Json = Record<string, unknown>;

/** The subset of reference_harness.mjs we use. */
export interface Harness {
  loadProblems(dir: string): AnchorProblem[];
  runBenchmark(problems: AnchorProblem[], factory: (p: AnchorProblem, seed: number) => AnchorOptimizer, name: string,
    description: string, opts?: { env?: Json; seeds?: number[] }): Promise<{ result: Json; traces: Json }>;
  RandomRef: new (p: AnchorProblem, seed: number) => AnchorOptimizer;
  checkVectors(p: AnchorProblem): string[];
  diffResults(a: unknown, b: unknown): string[];
  hashKey(...vals: (number | bigint)[]): bigint;
  toUnit(h: bigint): number;
}

/** The reference harness of the anchor folder `dir`. */
export async function loadHarness(dir: string): Promise<Harness> {
  const file = path.join(dir, 'reference_harness.mjs');
  if (!fs.existsSync(file)) throw new Error(`reference harness not found at ${file}`);
  return (await import(pathToFileURL(file).href)) as Harness;
}

/** A JSON file of the anchor folder `dir`, e.g. `results/optuna_tpe.json`. */
export function readJson<T = Json>(dir: string, rel: string): T {
  return JSON.parse(fs.readFileSync(path.join(dir, rel), 'utf8')) as T;
}

/** The harness's random_ref conformance (test vectors + bit-identical random_ref results). Throws on failure. */
export async function conformance(h: Harness, problems: AnchorProblem[], dir: string): Promise<void> {
  const errors: string[] = [];
  const generic: [(number | bigint)[], string][] = [[[0], 'e220a8397b1dcdaf'], [[101], 'd1024a5fad64d717'],
    [[101, 0, 0, 0], '03dfc21e97799b52'], [[(1n << 64n) - 1n, 5, 7, 11], 'adc76f9061387b1d']];
  for (const [vals, hex] of generic) {
    if (h.hashKey(...vals).toString(16).padStart(16, '0') !== hex) errors.push(`generic vector ${vals.join(',')}`);
  }
  if (h.toUnit(h.hashKey(101, 0, 0, 0)) !== 0.015133030384708923) errors.push('to_unit vector');
  for (const p of problems) errors.push(...h.checkVectors(p).map((e) => `${p.id}: ${e}`));
  const { result, traces } = await h.runBenchmark(problems, (p, s) => new h.RandomRef(p, s), 'random_ref', 'conformance');
  const diffs = h.diffResults(readJson(dir, 'results/random_ref.json'), JSON.parse(JSON.stringify(result)));
  errors.push(...diffs.slice(0, 5).map((d) => `random_ref result ${d}`));
  const refTraces = readJson<{ problems: unknown }>(dir, 'results/traces/random_ref.json').problems;
  if (JSON.stringify(refTraces) !== JSON.stringify(traces)) errors.push('random_ref traces differ');
  if (errors.length) throw new Error(`CONFORMANCE FAILED:\n  ${errors.join('\n  ')}`);
}
