/** Test helpers for typed errors: tests assert codes, not message text. */
import { PlaygroundError } from '../../src/core/errors';

/** The error code `fn` throws (`not a PlaygroundError: …` for any other error), or undefined when it does not throw. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof PlaygroundError ? err.code : `not a PlaygroundError: ${String(err)}`;
  }
  return undefined;
}

export interface Thrown {
  code: string;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

/** What `fn` throws; fails the test when it does not throw. */
export function thrown(fn: () => unknown): Thrown {
  try {
    fn();
  } catch (err) {
    return err as Thrown;
  }
  throw new Error('expected an error, but nothing was thrown');
}
