import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export { codeOf, thrown } from '../errors';

/** Reads a file of the shared benchmark data (`../shared/data` next to the repository). */
export function readSharedData(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../../shared/data/${name}`, import.meta.url)), 'utf8');
}

/** The rows of a shared JSONL file, parsed independently of the code under test. */
export function sharedRows(name: string): Record<string, unknown>[] {
  return readSharedData(name)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

