import { describe, expect, it } from 'vitest';
import { formatJsonMessages, outputSchema, parseJsonCompletion, type JsonSchema, type ParseFailureDetails } from '../../../src/core/adapter';
import { PlaygroundError } from '../../../src/core/errors';
import type { Demo } from '../../../src/core/program/types';
import { parseSignature, prependOutput } from '../../../src/core/signature';
import type { Signature } from '../../../src/core/signature/types';

/*
 * The expected prompts below are written out from DSPy's code (dspy/adapters/*.py):
 * - system message = `format_field_description` + "\n" + `format_field_structure` + "\n" +
 *   `format_task_description` (base.py `format_system_message`). The field list and the
 *   objective are ChatAdapter's; JSONAdapter's `format_field_structure` joins with blank lines
 *   the intro, "Inputs will have the following structure:", the inputs' `[[ ## name ## ]]`
 *   blocks, "Outputs will be a JSON object with the following fields." and
 *   `json.dumps({name: translate_field_type(...)}, indent=2)`, then strips.
 * - demos (base.py `format_demos`): incomplete ones first, their user turn prefixed with "This is
 *   an example of the task, ..."; the assistant turn is JSONAdapter's
 *   `format_assistant_message_content`: `json.dumps(outputs, indent=2)`, a lacking output
 *   reading "Not supplied for this particular example. ".
 * - the final user turn: ChatAdapter's `format_user_message_content` with JSONAdapter's
 *   `user_message_output_requirements` ("Respond with a JSON object in the following order of
 *   fields: ...", type hints from `get_annotation_name` for non-str fields).
 */

const REASONING = { name: 'reasoning', description: '${reasoning}' };

const classify = parseSignature({
  instruction: 'Classify the sentiment of the review.',
  inputs: [{ name: 'text', description: 'a product review' }],
  outputs: [{ name: 'sentiment', description: 'how the reviewer feels' }],
  labels: { sentiment: ['positive', 'negative', 'neutral'] },
});
const cotClassify = prependOutput(classify, REASONING);

const qa = parseSignature({
  instruction: 'Answer from the context.',
  inputs: [{ name: 'question', description: 'a trivia question' }, { name: 'context' }],
  outputs: [
    { name: 'answer', description: 'a few words' },
    { name: 'confidence', type: 'number' },
    { name: 'sources', type: 'list' },
  ],
});

