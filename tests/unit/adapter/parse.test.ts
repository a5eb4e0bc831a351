import { describe, expect, it } from 'vitest';
import { formatMessages, parseCompletion, type ParseFailureDetails } from '../../../src/core/adapter';
import { PlaygroundError } from '../../../src/core/errors';
import { parseSignature } from '../../../src/core/signature';
import type { Signature } from '../../../src/core/signature/types';

const cot = parseSignature('question -> reasoning, answer');
const one = parseSignature('question -> answer');

function failure(sig: Signature, completion: string): PlaygroundError {
  try {
    parseCompletion(sig, completion);
  } catch (err) {
    expect(err).toBeInstanceOf(PlaygroundError);
    return err as PlaygroundError;
  }
  throw new Error(`expected a parse failure for ${JSON.stringify(completion)}`);
}

describe('parseCompletion: well-formed answers', () => {
  it('reads DSPy-format sections, reasoning as a normal string field', () => {
    const out = parseCompletion(cot, '[[ ## reasoning ## ]]\nParis is the capital.\nSo: Paris.\n\n[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]\n');
    expect(out).toEqual({ reasoning: 'Paris is the capital.\nSo: Paris.', answer: 'Paris' });
  });
});

describe('parseCompletion: leniency for small models', () => {
  it.each([
    ['marker case and missing spaces', '[[## Answer ##]]\nParis\n[[##completed##]]'],
    ['spaces inside hashes', '[[ ##answer## ]]\nParis'],
    ['single hashes', '[[ # answer # ]]\nParis'],
    ['missing completed marker', '[[ ## answer ## ]]\nParis'],
    ['text before the first marker', 'Sure! Here is my answer.\n[[ ## answer ## ]]\nParis\n[[ ## completed ## ]]'],
    ['value on the marker line', '[[ ## answer ## ]] Paris'],
    ['value after a colon on the marker line', '[[ ## answer ## ]]: Paris'],
    ['trailing junk after completed', '[[ ## answer ## ]]\nParis\n[[ ## completed ## ]]\nUser: next question please\nblah'],
    ['bold marker', '**[[ ## answer ## ]]**\nParis'],
    ['bold marker with colon', '**[[ ## answer ## ]]:** Paris'],
    ['heading marker', '### [[ ## answer ## ]]\nParis\n'],
    ['echoed input sections', '[[ ## question ## ]]\nWhat is the capital?\n[[ ## answer ## ]]\nParis'],
    ['answer wrapped in a code fence', '```\n[[ ## answer ## ]]\nParis\n```'],
    ['Windows line endings', '[[ ## answer ## ]]\r\nParis\r\n\r\n[[ ## completed ## ]]\r\n'],
  ])('%s', (_case, completion) => {
    expect(parseCompletion(one, completion)).toEqual({ answer: 'Paris' });
  });

  it('keeps code fences that belong to the value', () => {
    expect(parseCompletion(one, '[[ ## answer ## ]]\n```py\nx = 1\n```')).toEqual({ answer: '```py\nx = 1\n```' });
  });

  it('keeps the first occurrence of a field', () => {
    expect(parseCompletion(one, '[[ ## answer ## ]]\nParis\n[[ ## completed ## ]]\n[[ ## answer ## ]]\nLyon')).toEqual({ answer: 'Paris' });
  });

  it('splits markers that share one line', () => {
    expect(parseCompletion(cot, '[[ ## reasoning ## ]] It is Paris. [[ ## answer ## ]] Paris [[ ## completed ## ]]')).toEqual({
      reasoning: 'It is Paris.',
      answer: 'Paris',
    });
  });

  it('prefers line-start markers over a marker mentioned inside the text', () => {
    const completion = '[[ ## reasoning ## ]]\nI will put it under [[ ## answer ## ]] below.\n[[ ## answer ## ]]\nParis';
    expect(parseCompletion(cot, completion)).toEqual({ reasoning: 'I will put it under [[ ## answer ## ]] below.', answer: 'Paris' });
  });

  it('reads a typed value on the first line followed by an explanation', () => {
    const sig = parseSignature('text -> label: labels(positive|negative), n: number');
    const completion = '[[ ## label ## ]]\nPositive\n\nThe review praises it; 5 stars.\n[[ ## n ## ]]\n72\nbecause 70 + 2 = 72';
    expect(parseCompletion(sig, completion)).toEqual({ label: 'positive', n: 72 });
  });

  it('ignores extra output fields the signature does not have', () => {
    expect(parseCompletion(one, '[[ ## confidence ## ]]\nhigh\n[[ ## answer ## ]]\nParis')).toEqual({ answer: 'Paris' });
  });

  it('reads markdown label lines when markers are missing', () => {
    expect(parseCompletion(cot, '**Reasoning:** it is in France.\n**Answer:** Paris')).toEqual({ reasoning: 'it is in France.', answer: 'Paris' });
    expect(parseCompletion(cot, '[[ ## reasoning ## ]]\nThe capital is Paris.\nAnswer: Paris')).toEqual({
      reasoning: 'The capital is Paris.\nAnswer: Paris',
      answer: 'Paris',
    });
  });

  it('never lets a label line override a marker value', () => {
    expect(parseCompletion(cot, '[[ ## reasoning ## ]]\nAnswer: Lyon is wrong\n[[ ## answer ## ]]\nParis')).toEqual({
      reasoning: 'Answer: Lyon is wrong',
      answer: 'Paris',
    });
  });

  it('accepts a bare value for a single typed output, but not for a string output', () => {
    expect(parseCompletion(parseSignature('q -> n: number'), '42')).toEqual({ n: 42 });
    expect(parseCompletion(parseSignature('q -> label: labels(yes|no)'), ' Yes.')).toEqual({ label: 'yes' });
    expect(failure(one, 'Paris').code).toBe('ADAPTER_PARSE');
  });
});

