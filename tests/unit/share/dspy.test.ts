import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProgramState } from '../../../src/core/program/types';
import { dspyPredictorKey, fromDspyJson, inferPrefix, toDspyJson } from '../../../src/core/share';
import { errorOf, RAG_SPEC, RAG_STATE } from './fixtures';

/** Hand-written in the layout DSPy 2.6's `program.save("x.json")` produces for this program. */
const EXPECTED = readFileSync(resolve(__dirname, 'fixtures/dspy-rag-program.json'), 'utf8');

const STATE: ProgramState = {
  ...RAG_STATE,
  generate_answer: { ...RAG_STATE.generate_answer!, instruction: 'Answer the question from the context in a few words.' },
};

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('DSPy JSON export', () => {
  it('matches the file DSPy saves: keys, prefixes, field order, augmented flags, metadata', () => {
    const json = toDspyJson(RAG_SPEC, STATE);
    // Compared as text so key order (predictor order, traces/train/demos/signature/lm) counts too.
    expect(JSON.stringify(json, null, 2) + '\n').toBe(EXPECTED);
  });

  it('names predictors as DSPy does', () => {
    expect(RAG_SPEC.steps.map(dspyPredictorKey)).toEqual(['rewrite', 'retrieve', 'generate_answer.predict']);
  });

  it("infers field prefixes like DSPy's infer_prefix", () => {
    expect(['question', 'some_field', 'someField', 'HTMLParser', 'passage2text', 'answer_ID', 'search_query'].map(inferPrefix)).toEqual([
      'Question', 'Some Field', 'Some Field', 'HTML Parser', 'Passage 2 Text', 'Answer ID', 'Search Query',
    ]);
  });

  it('falls back to the signature instruction for steps without state, and takes given dependency versions', () => {
    const json = toDspyJson(RAG_SPEC, {}, { dependencyVersions: { dspy: '2.6.5' } });
    const rewrite = json['rewrite'] as { signature: { instructions: string }; demos: unknown[] };
    expect(rewrite.signature.instructions).toBe('Given the fields `question`, produce the fields `search_query`.');
    expect(rewrite.demos).toEqual([]);
    expect(json.metadata.dependency_versions).toEqual({ python: '3.11', dspy: '2.6.5', cloudpickle: '3.1' });
  });
});

