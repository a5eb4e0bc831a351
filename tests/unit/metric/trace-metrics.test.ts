/**
 * Issue 14: metrics that see the trace. `retrieval_recall` (HoVer's Recall over retrieved
 * passage titles) and `answer_in_context` read the retrieve steps of the run's trace; both are
 * built-in kinds that validate like the others.
 */
import { describe, expect, it } from 'vitest';
import type { Example } from '../../../src/core/data/types';
import { evaluate } from '../../../src/core/evaluate';
import { ScriptedLM } from '../../../src/core/lm';
import { createMetric, goldTitles, passageTitle, validateMetricSpec } from '../../../src/core/metric';
import { resolveProgram } from '../../../src/core/program';
import type { TraceStep } from '../../../src/core/program/types';
import { validateRunConfig, type RunConfig } from '../../../src/core/runner';
import { rejection } from '../program/scripted';

function retrieve(stepId: string, passages: string[]): TraceStep {
  return { stepId, kind: 'retrieve', inputs: { query: 'q' }, outputs: { passages }, durationMs: 0 };
}
const answerStep: TraceStep = { stepId: 'answer', kind: 'predict', inputs: {}, outputs: { answer: 'x' }, durationMs: 0 };

const example: Example = { id: 'e1', inputs: { claim: 'c' }, labels: { gold_titles: ['Gone Girl (film)', 'Carrie Coon'], answer: 'Missouri' } };

describe('passage titles and gold titles', () => {
  it('reads a title before " | ", else the first line, else a JSON passage\'s title or id', () => {
    expect(passageTitle('Carrie Coon | Carrie Coon is an actress. A | B')).toBe('Carrie Coon');
    expect(passageTitle('Gone Girl (film)\nA 2014 thriller.')).toBe('Gone Girl (film)');
    expect(passageTitle('One line only')).toBe('One line only');
    expect(passageTitle('{"title":"Carrie Coon","text":"…"}')).toBe('Carrie Coon');
    expect(passageTitle('{"id":"doc-17","text":"…"}')).toBe('doc-17');
  });

  it('splits gold titles on |, ; and line breaks (never on commas), or reads a JSON list', () => {
    expect(goldTitles('Paris, Texas | Gone_Girl_(film);Carrie Coon\nCarrie  coon')).toEqual(['paris, texas', 'gone girl (film)', 'carrie coon']);
    expect(goldTitles('["Paris, Texas", "The Who"]')).toEqual(['paris, texas', 'the who']);
    expect(goldTitles(['A', ' ', 'a'])).toEqual(['a']);
  });
});

describe('retrieval_recall', () => {
  const metric = createMetric({ kind: 'retrieval_recall', field: 'gold_titles' });

  it('scores |gold ∩ retrieved titles| / |gold| over every hop, normalizing case, spaces and underscores', async () => {
    const trace = [retrieve('hop1', ['carrie_coon | She plays Margo Dunne.', 'Other | x']), retrieve('hop2', ['GONE GIRL  (film) | A 2014 film set in Missouri.']), answerStep];
    expect(await metric.score(example, { answer: 'x' }, { trace })).toBe(1);
    expect(await metric.score(example, { answer: 'x' }, { trace: trace.slice(0, 1) })).toBe(0.5);
    expect(await metric.score(example, {}, { trace: [retrieve('hop1', ['Unrelated | y'])] })).toBe(0);
    expect(metric.name).toBe('retrieval_recall(gold_titles)');
  });

  it('counts only the first k passages of each chosen retrieve step', async () => {
    const trace = [retrieve('hop1', ['Other | x', 'Carrie Coon | y']), retrieve('hop2', ['Gone Girl (film) | z'])];
    expect(await createMetric({ kind: 'retrieval_recall', field: 'gold_titles', k: 1 }).score(example, {}, { trace })).toBe(0.5);
    expect(await createMetric({ kind: 'retrieval_recall', field: 'gold_titles', steps: ['hop1'] }).score(example, {}, { trace })).toBe(0.5);
    const m = createMetric({ kind: 'retrieval_recall', field: 'gold_titles', k: 2, steps: ['hop1', 'hop2'] });
    expect(await m.score(example, {}, { trace })).toBe(1);
    expect(m.name).toBe('retrieval_recall(gold_titles, k=2, steps=hop1+hop2)');
  });

  it('refuses to score without the trace, and a missing gold label is a mapping problem, not a 0', async () => {
    expect((await rejection(metric.score(example, {}))).code).toBe('METRIC_INVALID');
    const noGold = { ...example, labels: { answer: 'x' } };
    const err = await rejection(metric.score(noGold, {}, { trace: [] }));
    expect(err.code).toBe('METRIC_INVALID');
    expect(err.message).toContain('no gold label "gold_titles"');
  });
});

