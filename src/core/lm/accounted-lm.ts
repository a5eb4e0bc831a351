/**
 * Wraps a model with the cache and usage accounting for one role.
 *
 * Order per call: an identical call already in flight is joined; otherwise the cache is
 * looked up; otherwise the inner model is called and its answer stored. Joining happens
 * before the cache lookup, so two identical calls made at the same moment send one request
 * even while the (async) lookup is pending. In-flight calls are shared across every accounted
 * wrapper of the same inner model, so the task and teacher roles, which often use one model,
 * never send the same request twice either. Failures are not cached.
 *
 * With an output channel (a role whose answers a program reads), an answer is cached only
 * once its reader could read it; see answer-session.ts. Without one, answers are cached as
 * they arrive.
 */
import { cacheKey, copyResponse } from './cache';
import { abortedError, raceAbort } from './semaphore';
import { AnswerSession } from './answer-session';
import type { AnsweredCall, CacheStore, CallOptions, LanguageModel, LMRequest, LMResponse, LMRole, OutputChannel } from './types';
import type { UsageMeter } from './usage';

export interface AccountedLMOptions {
  /** The model that actually answers. */
  lm: LanguageModel;
  /** Whose usage this is. */
  role: LMRole;
  usage: UsageMeter;
  /** Where answers are cached; without one, only identical in-flight calls are shared. */
  cache?: CacheStore;
  /** How this role asks for answers (`LanguageModel.output`). */
  output?: OutputChannel;
  /** The run's answers not in the cache (shared by its roles); default: this wrapper's own. */
  session?: AnswerSession;
}

interface Flight {
  /** Resolves to the answer and whether it came from the cache. */
  result: Promise<{ response: LMResponse; fromCache: boolean }>;
  /** Aborts the shared request once every caller waiting on it has given up. */
  controller: AbortController;
  waiters: number;
}

// Keyed by inner model so that all roles sharing a model share its in-flight requests.
const flightsByModel = new WeakMap<LanguageModel, Map<string, Flight>>();

/** A `LanguageModel` that caches, deduplicates and accounts the calls of `opts.lm` for `opts.role`. */
export function createAccountedLM(opts: AccountedLMOptions): LanguageModel {
  const { lm, role, usage, cache } = opts;
  const session = opts.session ?? new AnswerSession();
  const inFlight = flightsByModel.get(lm) ?? new Map<string, Flight>();
  flightsByModel.set(lm, inFlight);

  const keys = new WeakMap<LMRequest, string>(); // each call's cache key, hashed once
  // The role's channel, passing each answer's verdict to the session before the role's own reader.
  const output: OutputChannel | undefined = opts.output && withVerdicts(opts.output, (call) => {
    if (!call.response.cached) session.settle(keys.get(call.request) ?? cacheKey(lm.id, call.request), !call.unreadable, cache);
  });

  const startFlight = (key: string, req: LMRequest): Flight => {
    const controller = new AbortController();
    const run = async () => {
      const hit = await session.lookup(key, cache);
      if (hit) return { response: hit, fromCache: true };
      let response: LMResponse;
      try {
        response = await lm.call(req, { signal: controller.signal });
      } catch (err) {
        // A cancelled call is no failure, but the requests it had sent still count as attempts.
        usage.recordFailure(role, err);
        throw err;
      }
      usage.recordCall(role, response.usage, response.attempts);
      if (output) session.received(key, response);
      else session.store(key, response, cache);
      return { response, fromCache: false };
    };
    const flight: Flight = { result: run(), controller, waiters: 0 };
    // The flight ends once settled; later identical calls then read the cache instead.
    const done = () => {
      if (inFlight.get(key) === flight) inFlight.delete(key);
    };
    flight.result.then(done, done);
    return flight;
  };

  return {
    get id() {
      return lm.id;
    },
    get maxConcurrency() {
      return lm.maxConcurrency;
    },
    ...(output && { output }),
    async call(req: LMRequest, options: CallOptions = {}): Promise<LMResponse> {
      const { signal } = options;
      if (signal?.aborted) throw abortedError();
      const key = cacheKey(lm.id, req);
      keys.set(req, key);
      let flight = inFlight.get(key);
      const joined = flight !== undefined;
      if (!flight) {
        flight = startFlight(key, req);
        inFlight.set(key, flight);
      }
      flight.waiters++;
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        if (--flight.waiters === 0) {
          // Nobody wants this answer any more: cancel it, and let a later identical call start afresh.
          if (inFlight.get(key) === flight) inFlight.delete(key);
          flight.controller.abort();
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const { response, fromCache } = await raceAbort(flight.result, signal);
        if (fromCache || joined) usage.recordCacheHit(role);
        const out = copyResponse(response);
        if (fromCache || joined) out.cached = true;
        else delete out.cached;
        return out;
      } finally {
        signal?.removeEventListener('abort', onAbort);
        if (!settled) {
          settled = true;
          flight.waiters--;
        }
      }
    },
  };
}

/** `channel` with `onAnswer` called on every answer before the channel's own `answered`. */
function withVerdicts(channel: OutputChannel, onAnswer: (call: AnsweredCall) => void): OutputChannel {
  return {
    requested: channel.requested,
    maxReasoningTokens: channel.maxReasoningTokens,
    begin: (signal) => channel.begin(signal),
    current: () => channel.current(),
    answered: (call) => {
      onAnswer(call);
      channel.answered(call);
    },
  };
}
