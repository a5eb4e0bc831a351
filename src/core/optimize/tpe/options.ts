/** Defaults and validation of the TPE sampler's options and search space. */
import { PlaygroundError } from '../../errors';
import type { CategoricalParam, TpeOptions } from './types';

/**
 * Options that reproduce Optuna's `TPESampler(multivariate=True)` defaults: every noise-aware
 * change off, including the end-of-budget race (Optuna is never told the budget).
 */
export const OPTUNA_COMPATIBLE: Readonly<TpeOptions> = Object.freeze({
  aggregateRepeats: false,
  confirmEvaluations: 1,
  preferUnseen: false,
  raceFraction: 0,
});

/** Every option set; `trialBudget` stays optional (unknown budget = no race). */
export type ResolvedOptions = Required<Omit<TpeOptions, 'trialBudget'>> & Pick<TpeOptions, 'trialBudget'>;

const DEFAULTS: ResolvedOptions = {
  multivariate: true,
  nStartupTrials: 10,
  nEiCandidates: 24,
  priorWeight: 1,
  gammaFraction: 0.1,
  gammaMax: 25,
  aggregateRepeats: true,
  confirmEvaluations: 2,
  preferUnseen: true,
  raceFraction: 0.2,
  raceBeta: 1,
  noisePriorDf: 2,
};

/** Throws the sampler's configuration error. */
export function invalid(message: string, hint: string): never {
  throw new PlaygroundError('OPTIMIZER_INVALID', message, { hint });
}

/** Fills in the defaults and checks every value. */
export function resolveOptions(options: TpeOptions): ResolvedOptions {
  const o: ResolvedOptions = { ...DEFAULTS };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) (o as unknown as Record<string, unknown>)[key] = value;
  const intAtLeast = (name: keyof ResolvedOptions, min: number) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      invalid(`${name} must be an integer >= ${min}, but got ${String(v)}`, `Set ${name} to an integer of at least ${min}.`);
    }
  };
  intAtLeast('nStartupTrials', 0);
  intAtLeast('nEiCandidates', 1);
  intAtLeast('gammaMax', 1);
  intAtLeast('confirmEvaluations', 1);
  if (o.trialBudget !== undefined) intAtLeast('trialBudget', 1);
  if (!(o.priorWeight > 0) || !Number.isFinite(o.priorWeight)) {
    invalid(`priorWeight must be > 0, but got ${o.priorWeight}`, 'Use a positive weight; 1.0 is Optuna\'s default.');
  }
  if (!(o.gammaFraction > 0 && o.gammaFraction <= 1)) {
    invalid(`gammaFraction must be in (0, 1], but got ${o.gammaFraction}`, 'Use a fraction such as 0.1 (Optuna\'s default).');
  }
  if (!(o.raceFraction >= 0 && o.raceFraction <= 1)) {
    invalid(`raceFraction must be in [0, 1], but got ${o.raceFraction}`, 'Use a fraction such as 0.2, or 0 to never race.');
  }
  if (!(o.raceBeta >= 0) || !Number.isFinite(o.raceBeta)) {
    invalid(`raceBeta must be a finite number >= 0, but got ${o.raceBeta}`, 'Use a width of about 1 standard error.');
  }
  if (!(o.noisePriorDf > 0) || !Number.isFinite(o.noisePriorDf)) {
    invalid(`noisePriorDf must be > 0, but got ${o.noisePriorDf}`, 'Use a small weight such as 2.');
  }
  return o;
}

/** Checks that the space is non-empty, names are unique and every parameter has choices. */
export function validateSpace(space: readonly CategoricalParam[]): void {
  if (space.length === 0) invalid('search space must have at least one parameter, but got 0', 'Declare one categorical parameter per choice to tune.');
  const seen = new Set<string>();
  for (const p of space) {
    if (seen.has(p.name)) invalid(`parameter names must be unique, but got "${p.name}" twice`, 'Rename one of the parameters.');
    seen.add(p.name);
    if (!Number.isInteger(p.choices) || p.choices < 1) {
      invalid(`parameter "${p.name}" must have an integer number of choices >= 1, but got ${p.choices}`, 'Give each parameter at least one choice.');
    }
  }
}
