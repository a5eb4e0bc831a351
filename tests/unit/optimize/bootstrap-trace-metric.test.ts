/**
 * Issue 14: a metric that sees the trace lets BootstrapFewShot reject a demo whose
 * intermediate hop was wrong. The world: a two-hop program (retrieve by the claim → generate a
 * second query from the first hop's passage → retrieve → answer from both hops) on a scripted
 * model that writes a wrong second query for every third film, yet always "knows" the answer.
 * Only traces whose hops found both gold titles may become demos under `retrieval_recall`;
 * `exact_match` on the answer alone keeps the wrong-hop traces that guessed right.
 */
import { describe, expect, it } from 'vitest';
import type { Example } from '../../../src/core/data/types';
import { createAccountedLM, ScriptedLM, UsageMeter } from '../../../src/core/lm';
import { createMetric, type MetricSpec } from '../../../src/core/metric';
import { bootstrapFewShot, type OptimizeContext } from '../../../src/core/optimize';
import { initialState, resolveProgram } from '../../../src/core/program';
import { pseudoWords } from '../../fixtures/pseudo-words';
import { answer, block, lastUser } from '../program/scripted';

const N = 12;
const names = pseudoWords(N * 4, 'hops', () => '').map((e) => String(e.inputs.word));
const films = Array.from({ length: N }, (_, i) => ({
  film: `Film ${names[i]}`,
  director: names[N + i]!,
  decoy: names[2 * N + i]!,
  city: names[3 * N + i]!,
  /** The model writes the decoy's name as the second hop's query. */
  wrongHop: i % 3 === 0,
}));

const corpus = films.flatMap((f) => [
  `${f.film} | ${f.film} is a drama directed by ${f.director}.`,
  `${f.director} | ${f.director} is a director born in ${f.city}.`,
  `${f.decoy} | ${f.decoy} is a painter born in somewhere.`,
]);

const examples: Example[] = films.map((f, i) => ({
  id: `f${i}`,
  inputs: { claim: `The director of ${f.film} was born in which city?` },
  labels: { answer: f.city, gold_titles: [f.film, f.director] },
}));

const program = resolveProgram({
  version: 1,
  inputs: [{ name: 'claim' }],
  steps: [
    { id: 'hop1', kind: 'retrieve', k: 1, corpus: { from: 'corpus', name: 'wiki' }, bind: { query: 'claim' } },
    { id: 'make_query', kind: 'predict', signature: 'claim, passages -> query', bind: { passages: 'hop1.passages' } },
    { id: 'hop2', kind: 'retrieve', k: 1, corpus: { from: 'corpus', name: 'wiki' }, bind: { query: 'make_query.query' } },
    { id: 'answer', kind: 'predict', signature: 'claim, context -> answer', bind: { context: ['hop1.passages', 'hop2.passages'] } },
  ],
  outputs: { answer: 'answer.answer' },
});

/** Second query: the director named in the first hop's passage, or for a wrong-hop film the decoy. Answer: always the right city. */
const model = new ScriptedLM((req) => {
  const user = lastUser(req);
  const film = films.find((f) => (block(user, 'claim') ?? '').includes(f.film))!;
  if (block(user, 'passages') !== undefined) return answer({ query: film.wrongHop ? film.decoy : film.director });
  return answer({ answer: film.city });
});

function context(spec: MetricSpec): OptimizeContext {
  const usage = new UsageMeter();
  const lm = createAccountedLM({ lm: model, role: 'task', usage });
  return {
    program,
    state: initialState(program),
    trainset: examples,
    valset: [],
    metric: createMetric(spec),
    lms: { task: lm, teacher: lm, proposer: lm },
    corpora: { wiki: corpus },
    seed: 0,
    usage: () => usage.snapshot(),
  };
}

const right = films.flatMap((f, i) => (f.wrongHop ? [] : [`f${i}`]));

describe('BootstrapFewShot with a metric that sees the trace', () => {
  it('keeps demos only from traces whose hops found the gold titles (retrieval_recall, threshold 1)', async () => {
    const r = await bootstrapFewShot(context({ kind: 'retrieval_recall', field: 'gold_titles' }), { maxBootstrappedDemos: N, maxLabeledDemos: 0, metricThreshold: 1 });
    expect(r.bootstrapped).toEqual(right);
    const queries = r.state.make_query!.demos.map((d) => d.fields.query);
    expect(queries).toEqual(films.filter((f) => !f.wrongHop).map((f) => f.director));
  });

  it('needs whole recall by default (as DSPy bootstraps HoVer), so a half-found hop is no demo; metricThreshold can lower the bar', async () => {
    const metric = { kind: 'retrieval_recall', field: 'gold_titles' } as const;
    const strict = await bootstrapFewShot(context(metric), { maxBootstrappedDemos: N, maxLabeledDemos: 0 });
    expect(strict.bootstrapped).toEqual(right);
    const lenient = await bootstrapFewShot(context(metric), { maxBootstrappedDemos: N, maxLabeledDemos: 0, metricThreshold: 0.5 });
    expect(lenient.bootstrapped).toEqual(examples.map((e) => e.id));
  });

  it('rejects them too when the answer must be in the retrieved context (answer_in_context, default threshold)', async () => {
    const r = await bootstrapFewShot(context({ kind: 'answer_in_context', field: 'answer' }), { maxBootstrappedDemos: N, maxLabeledDemos: 0 });
    expect(r.bootstrapped).toEqual(right);
  });

  it('keeps the wrong-hop traces that guessed the answer when the metric reads the answer alone (exact_match)', async () => {
    const r = await bootstrapFewShot(context({ kind: 'exact_match', field: 'answer' }), { maxBootstrappedDemos: N, maxLabeledDemos: 0 });
    expect(r.bootstrapped).toEqual(examples.map((e) => e.id));
    const decoys = r.state.make_query!.demos.filter((d) => films.some((f) => f.decoy === d.fields.query));
    expect(decoys).toHaveLength(films.filter((f) => f.wrongHop).length);
  });
});
