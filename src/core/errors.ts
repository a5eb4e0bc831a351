/**
 * Typed errors for the whole engine.
 *
 * Every error the engine raises has a stable `code` (tests and the UI switch on it), a
 * message that says what happened and with which value, and a `hint` that says what to do.
 * Errors cross worker boundaries as plain {@link ErrorData} (comlink loses classes) and are
 * rebuilt with {@link fromErrorData}.
 */

/** Stable error codes. Add new codes here; never rename one. */
export type ErrorCode =
  // signatures
  | 'SIGNATURE_NO_ARROW'
  | 'SIGNATURE_EMPTY_FIELD'
  | 'SIGNATURE_DUPLICATE_FIELD'
  | 'SIGNATURE_INVALID'
  // adapter
  | 'ADAPTER_PARSE'
  // language models
  | 'LM_AUTH'
  | 'LM_RATE_LIMIT'
  | 'LM_CONTEXT_LENGTH'
  | 'LM_BAD_REQUEST'
  | 'LM_FORMAT_UNSUPPORTED'
  | 'LM_NOT_FOUND'
  | 'LM_SERVER'
  | 'LM_NETWORK'
  | 'LM_TIMEOUT'
  | 'LM_BAD_RESPONSE'
  | 'ABORTED'
  // programs
  | 'PROGRAM_INVALID'
  | 'PROGRAM_UNKNOWN_FIELD'
  | 'PROGRAM_CYCLE'
  | 'PROGRAM_UNREACHABLE_OUTPUT'
  | 'PROGRAM_UNKNOWN_TEMPLATE'
  | 'PROGRAM_MISSING_CORPUS'
  | 'PROGRAM_MISSING_INPUT'
  // datasets
  | 'DATA_PARSE'
  | 'DATA_EMPTY'
  | 'DATA_MAPPING'
  | 'DATA_SPLIT'
  /** Over a size or row limit (the headless runner's `--max-data-mb` / `--max-rows`). */
  | 'DATA_TOO_LARGE'
  /** The worker was asked for a data text by key and no longer has it (the page then sends the text). */
  | 'DATA_GONE'
  // metrics and evaluation
  | 'METRIC_INVALID'
  | 'EVAL_ERROR_BUDGET'
  | 'MODEL_UNREADABLE'
  // optimizers
  | 'OPTIMIZER_INVALID'
  | 'OPTIMIZER_ERROR_BUDGET'
  // share and interop
  | 'SHARE_INVALID'
  | 'SHARE_VERSION'
  | 'SHARE_TOO_LARGE'
  | 'DSPY_INVALID'
  // runner configuration
  | 'CONFIG_INVALID'
  // cache
  | 'CACHE_IO'
  | 'STORAGE_QUOTA'
  | 'STORAGE_UNAVAILABLE'
  | 'STORAGE_IO'
  // local model (WebLLM)
  | 'WEBGPU_UNAVAILABLE' | 'MODEL_LOAD_FAILED' | 'MODEL_OUT_OF_MEMORY' | 'MODEL_DEVICE_LOST' | 'MODEL_ENGINE_DIED' | 'MODEL_TIMEOUT'
  // browser runtime
  | 'WORKER_CRASHED'
  | 'RUN_LOCKED'
  | 'RUN_NOT_FOUND'
  // anything we did not anticipate
  | 'INTERNAL';

/** An error as plain, structured-cloneable data. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

/** The one error class of the engine. `code` is what callers switch on. */
export class PlaygroundError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PlaygroundError';
    this.code = code;
    this.hint = opts.hint;
    this.details = opts.details;
  }

  toData(): ErrorData {
    const data: ErrorData = { code: this.code, message: this.message };
    if (this.hint !== undefined) data.hint = this.hint;
    if (this.details !== undefined) data.details = this.details;
    return data;
  }
}

/** Converts anything thrown into plain error data (unknown errors become `INTERNAL`). */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof PlaygroundError) return err.toData();
  if (isAbortError(err)) return { code: 'ABORTED', message: 'The operation was cancelled.' };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message, hint: 'This is a bug in PromptLab; please report it with the steps that led here.' };
}

/** Rebuilds a typed error from plain data (the other side of a worker boundary). */
export function fromErrorData(data: ErrorData): PlaygroundError {
  const opts: { hint?: string; details?: Record<string, unknown> } = {};
  if (data.hint !== undefined) opts.hint = data.hint;
  if (data.details !== undefined) opts.details = data.details;
  return new PlaygroundError(data.code, data.message, opts);
}

/** True for DOM-style AbortErrors and our own `ABORTED` errors. */
export function isAbortError(err: unknown): boolean {
  if (err instanceof PlaygroundError) return err.code === 'ABORTED';
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError';
}

/** Throws `ABORTED` when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PlaygroundError('ABORTED', 'The operation was cancelled.');
}
