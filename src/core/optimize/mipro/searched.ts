/**
 * The `predictors` option of MIPROv2 and OPRO: which predictor steps a run searches. The
 * others keep their instruction and demos as they are; the whole program still runs (a
 * bootstrapped trace needs every step, and every trial scores the whole program).
 */
import { PlaygroundError } from '../../errors';
import type { ResolvedProgram } from '../../program/resolve';

/**
 * The predictor steps searched, in program order: all of them when `chosen` is absent. Throws
 * `OPTIMIZER_INVALID` naming the program's predictor steps when `chosen` names another.
 */
export function searchedPredictors(program: ResolvedProgram, chosen: readonly string[] | undefined): string[] {
  const known = program.predictorIds;
  if (chosen === undefined) return known.slice();
  const unknown = chosen.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    const list = (ids: readonly string[]) => ids.map((id) => `"${id}"`).join(', ');
    throw new PlaygroundError('OPTIMIZER_INVALID', `predictors: ${list(unknown)} ${unknown.length === 1 ? 'is not a predictor step' : 'are not predictor steps'} of this program. Its predictor steps are ${list(known)}.`, {
      hint: 'Name predictor steps by their step ids, or leave predictors out to search them all.',
      details: { unknown, known },
    });
  }
  return known.filter((id) => chosen.includes(id));
}

/** The plan's note on a run that searches only some predictors (none when it searches all). */
export function searchedNote(chosen: readonly string[] | undefined, predictors: number): string[] {
  if (chosen === undefined || chosen.length >= predictors) return [];
  const kept = predictors - chosen.length;
  return [`Predictors searched: ${chosen.join(', ')}. The other ${kept === 1 ? 'predictor keeps its' : `${kept} predictors keep their`} instruction and demos; every trial still runs the whole program.`];
}
