/**
 * One tiny request that measures a model's time per call. Test connection in the setup, the
 * warm-up after a local model loads, and the headless runner's warm-up all send this same
 * request, so a budget in minutes is turned into calls from the same kind of measurement
 * wherever it is planned. It is sent to the raw model: never cached, never in a run's usage.
 *
 * A one-word answer is quicker than a program's call (which writes reasoning and fields), so
 * the figure is a floor: that is one reason wall-clock minutes are estimated, not guaranteed.
 */
import type { CallOptions, LanguageModel } from './types';

/** What one probe measured: milliseconds for the round trip, and the model's answer. */
export interface Probe {
  latencyMs: number;
  model: string;
  reply: string;
}

/** Sends the probe to `lm` and times it (at least 1 ms). Rejects as the model's call does. */
export async function probeLatency(lm: LanguageModel, options: CallOptions = {}): Promise<Probe> {
  const started = performance.now();
  const res = await lm.call({ messages: [{ role: 'user', content: 'Reply with the single word: ok' }], temperature: 0, maxTokens: 8 }, options);
  return { latencyMs: Math.max(1, Math.round(performance.now() - started)), model: res.model, reply: res.completions[0] ?? '' };
}
