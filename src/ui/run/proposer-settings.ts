/**
 * 0-shot MIPRO++'s proposer settings, ready to show: each proposal round's settings in words
 * (from `proposer_settings_picked`, scored once its trial ends) and, at the end, the report
 * (`proposer_settings_report`): per setting each value's mean score and count, the best value
 * marked, and a sentence saying which settings wrote the best instructions. Pure: the run
 * view and teaching mode render it from the events of a live run, a stored run or a bundle.
 */
import type { ProposerSettings, ProposerSettingsReport, TrialRecord } from '../../core/optimize';
import type { RunEvent } from '../../core/runner';
import { optimizerEvents } from './view-models';

type Setting = keyof ProposerSettings;
type SettingValue = ProposerSettings[Setting];

/** The settings in the order they are shown, with their names. */
const SETTING_LABELS: Record<Setting, string> = {
  datasetSummary: 'Dataset summary',
  programSummary: 'Program summary',
  tip: 'Tip',
  demos: 'Demos shown',
  temperature: 'Temperature',
};

/** One proposal round as shown. */
export interface ProposerRoundView {
  /** 1-based. */
  round: number;
  /** The trial that scored the round's instructions (0-based, as the trial table numbers them). */
  trial: number;
  /** The settings of each predictor, in words ("dataset summary on, tip 'simple', …"). */
  settings: { predictor: string; text: string }[];
  /** How TPE picked them: at random (its startup rounds) or from its model of the scores so far. */
  pickedBy?: 'random' | 'TPE';
  /** The trial's score, once it ended; absent while it runs. */
  score?: number;
  /** The trial failed: its score teaches neither TPE nor the report anything. */
  failed?: boolean;
}

/** One value of one setting in the report. */
export interface SettingValueView {
  /** The value as shown ("on", "off", "description", "0.8"). */
  label: string;
  /** Mean score of the rounds that used it; null when none did. */
  mean: number | null;
  count: number;
  /** The value with the best mean, when no other value has the same mean. */
  best: boolean;
  /** One of two or more values sharing the best mean: the rounds do not tell them apart. */
  tied: boolean;
}

/** One setting of one predictor in the report. */
export interface SettingRowView {
  predictor: string;
  setting: Setting;
  /** "Dataset summary", "Tip", … */
  label: string;
  values: SettingValueView[];
}

/** The report as shown. */
export interface ProposerReportView {
  /** What a round's score was measured on ("minibatches of 35 validation examples"). */
  scoredOn: string;
  /** Settings TPE could choose (a setting with one value is left out: nothing to learn). */
  rows: SettingRowView[];
  /** "Instructions written with the dataset summary on, tip 'description', temperature 0.8 scored best." */
  summary: string;
  /** Which round wrote the returned program's instructions, or that the original ones won. */
  winner: string;
}

/** What the "Proposer settings" card shows; absent for a run that is not MIPRO++. */
export interface ProposerSettingsView {
  rounds: ProposerRoundView[];
  /** Once the search ended. */
  report?: ProposerReportView;
}

/** A setting's value in words, as a table cell. */
function valueLabel(setting: Setting, value: SettingValue): string {
  if (setting === 'datasetSummary' || setting === 'programSummary') return value ? 'on' : 'off';
  if (setting === 'demos') return value ? 'shown' : 'not shown';
  return String(value);
}

/** A setting's value in a sentence ("the dataset summary on", "tip 'simple'", "no demos shown"). */
function valuePhrase(setting: Setting, value: SettingValue): string {
  switch (setting) {
    case 'datasetSummary':
      return `the dataset summary ${value ? 'on' : 'off'}`;
    case 'programSummary':
      return `the program summary ${value ? 'on' : 'off'}`;
    case 'tip':
      return `tip '${String(value)}'`;
    case 'demos':
      return value ? 'demos shown' : 'no demos shown';
    case 'temperature':
      return `temperature ${String(value)}`;
  }
}

/** One predictor's settings in words, every setting named. */
function settingsText(s: ProposerSettings): string {
  return (Object.keys(SETTING_LABELS) as Setting[]).map((k) => valuePhrase(k, s[k])).join(', ');
}

