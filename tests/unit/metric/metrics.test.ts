import { describe, expect, it } from 'vitest';
import { contains, exactMatch, extractLastNumber, normalizeText, numericMatch, oneOfLabels, tokenF1 } from '../../../src/core/metric';
import { fixtureData } from '../../fixtures/fixture-data';

describe('normalizeText', () => {
  it('lowercases, deletes punctuation, drops articles, folds accents and collapses whitespace', () => {
    expect(normalizeText('  The  Café, "Über" — an Apple!  ')).toBe('cafe uber apple');
    expect(normalizeText("Don't STOP.")).toBe('dont stop');
    expect(normalizeText('Theory of a thing')).toBe('theory of thing');
    expect(normalizeText('ﬁne')).toBe('fine');
    expect(normalizeText('')).toBe('');
  });

  it('keeps decimal points between digits but deletes thousands commas', () => {
    expect(normalizeText('It costs $3.50.')).toBe('it costs 3.50');
    expect(exactMatch('3.5', '35')).toBe(0);
    expect(exactMatch('1,000', '1000')).toBe(1);
    expect(normalizeText('a.b 1.')).toBe('ab 1');
  });
});

describe('exactMatch', () => {
  it('ignores case, punctuation, quotes and articles', () => {
    expect(exactMatch('"The Eiffel Tower."', 'eiffel tower')).toBe(1);
    expect(exactMatch('Eiffel Tower, Paris', 'Eiffel Tower')).toBe(0);
  });

  it('takes the best of a list of gold answers', () => {
    expect(exactMatch('NYC', ['New York City', 'NYC'])).toBe(1);
    expect(exactMatch('Boston', ['New York City', 'NYC'])).toBe(0);
  });

  it('compares numbers and booleans as text', () => {
    expect(exactMatch('18', 18)).toBe(1);
    expect(exactMatch(true, 'True')).toBe(1);
  });
});

describe('contains', () => {
  it('finds the normalized gold as whole words in the prediction', () => {
    expect(contains('I think it is Paris, France.', 'paris')).toBe(1);
    expect(contains('It is the United States of America', 'United States')).toBe(1);
    expect(contains('not sure', 'no')).toBe(0);
    expect(contains('anything', '')).toBe(0);
    expect(contains('London or Rome', ['Paris', 'Rome'])).toBe(1);
  });
});

describe('tokenF1', () => {
  it('gives SQuAD partial credit', () => {
    expect(tokenF1('Barack Obama was president', 'Barack Obama')).toBeCloseTo(2 / 3, 10);
    expect(tokenF1('the cat sat on the mat', 'cat sat on mat')).toBe(1);
    expect(tokenF1('dog', 'cat')).toBe(0);
    // Counts matter: "the the the" style repeats do not count twice.
    expect(tokenF1('paris paris', 'paris')).toBeCloseTo(2 / 3, 10);
  });

  it('takes the best gold answer and treats two empty answers as agreeing', () => {
    expect(tokenF1('in New York', ['Boston', 'New York City'])).toBeCloseTo(2 * (2 / 3) * (2 / 3) / (4 / 3), 10);
    expect(tokenF1('', '')).toBe(1);
    expect(tokenF1('', 'x')).toBe(0);
    expect(tokenF1('x', '')).toBe(0);
  });
});

