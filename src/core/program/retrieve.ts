/**
 * BM25 retrieval over a user-supplied passage corpus, with MiniSearch (BM25+ scoring).
 *
 * DSPy's Retrieve calls a remote retriever (ColBERTv2); in the browser the corpus is the
 * user's own passages, so we index them locally. Indexes are cached per corpus array, so a
 * named corpus is indexed once per run, and a per-example corpus (a few paragraphs) is cheap
 * to index on the fly. Common English stop words are dropped so a question's "the"/"of" do
 * not outweigh its content words.
 */
import MiniSearch from 'minisearch';

const STOP_WORDS = new Set(
  'a an and are as at be by for from has have he her his in is it its of on or she that the their them they this to was were what when where which who whom why will with you your did does do how'.split(' '),
);

interface IndexedCorpus {
  search: MiniSearch<{ id: number; text: string }>;
  passages: readonly string[];
}

const indexes = new WeakMap<readonly string[], IndexedCorpus>();

/** Returns up to `k` passages ranked by BM25 relevance to `query` (fewer if fewer match). */
export function retrievePassages(corpus: readonly string[], query: string, k: number): string[] {
  const index = indexFor(corpus);
  const hits = index.search.search(query, { combineWith: 'OR', prefix: false, fuzzy: false });
  return hits.slice(0, k).map((h) => index.passages[h.id as number]!);
}

function indexFor(corpus: readonly string[]): IndexedCorpus {
  const cached = indexes.get(corpus);
  if (cached) return cached;
  const search = new MiniSearch<{ id: number; text: string }>({
    fields: ['text'],
    storeFields: [],
    processTerm: (term) => {
      const t = term.toLowerCase();
      return STOP_WORDS.has(t) ? null : t;
    },
  });
  search.addAll(corpus.map((text, id) => ({ id, text })));
  const entry = { search, passages: corpus };
  indexes.set(corpus, entry);
  return entry;
}

/** Turns a per-example corpus value (a list, or text with one passage per line) into passages. */
export function toPassages(value: unknown): string[] {
  if (Array.isArray(value)) {
    // Keep the same array when we can: the index cache is keyed by it, and an example is
    // evaluated many times during a search.
    if (value.every((v) => typeof v === 'string')) return value as string[];
    return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  }
  if (typeof value === 'string') return value.split(/\n+/).map((s) => s.trim()).filter(Boolean);
  return [];
}
