/**
 * What resuming a stored run asks the user first: whether to switch to the endpoints Setup has
 * now (a run that failed on a wrong URL or model, fixed since), and the API keys its endpoints
 * need that this tab no longer holds (keys live in memory only, so a reload loses them).
 */
import type { LMRole } from '../../core/lm';
import { missingKeys, type MissingKey, type ModelConfig, type RunConfig } from '../../core/runner';

/** A role whose endpoint in Setup is not the one the run called. */
export interface EndpointChange {
  role: LMRole;
  /** What the run called, as `model @ baseURL`. */
  from: string;
  /** What Setup has now (with its key, from memory). */
  to: ModelConfig;
}

/** A resume waiting for the user: a choice of endpoint first (`changes`), then `keys`. */
export interface PendingResume {
  runId: string;
  /** The run's config with what this tab holds of its keys. */
  config: RunConfig;
  changes: EndpointChange[];
  keys: MissingKey[];
}

const ROLES: readonly LMRole[] = ['task', 'proposer', 'teacher', 'judge'];

/** What resuming `config` needs: endpoint changes against `setup` (the roles' models in Setup), and missing keys. */
export function resumeNeeds(runId: string, config: RunConfig, setup: Partial<Record<LMRole, ModelConfig>>): PendingResume {
  const changes: EndpointChange[] = [];
  for (const role of ROLES) {
    const was = config.models[role];
    const now = setup[role] ?? (role === 'task' ? undefined : setup.task);
    if (!was || !now || !usable(now) || sameEndpoint(was, now)) continue;
    changes.push({ role, from: describe(was), to: now });
  }
  return { runId, config, changes, keys: missingKeys(config) };
}

/** `config` calling the endpoints Setup has now for the changed roles. */
export function withSetupEndpoints(config: RunConfig, changes: readonly EndpointChange[]): RunConfig {
  const models = { ...config.models };
  for (const c of changes) models[c.role] = c.to;
  return { ...config, models };
}

/** How an endpoint is shown: `model @ baseURL`, or the local model's name. */
export function describe(model: ModelConfig): string {
  return model.provider === 'openai-compatible' ? `${model.model} @ ${model.baseURL}` : `${model.model} (${model.provider === 'webllm' ? 'local' : model.provider})`;
}

function sameEndpoint(a: ModelConfig, b: ModelConfig): boolean {
  if (a.provider !== b.provider || a.model !== b.model) return false;
  return a.provider !== 'openai-compatible' || (b.provider === 'openai-compatible' && a.baseURL === b.baseURL);
}

/** Setup's entry is filled in (an endpoint being typed has no URL or model yet). */
function usable(model: ModelConfig): boolean {
  return model.model !== '' && (model.provider !== 'openai-compatible' || model.baseURL !== '');
}
