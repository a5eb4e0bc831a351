/**
 * The "Try the program" panel's state: what the user typed per input (kept through errors,
 * model changes and reruns), the answers of the last try, and why a try failed. One try at a
 * time counts: a newer try's answers replace an older one's, and the older one's late answers
 * are dropped by id.
 */
import type { ErrorData } from '../../core/errors';
import type { ProgramSpec, ProgramState } from '../../core/program';
import type { ModelConfig, TryAnswer, TryRequest, TryWhich } from '../../core/runner';
import type { Outcome } from '../state/outcome';
import { noModelError } from './try-view';

/** Runs a try (the optimizer worker's `tryProgram`, with the local model's bridge when needed). */
export type TryRunner = (request: TryRequest) => Promise<Outcome<TryAnswer[]>>;

/** What a try runs: the program, its states, and the task model (undefined: none set up). */
export interface TryTarget {
  spec: ProgramSpec;
  states: Partial<Record<TryWhich, ProgramState>>;
  model: ModelConfig | undefined;
  /** The model the program was optimized with, named when none is set up. */
  wantedModel?: string;
  corpora?: Record<string, readonly string[]>;
}

export class TryState {
  /** The text typed per program input, by field name. */
  values = $state<Record<string, string>>({});
  answers = $state.raw<TryAnswer[] | undefined>(undefined);
  error = $state.raw<ErrorData | undefined>(undefined);
  running = $state(false);
  private seq = 0;

  constructor(private readonly runner: TryRunner) {}

  /** Runs `target` on the typed inputs. Without a model nothing is sent: the error says which to set up. */
  async run(target: TryTarget): Promise<void> {
    const id = ++this.seq;
    if (!target.model) {
      this.error = noModelError(target.wantedModel);
      this.running = false;
      return;
    }
    const inputs: Record<string, string> = {};
    for (const f of target.spec.inputs) inputs[f.name] = this.values[f.name] ?? '';
    // Plain data only: the request crosses to the worker (a reactive proxy cannot be cloned).
    const request: TryRequest = $state.snapshot({
      spec: target.spec,
      states: target.states,
      inputs,
      model: target.model,
      ...(target.corpora && { corpora: target.corpora }),
    }) as TryRequest;
    this.running = true;
    this.error = undefined;
    const out = await this.runner(request);
    if (id !== this.seq) return;
    this.running = false;
    this.answers = out.ok ? out.value : undefined;
    this.error = out.ok ? undefined : out.error;
  }
}
