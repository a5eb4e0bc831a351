/**
 * A DSPy file saved from another program builds the program from its own signature (fields,
 * instruction, demos) instead of failing on the workspace's fields; a file that fits the
 * workspace's program still loads into it.
 */
import { describe, expect, it } from 'vitest';
import { PlaygroundError } from '../../../src/core/errors';
import { buildFromTemplate } from '../../../src/core/program';
import { readDspyProgram, toDspyJson } from '../../../src/core/share';
import { programFromDspyJson } from '../../../src/core/share/dspy-program';

/** The workspace's default program: chain of thought, question -> answer. */
const DEFAULT = buildFromTemplate({ template: 'chain_of_thought', signature: 'question -> answer' });

/** What DSPy 2.6 saves for `dspy.ChainOfThought("sepal_length, petal_length -> species")` after optimizing. */
const IRIS_FILE = {
  'classify.predict': {
    traces: [],
    train: [],
    demos: [{ augmented: true, sepal_length: 5.1, petal_length: 1.4, reasoning: 'Short petals.', species: 'setosa' }, { sepal_length: 6.7, petal_length: 5.8, species: 'virginica' }],
    signature: {
      instructions: 'Classify the iris by its measurements.',
      fields: [
        { prefix: 'Sepal Length:', description: '${sepal_length}' },
        { prefix: 'Petal Length:', description: 'in cm' },
        { prefix: "Reasoning: Let's think step by step in order to", description: '${reasoning}' },
        { prefix: 'Species:', description: '${species}' },
      ],
    },
    lm: null,
  },
  metadata: { dependency_versions: { python: '3.11', dspy: '2.6.27', cloudpickle: '3.1' } },
};

describe('DSPy import: a file from another program', () => {
  it('builds the program from the file: fields, instruction and demos', () => {
    const { spec, state, built } = readDspyProgram(IRIS_FILE, DEFAULT);
    expect(built?.signature).toBe('sepal_length, petal_length -> species');
    expect(spec.inputs).toEqual([{ name: 'sepal_length' }, { name: 'petal_length', description: 'in cm' }]);
    expect(spec.steps).toEqual([expect.objectContaining({ id: 'classify', kind: 'chain_of_thought' })]);
    expect(spec.outputs).toEqual({ species: 'classify.species' });
    expect(state.classify!.instruction).toBe('Classify the iris by its measurements.');
    expect(state.classify!.demos).toHaveLength(2);
    expect(state.classify!.demos[0]).toEqual({ augmented: true, fields: { sepal_length: 5.1, petal_length: 1.4, reasoning: 'Short petals.', species: 'setosa' } });
  });

  it('round-trips: the built program exports the same predictor again', () => {
    const { spec, state } = readDspyProgram(IRIS_FILE, undefined);
    const again = toDspyJson(spec, state);
    expect(again['classify.predict']).toMatchObject({ demos: IRIS_FILE['classify.predict'].demos, signature: { instructions: 'Classify the iris by its measurements.' } });
  });

  it('reads a Predict with its last field as the output', () => {
    const file = { summarize: { ...IRIS_FILE['classify.predict'], demos: [], signature: { instructions: 'Sum up.', fields: [{ prefix: 'Document:', description: '${document}' }, { prefix: 'Summary:', description: '${summary}' }] } } };
    const { built } = readDspyProgram(file, DEFAULT);
    expect(built?.signature).toBe('document -> summary');
    expect(built?.spec.steps[0]).toMatchObject({ id: 'summarize', kind: 'predict' });
  });

  it("loads a file that fits into the workspace's own program", () => {
    const json = toDspyJson(DEFAULT, { generate: { instruction: 'Answer briefly.', demos: [] } });
    const out = readDspyProgram(json, DEFAULT);
    expect(out.built).toBeUndefined();
    expect(out.spec).toBe(DEFAULT);
    expect(out.state.generate!.instruction).toBe('Answer briefly.');
  });

  it('says why when a file with several predictors does not fit', () => {
    const two = { a: IRIS_FILE['classify.predict'], b: IRIS_FILE['classify.predict'], metadata: IRIS_FILE.metadata };
    let err: unknown;
    try {
      readDspyProgram(two, DEFAULT);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlaygroundError);
    expect((err as PlaygroundError).code).toBe('DSPY_INVALID');
    expect(() => programFromDspyJson(two)).toThrow(/one saved predictor, but this one has 2/);
  });
});
