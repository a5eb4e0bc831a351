/**
 * The UI state's one convention for actions that can fail: they return an {@link Outcome}
 * (the same shape the optimizer worker returns across its boundary) and never throw, and never
 * stand a failure in for an empty answer (`[]`, `undefined`). The class that ran the action also
 * keeps the failure as its `error` until its next success, so the component showing that class
 * shows why; callers that need the value read the outcome.
 */
import { PlaygroundError, toErrorData, type ErrorData } from '../../core/errors';
import type { Outcome } from '../../protocol/optimizer';

export type { Outcome } from '../../protocol/optimizer';

/** A successful outcome. */
export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

/** A failed outcome from anything thrown (unknown errors become `INTERNAL`). */
export function failed<T = never>(err: unknown): Outcome<T> {
  return { ok: false, error: toErrorData(err) };
}

/** Runs `action` and turns what it throws into a failed outcome. */
export async function attempt<T>(action: () => Promise<T> | T): Promise<Outcome<T>> {
  try {
    return ok(await action());
  } catch (err) {
    return failed(err);
  }
}

/** The error of a failed outcome, `undefined` for a successful one (what a class's `error` shows). */
export function errorOf(outcome: Outcome<unknown>): ErrorData | undefined {
  return outcome.ok ? undefined : outcome.error;
}

/** `RUN_NOT_FOUND` for a run that is not (or no longer) stored on this device. */
export function runNotFound(runId: string): PlaygroundError {
  return new PlaygroundError('RUN_NOT_FOUND', `Run ${runId} is not stored in this browser (it was deleted, perhaps from another tab).`, {
    hint: 'Pick another run from the list.',
  });
}
