/**
 * What a run config asks of its data that the config alone cannot tell: that every mapped
 * column is in the table, that the split fits the rows, and that the metric scores a field the
 * program outputs. The run would fail on each of these after it started (`DATA_MAPPING`,
 * `DATA_SPLIT` while loading, a missing label on every example); a host that has parsed the
 * data (the browser's setup) asks first, so no run is created that can only fail.
 *
 * The rules are the ones the run applies (data/mapping.ts, data/split.ts), not copies; the
 * lines have the same `path: message` form as {@link validateRunConfig}'s.
 *
 * {@link checkRunEndpoints} asks the API endpoints the run would call whether they are there.
 */
import { mappingProblems, splitCounts } from '../data';
import type { PlaygroundError } from '../errors';
import { checkEndpoint, type CheckFetch, type LMRole } from '../lm';
import { programFromConfig, type ModelConfig, type RunConfig } from './config';

/** What the host knows of the parsed data: its columns and how many rows it has. */
export interface TableShape {
  columns: readonly string[];
  rows: number;
}

/**
 * The problems of `config` with the data it names, parsed to `table`, as readable lines
 * (empty when none). `config` should have passed {@link validateRunConfig}: a part that did
 * not (a program that does not build) is skipped here, as that check names it.
 */
export function dataProblems(config: RunConfig, table: TableShape): string[] {
  const out: string[] = [];
  const { mapping, split } = config.data;
  if (mapping) for (const p of mappingProblems(table.columns, mapping)) out.push(`data.mapping.${p.path}: ${p.message}`);
  try {
    splitCounts(table.rows, split);
  } catch (err) {
    const e = err as Error & { hint?: string };
    out.push(`data.split: ${e.message}${e.hint ? ` ${e.hint}` : ''}`);
  }
  const outputs = programOutputs(config);
  const field = config.metric.field;
  // retrieval_recall's field is a gold label of titles, not an output (the config check places it).
  if (outputs && config.metric.kind !== 'retrieval_recall' && !outputs.includes(field)) out.push(`metric.field: "${field}" is not an output of the program; score one of ${outputs.join(', ')}`);
  return out;
}

/** The program's output names, or undefined when it does not build (the config check says why). */
function programOutputs(config: RunConfig): string[] | undefined {
  try {
    return Object.keys(programFromConfig(config.program).spec.outputs);
  } catch {
    return undefined;
  }
}

/** An endpoint that cannot serve the run, and the roles that would call it. */
export interface EndpointFailure {
  roles: LMRole[];
  baseURL: string;
  error: PlaygroundError;
}

/**
 * Checks each API endpoint of a run's `models` once (see lm/endpoint-check.ts), all at once,
 * and lists those that cannot serve the run (empty when all can). Local and scripted models
 * need no check.
 */
export async function checkRunEndpoints(models: RunConfig['models'], opts: { fetch?: CheckFetch; timeoutMs?: number } = {}): Promise<EndpointFailure[]> {
  const groups = new Map<string, { roles: LMRole[]; model: Extract<ModelConfig, { provider: 'openai-compatible' }> }>();
  for (const [role, model] of Object.entries(models) as [LMRole, ModelConfig | undefined][]) {
    if (model?.provider !== 'openai-compatible') continue;
    // The same server with the same credentials answers the same: one check for all its roles.
    const key = JSON.stringify([model.baseURL.trim(), model.apiKey ?? '', model.headers ?? {}]);
    const group = groups.get(key);
    if (group) group.roles.push(role);
    else groups.set(key, { roles: [role], model });
  }
  const checked = await Promise.all(
    [...groups.values()].map(async ({ roles, model }) => {
      const error = await checkEndpoint({ baseURL: model.baseURL, model: model.model, ...(model.apiKey && { apiKey: model.apiKey }), ...(model.headers && { headers: model.headers }) }, opts);
      return error && { roles, baseURL: model.baseURL, error };
    }),
  );
  return checked.filter((f): f is EndpointFailure => f !== undefined);
}