/** "a, b and c". */
function listed(parts: readonly string[]): string {
  return parts.length < 2 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

/** The predictors' settings in words, each with its predictor. */
function settingsOf(settings: Record<string, ProposerSettings>): ProposerRoundView['settings'] {
  return Object.entries(settings).map(([predictor, s]) => ({ predictor, text: settingsText(s) }));
}

/** Each round as picked, with its score once its trial ended (the report's score when there is one). */
function roundViews(events: ReturnType<typeof optimizerEvents>, trials: readonly TrialRecord[], report: ProposerSettingsReport | undefined): ProposerRoundView[] {
  const byIndex = new Map(trials.map((t) => [t.index, t]));
  const reported = new Map((report?.rounds ?? []).map((r) => [r.round, r]));
  const seen = new Set<number>();
  const rounds: ProposerRoundView[] = [];
  for (const e of events) {
    // A resumed run can announce a round again: the first announcement stands.
    if (e.type !== 'proposer_settings_picked' || seen.has(e.round)) continue;
    seen.add(e.round);
    const view: ProposerRoundView = { round: e.round, trial: e.trial, settings: settingsOf(e.settings) };
    if (e.explanation) view.pickedBy = e.explanation.mode === 'startup' ? 'random' : 'TPE';
    const done = reported.get(e.round) ?? byIndex.get(e.trial);
    if (done) {
      view.score = done.score;
      if (done.failed) view.failed = true;
    }
    rounds.push(view);
  }
  // A report without its picks (an older bundle) still lists its rounds.
  for (const r of report?.rounds ?? []) if (!seen.has(r.round)) rounds.push({ round: r.round, trial: r.trial, settings: settingsOf(r.settings), score: r.score, ...(r.failed && { failed: true }) });
  return rounds.sort((a, b) => a.round - b.round);
}

type ReportSetting = ProposerSettingsReport['settings'][number];

/** The values sharing the best mean (means within a rounding error are the same). */
function topValues(s: ReportSetting): ReportSetting['values'] {
  const means = s.values.flatMap((v) => (v.mean === null ? [] : [v.mean]));
  if (!means.length) return [];
  const top = Math.max(...means);
  return s.values.filter((v) => v.mean !== null && top - v.mean < 1e-9);
}

/** The report's rows: the settings TPE could choose, their values with means and counts, the best (or the tied best) marked. */
function reportRows(report: ProposerSettingsReport): SettingRowView[] {
  return report.settings
    .filter((s) => s.values.length > 1)
    .map((s) => {
      const top = topValues(s);
      const values = s.values.map((v) => ({ label: valueLabel(s.setting, v.value), mean: v.mean, count: v.count, best: top.length === 1 && top[0] === v, tied: top.length > 1 && top.includes(v) }));
      return { predictor: s.predictor, setting: s.setting, label: SETTING_LABELS[s.setting], values };
    });
}

/** One predictor's part of the summary: the values that scored best alone, then the settings whose best values tied. */
function predictorSummary(settings: readonly ReportSetting[]): { best: string; tied: string } {
  const chosen = settings.filter((s) => s.values.length > 1);
  const best = chosen.flatMap((s) => {
    const top = topValues(s);
    return top.length === 1 ? [valuePhrase(s.setting, top[0]!.value)] : [];
  });
  const tied = chosen.filter((s) => topValues(s).length > 1).map((s) => `${SETTING_LABELS[s.setting].toLowerCase()} (${topValues(s).map((v) => valueLabel(s.setting, v.value)).join(' = ')})`);
  return { best: listed(best), tied: listed(tied) };
}

/** "Instructions written with … scored best." (per predictor when there are several), and the settings whose best values tied. */
function summaryOf(report: ProposerSettingsReport): string {
  const predictors = [...new Set(report.settings.map((s) => s.predictor))];
  const parts = predictors.map((p) => ({ p, ...predictorSummary(report.settings.filter((s) => s.predictor === p)) }));
  if (parts.every((x) => !x.best && !x.tied)) return 'No round was scored, so nothing was learned about the settings.';
  const one = predictors.length === 1;
  const best = parts.filter((x) => x.best);
  const tied = parts.filter((x) => x.tied);
  const bestLine = !best.length ? 'No value of a setting scored best on its own.' : one ? `Instructions written with ${best[0]!.best} scored best, by mean round score.` : `By mean round score, instructions scored best when written with ${best.map((x) => `${x.best} (${x.p})`).join('; ')}.`;
  const tiedLine = tied.length ? ` Tied at the best mean: ${tied.map((x) => (one ? x.tied : `${x.tied} (${x.p})`)).join('; ')}.` : '';
  return bestLine + tiedLine;
}

/** The round that wrote the returned program's instructions, in words. */
function winnerOf(report: ProposerSettingsReport): string {
  if (!report.winner) return "The original instructions won: no round's instructions beat them in a full evaluation.";
  const [only, ...more] = Object.values(report.winner.settings);
  const settings = more.length || !only ? Object.entries(report.winner.settings).map(([p, s]) => `${p}: ${settingsText(s)}`).join('; ') : settingsText(only);
  return `The returned program's instructions were written in round ${report.winner.round}, with ${settings}.`;
}

/** What the rounds' scores were measured on. */
function scoredOn(report: ProposerSettingsReport): string {
  return report.scope === 'full' ? `Each round's score: all ${report.n} validation examples.` : `Each round's score: a minibatch of ${report.n} validation examples.`;
}

/** The card's view of a run's events and trials; undefined when the run is not MIPRO++. */
export function proposerSettingsView(events: readonly RunEvent[], trials: readonly TrialRecord[]): ProposerSettingsView | undefined {
  const optimizer = optimizerEvents(events);
  let report: ProposerSettingsReport | undefined;
  for (const e of optimizer) if (e.type === 'proposer_settings_report') report = e.report;
  const rounds = roundViews(optimizer, trials, report);
  if (!rounds.length && !report) return undefined;
  if (!report) return { rounds };
  return { rounds, report: { scoredOn: scoredOn(report), rows: reportRows(report), summary: summaryOf(report), winner: winnerOf(report) } };
}
