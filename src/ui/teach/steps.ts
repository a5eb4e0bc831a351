/**
 * The steps of teaching mode's guided walk, and the run view's card each one explains: picking
 * a step scrolls the page to that card and highlights it. Kept apart from the view models so
 * the app shell (which keeps the step in the URL) does not load them.
 */

/** The steps, in order, with the id of the run view's card each explains. */
export const TEACH_STEPS = [
  { id: 'overview', title: 'The run', card: 'run-progress' },
  { id: 'bootstrap', title: 'Bootstrap demos', card: 'run-proposals' },
  { id: 'propose', title: 'Proposals', card: 'run-proposals' },
  { id: 'tpe', title: 'TPE search', card: 'run-trials' },
  { id: 'noise', title: 'Minibatch vs full', card: 'run-trials' },
  { id: 'result', title: 'Result', card: 'run-result' },
] as const;
export type TeachStepId = (typeof TEACH_STEPS)[number]['id'];

/** The step named in a URL, when it is one. */
export function teachStepOf(value: string | null): TeachStepId | undefined {
  return TEACH_STEPS.find((s) => s.id === value)?.id;
}

/** The run phase a replay is in, as the step that explains it (undefined: keep the current step). */
export function stepOfPhase(phase: string | undefined): TeachStepId | undefined {
  switch (phase) {
    case 'bootstrap':
      return 'bootstrap';
    case 'propose':
      return 'propose';
    case 'search':
      return 'tpe';
    case 'evaluate':
      return 'result';
    default:
      return undefined;
  }
}
