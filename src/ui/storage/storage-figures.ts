/**
 * The Storage section's words: its figures, questions and reports as text, computed here so
 * the component only renders them (and tests can read them without a browser).
 */
import type { RunUsage, StorageEstimateInfo } from '../../storage';
import { formatBytes, formatCount } from '../components/format';

/** Which finished runs "Delete old runs" takes: by days since they finished, or all. */
export type RunAge = '1d' | '7d' | '30d' | 'all';

/** The choices of "Delete old runs", in menu order. */
export const RUN_AGES: readonly { value: RunAge; label: string; days: number }[] = [
  { value: '1d', label: 'Finished over 1 day ago', days: 1 },
  { value: '7d', label: 'Finished over 7 days ago', days: 7 },
  { value: '30d', label: 'Finished over 30 days ago', days: 30 },
  { value: 'all', label: 'All finished runs', days: 0 },
];

/** What the section shows. */
export interface StorageFigures {
  estimate: StorageEstimateInfo;
  cache: { entries: number; bytes: number };
  /** All stored runs; `kept`: those that are running, paused or interrupted. */
  runs: RunUsage & { count: number; kept: number };
}

/** An action waiting for the user's confirmation, with what it would free. */
export type Pending =
  | { kind: 'clear-cache'; entries: number; bytes: number }
  | { kind: 'delete-runs'; age: RunAge; ids: string[]; sizes: number[]; exact: boolean };

/** One figure: the value, a note under it. */
interface FigureLine {
  value: string;
  note: string;
}

/** Every figure of the section as text. */
export interface FigureLines {
  site: FigureLine;
  /** Storage is not persistent (yet) and the browser can be asked. */
  canPersist: boolean;
  cache: FigureLine;
  runs: FigureLine;
}

const LOADING: FigureLine = { value: 'Reading…', note: '' };

/** The figures as text (placeholders until the first read). */
export function figureLines(f: StorageFigures | undefined): FigureLines {
  if (!f) return { site: LOADING, canPersist: false, cache: LOADING, runs: LOADING };
  return { site: siteLine(f.estimate), canPersist: f.estimate.supported && f.estimate.persisted === false, cache: cacheLine(f.cache), runs: runsLine(f.runs) };
}

function siteLine(e: StorageEstimateInfo): FigureLine {
  if (!e.supported || e.usage === undefined) return { value: 'Not reported by this browser', note: 'The LM cache and runs below are measured by PromptLab itself.' };
  const share = e.quota ? ` (${percent(e.usage / e.quota)})` : '';
  const value = e.quota ? `${formatBytes(e.usage)} of ${formatBytes(e.quota)} used${share}` : `${formatBytes(e.usage)} used`;
  const note = e.persisted
    ? 'Persistent: the browser keeps this data when the disk runs low. Includes downloaded local models.'
    : 'Not persistent: the browser may clear this data when the disk runs low. Includes downloaded local models.';
  return { value, note };
}

function cacheLine(c: StorageFigures['cache']): FigureLine {
  if (c.entries === 0) return { value: 'Empty', note: 'Answers are cached as runs call models, so repeats and resumes cost nothing.' };
  return { value: `${countText(c.entries, 'answer')} · ${formatBytes(c.bytes)}`, note: 'Reused by every run and resume; clearing it means new model calls.' };
}

function runsLine(r: StorageFigures['runs']): FigureLine {
  if (r.count === 0) return { value: 'None', note: 'Runs appear here once started or imported.' };
  const value = `${countText(r.count, 'run')} · ${r.exact ? '' : 'about '}${formatBytes(r.bytes)}`;
  const logs = `${countText(r.traces, 'traced LM call')}, ${countText(r.trials, 'trial')}`;
  const kept = r.kept > 0 ? `; ${r.kept} running, paused or interrupted (never deleted by age)` : '';
  return { value, note: `${logs}${kept}.` };
}

/** The question asked before an action, and the name of the button that confirms it. */
export function confirmation(p: Pending): { text: string; action: string } {
  if (p.kind === 'clear-cache') {
    return {
      text: `Clear ${countText(p.entries, 'cached answer')} (${formatBytes(p.bytes)})? Runs keep their traces; a run resumed later calls the model again where it would have reused an answer.`,
      action: 'Clear the cache',
    };
  }
  const bytes = `${p.exact ? '' : 'about '}${formatBytes(p.sizes.reduce((a, b) => a + b, 0))}`;
  const which = p.age === 'all' ? 'every finished run' : `${countText(p.ids.length, 'run')} finished over ${ageText(p.age)} ago`;
  return {
    text: `Delete ${which} with ${p.ids.length === 1 ? 'its' : 'their'} trials, events and traces (${bytes})? This cannot be undone; export a run bundle first to keep one.`,
    action: `Delete ${countText(p.ids.length, 'run')}`,
  };
}

/** "Cleared the LM cache: 3 answers, 1.2 KB freed." */
export function clearedReport(entries: number, bytes: number): string {
  return `Cleared the LM cache: ${countText(entries, 'answer')}, ${formatBytes(bytes)} freed.`;
}

/** "Deleted 4 runs, about 3.2 MB." plus the runs that were kept after all. */
export function deletedReport(deleted: number, bytes: number, exact: boolean, kept: number): string {
  const done = `Deleted ${countText(deleted, 'run')}, ${exact ? '' : 'about '}${formatBytes(bytes)}.`;
  return kept === 0 ? done : `${done} ${countText(kept, 'run')} kept: changed meanwhile (resumed in another tab, or opened here) or not deleted.`;
}

/** Said when "Delete old runs" finds nothing to delete. */
export function nothingToDelete(age: RunAge): string {
  return age === 'all' ? 'No finished runs to delete.' : `No runs finished over ${ageText(age)} ago.`;
}

function ageText(age: RunAge): string {
  const days = RUN_AGES.find((a) => a.value === age)?.days ?? 0;
  return days === 1 ? '1 day' : `${days} days`;
}

function countText(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function percent(x: number): string {
  return x > 0 && x < 0.01 ? '<1%' : `${Math.round(x * 100)}%`;
}