describe('parseCompletion: typed coercion', () => {
  const num = parseSignature('q -> n: number');
  it.each([
    ['42', 42],
    ['$1,000', 1000],
    ['1,234.5 dollars', 1234.5],
    ['-3', -3],
    ['\u22127.25', -7.25],
    ['**18**', 18],
    ['The answer is 72.', 72],
    ['#### 72', 72],
    ['50%', 50],
    ['1e3', 1000],
  ])('number %j -> %d', (text, value) => {
    expect(parseCompletion(num, `[[ ## n ## ]]\n${text}\n[[ ## completed ## ]]`)).toEqual({ n: value });
  });

  it.each(['no idea', '3 apples and 5 pears', ''])('number %j is invalid', (text) => {
    const err = failure(num, `[[ ## n ## ]]\n${text}`);
    expect(err.code).toBe('ADAPTER_PARSE');
    expect((err.details as ParseFailureDetails).invalid.map((i) => i.field)).toEqual(['n']);
  });

  const bool = parseSignature('q -> ok: bool');
  it.each([
    ['True', true],
    ['false', false],
    ['Yes.', true],
    ['**no**', false],
    ['`TRUE`', true],
  ])('boolean %j -> %s', (text, value) => {
    expect(parseCompletion(bool, `[[ ## ok ## ]]\n${text}`)).toEqual({ ok: value });
  });
  it('boolean "maybe" is invalid', () => {
    expect((failure(bool, '[[ ## ok ## ]]\nmaybe').details as ParseFailureDetails).invalid[0]!.field).toBe('ok');
  });

  const labels = parseSignature({ signature: 'text -> label', labels: { label: ['Positive', 'Negative', 'not_entailment'] } });
  it.each([
    ['positive', 'Positive'],
    ['NEGATIVE', 'Negative'],
    ['"Positive"', 'Positive'],
    ['`negative`', 'Negative'],
    ['Positive.', 'Positive'],
    ["'Negative'.", 'Negative'],
    ['**Positive**', 'Positive'],
    ['not entailment', 'not_entailment'],
  ])('label %j -> %s', (text, value) => {
    expect(parseCompletion(labels, `[[ ## label ## ]]\n${text}\n\n[[ ## completed ## ]]`)).toEqual({ label: value });
  });
  it('a label outside the set is an error for that field', () => {
    const err = failure(labels, '[[ ## label ## ]]\nmixed\n[[ ## completed ## ]]');
    const details = err.details as ParseFailureDetails;
    expect(details.missing).toEqual([]);
    expect(details.invalid).toEqual([{ field: 'label', reason: expect.stringContaining('mixed') }]);
  });

  const list = parseSignature('q -> items: list');
  it.each([
    ['["a", "b"]', ['a', 'b']],
    ['```json\n["a", "b"]\n```', ['a', 'b']],
    ['- a\n- b', ['a', 'b']],
    ['1. a\n2) b', ['a', 'b']],
    ['[1] «a»\n[2] «b»', ['a', 'b']],
    ['* a\n\n* b', ['a', 'b']],
    ['[1, 2]', ['1', '2']],
  ])('list %j', (text, value) => {
    expect(parseCompletion(list, `[[ ## items ## ]]\n${text}`)).toEqual({ items: value });
  });

  const json = parseSignature('q -> data: json');
  it('json values parse, also fenced or wrapped in prose', () => {
    expect(parseCompletion(json, '[[ ## data ## ]]\n{"a": 1, "b": [true]}')).toEqual({ data: { a: 1, b: [true] } });
    expect(parseCompletion(json, '[[ ## data ## ]]\n```json\n{"a": 1,}\n```')).toEqual({ data: { a: 1 } });
    expect(parseCompletion(json, '[[ ## data ## ]]\nHere: {"a": "}"} done')).toEqual({ data: { a: '}' } });
  });
  it('invalid json is an error for that field', () => {
    expect((failure(json, '[[ ## data ## ]]\n{a: 1').details as ParseFailureDetails).invalid[0]!.field).toBe('data');
  });
});

