/**
 * Dataset summary for the grounded proposer (MIPRO paper §3, DSPy `propose/dataset_summary_generator.py`):
 * the proposer reads the training rows in batches, writes observations about each batch given
 * what it already noted, and finally condenses the observations into a short summary.
 *
 * Changed from DSPy: a fixed number of batches (at most `maxBatches`) with no early stop on
 * "COMPLETE", so the number of proposer calls is known before the run (the plan shows it).
 * Its calls send no temperature, so they run at the proposer model's default (DSPy asks for
 * 1.0); with one rollout each, the cache answers a rerun with the same summary.
 */
import type { Example } from '../../data/types';
import type { LanguageModel } from '../../lm/types';
import { ask } from './ask';

const OBSERVE = {
  instruction:
    'Here are several examples from a dataset. Write observations about patterns that hold for most or all of them: the topics, the form of the inputs, the kind and format of the expected outputs, and anything that makes the task hard. Be specific and brief.',
  inputs: [{ name: 'examples', description: 'rows of the dataset' }],
  outputs: [{ name: 'observations', description: 'what you observe about the dataset' }],
};

const OBSERVE_MORE = {
  instruction:
    'Here are more examples from a dataset, and observations already made about earlier examples. Write the observations again, adding what these examples show that is new and correcting anything they contradict.',
  inputs: [
    { name: 'examples', description: 'rows of the dataset' },
    { name: 'prior_observations', description: 'observations from earlier rows' },
  ],
  outputs: [{ name: 'observations', description: 'the updated observations' }],
};

const SUMMARIZE = {
  instruction:
    'Summarize these observations about a dataset in two or three sentences, keeping only what matters most for someone writing instructions for the task.',
  inputs: [{ name: 'observations', description: 'observations about the dataset' }],
  outputs: [{ name: 'summary', description: 'a two to three sentence summary' }],
};

const DATASET_BATCH_SIZE = 10;
const DATASET_MAX_BATCHES = 3;

/** Proposer calls the summary will make for a trainset of `n` rows. */
export function datasetSummaryCalls(n: number, maxBatches = DATASET_MAX_BATCHES): number {
  const batches = Math.min(maxBatches, Math.ceil(n / DATASET_BATCH_SIZE));
  return batches === 0 ? 0 : batches + 1;
}

export async function summarizeDataset(
  lm: LanguageModel,
  trainset: readonly Example[],
  opts: { signal?: AbortSignal; maxBatches?: number } = {},
): Promise<{ summary: string; observations: string[] }> {
  const batches = Math.min(opts.maxBatches ?? DATASET_MAX_BATCHES, Math.ceil(trainset.length / DATASET_BATCH_SIZE));
  const observations: string[] = [];
  const signal = opts.signal ? { signal: opts.signal } : {};
  for (let b = 0; b < batches; b++) {
    const examples = formatRows(trainset.slice(b * DATASET_BATCH_SIZE, (b + 1) * DATASET_BATCH_SIZE));
    const prior = observations.at(-1);
    const text = prior === undefined
      ? await ask({ lm, signature: OBSERVE, inputs: { examples }, ...signal })
      : await ask({ lm, signature: OBSERVE_MORE, inputs: { examples, prior_observations: prior }, ...signal });
    observations.push(text);
  }
  if (observations.length === 0) return { summary: '', observations };
  const summary = await ask({ lm, signature: SUMMARIZE, inputs: { observations: observations.at(-1)! }, ...signal });
  return { summary, observations };
}

/** Rows as compact "field: value" blocks, long values truncated (the proposer needs the gist, not every token). */
export function formatRows(rows: readonly Example[], maxChars = 400): string {
  return rows
    .map((ex, i) => {
      const fields = { ...ex.inputs, ...ex.labels };
      const lines = Object.entries(fields).map(([k, v]) => `${k}: ${truncate(typeof v === 'string' ? v : JSON.stringify(v), maxChars)}`);
      return `Example ${i + 1}\n${lines.join('\n')}`;
    })
    .join('\n\n');
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}…`;
}