describe('formatJsonMessages', () => {
  it('renders a ChainOfThought labels signature with an incomplete and a complete demo exactly', () => {
    const demos: Demo[] = [
      { fields: { text: 'Works great, arrived early.', reasoning: 'The reviewer praises it.', sentiment: 'positive' } },
      { fields: { text: 'Broke after a day.', sentiment: 'negative' } },
    ];
    const messages = formatJsonMessages(cotClassify, demos, { text: 'The battery lasts, the screen is dim.' });
    const system = [
      'Your input fields are:',
      '1. `text` (str): a product review',
      'Your output fields are:',
      '1. `reasoning` (str): ',
      "2. `sentiment` (Literal['positive', 'negative', 'neutral']): how the reviewer feels",
      'All interactions will be structured in the following way, with the appropriate values filled in.',
      '',
      'Inputs will have the following structure:',
      '',
      '[[ ## text ## ]]',
      '{text}',
      '',
      'Outputs will be a JSON object with the following fields.',
      '',
      '{',
      '  "reasoning": "{reasoning}",',
      '  "sentiment": "{sentiment}        # note: the value you produce must exactly match (no extra characters) one of: positive; negative; neutral"',
      '}',
      'In adhering to this structure, your objective is: ',
      '        Classify the sentiment of the review.',
    ].join('\n');
    expect(messages).toEqual([
      { role: 'system', content: system },
      {
        role: 'user',
        content: 'This is an example of the task, though some input or output fields are not supplied.\n\n[[ ## text ## ]]\nBroke after a day.',
      },
      { role: 'assistant', content: '{\n  "reasoning": "Not supplied for this particular example. ",\n  "sentiment": "negative"\n}' },
      { role: 'user', content: '[[ ## text ## ]]\nWorks great, arrived early.' },
      { role: 'assistant', content: '{\n  "reasoning": "The reviewer praises it.",\n  "sentiment": "positive"\n}' },
      {
        role: 'user',
        content:
          '[[ ## text ## ]]\nThe battery lasts, the screen is dim.\n\n' +
          'Respond with a JSON object in the following order of fields: `reasoning`, ' +
          "then `sentiment` (must be formatted as a valid Python Literal['positive', 'negative', 'neutral']).",
      },
    ]);
  });

  it('renders a multi-input predict signature with typed outputs exactly (demo values stay JSON numbers and lists)', () => {
    const demo: Demo = {
      fields: {
        question: 'Who wrote "Hamlet"?',
        context: ['Hamlet is a play by Shakespeare.', 'It was written around 1600.'],
        answer: 'William "Will" Shakespeare',
        confidence: 0.9,
        sources: ['[1]', '[2]'],
      },
    };
    const messages = formatJsonMessages(qa, [demo], { question: 'Largest planet?', context: 'Jupiter is the largest planet.' });
    const system = [
      'Your input fields are:',
      '1. `question` (str): a trivia question',
      '2. `context` (str):',
      'Your output fields are:',
      '1. `answer` (str): a few words',
      '2. `confidence` (float): ',
      '3. `sources` (list[str]):',
      'All interactions will be structured in the following way, with the appropriate values filled in.',
      '',
      'Inputs will have the following structure:',
      '',
      '[[ ## question ## ]]',
      '{question}',
      '',
      '[[ ## context ## ]]',
      '{context}',
      '',
      'Outputs will be a JSON object with the following fields.',
      '',
      '{',
      '  "answer": "{answer}",',
      '  "confidence": "{confidence}        # note: the value you produce must be a single float value",',
      '  "sources": "{sources}        # note: the value you produce must adhere to the JSON schema: {\\"type\\": \\"array\\", \\"items\\": {\\"type\\": \\"string\\"}}"',
      '}',
      'In adhering to this structure, your objective is: ',
      '        Answer from the context.',
    ].join('\n');
    expect(messages).toEqual([
      { role: 'system', content: system },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nWho wrote "Hamlet"?\n\n' +
          '[[ ## context ## ]]\n[1] «Hamlet is a play by Shakespeare.»\n[2] «It was written around 1600.»',
      },
      {
        role: 'assistant',
        content: '{\n  "answer": "William \\"Will\\" Shakespeare",\n  "confidence": 0.9,\n  "sources": [\n    "[1]",\n    "[2]"\n  ]\n}',
      },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nLargest planet?\n\n[[ ## context ## ]]\nJupiter is the largest planet.\n\n' +
          'Respond with a JSON object in the following order of fields: `answer`, ' +
          'then `confidence` (must be formatted as a valid Python float), ' +
          'then `sources` (must be formatted as a valid Python list[str]).',
      },
    ]);
  });

  it("matches DSPy's own expected messages for a demo with a float output (tests/adapters/test_json_adapter.py)", () => {
    const sig = parseSignature('question -> answer, confidence: number');
    const messages = formatJsonMessages(sig, [{ fields: { question: 'Q1', answer: 'A1', confidence: 0.9 } }], { question: 'Q2' });
    expect(messages.map((m) => m.content)).toEqual([
      'Your input fields are:\n1. `question` (str):\nYour output fields are:\n1. `answer` (str): \n2. `confidence` (float):\n' +
        'All interactions will be structured in the following way, with the appropriate values filled in.\n\n' +
        'Inputs will have the following structure:\n\n[[ ## question ## ]]\n{question}\n\n' +
        'Outputs will be a JSON object with the following fields.\n\n' +
        '{\n  "answer": "{answer}",\n  "confidence": "{confidence}        # note: the value you produce must be a single float value"\n}\n' +
        'In adhering to this structure, your objective is: \n        Given the fields `question`, produce the fields `answer`, `confidence`.',
      '[[ ## question ## ]]\nQ1',
      '{\n  "answer": "A1",\n  "confidence": 0.9\n}',
      '[[ ## question ## ]]\nQ2\n\nRespond with a JSON object in the following order of fields: `answer`, then `confidence` (must be formatted as a valid Python float).',
    ]);
  });

  it('writes the boolean and json notes JSON-escaped, and empty or nested demo values as Python does', () => {
    const sig = parseSignature('text -> ok: bool, meta: json');
    const [system, , assistant] = formatJsonMessages(sig, [{ fields: { text: 't', ok: false, meta: { tags: [], extra: {} } } }], { text: 'x' });
    expect(system!.content).toContain(
      '{\n  "ok": "{ok}        # note: the value you produce must be True or False",\n' +
        '  "meta": "{meta}        # note: the value you produce must adhere to the JSON schema: {\\"type\\": \\"object\\", \\"additionalProperties\\": true}"\n}\n',
    );
    expect(assistant!.content).toBe('{\n  "ok": false,\n  "meta": {\n    "tags": [],\n    "extra": {}\n  }\n}');
  });
});

