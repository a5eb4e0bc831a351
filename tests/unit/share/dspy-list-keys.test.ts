/**
 * DSPy files from a module that keeps its predictors in a list (DSPy's SimplifiedBaleen:
 * `self.generate_query = [dspy.ChainOfThought(...) for _ in range(2)]`) save them as
 * `generate_query[0].predict`, `generate_query[1].predict`. Importing one fills our steps
 * `generate_query_1`, `generate_query_2` in order, each with its own instruction and demos;
 * exporting our programs still names their steps as before.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFromTemplate, type ProgramSpec } from '../../../src/core/program';
import { fromDspyJson, readDspyProgram, toDspyJson } from '../../../src/core/share';
import { programFromDspyJson } from '../../../src/core/share/dspy-program';
import { errorOf } from './fixtures';

/** What DSPy 2.6 saves for a two-hop Baleen whose query generators are a list, sharing one retriever. */
const FIXTURE = resolve(__dirname, 'fixtures/dspy-baleen-list.json');
const BALEEN = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
const MULTI_HOP = buildFromTemplate({ template: 'multi_hop', signature: 'question -> answer' });

describe('DSPy import of predictors saved in a list', () => {
  it('maps generate_query[0] and [1] to the first and second hop, with their own instructions and demos', () => {
    const state = fromDspyJson(BALEEN, MULTI_HOP);
    expect(Object.keys(state)).toEqual(['generate_query_1', 'generate_query_2', 'generate_answer']);
    expect(state.generate_query_1!.instruction).toBe('Write a search query for the first hop.');
    expect(state.generate_query_1!.demos).toEqual([{ fields: { question: 'Who wrote Dune?', reasoning: 'Search the book.', query: 'Dune novel author' }, augmented: true }]);
    expect(state.generate_query_2!.instruction).toBe('Write a query for what the first passages leave out.');
    expect(state.generate_query_2!.demos[0]!.fields.query).toBe('Frank Herbert birthplace');
    expect(state.generate_answer!.instruction).toBe('Answer from the passages in a few words.');
  });

  it('loads into the workspace program through the import the share panel uses', () => {
    const { spec, state, built } = readDspyProgram(BALEEN, MULTI_HOP);
    expect(built).toBeUndefined();
    expect(spec).toBe(MULTI_HOP);
    expect(state.generate_query_2!.instruction).toBe('Write a query for what the first passages leave out.');
  });

  it('counts list items by the steps\' numbers, from 0 or from 1', () => {
    const hop = (n: number) => ({ id: `hop_${n}`, kind: 'predict' as const, signature: 'question -> query' });
    const zeroBased: ProgramSpec = { version: 1, inputs: [{ name: 'question' }], steps: [hop(0), hop(1)], outputs: { query: 'hop_1.query' } };
    const saved = toDspyJson(zeroBased, { hop_0: { instruction: 'first', demos: [] }, hop_1: { instruction: 'second', demos: [] } }) as Record<string, unknown>;
    const asList = { 'hop[0]': saved.hop_0, 'hop[1]': saved.hop_1, metadata: saved.metadata };
    const state = fromDspyJson(asList, zeroBased);
    expect([state.hop_0!.instruction, state.hop_1!.instruction]).toEqual(['first', 'second']);
  });

  it('still names a list item the program does not have, and a step saved twice', () => {
    const third = { ...BALEEN, 'generate_query[2].predict': BALEEN['generate_query[1].predict'] };
    expect(errorOf(() => fromDspyJson(third, MULTI_HOP)).message).toContain('"generate_query[2].predict"');
    const twice = { ...BALEEN, 'generate_query_1.predict': BALEEN['generate_query[0].predict'] };
    expect(errorOf(() => fromDspyJson(twice, MULTI_HOP)).message).toMatch(/saves step "generate_query_1" twice/);
  });

  it('passes over a shared retriever the steps do not name, but not an unknown predictor', () => {
    expect(() => fromDspyJson(BALEEN, MULTI_HOP)).not.toThrow();
    const predictor = { ...BALEEN, rewrite: BALEEN['generate_answer.predict'] };
    expect(errorOf(() => fromDspyJson(predictor, MULTI_HOP)).message).toContain('"rewrite"');
  });

  it('builds a one-step program from a lone list item with a readable step id', () => {
    const lone = { 'generate_query[0].predict': BALEEN['generate_query[0].predict'], metadata: BALEEN.metadata };
    expect(programFromDspyJson(lone).spec.steps[0]!.id).toBe('generate_query_0');
  });

  it('exports our own programs under their step ids, as before', () => {
    expect(Object.keys(toDspyJson(MULTI_HOP, {}))).toEqual(['generate_query_1.predict', 'retrieve_1', 'generate_query_2.predict', 'retrieve_2', 'generate_answer.predict', 'metadata']);
  });

  const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout?.trim();
  (python ? it : it.skip)('the fixture has the keys a list-of-predictors module has (checked with the stub dspy)', () => {
    const script = [
      'import sys; sys.path.insert(0, sys.argv[1]); import dspy',
      'class Baleen(dspy.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.generate_query = [dspy.ChainOfThought(dspy.Signature({"question": (str, dspy.InputField()), "query": (str, dspy.OutputField(desc="a search query that finds the missing information"))})),',
      '                               dspy.ChainOfThought(dspy.Signature({"context": (str, dspy.InputField(desc="may contain relevant facts")), "question": (str, dspy.InputField()), "query": (str, dspy.OutputField(desc="a search query that finds the missing information"))}))]',
      '        self.retrieve = dspy.Retrieve(k=3)',
      '        self.generate_answer = dspy.ChainOfThought(dspy.Signature({"context": (str, dspy.InputField(desc="may contain relevant facts")), "question": (str, dspy.InputField()), "answer": (str, dspy.OutputField())}))',
      'print([name for name, _ in Baleen().load(sys.argv[2]).named_parameters()])',
    ].join('\n');
    const out = spawnSync(python!, ['-c', script, resolve(__dirname, '../../fixtures/dspy_stub'), FIXTURE], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe("['generate_query[0].predict', 'generate_query[1].predict', 'retrieve', 'generate_answer.predict']");
  }, 60_000);
});
