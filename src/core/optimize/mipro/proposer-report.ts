/**
 * MIPRO++'s report on its proposer's settings (the MIPRO paper's interpretability point):
 * for every predictor and setting, each value's mean round score and how many rounds used
 * it, the best value by mean, every round, and the settings that wrote the winning program.
 */
import type { ProposerSettings, ProposerSettingsReport, ProposerSettingValue } from '../types';
import type { ProposerChoices } from './proposer-search-plan';
import type { SearchState } from './search';

/** One proposal round as the checkpoint keeps it. */
export interface ProposerRound {
  /** 1-based; the round's instructions are candidate `round` of each predictor. */
  round: number;
  /** The trial that scored them. */
  trial: number;
  /** TPE's indices of the settings. */
  params: Record<string, number>;
  settings: Record<string, ProposerSettings>;
}

/** The report from the search's state (`n`, `scope`: what one round's score was measured on). */
export function proposerSettingsReport(state: SearchState & { rounds: ProposerRound[] }, choices: ProposerChoices, n: number, scope: 'minibatch' | 'full'): ProposerSettingsReport {
  const rounds = state.rounds.map((r) => {
    const trial = state.trials[r.trial]!;
    return { round: r.round, trial: r.trial, settings: r.settings, score: trial.score, ...(trial.failed && { failed: true as const }) };
  });
  const scored = rounds.filter((r) => !r.failed);
  const predictors = Object.keys(state.rounds[0]?.settings ?? {});
  const keys = Object.keys(choices) as (keyof ProposerSettings)[];
  const settings = predictors.flatMap((predictor) =>
    keys.map((setting) => {
      const values: ProposerSettingValue[] = choices[setting].map((value) => {
        const scores = scored.filter((r) => r.settings[predictor]![setting] === value).map((r) => r.score);
        return { value, mean: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null, count: scores.length };
      });
      return { predictor, setting, values, best: bestValue(values) };
    }),
  );
  // Every predictor of a round's configuration is at candidate `round` (0: the original instructions).
  const won = state.best ? state.rounds.find((r) => r.round === Object.values(state.best!.params)[0]) : undefined;
  return { scope, n, settings, rounds, winner: won ? { round: won.round, settings: won.settings } : null };
}

/** The value with the highest mean (ties: the first listed); null when no value was tried. */
function bestValue(values: readonly ProposerSettingValue[]): ProposerSettingValue['value'] | null {
  let best: ProposerSettingValue | undefined;
  for (const v of values) if (v.mean !== null && (!best || v.mean > best.mean!)) best = v;
  return best ? best.value : null;
}
