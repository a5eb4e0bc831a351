/**
 * Share links: reading a `#p=` fragment into a preview the user confirms, and building links
 * for the current program or a run's optimized program. A payload has no place for model
 * configs, so keys can never travel; sample rows travel only when the user opts in.
 */
import type { ErrorData } from '../../core/errors';
import { toExamples } from '../../core/data';
import type { FieldMapping, ParsedTable } from '../../core/data';
import type { ResolvedOutput } from '../../core/lm';
import { initialState, resolveProgram } from '../../core/program';
import type { ModelConfig } from '../../core/runner';
import type { ProgramSpec, ProgramState } from '../../core/program';
import { decodeShare, isShareLinkLong, shareUrl, type ShareMeta, type SharePayload, type ShareSample } from '../../core/share';
import { attempt, failed, ok, type Outcome } from '../state/outcome';

/** Fragment prefix reserved for share links. */
export const SHARE_FRAGMENT = '#p=';

/** The first `n` rows of a table as share samples (inputs and labels by the mapping). */
export function sampleRows(table: ParsedTable, mapping: FieldMapping, n: number): ShareSample[] {
  try {
    return toExamples({ ...table, rows: table.rows.slice(0, n * 2) }, mapping).examples.slice(0, n).map((e) => ({ inputs: e.inputs, labels: e.labels }));
  } catch {
    return [];
  }
}

/** A payload for `spec` (its initial state when none is given). */
export function buildPayload(spec: ProgramSpec, state: ProgramState | undefined, meta: ShareMeta): SharePayload {
  return { v: 1, spec, state: state ?? initialState(resolveProgram(spec)), meta };
}

/**
 * The output mode a workspace program would be shared with: the task model's configured mode,
 * when it names one. `auto` (and no mode: `auto` for the task role) decides at run time, so a
 * program not from a run has no known mode then, and the link says none.
 */
export function configuredOutput(task: ModelConfig | undefined): ResolvedOutput | undefined {
  const output = task?.output;
  return output === undefined || output === 'auto' ? undefined : output;
}

/** How the answers of an output mode read in a sentence ("Optimized with JSON-schema answers"). */
export function outputAnswers(output: ResolvedOutput): string {
  return output === 'json_schema' ? 'JSON-schema answers' : output === 'json' ? 'JSON-object answers' : 'chat answers ([[ ## field ## ]] sections)';
}

/** Copies text to the clipboard (the browser's by default; it needs a user gesture and permission). */
export type ClipboardWriter = (text: string) => Promise<void>;

/**
 * The share link the page was opened with (previewed before it loads anything) and the last
 * link made. Actions return an {@link Outcome}; failures also stay in `error` / `copyError`
 * for the preview and the share panel to show.
 */
export class ShareState {
  /** A decoded link waiting for the user to open or dismiss it. */
  pending = $state.raw<SharePayload | undefined>(undefined);
  /** Why the opened link could not be read. */
  error = $state.raw<ErrorData | undefined>(undefined);

  /** The last link made, its size warning, and a copy error. */
  link = $state('');
  copied = $state(false);
  copyError = $state.raw<ErrorData | undefined>(undefined);
  readonly long = $derived(this.link !== '' && isShareLinkLong(this.link));

  constructor(private readonly clipboard: ClipboardWriter = (text) => navigator.clipboard.writeText(text)) {}

  /**
   * Reads a `#p=` fragment into `pending` (or `error`). Resolves `undefined` when the hash is
   * no share link, else the decoded payload or why it cannot be read (`SHARE_INVALID`, `SHARE_VERSION`).
   */
  readHash(hash: string): Outcome<SharePayload> | undefined {
    if (!hash.startsWith(SHARE_FRAGMENT)) return undefined;
    let out: Outcome<SharePayload>;
    try {
      out = ok(decodeShare(hash));
    } catch (err) {
      out = failed(err);
    }
    this.pending = out.ok ? out.value : undefined;
    this.error = out.ok ? undefined : out.error;
    return out;
  }

  /** Dismisses the previewed link. */
  dismiss(): void {
    this.pending = undefined;
    this.error = undefined;
  }

  /**
   * Makes a link for `payload` and copies it to the clipboard when allowed. A link that cannot
   * be made (e.g. `SHARE_TOO_LARGE`) is the failed outcome; a refused clipboard is no failure:
   * the link stays visible to copy by hand, and `copied` stays false.
   */
  async makeLink(baseUrl: string, payload: SharePayload): Promise<Outcome<string>> {
    this.copied = false;
    let out: Outcome<string>;
    try {
      out = ok(shareUrl(baseUrl, payload));
    } catch (err) {
      out = failed(err);
    }
    this.link = out.ok ? out.value : '';
    this.copyError = out.ok ? undefined : out.error;
    if (!out.ok) return out;
    // Why not a failure: clipboard access needs a user gesture and permission.
    this.copied = (await attempt(() => this.clipboard(this.link))).ok;
    return out;
  }
}
