/**
 * What "Try the program" runs in each place it appears: the workspace's one program, a
 * finished run's optimized program next to its baseline, a shared link's program next to its
 * unoptimized self. The task model is the one set up in Models (with its key, in memory).
 */
import { initialState, resolveProgram, type ProgramState } from '../../core/program';
import { restoreSecrets, type DataConfig, type ModelConfig, type RunConfig, type RunSummary } from '../../core/runner';
import type { SharePayload } from '../../core/share';
import { ENDPOINT_PRESETS } from '../setup/endpoints';
import type { ModelsState } from '../setup/models-state.svelte';
import type { WorkspaceState } from '../state/workspace.svelte';
import type { TryTarget } from './try-state.svelte';

/**
 * `cfg` when a try can use it; undefined when nothing is set up, including an endpoint of a
 * service that needs a key and has none (its first call could only come back 401).
 */
function usableModel(cfg: ModelConfig | undefined): ModelConfig | undefined {
  if (!cfg || cfg.provider !== 'openai-compatible') return cfg;
  if (!cfg.baseURL || !cfg.model) return undefined;
  const needsKey = ENDPOINT_PRESETS.some((p) => p.needsKey && p.baseURL === cfg.baseURL);
  return needsKey && !cfg.apiKey ? undefined : cfg;
}

/** The task model set up in Models, when usable. */
function taskModel(models: ModelsState): ModelConfig | undefined {
  return usableModel(models.configFor(models.roles.task));
}

/** Passages pasted for retrieve steps (a corpus from a data column is not at hand here). */
function corporaOf(data: DataConfig | undefined): { corpora?: Record<string, readonly string[]> } {
  const passages = data?.corpus?.passages;
  return passages ? { corpora: { passages } } : {};
}

/** The workspace's program as it is (one answer), or undefined while it is invalid. */
export function workspaceTarget(ws: WorkspaceState): TryTarget | undefined {
  const spec = ws.program.built.spec;
  if (!spec) return undefined;
  let state: ProgramState;
  try {
    state = ws.program.state ?? initialState(resolveProgram(spec));
  } catch {
    return undefined;
  }
  return { spec, states: { current: state }, model: taskModel(ws.models), ...corporaOf(ws.config?.data) };
}

/**
 * A finished run's optimized program and its baseline (the program it started from), on the
 * run's own task model with the key put back from Models.
 */
export function runTarget(result: RunSummary, config: RunConfig | undefined, models: ModelsState): TryTarget {
  const { spec, state } = result.program;
  const stored = config ?? result.config;
  const started = 'spec' in stored.program ? stored.program.state : undefined;
  const task = restoreSecrets(stored, models.toConfig()).models.task;
  return {
    spec,
    states: { optimized: state, baseline: started ?? initialState(resolveProgram(spec)) },
    model: usableModel(task),
    wantedModel: task.model,
    ...corporaOf(stored.data),
  };
}

/** A shared program next to its unoptimized self, on the task model set up here. */
export function shareTarget(payload: SharePayload, models: ModelsState): TryTarget {
  return {
    spec: payload.spec,
    states: { optimized: payload.state, baseline: initialState(resolveProgram(payload.spec)) },
    model: taskModel(models),
    ...(payload.meta.model && { wantedModel: payload.meta.model }),
  };
}