describe('parseCompletion: JSON fallback', () => {
  it('reads a JSON object when markers give nothing', () => {
    expect(parseCompletion(cot, '{"reasoning": "It is in France.", "answer": "Paris"}')).toEqual({ reasoning: 'It is in France.', answer: 'Paris' });
  });
  it('reads a fenced JSON object after prose, with typed values and case-insensitive keys', () => {
    const sig = parseSignature('q -> Answer: number, ok: bool, label: labels(a|b)');
    const completion = 'Let me answer in JSON.\n```json\n{"answer": "1,200", "OK": true, "label": "B", "extra": 1}\n```';
    expect(parseCompletion(sig, completion)).toEqual({ Answer: 1200, ok: true, label: 'b' });
  });
  it('skips JSON objects that name no output field', () => {
    expect(parseCompletion(one, 'Input was {"question": "x"}. Output: {"answer": "Paris"}')).toEqual({ answer: 'Paris' });
  });
});

describe('parseCompletion: failures', () => {
  it('names missing fields and quotes the completion', () => {
    const completion = '[[ ## reasoning ## ]]\nI think about it a lot.';
    const err = failure(cot, completion);
    expect(err.code).toBe('ADAPTER_PARSE');
    expect(err.message).toContain('"answer"');
    expect(err.message).toContain('I think about it a lot.');
    expect(err.details).toEqual({ completion, missing: ['answer'], invalid: [] });
  });
  it('reports every missing field of an empty answer', () => {
    expect((failure(cot, '').details as ParseFailureDetails).missing).toEqual(['reasoning', 'answer']);
  });
  it('truncates a long completion in the message but keeps it whole in details', () => {
    const completion = `no markers ${'x'.repeat(5000)}`;
    const err = failure(one, completion);
    expect(err.message.length).toBeLessThan(1000);
    expect((err.details as ParseFailureDetails).completion).toBe(completion);
  });
});

describe('round trip: the assistant turn of a demo parses back to its outputs', () => {
  const sig = parseSignature({
    signature: 'question -> reasoning, answer, count: number, ok: bool, label: labels(alpha|beta gamma), tags: list, meta: json',
  });
  const outputs = {
    reasoning: 'Step one.\n\nStep two: [1] «quoted».',
    answer: 'Paris',
    count: 1234.5,
    ok: false,
    label: 'beta gamma',
    tags: ['one', 'two, three', 'four "4"'],
    meta: { nested: { list: [1, 2, null], flag: true }, text: 'a\nb' },
  };
  it('holds for every field type', () => {
    const messages = formatMessages(sig, [{ fields: { question: 'Q?', ...outputs } }], { question: 'Next?' });
    expect(messages[2]!.role).toBe('assistant');
    expect(parseCompletion(sig, messages[2]!.content)).toEqual(outputs);
  });
  it('holds for negative, integer and true values too', () => {
    const more = { ...outputs, count: -7, ok: true, tags: [], meta: [] };
    const messages = formatMessages(sig, [{ fields: { question: 'Q?', ...more } }], { question: 'Next?' });
    expect(parseCompletion(sig, messages[2]!.content)).toEqual(more);
  });
});
