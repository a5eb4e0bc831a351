import { describe, expect, it } from 'vitest';
import { redactConfig, restoreSecrets, type RunConfig } from '../../../src/core/runner';

const config: RunConfig = {
  program: { template: 'predict', signature: 'q -> a' },
  data: { text: 'q,a\nx,y', split: { train: 0.5, val: 0.5 } },
  metric: { kind: 'exact_match', field: 'a' },
  optimizer: { kind: 'none' },
  models: {
    task: { provider: 'openai-compatible', baseURL: 'https://api.example/v1', model: 'm', apiKey: 'sk-1', headers: { 'x-org': 'o' } },
    judge: { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1', model: 'j' },
  },
};

describe('redactConfig / restoreSecrets', () => {
  it('removes keys and header values, and inline data unless asked to keep it', () => {
    const printed = redactConfig(config);
    expect(JSON.stringify(printed)).not.toContain('sk-1');
    expect(printed.models.task).toMatchObject({ headers: { 'x-org': '<redacted>' } });
    expect(printed.data.text).toBe('<7 characters>');
    expect(redactConfig(config, { keepData: true }).data.text).toBe('q,a\nx,y');
  });

  it('puts back the keys of the same endpoint and model, and nothing for other endpoints', () => {
    const stored = redactConfig(config, { keepData: true });
    const restored = restoreSecrets(stored, { task: config.models.task });
    expect(restored.models.task).toMatchObject({ apiKey: 'sk-1', headers: { 'x-org': 'o' } });
    expect(restored.models.judge).not.toHaveProperty('apiKey');
    const other = restoreSecrets(stored, { task: { provider: 'openai-compatible', baseURL: 'https://evil.example/v1', model: 'm', apiKey: 'sk-1' } });
    expect(other.models.task).not.toHaveProperty('apiKey');
  });
});