describe('outputSchema', () => {
  it('lists every output, reasoning first, all required, no other keys; labels as an enum', () => {
    expect(outputSchema(cotClassify)).toEqual({
      type: 'object',
      properties: {
        reasoning: { type: 'string' },
        sentiment: { type: 'string', enum: ['positive', 'negative', 'neutral'] },
      },
      required: ['reasoning', 'sentiment'],
      additionalProperties: false,
    });
    expect(Object.keys(outputSchema(cotClassify).properties!)).toEqual(['reasoning', 'sentiment']);
  });

  it('maps number, boolean, list and json kinds to their closest JSON Schema', () => {
    const sig = parseSignature('text -> score: number, ok: bool, tags: list, meta: json');
    const expected: JsonSchema = {
      type: 'object',
      properties: {
        score: { type: 'number' },
        ok: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } },
        meta: { type: 'object', additionalProperties: true },
      },
      required: ['score', 'ok', 'tags', 'meta'],
      additionalProperties: false,
    };
    expect(outputSchema(sig)).toEqual(expected);
  });
});

function failure(sig: Signature, completion: string): ParseFailureDetails {
  let caught: unknown;
  try {
    parseJsonCompletion(sig, completion);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(PlaygroundError);
  expect((caught as PlaygroundError).code).toBe('ADAPTER_PARSE');
  return (caught as PlaygroundError).details as ParseFailureDetails;
}

describe('parseJsonCompletion', () => {
  const scored = parseSignature('question -> answer, score: number');

  it('reads a clean JSON object into typed fields', () => {
    expect(parseJsonCompletion(cotClassify, '{"reasoning": "Mixed, but mostly happy.", "sentiment": "positive"}')).toEqual({
      reasoning: 'Mixed, but mostly happy.',
      sentiment: 'positive',
    });
  });

  it('reads JSON inside ```json fences and inside prose', () => {
    const fenced = '```json\n{\n  "answer": "Paris",\n  "score": 0.8\n}\n```';
    expect(parseJsonCompletion(scored, fenced)).toEqual({ answer: 'Paris', score: 0.8 });
    const prose = 'Sure! Here is the answer: {"answer": "Paris {the city}", "score": 1} Hope it helps.';
    expect(parseJsonCompletion(scored, prose)).toEqual({ answer: 'Paris {the city}', score: 1 });
  });

  it('coerces a wrong-case label and a number given as a string', () => {
    expect(parseJsonCompletion(cotClassify, '{"reasoning": "r", "sentiment": "NEGATIVE"}')).toEqual({ reasoning: 'r', sentiment: 'negative' });
    expect(parseJsonCompletion(scored, '{"answer": "Paris", "score": "0.75"}')).toEqual({ answer: 'Paris', score: 0.75 });
  });

  it('reports a missing field', () => {
    const details = failure(cotClassify, '{"reasoning": "The reviewer is happy."}');
    expect(details.missing).toEqual(['sentiment']);
    expect(details.invalid).toEqual([]);
  });

  it('reports a label outside the label set as invalid', () => {
    const details = failure(cotClassify, '{"reasoning": "r", "sentiment": "mixed"}');
    expect(details.missing).toEqual([]);
    expect(details.invalid.map((i) => i.field)).toEqual(['sentiment']);
  });

  it('falls back to the chat format when the answer has no JSON object', () => {
    const chat = '[[ ## reasoning ## ]]\nThe screen is dim.\n\n[[ ## sentiment ## ]]\nNeutral\n\n[[ ## completed ## ]]';
    expect(parseJsonCompletion(cotClassify, chat)).toEqual({ reasoning: 'The screen is dim.', sentiment: 'neutral' });
  });

  it('rejects prose without a JSON object or markers, quoting the answer', () => {
    const details = failure(cotClassify, 'I think the customer is fairly satisfied overall.');
    expect(details.missing).toEqual(['reasoning', 'sentiment']);
    expect(details.completion).toBe('I think the customer is fairly satisfied overall.');
  });
});
