/**
 * Comparing two stored runs: the runs list's "Compare" picks (two at most, the older one on
 * the left), and the comparison of their results once both are read from storage.
 */
import { PlaygroundError, type ErrorData } from '../../core/errors';
import { compareRuns, type ComparedRun, type Comparison } from '../run/compare';
import { attempt, errorOf, runNotFound, type Outcome } from './outcome';
import type { RunStorage } from './run-storage';

/** Two runs picked in the runs list, and their comparison. */
export class RunComparison {
  /** Ids picked for comparison, in the order picked (two at most: a third replaces the first). */
  picked = $state.raw<string[]>([]);
  /** The comparison shown, once opened. */
  current = $state.raw<Comparison | undefined>(undefined);
  /** The last failure of opening a comparison. */
  error = $state.raw<ErrorData | undefined>(undefined);
  private ticket = 0;

  constructor(private readonly storage: Pick<RunStorage, 'get'>) {}

  /** Picks or unpicks a run. */
  toggle(runId: string): void {
    this.picked = this.picked.includes(runId) ? this.picked.filter((id) => id !== runId) : [...this.picked, runId].slice(-2);
  }

  /** Reads the two picked runs and compares them (the older one as "A"). */
  async open(): Promise<Outcome<Comparison>> {
    const ticket = ++this.ticket;
    const ids = this.picked;
    const out = await attempt(async () => {
      if (ids.length !== 2) throw new PlaygroundError('CONFIG_INVALID', `Comparing needs two runs, but ${ids.length} ${ids.length === 1 ? 'is' : 'are'} picked.`, { hint: 'Tick "Compare" on two finished runs.' });
      const [a, b] = await Promise.all(ids.map((id) => this.read(id)));
      return a!.createdAt <= b!.createdAt ? compareRuns(a!.run, b!.run) : compareRuns(b!.run, a!.run);
    });
    if (ticket !== this.ticket) return out;
    this.error = errorOf(out);
    this.current = out.ok ? out.value : undefined;
    return out;
  }

  /** Hides the comparison (the picks stay). */
  close(): void {
    this.ticket++;
    this.current = undefined;
    this.error = undefined;
  }

  private async read(id: string): Promise<{ run: ComparedRun; createdAt: number }> {
    const record = await this.storage.get(id);
    if (!record) throw runNotFound(id);
    const name = record.name ?? `Run ${new Date(record.createdAt).toLocaleString()}`;
    if (!record.result) throw new PlaygroundError('CONFIG_INVALID', `Run "${name}" has no result to compare (it is ${record.status}).`, { hint: 'Compare runs that completed.' });
    return { run: { id, name, result: record.result }, createdAt: record.createdAt };
  }
}
