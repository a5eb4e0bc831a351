import type { ProgramSpec, ProgramState } from '../../../src/core/program/types';
import { PlaygroundError } from '../../../src/core/errors';
export { codeOf } from '../errors';

/** The PlaygroundError `fn` throws (fails the test when it does not throw one). */
export function errorOf(fn: () => unknown): PlaygroundError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PlaygroundError) return err;
    throw err;
  }
  throw new Error('expected a PlaygroundError, nothing was thrown');
}

/** Rewrite a question, retrieve, answer with ChainOfThought: three steps of every kind. */
export const RAG_SPEC: ProgramSpec = {
  version: 1,
  name: 'Rewrite, retrieve, answer',
  inputs: [{ name: 'question', description: 'A trivia question' }, { name: 'passages', type: 'list' }],
  steps: [
    {
      id: 'rewrite',
      kind: 'predict',
      description: 'Turn the question into a search query.',
      signature: { inputs: [{ name: 'question', description: 'A trivia question' }], outputs: ['search_query'] },
    },
    { id: 'retrieve', kind: 'retrieve', k: 3, corpus: { from: 'input', field: 'passages' }, bind: { query: 'rewrite.search_query' } },
    {
      id: 'generate_answer',
      kind: 'chain_of_thought',
      signature: { signature: 'context, question -> answer', instruction: 'Answer the question from the context in a few words.' },
      bind: { context: 'retrieve.passages' },
    },
  ],
  outputs: { answer: 'generate_answer.answer' },
};

const LONG = 'Ünïcödé stays intact: 漢字かな交じり文, עברית, emoji 👩🏽‍🔬🚀, combining é, line\u2028separator. '.repeat(120);

export const RAG_STATE: ProgramState = {
  rewrite: {
    instruction: 'Write a short search query that would find the facts needed to answer the question.',
    demos: [
      { fields: { question: 'Who wrote “Le Petit Prince”?', search_query: 'Le Petit Prince author' }, augmented: true },
      { fields: { question: 'Quelle est la capitale du Burkina Faso ?', search_query: 'capitale Burkina Faso' } },
    ],
  },
  generate_answer: {
    instruction: LONG,
    demos: [
      {
        fields: {
          context: ['Shirley Temple | Shirley Temple Black was an American actress and diplomat.', 'Kiss and Tell | a 1945 film.'],
          question: 'What government position was held by the woman who portrayed Corliss Archer?',
          reasoning: 'The context says Shirley Temple served as Chief of Protocol.',
          answer: 'Chief of Protocol',
        },
        augmented: true,
      },
      { fields: { context: [], question: '1 + 1 = ?', answer: '2' } },
    ],
  },
};
