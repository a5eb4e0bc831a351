/**
 * The models part of the workspace: API endpoints (keys in memory; remembered on this
 * device only on opt-in), the chosen local model, how each model is asked for its answers,
 * and which source serves each role.
 */
import type { ErrorData } from '../../core/errors';
import type { LMRole, OutputMode } from '../../core/lm';
import type { ModelConfig, RunConfig } from '../../core/runner';
import { toErrorData } from '../../core/errors';
import { checkRunEndpoints } from '../../core/runner';
import { DEFAULT_MAX_REASONING_TOKENS, OpenAICompatibleLM, OUTPUT_MODES } from '../../core/lm';
import { presetById } from './endpoints';
import { latencyKey, type MeasuredLatency } from './latency';

export const ROLES: readonly LMRole[] = ['task', 'proposer', 'teacher', 'judge'];

export const ROLE_HELP: Record<LMRole, string> = {
  task: 'Runs the program.',
  proposer: 'Writes candidate instructions (MIPROv2).',
  teacher: 'Runs the program while bootstrapping demos.',
  judge: 'Scores answers for the LLM-judge metric.',
};

/**
 * How one model is asked for its answers. `auto` sends no `output` at all, so each role keeps
 * its own default (`roleOutput`: the task and teacher try a JSON schema, the proposer and
 * judge write chat sections); any other choice applies to every role the model serves.
 * `maxReasoningTokens`: `null` (an empty field) is the default.
 */
export interface OutputDraft {
  output: OutputMode;
  maxReasoningTokens: number | null;
}

const OUTPUT_LABELS: Record<OutputMode, { label: string; help: string }> = {
  auto: {
    label: 'Auto (recommended)',
    help: 'The task and teacher ask for a JSON schema and switch to chat sections if the server refuses (remembered per model); the proposer and judge default to chat.',
  },
  chat: { label: 'Chat ([[ ## field ## ]] sections)', help: 'Free text with a [[ ## field ## ]] section per output field; works with every model.' },
  json: { label: 'JSON object', help: 'Asks for any JSON object (JSON mode), for servers without schema support.' },
  json_schema: { label: 'JSON schema', help: 'The server constrains each answer to the signature\'s JSON schema; fails on servers that do not support it.' },
};

/** The answer-format menu, in menu order (Auto first: it is the recommended one). */
export const OUTPUT_CHOICES: readonly { value: OutputMode; label: string; help: string }[] = [...OUTPUT_MODES]
  .sort((a, b) => Number(b === 'auto') - Number(a === 'auto'))
  .map((value) => ({ value, ...OUTPUT_LABELS[value] }));

export type TestResult = { ok: true; latencyMs: number; model: string; reply: string } | { ok: false; error: ErrorData };

/** An endpoint that did not answer the check before a run (see `checkBeforeStart`). */
export interface UnreachableEndpoint {
  roles: LMRole[];
  baseURL: string;
  error: ErrorData;
}

export interface EndpointDraft extends OutputDraft {
  id: string;
  preset: string;
  baseURL: string;
  model: string;
  /** In memory only: never persisted with the workspace. */
  apiKey: string;
  remember: boolean;
  /** Extra headers, one "Name: value" per line (kept in memory only, like keys). */
  headers: string;
}

/** Role source: "local", an endpoint id, or "" (same as the task model). */
export type RoleSource = string;

export interface ModelsSnapshot {
  endpoints: Omit<EndpointDraft, 'apiKey' | 'headers'>[];
  localModel: string;
  /** The local model's answer format (absent in workspaces saved before formats). */
  localOutput?: OutputDraft;
  roles: Record<LMRole, RoleSource>;
}

/** What can test an endpoint: the RunClient, or a stub. */
export interface ConnectionTester {
  testConnection(model: ModelConfig): Promise<{ model: string; latencyMs: number; reply: string }>;
}

