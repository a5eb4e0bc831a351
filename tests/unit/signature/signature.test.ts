import { describe, expect, it } from 'vitest';
import { parseSignature, prependOutput, signatureToString } from '../../../src/core/signature';
import { PlaygroundError } from '../../../src/core/errors';
import { codeOf } from '../errors';

describe('parseSignature', () => {
  it('parses the string form with DSPy default instruction', () => {
    const sig = parseSignature('question, context -> answer');
    expect(sig.inputs.map((f) => f.name)).toEqual(['question', 'context']);
    expect(sig.outputs.map((f) => f.name)).toEqual(['answer']);
    expect(sig.instruction).toBe('Given the fields `question`, `context`, produce the fields `answer`.');
    expect(signatureToString(sig)).toBe('question, context -> answer');
  });

  it('reads field types and labels in the string form', () => {
    const sig = parseSignature('text -> label: labels(positive|negative), confidence: float, tags: list');
    expect(sig.outputs).toEqual([
      { name: 'label', type: 'labels', labels: ['positive', 'negative'] },
      { name: 'confidence', type: 'number' },
      { name: 'tags', type: 'list' },
    ]);
  });

  it('accepts the structured form with descriptions, labels and an instruction', () => {
    const sig = parseSignature({
      instruction: 'Classify the word.',
      inputs: [{ name: 'word', description: 'one English word' }],
      outputs: ['label'],
      labels: { label: ['alpha', 'beta'] },
    });
    expect(sig.instruction).toBe('Classify the word.');
    expect(sig.inputs[0]).toEqual({ name: 'word', description: 'one English word' });
    expect(sig.outputs[0]).toEqual({ name: 'label', type: 'labels', labels: ['alpha', 'beta'] });
  });

  it('rejects a missing arrow, empty and duplicate names with stable codes', () => {
    expect(codeOf(() => parseSignature('question answer'))).toBe('SIGNATURE_NO_ARROW');
    expect(codeOf(() => parseSignature('question, -> answer'))).toBe('SIGNATURE_EMPTY_FIELD');
    expect(codeOf(() => parseSignature('question -> '))).toBe('SIGNATURE_EMPTY_FIELD');
    expect(codeOf(() => parseSignature('question, question -> answer'))).toBe('SIGNATURE_DUPLICATE_FIELD');
    expect(codeOf(() => parseSignature('answer -> answer'))).toBe('SIGNATURE_DUPLICATE_FIELD');
    expect(codeOf(() => parseSignature('a -> b -> c'))).toBe('SIGNATURE_INVALID');
    expect(codeOf(() => parseSignature('q -> a: banana'))).toBe('SIGNATURE_INVALID');
    expect(codeOf(() => parseSignature('my question -> answer'))).toBe('SIGNATURE_INVALID');
    expect(codeOf(() => parseSignature({ inputs: ['q'], outputs: ['a'], labels: { nope: ['x'] } }))).toBe('SIGNATURE_INVALID');
  });

  it('allows a signature without inputs but not without outputs', () => {
    expect(parseSignature('-> answer').inputs).toEqual([]);
    expect(codeOf(() => parseSignature({ inputs: ['q'], outputs: [] }))).toBe('SIGNATURE_INVALID');
  });

  it('names the bad value and what to do in the message', () => {
    try {
      parseSignature('question answer');
    } catch (err) {
      const e = err as PlaygroundError;
      expect(e.message).toContain('question answer');
      expect(e.hint).toContain('->');
    }
  });

  it('prependOutput adds reasoning first, once', () => {
    const sig = prependOutput(parseSignature('q -> a'), { name: 'reasoning' });
    expect(sig.outputs.map((f) => f.name)).toEqual(['reasoning', 'a']);
    expect(prependOutput(sig, { name: 'reasoning' }).outputs).toHaveLength(2);
  });
});
