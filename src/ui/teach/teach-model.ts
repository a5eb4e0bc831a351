/**
 * Teaching mode's view models, derived from a run's events and trials (live or replayed):
 * what bootstrap kept and rejected, what TPE saw when it picked each trial (l(x) and g(x) per
 * parameter, the ratio), and each configuration's minibatch scores around its full score.
 */
import type { ErrorData } from '../../core/errors';
import { groupByConfig, rejectionReason, type RejectionReason, type TpeExplanation, type TrialKind, type TrialRecord } from '../../core/optimize';
import { meanAndCI95 } from '../../core/metric';
import type { Demo } from '../../core/program';
import type { RunEvent } from '../../core/runner';
import { isFull, optimizerEvents, paramLabel } from '../run/view-models';

export interface BootstrapRow {
  set: number;
  exampleId: string;
  round: number;
  score: number;
  kept: boolean;
  /** Kept rows: the demo per predictor it produced. */
  demos: { predictor: string; demo: Demo }[];
  error?: ErrorData;
  /** Rejected rows: whether the answer was wrong, unreadable, or the run failed. */
  reason?: RejectionReason;
  /** The row's inputs, long values clipped; absent in events stored before rows carried them. */
  inputs?: Record<string, unknown>;
  /** Its gold labels (absent like `inputs`). */
  gold?: Record<string, unknown>;
  /**
   * What the program answered: a rejected row's answer when it was read (not for an
   * unreadable answer or a failed run); a kept row's demo outputs named like its gold labels.
   */
  answer?: Record<string, unknown>;
}

/** One field of a row as teaching mode prints it: strings as they are, other values as JSON. */
export interface FieldLine {
  name: string;
  text: string;
}

/** Training rows bootstrap tried, per demo set, in the order it tried them (events stored before rejections had a reason get one from their error). */
export function bootstrapRows(events: readonly RunEvent[]): BootstrapRow[] {
  const rows: BootstrapRow[] = [];
  const kept = new Map<string, BootstrapRow>();
  for (const e of optimizerEvents(events)) {
    if (e.type === 'demo_bootstrapped') {
      const key = `${e.set}:${e.round}:${e.exampleId}`;
      let row = kept.get(key);
      if (!row) {
        row = { set: e.set, exampleId: e.exampleId, round: e.round, score: e.score, kept: true, demos: [] };
        kept.set(key, row);
        rows.push(row);
      }
      row.demos.push({ predictor: e.predictor, demo: e.demo });
      if (e.example) Object.assign(row, { inputs: e.example.inputs, gold: e.example.labels });
    } else if (e.type === 'bootstrap_rejected') {
      rows.push({
        set: e.set,
        exampleId: e.exampleId,
        round: e.round,
        score: e.score,
        kept: false,
        demos: [],
        ...(e.error && { error: e.error }),
        reason: rejectionReason(e),
        ...(e.example && { inputs: e.example.inputs, gold: e.example.labels }),
        ...(e.answer && { answer: e.answer }),
      });
    }
  }
  for (const row of kept.values()) {
    const answer = keptAnswer(row);
    if (answer) row.answer = answer;
  }
  return rows;
}

/** A kept row's answer: for each gold label, the value of the last demo that has a field of that name (the program's final output). */
function keptAnswer(row: BootstrapRow): Record<string, unknown> | undefined {
  if (!row.gold) return undefined;
  const answer: Record<string, unknown> = {};
  for (const name of Object.keys(row.gold)) {
    for (const { demo } of row.demos) if (demo.fields[name] !== undefined) answer[name] = demo.fields[name];
  }
  return Object.keys(answer).length ? answer : undefined;
}

/** A row's fields (inputs, gold labels or answer) as lines to print, in their order. */
export function fieldLines(fields: Record<string, unknown> | undefined): FieldLine[] {
  return Object.entries(fields ?? {}).map(([name, v]) => ({ name, text: typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)) }));
}

