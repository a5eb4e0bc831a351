/**
 * Share links: reading a `#p=` fragment into a preview the user confirms, and building links
 * for the current program or a run's optimized program. A payload has no place for model
 * configs, so keys can never travel; sample rows travel only when the user opts in.
 */
import type { ErrorData } from '../../core/errors';
import { toExamples } from '../../core/data/mapping';
import type { FieldMapping, ParsedTable } from '../../core/data/types';
import { initialState, resolveProgram } from '../../core/program/resolve';
import type { ProgramSpec, ProgramState } from '../../core/program/types';
import { decodeShare, isShareLinkLong, shareUrl, type ShareMeta, type SharePayload, type ShareSample } from '../../core/share';
import { toErrorData } from '../components/format';

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

  /** Reads a `#p=` fragment. Returns true when the hash was a share link (valid or not). */
  readHash(hash: string): boolean {
    if (!hash.startsWith(SHARE_FRAGMENT)) return false;
    try {
      this.pending = decodeShare(hash);
      this.error = undefined;
    } catch (err) {
      this.pending = undefined;
      this.error = toErrorData(err);
    }
    return true;
  }

  dismiss(): void {
    this.pending = undefined;
    this.error = undefined;
  }

  /** Makes a link for `payload` and copies it to the clipboard when allowed. */
  async makeLink(baseUrl: string, payload: SharePayload): Promise<string | undefined> {
    this.copied = false;
    try {
      this.link = shareUrl(baseUrl, payload);
      this.copyError = undefined;
    } catch (err) {
      this.link = '';
      this.copyError = toErrorData(err);
      return undefined;
    }
    try {
      await navigator.clipboard.writeText(this.link);
      this.copied = true;
    } catch {
      // Why: clipboard access needs a user gesture and permission; the link stays visible to copy by hand.
      this.copied = false;
    }
    return this.link;
  }
}