describe('numericMatch (GSM8K style)', () => {
  it('reads the last number of the text', () => {
    expect(extractLastNumber('The answer is $1,234.50.')).toBe(1234.5);
    expect(extractLastNumber('3 apples and 5 pears, 8 in total')).toBe(8);
    expect(extractLastNumber('pages 2-3')).toBe(3);
    expect(extractLastNumber('values 1,2,3')).toBe(3);
    expect(extractLastNumber('It dropped to -5 degrees')).toBe(-5);
    expect(extractLastNumber('\u22127')).toBe(-7);
    expect(extractLastNumber('50%')).toBe(50);
    expect(extractLastNumber('no number here')).toBeUndefined();
    expect(extractLastNumber(42)).toBe(42);
  });

  it('matches "18", "The answer is 18.", "$18.00" and "#### 18" against 18', () => {
    for (const p of ['18', 'The answer is 18.', '$18.00', 'so she earns 18 dollars', '#### 18', 18]) {
      expect(numericMatch(p, '18'), String(p)).toBe(1);
      expect(numericMatch(p, 18), String(p)).toBe(1);
    }
    expect(numericMatch('18 apples, then 19', '18')).toBe(0);
    expect(numericMatch('18.5', '18')).toBe(0);
    expect(numericMatch('I do not know', '18')).toBe(0);
    expect(numericMatch('18', 'no gold number')).toBe(0);
  });

  it('applies absolute and relative tolerances, with slack only for float noise', () => {
    expect(numericMatch(String(0.1 + 0.2), 0.3)).toBe(1);
    expect(numericMatch('18.4', 18, 0.5)).toBe(1);
    expect(numericMatch('18.6', 18, 0.5)).toBe(0);
    expect(numericMatch('1005', 1000, 0.01, true)).toBe(1);
    expect(numericMatch('1011', 1000, 0.01, true)).toBe(0);
    expect(numericMatch('0', 0, 0.5, true)).toBe(1);
    expect(numericMatch('0.001', 0, 0.5, true)).toBe(0);
  });

  it('accepts a list of gold numbers', () => {
    expect(numericMatch('about 12', ['10', '12'])).toBe(1);
  });

  it('scores every GSM8K train answer written the way models write it, and rejects off-by-one', () => {
    const rows = fixtureData('gsm8k/train.jsonl').rows;
    // The sample (first 100 rows) has 8 answers of 1,000 or more, written with a thousands separator below.
    expect(rows.filter((r) => Number(r.answer) >= 1000).length).toBeGreaterThan(0);
    let right = 0;
    let wrong = 0;
    for (const r of rows) {
      const gold = String(r.answer);
      const n = Number(gold);
      const dollars = `The total is $${n.toLocaleString('en-US')}.00.`;
      right += numericMatch(`${r.reasoning}\nThe answer is ${gold}.`, gold) + numericMatch(dollars, gold);
      wrong += numericMatch(`The answer is ${n + 1}.`, gold);
    }
    expect(right).toBe(2 * rows.length);
    expect(wrong).toBe(0);
  });
});

describe('oneOfLabels', () => {
  it('accepts labels with different case, quotes or a trailing period', () => {
    expect(oneOfLabels('"Yes"', 'yes')).toBe(1);
    expect(oneOfLabels('YES.', 'Yes')).toBe(1);
    expect(oneOfLabels("'no'", 'Yes')).toBe(0);
  });

  it('reads a longer answer as a label only when it names exactly one allowed label', () => {
    expect(oneOfLabels('The answer is No.', 'No', ['Yes', 'No'])).toBe(1);
    expect(oneOfLabels('Yes or No', 'No', ['Yes', 'No'])).toBe(0);
    expect(oneOfLabels('The answer is No.', 'No')).toBe(0);
    expect(oneOfLabels('Iris virginica', 'virginica', ['setosa', 'versicolor', 'virginica'])).toBe(1);
  });

  it('takes a list of gold labels', () => {
    expect(oneOfLabels('Versicolor', ['setosa', 'versicolor'])).toBe(1);
    expect(oneOfLabels('virginica', ['setosa', 'versicolor'])).toBe(0);
  });

  it('matches every ScoNe answer however it is cased or quoted, and never the opposite answer', () => {
    const rows = fixtureData('scone/train.jsonl').rows;
    let right = 0;
    let wrong = 0;
    for (const r of rows) {
      const gold = String(r.answer);
      const other = gold === 'Yes' ? 'No' : 'Yes';
      right += oneOfLabels(`"${gold.toUpperCase()}"`, gold, ['Yes', 'No']);
      wrong += oneOfLabels(`${other}.`, gold, ['Yes', 'No']);
    }
    expect(right).toBe(rows.length);
    expect(wrong).toBe(0);
  });
});
