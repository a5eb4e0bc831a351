import { describe, expect, it } from 'vitest';
import { redactConfig, restoreSecrets, validateRunConfig, type RunConfig } from '../../../src/core/runner';
import { roleOutput } from '../../../src/core/runner/config';

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
    expect(other.models.task).toHaveProperty('apiKey', '<redacted>');
  });
});

describe('model output settings', () => {
  it('accepts every output mode and a reasoning cap, and lists bad ones', () => {
    for (const output of ['chat', 'json', 'json_schema', 'auto'] as const) {
      expect(validateRunConfig({ ...config, models: { task: { ...config.models.task, output, maxReasoningTokens: 128 } } })).toEqual([]);
    }
    const problems = validateRunConfig({ ...config, models: { task: { provider: 'webllm', model: 'x', output: 'xml', maxReasoningTokens: 3 } } });
    expect(problems).toEqual([
      'models.task.output: must be one of chat, json, json_schema, auto, but got "xml"',
      'models.task.maxReasoningTokens: must be at least 16, but got 3',
    ]);
  });

  it('defaults to auto for the task and teacher, chat for the proposer and judge, unless the entry says', () => {
    const m = { provider: 'scripted', model: 's' } as const;
    expect((['task', 'teacher', 'proposer', 'judge'] as const).map((r) => roleOutput(r, m))).toEqual(['auto', 'auto', 'chat', 'chat']);
    expect(roleOutput('proposer', { ...m, output: 'json_schema' })).toBe('json_schema');
  });
});
