/**
 * A model's time per call, as the plan uses it: measured in this session when the user tested
 * the endpoint (Test connection) or loaded the local model (its warm-up call), else assumed.
 *
 * A budget in minutes becomes calls through the task model's latency (core `planRun`). When
 * nothing was measured we still plan, with the assumed figure, and the setup says it is
 * assumed: the user sees the size of each choice at once, and one click (Test connection, or
 * loading the model) replaces the guess. Refusing to plan instead would hide the comparison
 * behind a step the user may not know about. Whatever figure the plan used goes with the run
 * (`StartRunRequest.latencyMs`), so the run's budget in calls is the one the user saw.
 *
 * Measurements are not saved with the workspace: they describe this session's network or GPU.
 * A run keeps the latency it was planned with, so a resume needs none.
 */
import type { LMRole } from '../../core/lm';
import type { ModelConfig, PlanLatency, RunConfig } from '../../core/runner';

/** Assumed milliseconds per call when none was measured: a local WebGPU model, an API. */
export const ASSUMED_LATENCY_MS = { local: 1500, api: 800 } as const;

/** Measured milliseconds per call, by {@link latencyKey}. */
export type MeasuredLatency = Readonly<Record<string, number>>;

/** One role's latency, and where it comes from. */
export interface RoleLatency {
  ms: number;
  measured: boolean;
  /** The model runs in this browser (WebLLM): measured by loading it, not by Test connection. */
  local: boolean;
}

/** The model a measurement belongs to: its server and name (never its key). */
export function latencyKey(model: ModelConfig): string {
  return model.provider === 'openai-compatible' ? `${model.baseURL.trim()}|${model.model.trim()}` : `${model.provider}:${model.model}`;
}

/** The latency of `role`'s model in `config` (roles left unset use the model the runner falls back to). */
export function roleLatency(config: RunConfig, role: Exclude<LMRole, 'teacher'>, measured: MeasuredLatency): RoleLatency {
  const m = config.models;
  const model = role === 'judge' ? (m.judge ?? m.proposer ?? m.task) : (m[role] ?? m.task);
  const local = model.provider === 'webllm';
  const ms = measured[latencyKey(model)];
  return ms !== undefined ? { ms, measured: true, local } : { ms: local ? ASSUMED_LATENCY_MS.local : ASSUMED_LATENCY_MS.api, measured: false, local };
}

/** What the plan and the run are given: every role's milliseconds per call. */
export function planLatency(config: RunConfig, measured: MeasuredLatency): PlanLatency {
  return { task: roleLatency(config, 'task', measured).ms, proposer: roleLatency(config, 'proposer', measured).ms, judge: roleLatency(config, 'judge', measured).ms };
}
