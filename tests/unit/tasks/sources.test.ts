/**
 * The presets' public sources: each converter, given the repository's data samples written back
 * in their source's format (IRCoT JSONL, HoVer's JSON, UCI's coded CSV, ScoNe's NLI CSVs), gives
 * back the samples' rows exactly, so a preset downloaded in the browser matches the benchmark's
 * files. A file in another format is refused with a hint.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { paperTask, publicSource, rowsFromSource } from '../../../src/core/tasks';
import { fixtureData } from '../../fixtures/fixture-data';
import { uciHeartText } from '../../fixtures/paper-sources';

type Row = Record<string, unknown>;

describe('paper task sources', () => {
  it('HotPotQA: IRCoT rows -> question, answer, "title | text" passages, gold titles', () => {
    const rows = fixtureData('hotpotqa/dev.jsonl').rows;
    const ircot = rows.map((r) => JSON.stringify({
      question_id: r.id,
      question_text: r.question,
      answers_objects: [{ number: '', date: { day: '', month: '', year: '' }, spans: [r.answer] }],
      contexts: (r.context as string[]).map((p, i) => {
        const [title, ...text] = p.split(' | ');
        return { id: String(i), title, paragraph_text: text.join(' | '), is_supporting: (r.gold_titles as string[]).includes(title!) };
      }),
    }));
    expect(rowsFromSource(paperTask('hotpotqa')!, [ircot.join('\n')])).toEqual(rows);
    expect(publicSource('hotpotqa_conditional')).toBe(publicSource('hotpotqa'));
  });

  it('HoVer: every 4th claim of the dev file, gold titles from the supporting facts', () => {
    const rows = fixtureData('hover/dev.jsonl').rows;
    const filler = (i: number) => ({ uid: `x${i}`, claim: 'filler', label: 'SUPPORTED', supporting_facts: [['Filler', 0]], num_hops: 2, hpqa_id: 'h' });
    const all = rows.flatMap((r, i) => [
      { uid: r.id, claim: r.claim, label: r.label, supporting_facts: r.supporting_facts, num_hops: r.num_hops, hpqa_id: r.hpqa_id },
      filler(i * 3), filler(i * 3 + 1), filler(i * 3 + 2),
    ]);
    expect(rowsFromSource(paperTask('hover')!, [JSON.stringify(all)])).toEqual(rows);
  });

  it('Heart Disease: UCI codes decoded, "?" as null, target from num', () => {
    const rows = fixtureData('heart_disease/all.jsonl').rows;
    const text = uciHeartText(rows);
    expect(rowsFromSource(paperTask('heart_disease')!, [text])).toEqual(rows);
  });

  it('ScoNe: the first 166 rows of each train CSV, as context, question and Yes/No', () => {
    const rows = fixtureData('scone/train.jsonl').rows;
    const categories = ['no_negation', 'one_not_scoped', 'one_scoped', 'one_scoped_one_not_scoped', 'two_not_scoped', 'two_scoped'];
    const texts = categories.map((cat) => {
      const suffix = cat === 'one_scoped' ? '' : '_edited';
      const mine = rows.filter((r) => r.category === cat);
      const byIndex = new Map(mine.map((r) => [Number(String(r.id).split('/')[2]), r]));
      const lines: Row[] = [];
      for (let i = 0; i < 170; i++) {
        const r = byIndex.get(i);
        lines.push({ [`sentence1${suffix}`]: r?.context ?? 'A premise.', [`sentence2${suffix}`]: r?.hypothesis ?? 'A hypothesis.', [`gold_label${suffix}`]: r?.nli_label ?? 'neutral' });
      }
      return Papa.unparse(lines);
    });
    const got = rowsFromSource(paperTask('scone')!, texts);
    expect(got).toHaveLength(6 * 166);
    const byId = new Map(got.map((r) => [r.id, r]));
    for (const r of rows) expect(byId.get(r.id)).toEqual(r);
  });

  it('refuses a download in another format, saying what to do', () => {
    expect(() => rowsFromSource(paperTask('hover')!, ['<html>rate limited</html>'])).toThrow(/not in its source's format/);
    expect(publicSource('iris')).toBeUndefined();
    expect(publicSource('hover')!.urls[0]).toMatch(/^https:\/\/raw\.githubusercontent\.com\/hover-nlp\/hover\/39b84697/);
    expect(publicSource('heart_disease')!.urls[0]).toContain('heart%2Bdisease/processed.cleveland.data');
  });
});
