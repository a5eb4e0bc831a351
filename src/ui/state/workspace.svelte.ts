/**
 * The workspace: everything the setup flow edits (data, program, models, metric, optimizer),
 * turned into a RunConfig on demand. It persists itself (without API keys or headers) to the
 * settings store so a reload restores it; remembered keys live in the store's key namespace.
 */
import { DEFAULT_RUBRIC } from '../../core/evaluate';
import type { MetricKind, MetricSpec } from '../../core/metric';
import { resolveProgram } from '../../core/program';
import type { OptimizerConfig } from '../../core/optimize';
import { dataProblems, validateRunConfig, type DataConfig, type PlanLatency, type RunConfig } from '../../core/runner';
import type { SettingsStore } from '../../storage/settings-store';
import { budgetChoiceOf, draftOf, type BudgetChoice } from '../setup/budget-choices';
import { DataState, type DataSnapshot } from '../setup/data-state.svelte';
import { planLatency, roleLatency, type RoleLatency } from '../setup/latency';
import { ModelsState, type ModelsSnapshot } from '../setup/models-state.svelte';
import { ProgramDraft, type ProgramSnapshot } from '../setup/program-draft.svelte';
import { toSetupProblems, type SetupCard, type SetupProblem } from '../setup/setup-problems';
import { OPRO_BUDGET_CHOICES, defaultOptimizerDraft, optimizerConfigOf, type OproBudgetChoice, type OptimizerChoice, type OptimizerDraft } from './optimizer-draft';

/** A metric of the menu: a core kind, or the LLM judge without a gold answer (an `llm_judge` with `gold: false`). */
export type MetricChoice = MetricKind | 'rubric_judge';

/** The metric menu, in menu order. `trace` entries read retrieved passages: offered when the program retrieves. */
export const METRIC_CHOICES: readonly { value: MetricChoice; label: string; trace?: true }[] = [
  { value: 'exact_match', label: 'Exact match' },
  { value: 'contains', label: 'Contains' },
  { value: 'f1', label: 'Token F1' },
  { value: 'numeric', label: 'Numeric (tolerance)' },
  { value: 'one_of_labels', label: 'One of labels' },
  { value: 'formatted_answer', label: 'Answer in its rule\'s form (YES, [1998], paris)' },
  { value: 'llm_judge', label: 'LLM judge' },
  { value: 'rubric_judge', label: 'LLM judge (rubric, no gold answer)' },
  { value: 'retrieval_recall', label: 'Retrieval recall (gold titles)', trace: true },
  { value: 'answer_in_context', label: 'Answer in retrieved passages', trace: true },
];

/** The label a `retrieval_recall` metric reads its gold titles from (mapped to the column the metric panel names). */
const GOLD_TITLES_LABEL = 'gold_titles';

export interface MetricDraft {
  kind: MetricChoice;
  /** Empty: the program's first output. */
  field: string;
  tolerance: number;
  relative: boolean;
  /** The rubric judge's instruction. Workspaces saved before it load with the default rubric. */
  rubric: string;
  /** The data column of gold titles for `retrieval_recall`; empty: the one suggested by name. */
  goldColumn: string;
}

interface Snapshot {
  data: DataSnapshot;
  program: ProgramSnapshot;
  models: ModelsSnapshot;
  metric: MetricDraft;
  optimizer: OptimizerDraft;
}

const STORAGE_KEY = 'workspace.v1';

/** A data text longer than this (1 M characters) is stored apart from the workspace, by the worker. */
const TEXT_APART = 1024 * 1024;

/** Where a large data text is kept (the optimizer worker, through the RunClient). */
export interface TextStore {
  /** `textId`: the worker's id for the text, when it has it (see `TablePreview`). */
  save(text: string | undefined, textId?: string): Promise<void>;
  load(): Promise<string | undefined>;
}