export class ModelsState {
  endpoints = $state<EndpointDraft[]>([newEndpoint('api-1', 'openai')]);
  localModel = $state('');
  localOutput = $state<OutputDraft>(defaultOutput());
  roles = $state<Record<LMRole, RoleSource>>({ task: 'api-1', proposer: '', teacher: '', judge: '' });
  tests = $state<Record<string, TestResult | 'testing'>>({});
  /** Milliseconds per call measured this session, by model (see latency.ts); never saved. */
  latency = $state<MeasuredLatency>({});
  /** True while the endpoints are checked before a run starts. */
  checking = $state(false);
  /** What the last check before a run found, for the models it checked. */
  private checked = $state.raw<{ key: string; failures: UnreachableEndpoint[] }>({ key: '', failures: [] });
  /** The endpoints that failed the last check, while the models are the ones it checked. */
  readonly unreachable: UnreachableEndpoint[] = $derived(this.checked.key === modelsKey(this.toConfig()) ? this.checked.failures : []);

  readonly usesLocal = $derived(ROLES.some((r) => this.sourceOf(r) === 'local'));

  /** The effective source of a role (unset roles use the task's). */
  sourceOf(role: LMRole): RoleSource {
    return this.roles[role] || this.roles.task;
  }

  addEndpoint(): void {
    let n = this.endpoints.length + 1;
    while (this.endpoints.some((e) => e.id === `api-${n}`)) n++;
    this.endpoints.push(newEndpoint(`api-${n}`, 'custom'));
  }

  removeEndpoint(id: string): void {
    this.endpoints = this.endpoints.filter((e) => e.id !== id);
    for (const r of ROLES) if (this.roles[r] === id) this.roles[r] = '';
  }

  applyPreset(ep: EndpointDraft, presetId: string): void {
    const p = presetById(presetId);
    ep.preset = presetId;
    if (!p || p.id === 'custom') return;
    ep.baseURL = p.baseURL;
    ep.model = p.model;
  }

  /** The model config a source stands for (undefined when it is not usable). */
  configFor(source: RoleSource): ModelConfig | undefined {
    if (source === 'local') return this.localModel ? { provider: 'webllm', model: this.localModel, ...outputSettings(this.localOutput) } : undefined;
    const ep = this.endpoints.find((e) => e.id === source);
    if (!ep) return undefined;
    const cfg: ModelConfig = { provider: 'openai-compatible', baseURL: ep.baseURL.trim(), model: ep.model.trim(), ...outputSettings(ep) };
    if (ep.apiKey) cfg.apiKey = ep.apiKey;
    const headers = parseHeaders(ep.headers);
    if (headers) cfg.headers = headers;
    return cfg;
  }

  /**
   * The id the run gives the model of `source` (what `auto`'s findings are kept under), or
   * undefined while it is not usable. An endpoint's id is the one its client computes (the
   * base URL normalized, credentials stripped), so it is built the same way here; the local
   * model's is the worker's `webllm:<model>` (src/workers/run-models.ts).
   */
  modelIdOf(source: RoleSource): string | undefined {
    const cfg = this.configFor(source);
    if (!cfg) return undefined;
    if (cfg.provider !== 'openai-compatible') return `${cfg.provider}:${cfg.model}`;
    try {
      return new OpenAICompatibleLM({ baseURL: cfg.baseURL, model: cfg.model, ...(cfg.apiKey && { apiKey: cfg.apiKey }), ...(cfg.headers && { headers: cfg.headers }) }).id;
    } catch {
      // No valid URL or model name yet: nothing can have been found about it.
      return undefined;
    }
  }

  /** Models per role for the run config; roles left unset are omitted (the runner uses the task model). */
  toConfig(): Partial<Record<LMRole, ModelConfig>> {
    const out: Partial<Record<LMRole, ModelConfig>> = {};
    for (const role of ROLES) {
      if (role !== 'task' && !this.roles[role]) continue;
      const cfg = this.configFor(this.roles[role]);
      if (cfg) out[role] = cfg;
    }
    return out;
  }

