/**
 * Command-line folders for the benchmarks. The full datasets and the TPE anchor live outside
 * the repository (`../shared/...` beside it on CI, absent from a user's clone), so each
 * benchmark takes its folder as a flag, defaults to the CI location, and stops with a message
 * that names what is missing and the flag to pass, rather than failing deep inside a run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (defaults are relative to it, not to the working directory). */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The value after `--name`, or undefined when the flag is absent. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export interface DirArg {
  /** Flag name without dashes, e.g. "data". */
  flag: string;
  /** Default folder, relative to the repository root. */
  fallback: string;
  /** Files the benchmark reads, relative to the folder; all must exist. */
  needs: readonly string[];
  /** What the folder holds, for the message, e.g. "the full benchmark datasets". */
  what: string;
  /** How to run the benchmark with the flag, e.g. "npm run bench:engine -- --data DIR". */
  usage: string;
}

/**
 * The folder given by `--<flag> DIR` (relative to the working directory), else `fallback`.
 * When the folder or a file in `needs` is missing, prints why and how to pass the flag, and
 * exits with code 2.
 */
export function dirArg(spec: DirArg): string {
  const given = arg(spec.flag);
  if (process.argv.includes(`--${spec.flag}`) && (given === undefined || given.startsWith('--'))) {
    console.error(`--${spec.flag} must be followed by a folder, e.g.\n  ${spec.usage}`);
    process.exit(2);
  }
  const dir = given !== undefined ? path.resolve(given) : path.resolve(REPO_ROOT, spec.fallback);
  const from = given !== undefined ? `--${spec.flag} ${given}` : `the default ${spec.fallback} (beside the repository, as on CI)`;
  const missing = fs.existsSync(dir) ? spec.needs.filter((f) => !fs.existsSync(path.join(dir, f))) : [];
  if (!fs.existsSync(dir) || missing.length > 0) {
    const what = missing.length > 0 ? `${dir} has no ${missing.join(', ')}` : `${dir} does not exist`;
    console.error(
      `This benchmark reads ${spec.what} from ${from}, but ${what}.\n`
        + `Pass the folder that holds ${spec.needs.join(', ')}:\n  ${spec.usage}`,
    );
    process.exit(2);
  }
  return dir;
}