export class WorkspaceState {
  readonly data = new DataState();
  readonly program = new ProgramDraft();
  readonly models = new ModelsState();
  metric = $state<MetricDraft>({ kind: 'exact_match', field: '', tolerance: 0, relative: false, rubric: DEFAULT_RUBRIC, goldColumn: '' });
  optimizer = $state<OptimizerDraft>(defaultOptimizerDraft());
  /** The large data text last stored apart (see {@link withTextApart}). */
  private savedApart: string | undefined;

  /** The program's predictor steps (ids, in program order); none while it does not build. */
  readonly predictorIds: string[] = $derived.by(() => (this.program.built.spec ? resolveProgram(this.program.built.spec).predictorIds : []));
  readonly metricField = $derived(this.metric.field || this.program.labelNames[0] || 'answer');
  /** The column of gold titles `retrieval_recall` reads: the one chosen, else the first whose name ends in "titles" (`gold_titles`). */
  readonly goldColumn = $derived(this.metric.goldColumn || this.data.columns.find((c) => /titles$/i.test(c)) || '');
  readonly config: RunConfig | undefined = $derived.by(() => this.toRunConfig());
  readonly problems: string[] = $derived.by(() => this.validate());
  /** The same problems, each placed at the card that causes it. */
  readonly setupProblems: SetupProblem[] = $derived(toSetupProblems(this.problems));
  /** The optimizer menu's entry the draft stands for (MIPRO++ is a `mipro_v2` draft with `proposerSearch`). */
  readonly optimizerChoice: OptimizerChoice = $derived(this.optimizer.kind === 'mipro_v2' && this.optimizer.proposerSearch ? 'mipro_plus' : this.optimizer.kind);
  /** MIPROv2's budget as one menu choice (light / medium / heavy / minutes). */
  readonly budgetChoice: BudgetChoice = $derived(budgetChoiceOf(this.optimizer));
  /** OPRO's budget as one menu choice: the rounds as set, or minutes. */
  readonly oproBudgetChoice: OproBudgetChoice = $derived(this.optimizer.minutes === null ? 'rounds' : (OPRO_BUDGET_CHOICES.find((c) => c.value === this.budgetChoice)?.value ?? 'rounds'));
  /** Milliseconds per call the plan and the run use: measured this session, else assumed (see latency.ts). */
  readonly latency: PlanLatency | undefined = $derived(this.config ? planLatency(this.config, this.models.latency) : undefined);
  /** The task model's time per call, and whether it was measured. */
  readonly taskLatency: RoleLatency | undefined = $derived(this.config ? roleLatency(this.config, 'task', this.models.latency) : undefined);
  /** The proposer's time per call, when MIPROv2 or OPRO asks a model of its own to propose. */
  readonly proposerLatency: RoleLatency | undefined = $derived(this.config?.models.proposer && (this.optimizer.kind === 'mipro_v2' || this.optimizer.kind === 'opro') ? roleLatency(this.config, 'proposer', this.models.latency) : undefined);

  /** The run config, or undefined when the program or data are not usable yet. */
  toRunConfig(): RunConfig | undefined {
    const program = this.program.toConfig();
    if (!program) return undefined;
    const data: DataConfig = { text: this.data.text, format: this.data.format, split: $state.snapshot(this.data.split), seed: this.data.seed };
    if (this.data.table) data.mapping = this.withGoldTitles($state.snapshot(this.data.mapping));
    if (this.program.usesRetrieval) {
      if (this.program.corpusMode === 'passages') data.corpus = { passages: this.program.passages.split('\n').map((s) => s.trim()).filter(Boolean) };
      else if (this.program.corpusMode === 'column' && this.program.corpusColumn) data.corpus = { column: this.program.corpusColumn };
    }
    const models = this.models.toConfig();
    return {
      program,
      data,
      metric: this.metricSpec(),
      optimizer: this.optimizerConfig(),
      models: models as RunConfig['models'],
      seed: this.optimizer.seed,
    };
  }

