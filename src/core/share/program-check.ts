/**
 * Share links and DSPy files are checked as programs, not only as shapes: a spec that matches
 * the schema can still repeat a step id, bind an input to nothing, or loop, and everything
 * downstream (the preview, the workspace, a run) assumes a program that resolves.
 */
import { PlaygroundError, type ErrorCode } from '../errors';
import { resolveProgram } from '../program/resolve';
import type { ProgramSpec } from '../program/types';

/**
 * Throws `code` when `spec` does not resolve: the message leads with `lead` and goes on with
 * the program error's own message; `details.reason` is that error's code.
 */
export function assertRunnableProgram(spec: ProgramSpec, code: ErrorCode, lead: string, hint: string): void {
  try {
    resolveProgram(spec);
  } catch (err) {
    if (!(err instanceof PlaygroundError)) throw err;
    throw new PlaygroundError(code, `${lead}: ${err.message}`, {
      hint: err.hint === undefined ? hint : `${err.hint} ${hint}`,
      details: { ...err.details, reason: err.code },
    });
  }
}
