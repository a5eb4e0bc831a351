/**
 * What `auto` output found out about the models the Models panel shows: whether each takes
 * JSON schemas, read from the memory the optimizer worker writes (IndexedDB, shared with the
 * page), and "Check again", which forgets a finding so the next run asks anew.
 *
 * Findings change only while a run makes its first calls, in the worker: the panel reads them
 * when it shows a model and again when the setup is shown again (`refresh`).
 */
import type { ErrorData } from '../../core/errors';
import type { OutputFinding as Finding } from '../../storage/output-memory';
import { toErrorData } from '../../core/errors';

/** Where findings are read and forgotten (IdbOutputMemory in the app). */
export interface FindingsStore {
  finding(modelId: string): Promise<Finding | undefined>;
  forget(modelId: string): Promise<void>;
}

export class OutputFindings {
  /** Per model id: its finding, or `null` once read and nothing is known. Unread ids are absent. */
  found = $state.raw<Readonly<Record<string, Finding | null>>>({});
  /** The last read or forget that failed (storage unavailable). */
  error = $state.raw<ErrorData | undefined>(undefined);
  private readonly shown = new Set<string>();
  private store: Promise<FindingsStore> | undefined;

  constructor(private readonly open: () => Promise<FindingsStore>) {}

  /** Reads what is known about `modelId` (and keeps it among the ids `refresh` reads). */
  async read(modelId: string): Promise<void> {
    this.shown.add(modelId);
    try {
      const finding = await (await this.getStore()).finding(modelId);
      this.found = { ...this.found, [modelId]: finding ?? null };
    } catch (err) {
      this.error = toErrorData(err);
    }
  }

  /** Reads every model shown so far again (a run may have found something since). */
  async refresh(): Promise<void> {
    await Promise.all([...this.shown].map((id) => this.read(id)));
  }

  /** Forgets what was found about `modelId`: the next run asks it for a JSON schema again. */
  async forget(modelId: string): Promise<void> {
    try {
      await (await this.getStore()).forget(modelId);
      this.found = { ...this.found, [modelId]: null };
    } catch (err) {
      this.error = toErrorData(err);
    }
  }

  private getStore(): Promise<FindingsStore> {
    // A failed open is tried again on the next read, not remembered.
    this.store ??= this.open().catch((err: unknown) => {
      this.store = undefined;
      throw err;
    });
    return this.store;
  }
}

/**
 * The line the panel shows under an `auto` model: what its server was found to take and when,
 * or that the next run finds out. `who` names it ("This server", "This model").
 */
export function findingText(finding: Finding | null | undefined, who: string): string {
  if (!finding) return 'Not checked yet: the next run asks for a JSON schema first and switches to chat sections if it is refused.';
  const on = formatDay(finding.at);
  return finding.output === 'chat'
    ? `${who} refused JSON schemas${on ? ` on ${on}` : ''}: answers are asked in chat format.`
    : `${who} takes JSON schemas${on ? ` (found on ${on})` : ''}: answers are constrained to the signature.`;
}

/** "2 Dec 2026" in the user's locale; '' for a date that does not parse. */
function formatDay(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}
