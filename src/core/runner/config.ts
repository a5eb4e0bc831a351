/**
 * The run configuration: what the headless runner reads from run.json and what the browser
 * sends to the optimizer worker. Plain JSON. `validateRunConfig` lists *every* problem, so a
 * user fixes a config in one pass instead of one error at a time.
 */
import * as v from 'valibot';
import type { FieldMapping, SplitFractions } from '../data/types';
import { PlaygroundError } from '../errors';
import type { MetricSpec } from '../metric/types';
import type { OptimizerConfig } from '../optimize';
import { buildFromTemplate, type TemplateOptions } from '../program/templates';
import type { ProgramSpec, ProgramState } from '../program/types';
import type { LMRole, OutputMode } from '../lm/types';
import { issuesToMessages } from '../util/schema-issues';
import { REDACTED_KEY, RunConfigSchema } from './config-schema';

/**
 * How a model is asked for its answers (any provider). `output` defaults to `auto` for the
 * task and teacher roles and `chat` for the proposer and judge (see `roleOutput`).
 */
export interface OutputSettings {
  output?: OutputMode;
  /** Most tokens a `reasoning` field may take (default 256). */
  maxReasoningTokens?: number;
}

/**
 * A model endpoint. API keys are given by environment variable name (Node) or in memory
 * (browser), never stored in results: a stored config says `apiKey: "<redacted>"` where one was given.
 */
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

/** Every problem with `config`, as readable lines (empty when valid). Files are not looked at: see {@link assertRunConfig}. */
export function validateRunConfig(config: unknown): string[] {
  const parsed = v.safeParse(RunConfigSchema, config);
  return parsed.success ? [] : issuesToMessages(parsed.issues);
}

/**
 * What the host says about a file the config names (relative to the config): a problem such
 * as "does not exist" or "is a folder, not a file", or undefined when it can be read.
 */
export type FileCheck = (path: string) => Promise<string | undefined>;

/**
 * Throws `CONFIG_INVALID` listing every problem: the config's, and, when the host can look at
 * files (`checkFile`), those of the data and corpus files it names, so a missing file is
 * reported with the rest instead of failing later as an unexpected error.
 */
export async function assertRunConfig(config: unknown, checkFile?: FileCheck): Promise<RunConfig> {
  const problems = validateRunConfig(config);
  if (checkFile) problems.push(...(await fileProblems(config, checkFile)));
  if (problems.length > 0) {
    throw new PlaygroundError('CONFIG_INVALID', `The run config has ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n- ${problems.join('\n- ')}`, {
      hint: 'Fix each listed field and run again.',
      details: { problems },
    });
  }
  return config as RunConfig;
}

async function fileProblems(config: unknown, checkFile: FileCheck): Promise<string[]> {
  const data = isObject(config) && isObject(config.data) ? config.data : {};
  const corpus = isObject(data.corpus) ? data.corpus : {};
  const out: string[] = [];
  for (const [where, path] of [['data.path', data.path], ['data.corpus.path', corpus.path]] as const) {
    if (typeof path !== 'string' || path === '') continue;
    const problem = await checkFile(path);
    if (problem) out.push(`${where}: ${problem}`);
  }
  return out;
}

/**
 * A stored (redacted) config with its secrets put back from `source`: each model gets the key
 * and headers of the model in `source` with the same provider, base URL and model name. A
 * model whose key is not found keeps the `<redacted>` mark: see {@link missingKeys}.
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

/** An endpoint (a base URL) a config calls without the key it needs, with its models and the roles they serve. */
export interface MissingKey {
  baseURL: string;
  models: string[];
  roles: LMRole[];
}

/**
 * The endpoints of a (restored) config that were given an API key when the run started but
 * have none now (their `apiKey` is still the `<redacted>` mark), one entry per base URL. Runs
 * stored before the mark list none.
 */
export function missingKeys(config: RunConfig): MissingKey[] {
  const out: MissingKey[] = [];
  for (const [role, m] of Object.entries(config.models)) {
    if (m?.provider !== 'openai-compatible' || m.apiKey !== REDACTED_KEY) continue;
    let entry = out.find((k) => k.baseURL === m.baseURL);
    if (!entry) out.push((entry = { baseURL: m.baseURL, models: [], roles: [] }));
    if (!entry.models.includes(m.model)) entry.models.push(m.model);
    entry.roles.push(role as LMRole);
  }
  return out;
}

/** `config` with `keys` (by base URL) in place of the `<redacted>` marks of the endpoints they name. */
export function withKeys(config: RunConfig, keys: Record<string, string>): RunConfig {
  const models = Object.fromEntries(
    Object.entries(config.models).map(([role, m]) => {
      const key = m?.provider === 'openai-compatible' && m.apiKey === REDACTED_KEY ? keys[m.baseURL] : undefined;
      return [role, key ? { ...m, apiKey: key } : m];
    }),
  );
  return { ...config, models: models as RunConfig['models'] };
}

/** The ProgramSpec and initial state a config describes. */
export function programFromConfig(cfg: ProgramConfig): { spec: ProgramSpec; state?: ProgramState } {
  if ('spec' in cfg) return cfg.state ? { spec: cfg.spec, state: cfg.state } : { spec: cfg.spec };
  return { spec: buildFromTemplate(cfg as TemplateOptions) };
}

/**
 * A copy of the config safe to store or print: no API keys (a given key becomes the
 * `<redacted>` mark, so a resume knows to ask for it), no header values. Inline data is
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
    const { apiKey, headers, ...rest } = m;
    models[role] = { ...rest, ...(apiKey && { apiKey: REDACTED_KEY }), ...(headers && { headers: Object.fromEntries(Object.keys(headers).map((k) => [k, '<redacted>'])) }) };
  }
  const data = { ...config.data };
  if (data.rows && !opts.keepData) data.rows = [];
  if (data.text !== undefined && !opts.keepData) data.text = `<${data.text.length} characters>`;
  return { ...config, data, models: models as RunConfig['models'] };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
