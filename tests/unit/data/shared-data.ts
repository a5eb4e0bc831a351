import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

/** Runs `fn` and returns the `code` of the error it throws (undefined when it does not throw). */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code ?? 'no-code';
  }
  return undefined;
}

/** Runs `fn` and returns what it throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): { code: string; message: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string; details?: Record<string, unknown> };
  }
  throw new Error('expected an error');
}