  /** The mapping with the gold-titles label `retrieval_recall` reads, when that is the metric and a column is chosen. */
  private withGoldTitles(mapping: NonNullable<DataConfig['mapping']>): NonNullable<DataConfig['mapping']> {
    if (this.metric.kind !== 'retrieval_recall' || !this.goldColumn) return mapping;
    // Recall scores the retrieved passages, not the program's outputs: an output with no gold
    // column (HoVer's passages) is not a label the data must have.
    const columns = this.data.table?.columns ?? [];
    const labels = Object.fromEntries(Object.entries(mapping.labels).filter(([, col]) => columns.includes(col)));
    return { ...mapping, labels: { ...labels, [GOLD_TITLES_LABEL]: this.goldColumn } };
  }

  metricSpec(): MetricSpec {
    const field = this.metricField;
    switch (this.metric.kind) {
      case 'rubric_judge':
        return { kind: 'llm_judge', field, gold: false, rubric: this.metric.rubric };
      case 'retrieval_recall':
        return { kind: 'retrieval_recall', field: GOLD_TITLES_LABEL };
      case 'numeric':
        return { kind: 'numeric', field, tolerance: this.metric.tolerance, ...(this.metric.relative && { relative: true }) };
      case 'one_of_labels': {
        const labels = this.program.mode === 'template' ? this.program.labelList : [];
        return labels.length ? { kind: 'one_of_labels', field, labels } : { kind: 'one_of_labels', field };
      }
      default:
        return { kind: this.metric.kind, field } as MetricSpec;
    }
  }

  /** Sets the metric draft from a metric spec (a shared link's): the rubric judge and the gold-titles label read back as the menu has them. */
  loadMetric(m: MetricSpec): void {
    const base = { ...this.metric, kind: m.kind as MetricChoice, field: m.field };
    if (m.kind === 'numeric') this.metric = { ...base, tolerance: m.tolerance ?? 0, relative: m.relative ?? false };
    else if (m.kind === 'llm_judge' && m.gold === false) this.metric = { ...base, kind: 'rubric_judge', rubric: m.rubric ?? DEFAULT_RUBRIC };
    // Its field is the gold-titles label, not an output; the column is chosen in the data.
    else if (m.kind === 'retrieval_recall') this.metric = { ...base, field: '' };
    else this.metric = base;
  }

  optimizerConfig(): OptimizerConfig {
    return optimizerConfigOf(this.optimizer, this.predictorIds);
  }

  /** Picks an optimizer from the menu: MIPRO++ is MIPROv2 with `proposerSearch`, every other entry a kind without it. */
  chooseOptimizer(choice: OptimizerChoice): void {
    this.optimizer.kind = choice === 'mipro_plus' ? 'mipro_v2' : choice;
    this.optimizer.proposerSearch = choice === 'mipro_plus';
  }

  /** Checks or unchecks predictor step `id` under "Predictors to optimize". */
  searchPredictor(id: string, searched: boolean): void {
    const rest = this.optimizer.skippedPredictors.filter((s) => s !== id);
    this.optimizer.skippedPredictors = searched ? rest : [...rest, id];
  }

  /** Sizes MIPROv2 by `choice`: an auto size, or minutes (the auto size is kept for going back). */
  chooseBudget(choice: BudgetChoice): void {
    const { auto, minutes } = draftOf(choice, this.optimizer.auto);
    this.optimizer.auto = auto;
    this.optimizer.minutes = minutes;
  }

  /** Sizes OPRO by `choice`: its rounds as set, or minutes (shared with MIPROv2's minutes). */
  chooseOproBudget(choice: OproBudgetChoice): void {
    this.optimizer.minutes = choice === 'rounds' ? null : draftOf(choice, this.optimizer.auto).minutes;
  }

