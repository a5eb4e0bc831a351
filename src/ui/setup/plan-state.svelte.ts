/**
 * The plan of the current config (trials, calls, estimated time), computed with the core's
 * `planRun`, the same function the worker uses for a run's own plan. The split sizes need the
 * data parsed and mapped, which the worker does; they are kept per data setup, so a change of
 * optimizer options re-plans at once, without a round trip. Requests are debounced and stale
 * answers dropped by id.
 */
import type { ErrorData } from '../../core/errors';
import type { Plan } from '../../core/optimize';
import { planRun, type PlanLatency, type RunConfig, type RunSizes } from '../../core/runner';
import type { PlanRequest } from '../../protocol/optimizer';
import { toErrorData } from '../../core/errors';

/** Assumed milliseconds per call for the time estimate. */
const LATENCY_MS = { local: 1500, api: 800 } as const;

export type PlanResult = Plan & RunSizes;

export interface Planner {
  plan(request: PlanRequest): Promise<PlanResult>;
}

export class PlanState {
  plan = $state.raw<PlanResult | undefined>(undefined);
  error = $state.raw<ErrorData | undefined>(undefined);
  loading = $state(false);
  private request = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Split sizes of the last data setup the worker measured. */
  private sizes: { key: string; sizes: RunSizes } | undefined;

  /** Re-plans `config`: at once when its data setup was measured, else after a short pause (typing changes it often). */
  refresh(planner: Planner, config: RunConfig | undefined, delayMs = 300): void {
    clearTimeout(this.timer);
    const id = ++this.request;
    if (!config) {
      this.plan = undefined;
      this.loading = false;
      return;
    }
    if (this.sizes?.key === sizesKey(config) && this.planLocally(config, this.sizes.sizes)) return;
    this.loading = true;
    this.timer = setTimeout(() => void this.run(planner, config, id), delayMs);
  }

  private planLocally(config: RunConfig, sizes: RunSizes): boolean {
    try {
      this.plan = { ...planRun(config, sizes, latencyOf(config)), ...sizes };
      this.error = undefined;
      this.loading = false;
      return true;
    } catch {
      // An invalid config: the worker reports it with the data's own problems.
      return false;
    }
  }

  private async run(planner: Planner, config: RunConfig, id: number): Promise<void> {
    try {
      const plan = await planner.plan({ config, latencyMs: latencyOf(config) });
      if (id !== this.request) return;
      this.sizes = { key: sizesKey(config), sizes: { train: plan.train, val: plan.val, test: plan.test } };
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

/** What the split sizes depend on: the data, the program's fields and the metric's field. */
function sizesKey(config: RunConfig): string {
  return JSON.stringify([config.data, config.program, config.metric.field, config.seed]);
}

function latencyOf(config: RunConfig): PlanLatency {
  const latency = (role: 'task' | 'proposer' | 'judge') => ((config.models[role] ?? config.models.task).provider === 'webllm' ? LATENCY_MS.local : LATENCY_MS.api);
  return { task: latency('task'), proposer: latency('proposer'), judge: latency('judge') };
}
