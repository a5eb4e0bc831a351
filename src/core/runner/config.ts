/**
 * The run configuration: what the headless runner reads from run.json and what the browser
 * sends to the optimizer worker. Plain JSON. `validateRunConfig` lists *every* problem, so a
 * user fixes a config in one pass instead of one error at a time.
 */
import type { FieldMapping, SplitFractions } from '../data/types';
import { PlaygroundError } from '../errors';
import type { MetricSpec } from '../metric/types';
import { validateMetricSpec } from '../metric';
import { parseOptimizerConfig, type OptimizerConfig } from '../optimize';
import { resolveProgram } from '../program/resolve';
import { buildFromTemplate, TEMPLATE_NAMES, type TemplateOptions } from '../program/templates';
import type { ProgramSpec, ProgramState } from '../program/types';
import { OUTPUT_MODES, type LMRole, type OutputMode } from '../lm/types';

/**
 * How a model is asked for its answers (any provider). `output` defaults to `auto` for the
 * task and teacher roles and `chat` for the proposer and judge (see `roleOutput`).
 */
export interface OutputSettings {
  output?: OutputMode;
  /** Most tokens a `reasoning` field may take (default 256). */
  maxReasoningTokens?: number;
}

/** A model endpoint. API keys are given by environment variable name (Node) or in memory (browser), never stored in results. */
export type ModelConfig = OutputSettings & (
  | {
      provider: 'openai-compatible';
      baseURL: string;
      model: string;
      /** Name of the environment variable holding the key (headless runner). */
      apiKeyEnv?: string;
      /** The key itself (in memory only; never written to results, links or traces). */
      apiKey?: string;
      headers?: Record<string, string>;
      maxConcurrency?: number;
      timeoutMs?: number;
      maxRetries?: number;
    }
  | { provider: 'webllm'; model: string }
  | { provider: 'scripted'; model: string });

/** The output mode a role's model entry asks for, with the role's default when it says none. */
export function roleOutput(role: LMRole, model: ModelConfig): OutputMode {
  return model.output ?? (role === 'task' || role === 'teacher' ? 'auto' : 'chat');
}

export type ProgramConfig = Omit<TemplateOptions, 'template'> & { template: string } | { spec: ProgramSpec; state?: ProgramState };

export interface DataConfig {
  /** A file path (headless runner; relative to the config file). */
  path?: string;
  /** Or the rows themselves. */
  rows?: Record<string, unknown>[];
  /** Or raw text (what the browser passes after a paste). */
  text?: string;
  format?: 'csv' | 'tsv' | 'jsonl' | 'json' | 'auto';
  /** Column mapping; by default columns are matched to inputs and labels by name. */
  mapping?: FieldMapping;
  split: SplitFractions;
  /** Seed of the split's shuffle; defaults to the run's seed. */
  seed?: number;
  /** Passages for retrieve steps' named corpus "passages": a file (one passage per line, or JSONL), a list, or a dataset column. */
  corpus?: { path?: string; passages?: string[]; column?: string };
}

export interface RunConfig {
  program: ProgramConfig;
  data: DataConfig;
  metric: MetricSpec;
  optimizer: OptimizerConfig;
  models: Partial<Record<LMRole, ModelConfig>> & { task: ModelConfig };
  seed?: number;
  /** Concurrent task calls (default: the model's own limit). */
  concurrency?: number;
  /** Failed examples tolerated per evaluation. */
  maxErrors?: number;
}

const PROVIDERS = ['openai-compatible', 'webllm', 'scripted'];
const ROLES: LMRole[] = ['task', 'proposer', 'teacher', 'judge'];

