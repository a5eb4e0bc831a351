/**
 * Per-role accounting of language-model use: how many calls went to the network and the HTTP
 * requests (attempts) they took, how many were answered from the cache, how many failed, and
 * the tokens spent. The snapshot is plain data
 * so it can cross a worker boundary, go into a run's result, and be restored on resume.
 */
import { isAbortError, PlaygroundError } from '../errors';
import { LM_ROLES, type LMRole, type RoleUsage, type TokenUsage, type UsageSnapshot } from './types';

/** Called after every change with a fresh snapshot. */
export type UsageListener = (snapshot: UsageSnapshot) => void;

/** An all-zero usage record for every role. */
export function emptyUsage(): UsageSnapshot {
  const out = {} as UsageSnapshot;
  for (const role of LM_ROLES) out[role] = { calls: 0, attempts: 0, cacheHits: 0, failures: 0, parseFailures: 0, promptTokens: 0, completionTokens: 0 };
  return out;
}

/** The sum over all roles. */
function totalUsage(snapshot: UsageSnapshot): RoleUsage {
  const total: RoleUsage = { calls: 0, attempts: 0, cacheHits: 0, failures: 0, parseFailures: 0, promptTokens: 0, completionTokens: 0 };
  for (const role of LM_ROLES) {
    const u = snapshot[role];
    total.calls += u.calls;
    total.attempts += u.attempts;
    total.cacheHits += u.cacheHits;
    total.failures += u.failures;
    total.parseFailures += u.parseFailures;
    total.promptTokens += u.promptTokens;
    total.completionTokens += u.completionTokens;
  }
  return total;
}

/**
 * Counts LM use per role. `calls` are LM calls sent to a model, successful or not (so
 * `failures <= calls`), one each whatever their retries; `attempts` are the HTTP requests
 * they took (`LMResponse.attempts`, or `details.attempts` on the error). Cache hits and
 * answers shared with an identical in-flight call are `cacheHits`, never calls. Cancelled
 * calls are not calls, but the requests they had sent are attempts: the server got them.
 * `parseFailures` are answers that arrived but could not be read
 * (`parseFailures <= calls - failures`).
 */
export class UsageMeter {
  private usage: UsageSnapshot = emptyUsage();
  private readonly listeners = new Set<UsageListener>();

  constructor(opts: { initial?: UsageSnapshot; onChange?: UsageListener } = {}) {
    if (opts.initial) this.usage = copyUsage(opts.initial);
    if (opts.onChange) this.listeners.add(opts.onChange);
  }

  /** A call was sent and answered, after `attempts` HTTP requests (default 1). */
  recordCall(role: LMRole, tokens: TokenUsage, attempts = 1): void {
    const u = this.usage[role];
    u.calls += 1;
    u.attempts += atLeast(1, attempts);
    u.promptTokens += nonNegative(tokens.promptTokens);
    u.completionTokens += nonNegative(tokens.completionTokens);
    this.emit();
  }

  /**
   * A call sent to a model threw `err`. A cancelled call counts only the requests it had sent
   * (`details.attempts`, 0 when absent); any other error is a call and a failure, with its
   * attempts (`details.attempts`, 1 when absent) and the tokens of an answer that arrived
   * whole but was refused (`details.usage`, e.g. a 200 with no choices).
   */
  recordFailure(role: LMRole, err?: unknown): void {
    const u = this.usage[role];
    const details = err instanceof PlaygroundError ? err.details : undefined;
    const sent = typeof details?.attempts === 'number' ? details.attempts : undefined;
    if (isAbortError(err)) {
      u.attempts += atLeast(0, sent ?? 0);
    } else {
      u.calls += 1;
      u.failures += 1;
      u.attempts += atLeast(1, sent ?? 1);
      const tokens = details?.usage as Partial<TokenUsage> | undefined;
      u.promptTokens += nonNegative(tokens?.promptTokens);
      u.completionTokens += nonNegative(tokens?.completionTokens);
    }
    this.emit();
  }

  /** An answer the model sent (not a cached one) could not be read by the adapter. */
  recordParseFailure(role: LMRole): void {
    this.usage[role].parseFailures += 1;
    this.emit();
  }

  /** An answer came from the cache (or from an identical call already in flight). */
  recordCacheHit(role: LMRole): void {
    this.usage[role].cacheHits += 1;
    this.emit();
  }

  /** Usage so far, as plain data (a copy). */
  snapshot(): UsageSnapshot {
    return copyUsage(this.usage);
  }

  /** The sum over all roles. */
  total(): RoleUsage {
    return totalUsage(this.usage);
  }

  /** Replaces the counts with a saved snapshot (a resumed run continues its totals). */
  restore(snapshot: UsageSnapshot): void {
    this.usage = copyUsage(snapshot);
    this.emit();
  }

  /** Listens to changes; returns the function that stops listening. */
  subscribe(listener: UsageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    if (this.listeners.size === 0) return;
    const snap = this.snapshot();
    for (const l of this.listeners) l(snap);
  }
}

// A snapshot from an older run may lack a role or a field: missing counts start at zero.
function copyUsage(s: Partial<Record<LMRole, Partial<RoleUsage>>>): UsageSnapshot {
  const out = emptyUsage();
  for (const role of LM_ROLES) {
    const src = s[role];
    if (!src) continue;
    const dst = out[role];
    dst.calls = nonNegative(src.calls);
    // Before attempts were counted, every call was at least one request: the best lower bound.
    dst.attempts = src.attempts === undefined ? dst.calls : nonNegative(src.attempts);
    dst.cacheHits = nonNegative(src.cacheHits);
    dst.failures = nonNegative(src.failures);
    dst.parseFailures = nonNegative(src.parseFailures);
    dst.promptTokens = nonNegative(src.promptTokens);
    dst.completionTokens = nonNegative(src.completionTokens);
  }
  return out;
}

function atLeast(min: number, n: number): number {
  return Number.isFinite(n) && n > min ? Math.floor(n) : min;
}

function nonNegative(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}
