/**
 * Editing a finished run's program by hand (an instruction rewritten, a demo dropped) and
 * evaluating the edit as a new run. The new run is the parent's config with the edited program
 * as its starting state and no optimizer: it only scores. Its calls go through the same LM
 * cache, so answers the parent already got cost nothing.
 */
import type { ProgramSpec, ProgramState } from '../../core/program';
import type { RunConfig } from '../../core/runner';

/** A copy of `state` that edits can change without touching the run's own result. */
export function draftOf(state: ProgramState): ProgramState {
  return Object.fromEntries(Object.entries(state).map(([k, p]) => [k, { ...p, demos: [...p.demos] }]));
}

/** `draft` with demo `index` of `predictor` dropped. */
export function dropDemo(draft: ProgramState, predictor: string, index: number): ProgramState {
  const p = draft[predictor];
  if (!p) return draft;
  return { ...draft, [predictor]: { ...p, demos: p.demos.filter((_, i) => i !== index) } };
}

/** `draft` with the instruction of `predictor` replaced. */
export function setInstruction(draft: ProgramState, predictor: string, instruction: string): ProgramState {
  const p = draft[predictor];
  if (!p) return draft;
  return { ...draft, [predictor]: { ...p, instruction } };
}

/** True when `draft` differs from `state` (an instruction or a demo list). */
export function isEdited(state: ProgramState, draft: ProgramState): boolean {
  return JSON.stringify(state) !== JSON.stringify(draft);
}

/**
 * The config of a run that evaluates `state` of `spec`: the parent's data, metric, models and
 * seed (so the splits and the cache keys are the same), and optimizer `none`.
 */
export function editedRunConfig(parent: RunConfig, spec: ProgramSpec, state: ProgramState): RunConfig {
  return { ...parent, program: { spec, state }, optimizer: { kind: 'none' } };
}

/** The title of an edited run: the parent's, marked. */
export function editedTitle(parentName: string | undefined): string {
  const base = (parentName ?? 'Run').replace(/ \(edited( \d+)?\)$/, '');
  return `${base} (edited)`;
}