describe('answer_in_context', () => {
  const metric = createMetric({ kind: 'answer_in_context', field: 'answer' });
  const trace = [retrieve('hop1', ['Gone Girl (film) | A 2014 film set in Missouri.'])];

  it('is 1 when the normalized answer is in a retrieved passage as whole words, else 0', async () => {
    expect(await metric.score(example, { answer: 'missouri.' }, { trace })).toBe(1);
    expect(await metric.score(example, { answer: '2014 Film' }, { trace })).toBe(1);
    expect(await metric.score(example, { answer: 'Miss' }, { trace })).toBe(0);
    expect(await metric.score(example, { answer: 'Kansas' }, { trace })).toBe(0);
    expect(await metric.score(example, { answer: '' }, { trace })).toBe(0);
    expect(await metric.score(example, {}, { trace })).toBe(0);
  });
});

describe('validation', () => {
  it('names bad options of the trace metrics and of the rubric judge', () => {
    expect(validateMetricSpec({ kind: 'retrieval_recall', field: 'gold', k: 0, steps: [] })).toEqual([
      'k: must be a whole number >= 1 (passages per retrieve step), but got 0',
      'steps: must be a non-empty list of retrieve step ids, but got []',
    ]);
    expect(validateMetricSpec({ kind: 'llm_judge', field: 'answer', rubric: ' ', gold: 'no' })).toEqual([
      "rubric: must be the judge's instruction (a non-empty text), but got \" \"",
      'gold: must be true or false, but got "no"',
    ]);
    expect(validateMetricSpec({ kind: 'llm_judge', field: 'answer', signature: 'a -> ok: bool', gold: false })[0]).toMatch(/^signature: give a judge signature, or a rubric/);
    expect(validateMetricSpec({ kind: 'answer_in_context', field: 'answer' })).toEqual([]);
  });

  const config: RunConfig = {
    program: { template: 'multi_hop', signature: 'claim -> answer' },
    data: { text: 'claim,answer,titles\nx,y,z', format: 'csv', mapping: { inputs: { claim: 'claim' }, labels: { answer: 'answer', gold_titles: 'titles' } }, split: { train: 1, val: 1 }, corpus: { passages: ['A | a'] } },
    metric: { kind: 'retrieval_recall', field: 'gold_titles' },
    optimizer: { kind: 'none' },
    models: { task: { provider: 'scripted', model: 'm' } },
  };
  const patched = (metric: unknown, program: unknown = config.program) => validateRunConfig({ ...config, metric, program });

  it('accepts a trace metric on a program with retrieve steps, with its gold titles mapped as a label', () => {
    expect(patched(config.metric)).toEqual([]);
    expect(patched({ kind: 'answer_in_context', field: 'answer', steps: ["retrieve_2"], k: 2 })).toEqual([]);
    expect(patched({ kind: 'llm_judge', field: 'answer', gold: false, rubric: 'Grade it.' })).toEqual([]);
  });

  it('names a mistyped option with the one meant, and checks the metric against the program and the mapping', () => {
    expect(patched({ kind: 'retrieval_recall', field: 'gold_titles', step: ['hop1'] })).toEqual(['metric.step: is not an allowed key here; did you mean "steps"?']);
    expect(patched({ kind: 'llm_judge', field: 'answer', rubrik: 'x' })).toEqual(['metric.rubrik: is not an allowed key here; did you mean "rubric"?']);
    expect(patched({ kind: 'retrieval_recall', field: 'gold_titles' }, { template: 'predict', signature: 'claim -> answer' })).toEqual([
      'metric.kind: retrieval_recall reads the passages a retrieve step returns, and the program has no retrieve step: add one, or score the answer with another metric',
    ]);
    expect(patched({ kind: 'answer_in_context', field: 'answer', steps: ['hop3'] })).toEqual(['metric.steps: "hop3" is not a retrieve step of the program; its retrieve steps are "retrieve_1", "retrieve_2"']);
    expect(patched({ kind: 'retrieval_recall', field: 'titles' })[0]).toMatch(/^metric\.field: "titles" must be a label of the data mapping .*mapped labels are answer, gold_titles$/);
  });
});