  /** Every problem with the workspace as readable lines (empty when it can run). */
  validate(): string[] {
    const problems: string[] = [];
    if (this.program.built.error) problems.push(`program: ${this.program.built.error.message}`);
    // A test for any non-space character, not `trim()`, which copies a text of megabytes.
    if (!/\S/.test(this.data.text)) problems.push('data: paste or load a dataset');
    else if (this.data.error) problems.push(`data: ${this.data.error.message}`);
    if (!this.models.configFor(this.models.roles.task)) problems.push('models.task: choose a task model (an API endpoint or a local model)');
    const judged = this.metric.kind === 'llm_judge' || this.metric.kind === 'rubric_judge';
    if (judged && !this.models.roles.judge && !this.models.configFor(this.models.roles.task)) problems.push('models.judge: the LLM judge needs a model');
    if (this.metric.kind === 'retrieval_recall' && this.data.table && !this.goldColumn) problems.push('metric.field: choose the data column that holds the gold titles');
    const cfg = this.config;
    if (!cfg) return problems;
    const add = (lines: string[]) => problems.push(...lines.filter((p) => !problems.some((q) => samePlace(pathOf(q), pathOf(p)))));
    add(validateRunConfig(cfg));
    // What only the parsed data can tell: mapped columns that are not there, a split the rows cannot fill.
    if (this.data.table && !this.data.error) add(dataProblems(cfg, { columns: this.data.columns, rows: this.data.rowCount }));
    return problems;
  }

  /**
   * The snapshot to store: a data text over {@link TEXT_APART} goes to `apart` (only when it
   * changed) and the snapshot says so; writing megabytes from the page blocked it for a second.
   */
  private async withTextApart(snap: Snapshot, apart: TextStore | undefined): Promise<Snapshot> {
    if (!apart) return snap;
    const text = snap.data.text;
    if (text.length > TEXT_APART) {
      if (text !== this.savedApart) {
        await apart.save(text, this.data.table?.textId);
        this.savedApart = text;
      }
      return { ...snap, data: { ...snap.data, text: '', textApart: true } };
    }
    if (this.savedApart !== undefined) {
      await apart.save(undefined);
      this.savedApart = undefined;
    }
    return snap;
  }

  /** The problems of one card (see setup-problems.ts). */
  problemsOf(card: SetupCard): SetupProblem[] {
    return this.setupProblems.filter((p) => p.card === card);
  }

  snapshot(): Snapshot {
    return {
      data: this.data.snapshot(),
      program: this.program.snapshot(),
      models: this.models.snapshot(),
      metric: { ...this.metric },
      // A plain copy: the draft's arrays are state proxies, which IndexedDB cannot clone.
      optimizer: $state.snapshot(this.optimizer),
    };
  }

  restore(s: Partial<Snapshot>): void {
    if (s.data) this.data.restore(s.data);
    if (s.program) this.program.restore(s.program);
    if (s.models) this.models.restore(s.models);
    if (s.metric) this.metric = { ...this.metric, ...s.metric };
    if (s.optimizer) this.optimizer = { ...this.optimizer, ...s.optimizer };
  }

  /** Restores the saved workspace and remembered keys. Returns false when nothing was saved. */
  async load(settings: SettingsStore, apart?: TextStore): Promise<boolean> {
    const saved = await settings.get<Partial<Snapshot>>(STORAGE_KEY);
    if (!saved) return false;
    if (saved.data?.textApart && apart) {
      const text = (await apart.load()) ?? '';
      saved.data = { ...saved.data, text };
      this.savedApart = text;
    }
    this.restore(saved);
    for (const ep of this.models.endpoints) {
      if (!ep.remember) continue;
      const key = await settings.getApiKey(ep.id);
      if (key) ep.apiKey = key;
    }
    return true;
  }

  /** Saves the workspace (never keys or headers); keeps or forgets keys per the opt-in. */
  async save(settings: SettingsStore, apart?: TextStore): Promise<void> {
    await settings.set(STORAGE_KEY, await this.withTextApart(this.snapshot(), apart));
    for (const ep of this.models.endpoints) {
      if (ep.remember && ep.apiKey) await settings.rememberApiKey(ep.id, ep.apiKey);
      else if (!ep.remember) await settings.forgetApiKey(ep.id);
    }
  }
}

/** The config path a problem line names (`data.split` of `data.split: ...`). */
function pathOf(line: string): string {
  return line.split(': ')[0] ?? '';
}

/** One path is the other or inside it: a second problem there says nothing new. */
function samePlace(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}
