/**
 * Teaching mode's what-if, as view models: what a run's TPE search is replayed from (its seed,
 * sampler settings, search space and trials, collected from the run snapshot), and what TPE
 * picks at a trial with another gamma or number of random startup trials, in words.
 */
import { parseOptimizerConfig, whatIfPick, type WhatIfOverrides, type WhatIfSearch } from '../../core/optimize';
import type { RunSnapshot } from '../run/run-snapshot';
import { optimizerEvents, paramLabel } from '../run/view-models';
import { densityViews, explainPick, modeLabel, type TpeParamView, type TpeStepView } from './teach-model';

/** A run's search, ready to replay, or why it cannot be. */
export type WhatIfSource = { search: WhatIfSearch; gammaFraction: number } | { unavailable: string };

/** Other values the controls offer next to the run's own. */
const GAMMAS = [0.25, 0.5];
const STARTUPS = [0, 3, 5];

/**
 * What the what-if replays a run's search from: the seed the optimizer ran with (its own, else
 * the run's, else 0, as the runner decides), MIPROv2's sampler settings, the plan's trial
 * count when the run raced at the end, the search space (the first explained trial's parameters, in order) and the trials.
 * Undefined when the run has no TPE search to replay (another optimizer, no trial yet).
 */
export function whatIfSource(run: Pick<RunSnapshot, 'config' | 'plan' | 'story' | 'trials'>): WhatIfSource | undefined {
  if (run.config?.optimizer.kind !== 'mipro_v2') return undefined;
  const explained = optimizerEvents(run.story).find((e) => e.type === 'trial_start' && e.explanation !== undefined);
  if (explained?.type !== 'trial_start' || !explained.explanation) return undefined;
  const parsed = parseOptimizerConfig(run.config.optimizer);
  if (!parsed.ok || parsed.settings.kind !== 'mipro_v2') return { unavailable: 'The run\'s optimizer settings could not be read, so its search cannot be replayed.' };
  const settings = parsed.settings;
  if (settings.budget) {
    return { unavailable: 'The what-if covers MIPROv2\'s trial search (light, medium, heavy or a number of trials). This run had a call budget: its search starts with a design rather than random trials, so it is not replayed here.' };
  }
  if (!run.plan) return { unavailable: 'The run\'s plan is not recorded, so the what-if does not know how many trials the search had.' };
  const space = Object.entries(explained.explanation.params).map(([name, d]) => ({ name, n: d.good.length }));
  // Runs made before MIPROv2 stopped telling its sampler the trial count raced at the end; their
  // explanations carry the race's state, and the replay needs the count to race the same way.
  const raced = optimizerEvents(run.story).some((e) => e.type === 'trial_start' && e.explanation?.race !== undefined);
  const sampler = { seed: settings.seed ?? run.config.seed ?? 0, multivariate: settings.multivariate, nStartupTrials: settings.nStartupTrials, optuna: settings.optuna, ...(raced && { trialBudget: run.plan.trials }) };
  const search: WhatIfSearch = { space, trials: run.trials, sampler };
  // The run's gamma is the sampler's default: what a pick with no overrides reports.
  return { search, gammaFraction: whatIfPick(search, { index: explained.trial, kind: explained.kind }).gammaFraction };
}

/** The gamma values offered: the run's and a few larger ones, ascending. */
export function gammaChoices(run: number): number[] {
  return [...new Set([run, ...GAMMAS])].sort((a, b) => a - b);
}

/** The startup trial counts offered: the run's and a few smaller ones, ascending. */
export function startupChoices(run: number): number[] {
  return [...new Set([run, ...STARTUPS])].sort((a, b) => a - b);
}

/** What TPE picks at a trial with the overrides, next to what the run picked. */
export interface WhatIfView {
  params: Record<string, number>;
  /** "With gamma 0.25 TPE would pick I2 D3 — the run picked I0 D1." */
  sentence: string;
  same: boolean;
  modeLabel: string;
  mode: TpeStepView['mode'];
  why: string;
  densities: TpeParamView[];
}

/** Replays `step` (a search trial with a TPE explanation) with `overrides`; no model is called. */
export function whatIfView(source: { search: WhatIfSearch; gammaFraction: number }, step: Pick<TpeStepView, 'trial' | 'kind' | 'params'>, overrides: WhatIfOverrides): WhatIfView {
  const pick = whatIfPick(source.search, { index: step.trial, kind: step.kind }, overrides);
  const changed = [
    ...(pick.gammaFraction !== source.gammaFraction ? [`gamma ${pick.gammaFraction}`] : []),
    ...(pick.nStartupTrials !== source.search.sampler.nStartupTrials ? [`${pick.nStartupTrials} random startup trial${pick.nStartupTrials === 1 ? '' : 's'}`] : []),
  ];
  const same = paramLabel(pick.params) === paramLabel(step.params);
  const label = paramLabel(pick.params);
  const sentence = changed.length === 0
    ? `With the run's own settings TPE picks ${label} — ${same ? 'the same as the run' : `the run picked ${paramLabel(step.params)}`}.`
    : `With ${changed.join(' and ')} TPE would pick ${label} — ${same ? 'the same as the run' : `the run picked ${paramLabel(step.params)}`}.`;
  return {
    params: pick.params,
    sentence,
    same,
    mode: pick.explanation.mode,
    modeLabel: modeLabel(pick.explanation.mode),
    why: explainPick(pick.explanation),
    densities: densityViews(pick.explanation, pick.params),
  };
}