describe('every scoring call passes the trace', () => {
  it('evaluate scores retrieval_recall from the program run\'s own retrieve steps', async () => {
    const program = resolveProgram({
      version: 1,
      inputs: [{ name: 'claim' }],
      steps: [
        { id: 'hop1', kind: 'retrieve', k: 1, corpus: { from: 'corpus', name: 'wiki' }, bind: { query: 'claim' } },
        { id: 'answer', kind: 'predict', signature: 'claim, passages -> answer' },
      ],
      outputs: { answer: 'answer.answer' },
    });
    const lm = new ScriptedLM(() => '[[ ## answer ## ]]\nyes\n\n[[ ## completed ## ]]');
    const examples: Example[] = [
      { id: 'a', inputs: { claim: 'zebra stripes' }, labels: { gold_titles: 'Zebra' } },
      { id: 'b', inputs: { claim: 'lion mane' }, labels: { gold_titles: 'Zebra' } },
    ];
    const corpora = { wiki: ['Zebra | zebra stripes are black and white', 'Lion | a lion has a mane'] };
    const r = await evaluate({ program, state: {}, examples, metric: createMetric({ kind: 'retrieval_recall', field: 'gold_titles' }), ctx: { lm, corpora } });
    expect(r.results.map((x) => [x.exampleId, x.score, x.error?.code])).toEqual([
      ['a', 1, undefined],
      ['b', 0, undefined],
    ]);
  });
});

describe('a run over HoVer rows', () => {
  it('reads the gold titles of a JSONL list column through the mapping and scores Recall over both hops', async () => {
    const { executeRun } = await import('../../../src/core/runner');
    const { fixtureData } = await import('../../fixtures/fixture-data');
    const rows = fixtureData('hover/dev.jsonl').text.split('\n').filter(Boolean).slice(0, 6);
    const titles = rows.map((l) => (JSON.parse(l) as { gold_titles: string[] }).gold_titles);
    // Only the first gold title of each claim is in the corpus: recall is 1/2 on every claim.
    const passages = titles.map((t) => `${t[0]} | ${t[0]} appears in this claim.`);
    // Every query names every title: each hop retrieves all passages (k = 6).
    const lm = new ScriptedLM((req) => {
      const query = req.messages[0]!.content.includes('`query`');
      return JSON.stringify(query ? { reasoning: 'r', query: titles.flat().join(' ') } : { reasoning: 'r', label: 'SUPPORTED' });
    });
    const config: RunConfig = {
      program: { template: 'multi_hop', signature: 'claim -> label', k: 6 },
      data: { text: rows.join('\n'), format: 'jsonl', mapping: { inputs: { claim: 'claim' }, labels: { label: 'label', gold_titles: 'gold_titles' } }, split: { train: 2, val: 4 }, corpus: { passages } },
      metric: { kind: 'retrieval_recall', field: 'gold_titles' },
      optimizer: { kind: 'none' },
      models: { task: { provider: 'scripted', model: 'm' } },
    };
    const result = await executeRun(config, { createLM: () => lm });
    expect(result.examples!.val!.map((e) => e.optimized.score)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
});