/** Every problem with `config`, as readable lines (empty when valid). */
export function validateRunConfig(config: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(config)) return ['the config must be a JSON object'];
  problems.push(...programProblems(config.program));
  problems.push(...dataProblems(config.data));
  if (!isObject(config.metric)) problems.push('metric: is required, e.g. { "kind": "exact_match", "field": "answer" }');
  else problems.push(...validateMetricSpec(config.metric).map((p) => `metric: ${p}`));
  if (!isObject(config.optimizer)) problems.push(`optimizer: is required, e.g. { "kind": "none" }`);
  else {
    const parsed = parseOptimizerConfig(config.optimizer);
    if (!parsed.ok) problems.push(...parsed.problems.map((p) => `optimizer.${p}`));
  }
  if (!isObject(config.models) || !isObject(config.models.task)) problems.push('models.task: is required (the model that runs the program)');
  if (isObject(config.models)) {
    for (const key of Object.keys(config.models)) {
      if (!ROLES.includes(key as LMRole)) problems.push(`models.${key}: unknown role; roles are ${ROLES.join(', ')}`);
      else problems.push(...modelProblems(config.models[key], `models.${key}`));
    }
  }
  if (config.seed !== undefined && !isInt(config.seed)) problems.push(`seed: must be an integer, but got ${JSON.stringify(config.seed)}`);
  if (config.concurrency !== undefined && !(isInt(config.concurrency) && config.concurrency >= 1)) problems.push(`concurrency: must be an integer >= 1, but got ${JSON.stringify(config.concurrency)}`);
  if (config.maxErrors !== undefined && !(isInt(config.maxErrors) && config.maxErrors >= 0)) problems.push(`maxErrors: must be an integer >= 0, but got ${JSON.stringify(config.maxErrors)}`);
  return problems;
}

/** Throws `CONFIG_INVALID` listing every problem. */
export function assertRunConfig(config: unknown): asserts config is RunConfig {
  const problems = validateRunConfig(config);
  if (problems.length > 0) {
    throw new PlaygroundError('CONFIG_INVALID', `The run config has ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n- ${problems.join('\n- ')}`, {
      hint: 'Fix each listed field and run again.',
      details: { problems },
    });
  }
}

/**
 * A stored (redacted) config with its secrets put back from `source`: each model gets the key
 * and headers of the model in `source` with the same provider, base URL and model name.
 */
export function restoreSecrets(stored: RunConfig, source: Partial<Record<string, ModelConfig>>): RunConfig {
  const models: Record<string, ModelConfig> = {};
  for (const [role, m] of Object.entries(stored.models)) {
    if (!m) continue;
    const match = m.provider === 'openai-compatible'
      ? Object.values(source).find((s) => s?.provider === 'openai-compatible' && s.baseURL === m.baseURL && s.model === m.model)
      : undefined;
    models[role] = match?.provider === 'openai-compatible' && m.provider === 'openai-compatible'
      ? { ...m, ...(match.apiKey && { apiKey: match.apiKey }), ...(match.headers && { headers: match.headers }) }
      : m;
  }
  return { ...stored, models: models as RunConfig['models'] };
}

/** The ProgramSpec and initial state a config describes. */
export function programFromConfig(cfg: ProgramConfig): { spec: ProgramSpec; state?: ProgramState } {
  if ('spec' in cfg) return cfg.state ? { spec: cfg.spec, state: cfg.state } : { spec: cfg.spec };
  return { spec: buildFromTemplate(cfg as TemplateOptions) };
}

/**
 * A copy of the config safe to store or print: no API keys, no header values. Inline data is
 * replaced by its size unless `keepData` (the browser keeps it in the run's own record, so an
 * interrupted run can resume after a reload).
 */
export function redactConfig(config: RunConfig, opts: { keepData?: boolean } = {}): RunConfig {
  const models: Record<string, ModelConfig> = {};
  for (const [role, m] of Object.entries(config.models)) {
    if (!m) continue;
    if (m.provider !== 'openai-compatible') {
      models[role] = { ...m };
      continue;
    }
    const { apiKey: _drop, headers, ...rest } = m;
    models[role] = { ...rest, ...(headers && { headers: Object.fromEntries(Object.keys(headers).map((k) => [k, '<redacted>'])) }) };
  }
  const data = { ...config.data };
  if (data.rows && !opts.keepData) data.rows = [];
  if (data.text !== undefined && !opts.keepData) data.text = `<${data.text.length} characters>`;
  return { ...config, data, models: models as RunConfig['models'] };
}

