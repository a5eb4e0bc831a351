/**
 * What each output mode sends for one predictor call, and how much room it gives the answer.
 */
import { describe, expect, it } from 'vitest';
import { outputRequest, outputTokenBudget, parseOutput } from '../../../src/core/adapter/output-request';
import { formatJsonMessages, formatMessages } from '../../../src/core/adapter';
import { parseSignature, prependOutput } from '../../../src/core/signature';

const classify = parseSignature({
  instruction: 'Classify the sentiment.',
  inputs: [{ name: 'text' }],
  outputs: [{ name: 'sentiment' }],
  labels: { sentiment: ['positive', 'negative', 'neutral'] },
});
const cot = prependOutput(classify, { name: 'reasoning', description: '${reasoning}' });
const inputs = { text: 'Great value.' };

describe('outputRequest', () => {
  it('chat: ChatAdapter messages, a stop at the completed marker, no response format', () => {
    const req = outputRequest('chat', cot, [], inputs, 256);
    expect(req.messages).toEqual(formatMessages(cot, [], inputs));
    expect(req.stop).toEqual(['[[ ## completed ## ]]']);
    expect(req.responseFormat).toBeUndefined();
  });

  it('json_schema: JSONAdapter messages and the strict schema with the labels as an enum', () => {
    const req = outputRequest('json_schema', cot, [], inputs, 256);
    expect(req.messages).toEqual(formatJsonMessages(cot, [], inputs));
    expect(req.stop).toBeUndefined();
    expect(req.responseFormat).toEqual({
      type: 'json_schema',
      name: 'DSPyProgramOutputs',
      strict: true,
      schema: {
        type: 'object',
        properties: { reasoning: { type: 'string' }, sentiment: { type: 'string', enum: ['positive', 'negative', 'neutral'] } },
        required: ['reasoning', 'sentiment'],
        additionalProperties: false,
      },
    });
  });

  it('json, or json_schema for an open JSON output: a JSON object without a schema', () => {
    expect(outputRequest('json', classify, [], inputs, 256).responseFormat).toEqual({ type: 'json_object' });
    const open = parseSignature({ instruction: 'Extract.', inputs: [{ name: 'text' }], outputs: [{ name: 'fields', type: 'json' }] });
    expect(outputRequest('json_schema', open, [], inputs, 256).responseFormat).toEqual({ type: 'json_object' });
  });
});

describe('outputTokenBudget', () => {
  it('gives a label a few tokens and reasoning its cap', () => {
    const label = outputTokenBudget(classify, 'chat', 256);
    expect(label).toBeGreaterThan(15);
    expect(label).toBeLessThan(50);
    expect(outputTokenBudget(classify, 'json_schema', 256)).toBeLessThan(label);
    const withReasoning = outputTokenBudget(cot, 'chat', 256);
    expect(withReasoning - label).toBeGreaterThanOrEqual(256);
    expect(withReasoning - label).toBeLessThan(280);
    expect(outputTokenBudget(cot, 'chat', 64)).toBe(withReasoning - 192);
  });

  it('leaves room for the longest label, and for free text', () => {
    const long = parseSignature({ instruction: 'x', inputs: [{ name: 'q' }], outputs: [{ name: 'topic' }], labels: { topic: ['a', 'international_relations_and_diplomacy'] } });
    expect(outputTokenBudget(long, 'chat', 256)).toBeGreaterThan(outputTokenBudget(classify, 'chat', 256) + 8);
    const free = parseSignature({ instruction: 'x', inputs: [{ name: 'q' }], outputs: [{ name: 'answer' }] });
    expect(outputTokenBudget(free, 'chat', 256)).toBeGreaterThan(1000);
  });
});

describe('parseOutput', () => {
  it('reads each mode\'s answer, and either parser reads the other\'s form', () => {
    const chat = '[[ ## reasoning ## ]]\nUpbeat.\n\n[[ ## sentiment ## ]]\nPositive';
    const json = '{"reasoning": "Upbeat.", "sentiment": "positive"}';
    for (const mode of ['chat', 'json', 'json_schema'] as const) {
      expect(parseOutput(mode, cot, chat)).toEqual({ reasoning: 'Upbeat.', sentiment: 'positive' });
      expect(parseOutput(mode, cot, json)).toEqual({ reasoning: 'Upbeat.', sentiment: 'positive' });
    }
  });
});