export interface DensityChoice {
  choice: number;
  /** l(x): share of the good group's density on this choice. */
  good: number;
  /** g(x): share of the bad group's density. */
  bad: number;
  /** l(x)/g(x). */
  ratio: number;
  chosen: boolean;
}

export interface TpeParamView {
  name: string;
  choices: DensityChoice[];
  /** The choice with the largest l/g ratio (what TPE favours for this parameter alone). */
  favoured: number;
}

export interface TpeStepView {
  trial: number;
  kind: TrialKind;
  params: Record<string, number>;
  paramsLabel: string;
  mode: TpeExplanation['mode'];
  /** Plain-language account of why this configuration was picked. */
  why: string;
  observations: number;
  good: number;
  bad: number;
  densities: TpeParamView[];
  /** log l(x) - log g(x) of the picked configuration (NaN when not from TPE). */
  chosenScore: number;
  candidates: number;
  /** The trial's score once it finished. */
  score?: number;
}

/** Every search trial that carries a TPE explanation, in order. */
export function tpeSteps(events: readonly RunEvent[], trials: readonly TrialRecord[]): TpeStepView[] {
  const scores = new Map(trials.map((t) => [t.index, t.score]));
  const out: TpeStepView[] = [];
  for (const e of optimizerEvents(events)) {
    if (e.type !== 'trial_start' || !e.explanation) continue;
    const x = e.explanation;
    const densities = densityViews(x, e.params);
    const score = scores.get(e.trial);
    out.push({
      trial: e.trial,
      kind: e.kind,
      params: e.params,
      paramsLabel: paramLabel(e.params),
      mode: x.mode,
      why: explainPick(x),
      observations: x.observations,
      good: x.good,
      bad: x.bad,
      densities,
      chosenScore: typeof x.chosenScore === 'number' ? x.chosenScore : NaN,
      candidates: x.candidates.length,
      ...(score !== undefined && { score }),
    });
  }
  return out;
}

/** Per parameter, l(x), g(x) and their ratio for each choice, with the choice `params` picked marked. */
export function densityViews(x: TpeExplanation, params: Record<string, number>): TpeParamView[] {
  return Object.entries(x.params).map(([name, d]) => paramView(name, d.good, d.bad, params[name]));
}

/** How teaching mode names a pick's mode. */
export function modeLabel(mode: TpeExplanation['mode']): string {
  return mode === 'startup' ? 'random startup' : mode === 'confirm' ? 're-check' : mode === 'race' ? 'final race' : 'TPE pick';
}

/** How many of the explained search trials were random startup picks. */
export interface StartupShare {
  random: number;
  total: number;
  /** All of them, or all but the last few ({@link FEW_MODELLED}): TPE barely chose anything. */
  mostlyRandom: boolean;
}

/** Trials TPE may have modelled for the search to still count as "mostly random". */
const FEW_MODELLED = 2;

/** The random startup share of a search (light MIPROv2: 9 of its 10 trials). */
export function startupShare(steps: readonly Pick<TpeStepView, 'mode'>[]): StartupShare {
  const random = steps.filter((s) => s.mode === 'startup').length;
  const modelled = steps.length - random;
  return { random, total: steps.length, mostlyRandom: random > 0 && random > modelled && modelled <= FEW_MODELLED };
}

function paramView(name: string, good: readonly number[], bad: readonly number[], chosen: number | undefined): TpeParamView {
  const choices = good.map((g, i) => {
    const b = bad[i] ?? 0;
    return { choice: i, good: g, bad: b, ratio: b > 0 ? g / b : g > 0 ? Infinity : 0, chosen: i === chosen };
  });
  let favoured = 0;
  for (const c of choices) if (c.ratio > choices[favoured]!.ratio) favoured = c.choice;
  return { name, choices, favoured };
}

