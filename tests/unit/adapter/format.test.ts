import { describe, expect, it } from 'vitest';
import { formatFieldValue, formatMessages, formatStructure } from '../../../src/core/adapter';
import type { Demo } from '../../../src/core/program/types';
import { parseSignature, prependOutput } from '../../../src/core/signature';

const qa = parseSignature({
  signature: 'question, context -> answer',
  instruction: 'Answer the question from the context.\nKeep it short.',
  inputs: [{ name: 'question', description: 'a trivia question' }, { name: 'context' }],
  outputs: [{ name: 'answer', description: 'a few words' }],
});

const SYSTEM = [
  'Your input fields are:',
  '1. `question` (str): a trivia question',
  '2. `context` (str):',
  'Your output fields are:',
  '1. `answer` (str): a few words',
  'All interactions will be structured in the following way, with the appropriate values filled in.',
  '',
  '[[ ## question ## ]]',
  '{question}',
  '',
  '[[ ## context ## ]]',
  '{context}',
  '',
  '[[ ## answer ## ]]',
  '{answer}',
  '',
  '[[ ## completed ## ]]',
  'In adhering to this structure, your objective is: ',
  '        Answer the question from the context.',
  '        Keep it short.',
].join('\n');

describe('formatMessages', () => {
  it('renders system, demos (incomplete first, as DSPy orders them) and the final request exactly', () => {
    const demos: Demo[] = [
      { fields: { question: 'Capital of France?', context: ['Paris is the capital of France.', 'Lyon is a city.'], answer: 'Paris' } },
      { fields: { question: 'Who wrote Hamlet?', answer: 'Shakespeare' } },
    ];
    const messages = formatMessages(qa, demos, { question: 'Largest planet?', context: 'Jupiter is the largest planet.' });
    expect(messages).toEqual([
      { role: 'system', content: SYSTEM },
      {
        role: 'user',
        content:
          'This is an example of the task, though some input or output fields are not supplied.\n\n' +
          '[[ ## question ## ]]\nWho wrote Hamlet?',
      },
      { role: 'assistant', content: '[[ ## answer ## ]]\nShakespeare\n\n[[ ## completed ## ]]\n' },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nCapital of France?\n\n' +
          '[[ ## context ## ]]\n[1] «Paris is the capital of France.»\n[2] «Lyon is a city.»',
      },
      { role: 'assistant', content: '[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]\n' },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nLargest planet?\n\n' +
          '[[ ## context ## ]]\nJupiter is the largest planet.\n\n' +
          'Respond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, ' +
          'and then ending with the marker for `[[ ## completed ## ]]`.',
      },
    ]);
  });

  it('fills outputs a demo lacks with DSPy\'s "Not supplied" text (ChainOfThought with a labeled demo)', () => {
    const cot = prependOutput(qa, { name: 'reasoning', description: '${reasoning}' });
    const messages = formatMessages(cot, [{ fields: { question: 'Q', context: 'C', answer: 'A' } }], { question: 'q', context: 'c' });
    expect(messages[0]!.content).toContain('Your output fields are:\n1. `reasoning` (str): \n2. `answer` (str): a few words\n');
    expect(messages[1]!.content.startsWith('This is an example of the task, though some input or output fields are not supplied.')).toBe(true);
    expect(messages[2]!.content).toBe(
      '[[ ## reasoning ## ]]\nNot supplied for this particular example. \n\n[[ ## answer ## ]]\nA\n\n[[ ## completed ## ]]\n',
    );
    expect(messages[3]!.content).toContain('starting with the field `[[ ## reasoning ## ]]`, then `[[ ## answer ## ]]`, and then');
  });

  it('skips demos with no outputs or no inputs, as DSPy does', () => {
    const messages = formatMessages(qa, [{ fields: { question: 'Q', context: 'C' } }, { fields: { answer: 'A' } }, { fields: {} }], {
      question: 'q',
      context: 'c',
    });
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('treats null values as absent', () => {
    const messages = formatMessages(qa, [{ fields: { question: 'Q', context: null, answer: 'A' } }], { question: 'q', context: 'c' });
    expect(messages[1]!.content).toBe(
      'This is an example of the task, though some input or output fields are not supplied.\n\n[[ ## question ## ]]\nQ',
    );
  });

  it('states label sets and numeric/boolean/list/json types in the structure and the final request', () => {
    const sig = parseSignature('text -> label: labels(positive|negative|neutral), score: number, ok: bool, tags: list, meta: json');
    const [system, user] = formatMessages(sig, [], { text: 'great' });
    expect(system!.content).toContain("1. `label` (Literal['positive', 'negative', 'neutral']): \n2. `score` (float): \n3. `ok` (bool): \n");
    expect(system!.content).toContain('{label}        # note: the value you produce must exactly match (no extra characters) one of: positive; negative; neutral');
    expect(system!.content).toContain('{score}        # note: the value you produce must be a single float value');
    expect(system!.content).toContain('{ok}        # note: the value you produce must be True or False');
    expect(system!.content).toContain('{tags}        # note: the value you produce must adhere to the JSON schema: {"type": "array", "items": {"type": "string"}}');
    expect(user!.content).toBe(
      '[[ ## text ## ]]\ngreat\n\nRespond with the corresponding output fields, starting with the field ' +
        "`[[ ## label ## ]]` (must be formatted as a valid Python Literal['positive', 'negative', 'neutral']), " +
        'then `[[ ## score ## ]]` (must be formatted as a valid Python float), ' +
        'then `[[ ## ok ## ]]` (must be formatted as a valid Python bool), ' +
        'then `[[ ## tags ## ]]` (must be formatted as a valid Python list[str]), ' +
        'then `[[ ## meta ## ]]` (must be formatted as a valid Python dict[str, Any]), ' +
        'and then ending with the marker for `[[ ## completed ## ]]`.',
    );
  });

  it('dedents the instruction and indents each line by 8 spaces, like DSPy', () => {
    // Built directly: parseSignature trims the instruction, while DSPy docstrings keep their indent.
    const sig = { instruction: '    First line.\n      Indented.\n\n    Last.', inputs: [{ name: 'a' }], outputs: [{ name: 'b' }] };
    expect(formatMessages(sig, [], { a: 'x' })[0]!.content.endsWith(
      'your objective is: \n        First line.\n          Indented.\n        \n        Last.',
    )).toBe(true);
  });

  it('exposes the structure block alone', () => {
    expect(formatStructure(qa)).toBe(SYSTEM.slice(SYSTEM.indexOf('All interactions'), SYSTEM.indexOf('\nIn adhering')));
  });
});

