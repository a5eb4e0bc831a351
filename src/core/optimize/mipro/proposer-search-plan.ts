/**
 * The shape and plan of 0-shot MIPRO++ (proposer-search.ts): what TPE searches over, how many
 * random rounds come before it models the results, and the proposer calls the run makes.
 */
import { datasetSummaryCalls, TIP_NAMES } from '../propose';
import type { MiproSettings } from '../options';
import type { ProposerSettings } from '../types';

/** The proposer temperatures TPE chooses from (the reference proposes at 1.0). */
const PROPOSER_TEMPERATURES: readonly number[] = [0.5, 0.8, 1, 1.2];

/** The values each proposer setting can take, given what the run allows. */
export type ProposerChoices = { [K in keyof ProposerSettings]: readonly ProposerSettings[K][] };

/**
 * The values TPE chooses from. A setting the run turns off keeps one value: not data-aware,
 * no dataset summary; not program-aware, no program summary; not tip-aware, no tip; no
 * bootstrapped demos to show, none shown.
 */
export function proposerChoices(s: Pick<MiproSettings, 'dataAware' | 'programAware' | 'tipAware'>, hasDemos: boolean): ProposerChoices {
  return {
    datasetSummary: s.dataAware ? [false, true] : [false],
    programSummary: s.programAware ? [false, true] : [false],
    tip: s.tipAware ? TIP_NAMES : ['none'],
    demos: hasDemos ? [false, true] : [false],
    temperature: PROPOSER_TEMPERATURES,
  };
}

/**
 * Random rounds before TPE models the results: the run's `sampler.nStartupTrials`, but at
 * most a third of the rounds (at least 1), so that TPE chooses most of the settings. With
 * Optuna's 10 a light run's 9 rounds would all be random and nothing would be learned.
 */
export function proposerStartupTrials(s: Pick<MiproSettings, 'nStartupTrials'>, rounds: number): number {
  return Math.min(s.nStartupTrials, Math.max(1, Math.ceil(rounds / 3)));
}

/** Proposer calls: the dataset summary once (when data-aware), then one proposal per predictor per round. */
export function proposerSearchCalls(predictors: number, rounds: number, trainSize: number, dataAware: boolean): number {
  return (dataAware ? datasetSummaryCalls(trainSize) : 0) + predictors * rounds;
}

/** The plan's note on what MIPRO++ does, with its numbers. */
export function proposerSearchNote(s: Pick<MiproSettings, 'nStartupTrials'>, rounds: number, scope: string): string {
  return `0-shot MIPRO++: ${rounds} proposal round${rounds === 1 ? '' : 's'}. In each, TPE picks the proposer's settings per predictor (dataset summary and program summary on or off, the tip, demos shown or not, temperature ${PROPOSER_TEMPERATURES.join(' / ')}; the first ${proposerStartupTrials(s, rounds)} at random), the proposer writes one instruction per predictor with them, and that program is scored on ${scope}: the score is TPE's observation for those settings. The winner is the best full evaluation, never a minibatch score; a report says which settings wrote good instructions.`;
}
