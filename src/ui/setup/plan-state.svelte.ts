/**
 * The plan of the current config (trials, calls, estimated time), computed by the worker
 * before a run. Requests are debounced and stale answers dropped by id.
 */
import type { ErrorData } from '../../core/errors';
import type { Plan } from '../../core/optimize/types';
import type { RunConfig } from '../../core/runner/config';
import type { PlanRequest } from '../../workers/protocol';
import { toErrorData } from '../components/format';

/** Assumed seconds per call for the time estimate. */
export const LATENCY_MS = { local: 1500, api: 800 } as const;

export type PlanResult = Plan & { train: number; val: number; test: number };

export interface Planner {
  plan(request: PlanRequest): Promise<PlanResult>;
}

export class PlanState {
  plan = $state.raw<PlanResult | undefined>(undefined);
  error = $state.raw<ErrorData | undefined>(undefined);
  loading = $state(false);
  private request = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Asks for the plan of `config` after a short pause (typing in the form changes it often). */
  refresh(planner: Planner, config: RunConfig | undefined, delayMs = 300): void {
    clearTimeout(this.timer);
    const id = ++this.request;
    if (!config) {
      this.plan = undefined;
      this.loading = false;
      return;
    }
    this.loading = true;
    this.timer = setTimeout(() => void this.run(planner, config, id), delayMs);
  }

  private async run(planner: Planner, config: RunConfig, id: number): Promise<void> {
    const latency = (role: 'task' | 'proposer') => ((config.models[role] ?? config.models.task).provider === 'webllm' ? LATENCY_MS.local : LATENCY_MS.api);
    try {
      const plan = await planner.plan({ config, latencyMs: { task: latency('task'), proposer: latency('proposer') } });
      if (id !== this.request) return;
      this.plan = plan;
      this.error = undefined;
    } catch (err) {
      if (id !== this.request) return;
      this.plan = undefined;
      this.error = toErrorData(err);
    } finally {
      if (id === this.request) this.loading = false;
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