  async test(ep: EndpointDraft, tester: ConnectionTester): Promise<void> {
    const cfg = this.configFor(ep.id);
    if (!cfg) return;
    this.tests[ep.id] = 'testing';
    try {
      const r = await tester.testConnection(cfg);
      this.tests[ep.id] = { ok: true, ...r };
      this.recordLatency(cfg, r.latencyMs);
    } catch (err) {
      this.tests[ep.id] = { ok: false, error: toErrorData(err) };
    }
  }

  /**
   * Asks every API endpoint of the run's models whether it is there (core `checkRunEndpoints`:
   * a GET of /models, not a chat call), so a dead server fails at Start, here, instead of after
   * the run's retries. True when all answered; the failures show as {@link unreachable}.
   */
  async checkBeforeStart(check: typeof checkRunEndpoints = checkRunEndpoints): Promise<boolean> {
    const models = this.toConfig() as RunConfig['models'];
    this.checking = true;
    try {
      const failures = await check(models);
      this.checked = { key: modelsKey(models), failures: failures.map((f) => ({ roles: f.roles, baseURL: f.baseURL, error: f.error.toData() })) };
      return failures.length === 0;
    } finally {
      this.checking = false;
    }
  }

  /** Keeps a measured time per call of `model` (Test connection, a local model's warm-up call). */
  recordLatency(model: ModelConfig, ms: number): void {
    this.latency = { ...this.latency, [latencyKey(model)]: ms };
  }

  snapshot(): ModelsSnapshot {
    return {
      endpoints: this.endpoints.map(({ apiKey: _k, headers: _h, ...rest }) => ({ ...rest })),
      localModel: this.localModel,
      localOutput: { ...this.localOutput },
      roles: { ...this.roles },
    };
  }

  restore(s: Partial<ModelsSnapshot>): void {
    if (Array.isArray(s.endpoints) && s.endpoints.length > 0) this.endpoints = s.endpoints.map((e) => ({ ...e, ...outputDraftOf(e), apiKey: '', headers: '' }));
    if (typeof s.localModel === 'string') this.localModel = s.localModel;
    if (s.localOutput) this.localOutput = outputDraftOf(s.localOutput);
    if (s.roles) this.roles = { ...this.roles, ...s.roles };
  }
}

/** What a check before Start depends on: every role's model, keys included (they change the answer). */
function modelsKey(models: Partial<Record<LMRole, ModelConfig>>): string {
  return JSON.stringify(models);
}

function newEndpoint(id: string, presetId: string): EndpointDraft {
  const p = presetById(presetId);
  return { id, preset: presetId, baseURL: p?.baseURL ?? '', model: p?.model ?? '', apiKey: '', remember: false, headers: '', ...defaultOutput() };
}

function defaultOutput(): OutputDraft {
  return { output: 'auto', maxReasoningTokens: null };
}

/**
 * A saved draft's answer format, checked: workspaces saved before formats (or by a newer
 * version with a mode this one lacks) load with the defaults.
 */
function outputDraftOf(saved: Partial<OutputDraft>): OutputDraft {
  const tokens = saved.maxReasoningTokens;
  return {
    output: OUTPUT_MODES.includes(saved.output as OutputMode) ? (saved.output as OutputMode) : 'auto',
    maxReasoningTokens: typeof tokens === 'number' && Number.isFinite(tokens) ? tokens : null,
  };
}

/**
 * What a model entry of the run config says about its answers: only what differs from the
 * defaults, so a run config stays as short as the user's choices (and `auto` leaves each
 * role its own default). A cap that is no integer >= 16 is passed on as typed, for the
 * config's check to name it.
 */
function outputSettings(draft: OutputDraft): Pick<ModelConfig, 'output' | 'maxReasoningTokens'> {
  const tokens = draft.maxReasoningTokens;
  return {
    ...(draft.output !== 'auto' && { output: draft.output }),
    ...(typeof tokens === 'number' && tokens !== DEFAULT_MAX_REASONING_TOKENS && { maxReasoningTokens: tokens }),
  };
}

function parseHeaders(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return Object.keys(out).length ? out : undefined;
}