/** Plain-language account of why TPE picked what it did. */
export function explainPick(x: TpeExplanation): string {
  if (x.mode === 'startup') {
    return `Startup trial: with only ${x.trials} finished trial${x.trials === 1 ? '' : 's'}, TPE has too little evidence to model, so it picks every parameter uniformly at random.`;
  }
  if (x.mode === 'confirm') {
    return 'Confirmation: the configuration with the best mean minibatch score has too few evaluations, so it is scored again on a fresh minibatch before TPE trusts it.';
  }
  if (x.mode === 'race' && x.race) {
    const r = x.race;
    const entry = (e: { mean: number; count: number }) => `${(100 * e.mean).toFixed(1)}% over ${e.count} evaluation${e.count === 1 ? '' : 's'}`;
    return `End-of-budget race (${r.remaining} trial${r.remaining === 1 ? '' : 's'} left): instead of exploring, the search re-scores whichever of the leader (${entry(r.leader)})${r.challenger ? ` and its strongest challenger (${entry(r.challenger)})` : ''} has fewer evaluations, so the configuration kept at the end is really the best, not the luckiest. One evaluation's noise is about ±${(100 * r.sigma).toFixed(1)} points.`;
  }
  return `TPE split the ${x.observations} observed configurations into a good group (the best ${x.good}) and a bad group (the other ${x.bad}), fitted a density to each — l(x) for good, g(x) for bad — drew ${x.candidates.length} candidates from l(x), and picked the one with the largest l(x)/g(x) (log ratio ${typeof x.chosenScore === 'number' && Number.isFinite(x.chosenScore) ? x.chosenScore.toFixed(2) : 'n/a'}): a configuration that looks like past winners and unlike past losers.`;
}

export interface CloudView {
  key: string;
  params: Record<string, number>;
  label: string;
  minibatch: { trial: number; score: number }[];
  mean: number;
  full?: number;
  /** Mean minibatch score minus full score: how much the minibatches flattered (or hid) it. */
  gap?: number;
}

/**
 * Each configuration's minibatch scores next to its full score: configurations with a full
 * evaluation first (by full score), then the rest by mean.
 */
export function minibatchClouds(trials: readonly TrialRecord[]): CloudView[] {
  // One group per configuration shown, in order of first appearance; the mean is over its minibatches.
  const groups = groupByConfig(trials.filter((t) => t.kind === 'minibatch' || isFull(t)), (t) => t.score);
  const out = groups.map((g): CloudView => {
    const minibatch = g.items.filter((t) => t.kind === 'minibatch');
    const fulls = g.items.filter((t) => t.kind !== 'minibatch').map((t) => t.score);
    const mean = minibatch.length ? meanAndCI95(minibatch.map((t) => t.score)).mean : NaN;
    const full = fulls.length ? Math.max(...fulls) : undefined;
    return {
      key: g.key,
      params: g.params,
      label: paramLabel(g.params),
      minibatch: minibatch.map((t) => ({ trial: t.index, score: t.score })),
      mean,
      ...(full !== undefined && { full }),
      ...(full !== undefined && minibatch.length > 0 && { gap: mean - full }),
    };
  });
  return out.sort((a, b) => (b.full ?? -1) - (a.full ?? -1) || (b.mean || 0) - (a.mean || 0));
}

/** How many rejected rows were wrong, unreadable, or failed. */
export function rejectionCounts(rows: readonly BootstrapRow[]): Record<RejectionReason, number> {
  const counts: Record<RejectionReason, number> = { wrong: 0, unreadable: 0, failed: 0 };
  for (const r of rows) if (!r.kept && r.reason) counts[r.reason]++;
  return counts;
}

/** A rejected row's decision as teaching mode words it. */
export function rejectionLabel(row: Pick<BootstrapRow, 'reason' | 'error'>): string {
  switch (row.reason) {
    case 'unreadable':
      return 'rejected: unreadable answer';
    case 'failed':
      return `rejected: run failed${row.error ? ` (${row.error.code})` : ''}`;
    default:
      return 'rejected: wrong answer';
  }
}