describe('DSPy JSON import', () => {
  it('reads back what it exports (import(export(x)) == x)', () => {
    expect(fromDspyJson(toDspyJson(RAG_SPEC, STATE), RAG_SPEC)).toEqual(STATE);
    expect(fromDspyJson(JSON.parse(EXPECTED), RAG_SPEC)).toEqual(STATE);
  });

  it('keeps only the signature fields of labeled demos, and ignores lm and metadata', () => {
    const json = JSON.parse(EXPECTED);
    json['rewrite'].demos = [{ id: 'train-7', question: 'Q?', search_query: 'q', answer: 'gold' }];
    json['rewrite'].lm = { model: 'openai/gpt-4o-mini', api_base: 'https://evil.example' };
    delete json.metadata;
    const state = fromDspyJson(json, RAG_SPEC);
    expect(state['rewrite']!.demos).toEqual([{ fields: { question: 'Q?', search_query: 'q' } }]);
    expect(JSON.stringify(state)).not.toContain('evil');
  });

  it('accepts the DSPy <= 2.5 form of ChainOfThought (key without ".predict", extended_signature)', () => {
    const json = JSON.parse(EXPECTED);
    const cot = json['generate_answer.predict'];
    delete json['generate_answer.predict'];
    json['generate_answer'] = { ...cot, extended_signature: { instructions: 'Tuned in 2.5.', fields: cot.signature.fields } };
    expect(fromDspyJson(json, RAG_SPEC)['generate_answer']!.instruction).toBe('Tuned in 2.5.');
  });

  it('accepts a ChainOfThought saved without the reasoning field (reasoning models)', () => {
    const json = JSON.parse(EXPECTED);
    json['generate_answer.predict'].signature.fields.splice(2, 1);
    expect(fromDspyJson(json, RAG_SPEC)['generate_answer']!.demos).toHaveLength(2);
  });

  it('names an unknown predictor key and lists the program predictors', () => {
    const json = { ...JSON.parse(EXPECTED), 'hop2.predict': clone(JSON.parse(EXPECTED)['rewrite']) };
    const err = errorOf(() => fromDspyJson(json, RAG_SPEC));
    expect(err.code).toBe('DSPY_INVALID');
    expect(err.message).toContain('"hop2.predict"');
    expect(err.details).toMatchObject({ key: 'hop2.predict', expected: ['rewrite', 'retrieve', 'generate_answer.predict'] });
  });

  it('names a missing predictor', () => {
    const json = JSON.parse(EXPECTED);
    delete json['rewrite'];
    const err = errorOf(() => fromDspyJson(json, RAG_SPEC));
    expect(err.code).toBe('DSPY_INVALID');
    expect(err.details).toMatchObject({ missing: ['rewrite'] });
  });

  it('reports a wrong shape with the key and the path of the problem', () => {
    const json = JSON.parse(EXPECTED);
    json['generate_answer.predict'].demos = 'none';
    json['generate_answer.predict'].signature.instructions = 42;
    const err = errorOf(() => fromDspyJson(json, RAG_SPEC));
    expect(err.code).toBe('DSPY_INVALID');
    expect(err.details?.['problems']).toEqual([
      'generate_answer.predict.demos: must be a list, but got "none"',
      'generate_answer.predict.signature.instructions: must be a string, but got 42',
    ]);
  });

  it('rejects a predictor saved from a different signature, and demos with none of its fields', () => {
    const json = JSON.parse(EXPECTED);
    json['rewrite'].signature.fields.push({ prefix: 'Extra:', description: '${extra}' });
    expect(errorOf(() => fromDspyJson(json, RAG_SPEC)).details).toMatchObject({ key: 'rewrite', saved: 3, expected: ['question', 'search_query'] });
    const json2 = JSON.parse(EXPECTED);
    json2['rewrite'].demos = [{ query: 'x', text: 'y' }];
    expect(errorOf(() => fromDspyJson(json2, RAG_SPEC)).details).toMatchObject({ key: 'rewrite.demos[0]' });
  });

  it('rejects input that is not an object of predictors', () => {
    for (const bad of [null, [], 'x', 3]) expect(errorOf(() => fromDspyJson(bad, RAG_SPEC)).code).toBe('DSPY_INVALID');
  });
});

// Issue 11, defect 9: importing into a program that cannot run is refused, with the reason,
// rather than producing a state for steps that clash or dangle.
describe('DSPy JSON import checks the program it loads into', () => {
  const file = () => clone(toDspyJson(RAG_SPEC, STATE));

  it('refuses a program with a repeated step id', () => {
    const spec = { ...RAG_SPEC, steps: [...RAG_SPEC.steps, { ...RAG_SPEC.steps[0]!, description: 'again' }] };
    const err = errorOf(() => fromDspyJson(file(), spec));
    expect(err.code).toBe('DSPY_INVALID');
    expect(err.message).toContain('Two steps share the id "rewrite"');
    expect(err.details).toMatchObject({ reason: 'PROGRAM_INVALID' });
  });

  it('refuses a program with a dangling binding', () => {
    const spec = { ...RAG_SPEC, steps: RAG_SPEC.steps.map((s) => (s.id === 'generate_answer' ? { ...s, bind: { context: 'retrieve.nothing' } } : s)) };
    const err = errorOf(() => fromDspyJson(file(), spec));
    expect(err.code).toBe('DSPY_INVALID');
    expect(err.message).toContain('"retrieve.nothing"');
    expect(err.details).toMatchObject({ reason: 'PROGRAM_UNKNOWN_FIELD' });
  });
});
