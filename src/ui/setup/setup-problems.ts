/**
 * The setup's problems, each at the card that causes it. The lines come from the core's
 * checks (`validateRunConfig`, `dataProblems`), which name the bad value by its path in the
 * run config (`data.split: ...`, `models.task.baseURL: ...`); the path alone says which card
 * edits that value, so one table here maps every check, present and future, to its card.
 */

/** The setup's cards, in the order of the flow. */
export type SetupCard = 'data' | 'program' | 'models' | 'metric' | 'optimize';

/** One problem, placed at its card. */
export interface SetupProblem {
  card: SetupCard;
  /** The bad value's path in the run config, e.g. `data.mapping.inputs.question`. */
  path: string;
  /** What is wrong, without the path. */
  message: string;
  /** The whole line as the core wrote it (`path: message`). */
  line: string;
}

/** Each card's title and the id of its section (for a link from the summary near Start). */
export const SETUP_CARDS: Readonly<Record<SetupCard, { title: string; anchor: string }>> = {
  data: { title: 'Data', anchor: 'step-data' },
  program: { title: 'Program', anchor: 'step-program' },
  models: { title: 'Models', anchor: 'step-models' },
  metric: { title: 'Metric', anchor: 'step-metric' },
  optimize: { title: 'Optimize', anchor: 'step-optimize' },
};

/**
 * Config paths to the card that edits them; the longest matching prefix wins. The corpus is
 * part of the data config but is chosen with the program's retrieve steps. Everything else
 * (optimizer options, seeds, concurrency) is set in the Optimize card.
 */
const CARD_OF_PATH: readonly (readonly [prefix: string, card: SetupCard])[] = [
  ['data.corpus', 'program'],
  ['data', 'data'],
  ['program', 'program'],
  ['models', 'models'],
  ['metric', 'metric'],
];

/** The card that edits the value at `path` (a run-config path such as `data.split.test`). */
export function cardOf(path: string): SetupCard {
  const match = CARD_OF_PATH.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`));
  return match ? match[1] : 'optimize';
}

/** The core's `path: message` lines as problems placed at their cards, in the order given. */
export function toSetupProblems(lines: readonly string[]): SetupProblem[] {
  return lines.map((line) => {
    const at = line.indexOf(': ');
    const path = at > 0 ? line.slice(0, at) : '';
    const message = at > 0 ? line.slice(at + 2) : line;
    return { card: cardOf(path), path, message, line };
  });
}

/** The problem at `path` or inside it (`data.split` also finds `data.split.test`), if any. */
export function problemAt(problems: readonly SetupProblem[], path: string): SetupProblem | undefined {
  return problems.find((p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`));
}