describe('formatFieldValue', () => {
  const str = { name: 'x' };
  it('renders strings as-is, numbers as text and booleans the Python way', () => {
    expect(formatFieldValue('  keep  me ', str)).toBe('  keep  me ');
    expect(formatFieldValue(3.5, { name: 'n', type: 'number' })).toBe('3.5');
    expect(formatFieldValue(true, { name: 'b', type: 'boolean' })).toBe('True');
    expect(formatFieldValue(false, str)).toBe('False');
  });

  it('renders a list in a string field as numbered passages, DSPy style', () => {
    expect(formatFieldValue([], str)).toBe('N/A');
    expect(formatFieldValue(['one'], str)).toBe('«one»');
    expect(formatFieldValue(['a', 'b\nc', 7], str)).toBe('[1] «a»\n[2] «««\n    b\n    c\n»»»\n[3] «7»');
  });

  it('renders list and json fields as one-line JSON with Python separators', () => {
    expect(formatFieldValue(['a', 'b'], { name: 't', type: 'list' })).toBe('["a", "b"]');
    expect(formatFieldValue({ a: 1, b: [true, null], 'é': 'ü' }, { name: 'm', type: 'json' })).toBe('{"a": 1, "b": [true, null], "é": "ü"}');
    expect(formatFieldValue({ k: 'v' }, str)).toBe('{"k": "v"}');
  });
});