function programProblems(p: unknown): string[] {
  if (!isObject(p)) return ['program: is required: a template ({ "template": "chain_of_thought", "signature": "question -> answer" }) or a { "spec": ... }'];
  if ('spec' in p) {
    try {
      resolveProgram(p.spec as ProgramSpec);
      return [];
    } catch (err) {
      return [`program.spec: ${(err as Error).message}`];
    }
  }
  if (!TEMPLATE_NAMES.includes(p.template as never)) return [`program.template: must be one of ${TEMPLATE_NAMES.join(', ')}, but got ${JSON.stringify(p.template)}`];
  if (p.signature === undefined) return ['program.signature: is required, e.g. "question -> answer"'];
  try {
    resolveProgram(buildFromTemplate(p as unknown as TemplateOptions));
    return [];
  } catch (err) {
    return [`program: ${(err as Error).message}`];
  }
}

function dataProblems(d: unknown): string[] {
  if (!isObject(d)) return ['data: is required, e.g. { "path": "train.jsonl", "split": { "train": 0.5, "val": 0.5 } }'];
  const out: string[] = [];
  const sources = ['path', 'rows', 'text'].filter((k) => d[k] !== undefined);
  if (sources.length !== 1) out.push(`data: give exactly one of "path", "rows" or "text", but got ${sources.length === 0 ? 'none' : sources.join(', ')}`);
  if (d.path !== undefined && (typeof d.path !== 'string' || d.path === '')) out.push('data.path: must be a non-empty string');
  if (d.rows !== undefined && !(Array.isArray(d.rows) && d.rows.every(isObject))) out.push('data.rows: must be a list of objects');
  if (!isObject(d.split)) out.push('data.split: is required, e.g. { "train": 0.5, "val": 0.5 }');
  else {
    for (const k of ['train', 'val', 'test']) {
      const v = d.split[k];
      if (v === undefined && k === 'test') continue;
      if (typeof v !== 'number' || !(v > 0)) out.push(`data.split.${k}: must be a positive number (a fraction or a count), but got ${JSON.stringify(v)}`);
    }
  }
  if (d.seed !== undefined && !isInt(d.seed)) out.push(`data.seed: must be an integer, but got ${JSON.stringify(d.seed)}`);
  return out;
}

function modelProblems(m: unknown, where: string): string[] {
  if (!isObject(m)) return [`${where}: must be an object`];
  if (!PROVIDERS.includes(String(m.provider))) return [`${where}.provider: must be one of ${PROVIDERS.join(', ')}, but got ${JSON.stringify(m.provider)}`];
  const out: string[] = [];
  if (typeof m.model !== 'string' || m.model === '') out.push(`${where}.model: is required`);
  if (m.output !== undefined && !OUTPUT_MODES.includes(m.output)) out.push(`${where}.output: must be one of ${OUTPUT_MODES.join(', ')}, but got ${JSON.stringify(m.output)}`);
  if (m.maxReasoningTokens !== undefined && !(isInt(m.maxReasoningTokens) && m.maxReasoningTokens >= 16)) {
    out.push(`${where}.maxReasoningTokens: must be an integer >= 16, but got ${JSON.stringify(m.maxReasoningTokens)}`);
  }
  if (m.provider === 'openai-compatible') {
    if (typeof m.baseURL !== 'string' || !/^https?:\/\//.test(m.baseURL)) out.push(`${where}.baseURL: must be an http(s) URL, but got ${JSON.stringify(m.baseURL)}`);
    if (m.apiKeyEnv !== undefined && typeof m.apiKeyEnv !== 'string') out.push(`${where}.apiKeyEnv: must be the name of an environment variable`);
    if (m.maxConcurrency !== undefined && !(isInt(m.maxConcurrency) && m.maxConcurrency >= 1)) out.push(`${where}.maxConcurrency: must be an integer >= 1`);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}
