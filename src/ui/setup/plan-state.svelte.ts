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
  refresh(planner: Planner, config: RunConfig | undefined, latency: PlanLatency, delayMs = 300, textId?: string): void {
    clearTimeout(this.timer);
    const id = ++this.request;
    if (!config) {
      this.plan = undefined;
      this.comparison = [];
      this.loading = false;
      return;
    }
    if (this.sizes?.key === sizesKey(config, textId) && this.planLocally(config, this.sizes.sizes, latency)) return;
    this.loading = true;
    this.timer = setTimeout(() => void this.run(planner, config, latency, id, textId), delayMs);
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

  private async run(planner: Planner, config: RunConfig, latency: PlanLatency, id: number, textId: string | undefined): Promise<void> {
    try {
      const plan = await planText(planner, config, latency, textId);
      if (id !== this.request) return;
      const sizes = { train: plan.train, val: plan.val, test: plan.test };
      this.sizes = { key: sizesKey(config, textId), sizes };
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

/**
 * What the split sizes depend on: the data, the program's fields and the metric's field. The
 * data's text by the worker's id for it when there is one: stringifying megabytes of text on
 * every change blocked the page.
 */
function sizesKey(config: RunConfig, textId: string | undefined): string {
  const { text, ...data } = config.data;
  return JSON.stringify([data, textId ?? text ?? null, config.program, config.metric.field, config.seed]);
}

/**
 * Plans `config` in the worker. A large data text is sent by the worker's id for it (the
 * worker keeps the text it parsed last): sending megabytes again took the page a few hundred ms.
 */
async function planText(planner: Planner, config: RunConfig, latency: PlanLatency, textId: string | undefined): Promise<PlanResult> {
  const { text } = config.data;
  if (textId === undefined || text === undefined || text.length < 64 * 1024) return planner.plan({ config, latencyMs: latency });
  try {
    return await planner.plan({ config: { ...config, data: { ...config.data, text: '' } }, latencyMs: latency, dataText: textId });
  } catch (err) {
    if (toErrorData(err).code !== 'DATA_GONE') throw err;
    return planner.plan({ config, latencyMs: latency });
  }
}
