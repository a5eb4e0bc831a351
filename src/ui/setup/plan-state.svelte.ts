/**
 * The plan of the current config (trials, calls, estimated time), computed with the core's
 * `planRun`, the same function the worker uses for a run's own plan, and with the latency the
 * run will be given (see latency.ts). The split sizes need the data parsed and mapped, which
 * the worker does; they are kept per data setup, so a change of optimizer options or of a
 * measured latency re-plans at once, without a round trip. Requests are debounced and stale
 * answers dropped by id.
 *
 * For MIPROv2 it also plans every budget choice (light / medium / heavy / minutes) on the same
 * sizes and latency, for the comparison the setup shows before a run starts.
 */
import type { ErrorData } from '../../core/errors';
import type { Plan } from '../../core/optimize';
import { planRun, type PlanLatency, type RunConfig, type RunSizes } from '../../core/runner';
import type { PlanRequest } from '../../protocol/optimizer';
import { toErrorData } from '../../core/errors';
import { planComparison, type PlanRow } from './budget-choices';

export type PlanResult = Plan & RunSizes;

export interface Planner {
  plan(request: PlanRequest): Promise<PlanResult>;
}

export class PlanState {
  plan = $state.raw<PlanResult | undefined>(undefined);
  /** Every MIPROv2 budget choice planned on the same data (empty for other optimizers, or before the sizes are known). */
  comparison = $state.raw<PlanRow[]>([]);
  error = $state.raw<ErrorData | undefined>(undefined);
  loading = $state(false);
  private request = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Split sizes of the last data setup the worker measured. */
  private sizes: { key: string; sizes: RunSizes } | undefined;

  /**
   * Re-plans `config` with `latency` (milliseconds per call, per role): at once when its data
   * setup was measured, else after a short pause (typing changes it often).
   */
  refresh(planner: Planner, config: RunConfig | undefined, latency: PlanLatency, delayMs = 300): void {
    clearTimeout(this.timer);
    const id = ++this.request;
    if (!config) {
      this.plan = undefined;
      this.comparison = [];
      this.loading = false;
      return;
    }
    if (this.sizes?.key === sizesKey(config) && this.planLocally(config, this.sizes.sizes, latency)) return;
    this.loading = true;
    this.timer = setTimeout(() => void this.run(planner, config, latency, id), delayMs);
  }

  private planLocally(config: RunConfig, sizes: RunSizes, latency: PlanLatency): boolean {
    try {
      this.plan = { ...planRun(config, sizes, latency), ...sizes };
      this.comparison = planComparison(config, sizes, latency);
      this.error = undefined;
      this.loading = false;
      return true;
    } catch {
      // An invalid config: the worker reports it with the data's own problems.
      return false;
    }
  }

  private async run(planner: Planner, config: RunConfig, latency: PlanLatency, id: number): Promise<void> {
    try {
      const plan = await planner.plan({ config, latencyMs: latency });
      if (id !== this.request) return;
      const sizes = { train: plan.train, val: plan.val, test: plan.test };
      this.sizes = { key: sizesKey(config), sizes };
      this.plan = plan;
      this.comparison = planComparison(config, sizes, latency);
      this.error = undefined;
    } catch (err) {
      if (id !== this.request) return;
      this.plan = undefined;
      this.comparison = [];
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
