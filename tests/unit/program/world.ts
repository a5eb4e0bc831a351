/**
 * A small question-answering world for program tests: a corpus of capital-city facts, a
 * query -> retrieve -> answer program, and a scripted model that answers only from what it
 * is given. It writes a search query from the question's content words, and answers with the
 * city named by the first retrieved passage about the asked country — so a right answer needs
 * the right passage, and a wrong retrieval gives a wrong answer.
 */
import { ScriptedLM, type ScriptedLMOptions } from '../../../src/core/lm';
import type { LMRequest } from '../../../src/core/lm/types';
import type { ProgramSpec } from '../../../src/core/program/types';
import { answer, askedOutputs, block, lastUser, systemOf, passages } from './scripted';

export const CORPUS: readonly string[] = [
  'Paris is the capital and largest city of France.',
  'Berlin is the capital of Germany and its largest city by population.',
  'Canberra is the capital city of Australia, chosen as a compromise between Sydney and Melbourne.',
  'Sydney is the largest city in Australia and home to the Sydney Opera House.',
  'Ottawa is the capital of Canada, located on the Ottawa River.',
  'Toronto is the most populous city in Canada.',
  'Madrid is the capital of Spain and sits on the Manzanares river.',
  'The Seine flows through Paris before reaching the English Channel.',
  'Brasilia is the capital of Brazil, inaugurated in 1960.',
  'Rio de Janeiro was the capital of Brazil until 1960.',
];

/** The country named in a capital question, e.g. "What is the capital of Canada?" -> "Canada". */
function countryOf(question: string): string {
  return /capital (?:city )?of ([A-Z][a-z]+)/.exec(question)?.[1] ?? '';
}

/** The instruction phrase that makes the scripted model shout its answers. */
export const SHOUT = 'Write the answer in UPPERCASE.';

/** What the scripted model says to a request of the query -> retrieve -> answer world. */
function worldAnswer(req: LMRequest): string {
  const user = lastUser(req);
  const outputs = askedOutputs(req);
  const question = block(user, 'question') ?? '';
  if (outputs.includes('query')) {
    const words = question.replace(/[?.,]/g, '').split(/\s+/).filter((w) => w.length > 3 && !/^(what|which)$/i.test(w));
    return answer({ reasoning: 'Search for the content words.', query: words.join(' ') });
  }
  const context = passages(block(user, 'context'));
  const country = countryOf(question);
  const passage = context.find((p) => p.includes(country) && p.includes('capital'));
  let city = passage ? passage.split(' ')[0]! : 'unknown';
  if (systemOf(req).includes(SHOUT)) city = city.toUpperCase();
  return answer({ reasoning: `The passages say ${passage ?? 'nothing useful'}.`, answer: city });
}

/** A scripted model of the world that also records each completion it returned. */
export function worldLM(opts: ScriptedLMOptions = {}): { lm: ScriptedLM; completions: string[] } {
  const completions: string[] = [];
  const lm = new ScriptedLM((req) => {
    const text = worldAnswer(req);
    completions.push(text);
    return text;
  }, opts);
  return { lm, completions };
}

/** CoT query generation -> BM25 over the named corpus "wiki" -> CoT answer. */
export const QA_PROGRAM: ProgramSpec = {
  version: 1,
  name: 'capital_qa',
  inputs: [{ name: 'question' }],
  steps: [
    { id: 'make_query', kind: 'chain_of_thought', signature: 'question -> query' },
    { id: 'search', kind: 'retrieve', k: 2, corpus: { from: 'corpus', name: 'wiki' } },
    { id: 'generate_answer', kind: 'chain_of_thought', signature: 'context: list, question -> answer', bind: { context: 'search.passages' } },
  ],
  outputs: { answer: 'generate_answer.answer' },
};

/** Capital questions with their gold answers. */
export const QUESTIONS: readonly { question: string; answer: string }[] = [
  { question: 'What is the capital of France?', answer: 'Paris' },
  { question: 'What is the capital of Germany?', answer: 'Berlin' },
  { question: 'What is the capital city of Australia?', answer: 'Canberra' },
  { question: 'What is the capital of Canada?', answer: 'Ottawa' },
  { question: 'What is the capital of Spain?', answer: 'Madrid' },
  { question: 'What is the capital of Brazil?', answer: 'Brasilia' },
];
