/**
 * MIPROv2's budget menu and the plan comparison: a minutes choice puts `budget: { minutes }`
 * in the config without `auto`, an auto choice brings `auto` back, and every choice is planned
 * on the same data and latency, so a slower model buys fewer calls in the same minutes.
 */
import { describe, expect, it } from 'vitest';
import { optimizerSettings } from '../../../src/core/optimize';
import { planRun, type RunConfig } from '../../../src/core/runner';
import { BUDGET_CHOICES, budgetChoiceOf, draftOf, planComparison, taskAndTeacherCalls, withBudgetChoice } from '../../../src/ui/setup/budget-choices';
import { ASSUMED_LATENCY_MS, latencyKey, planLatency, roleLatency } from '../../../src/ui/setup/latency';

const API = { provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model: 'task-model' } as const;

const CONFIG: RunConfig = {
  program: { template: 'chain_of_thought', signature: 'question -> answer' },
  data: { text: 'question,answer\nq,a', format: 'csv', split: { train: 0.2, val: 0.4, test: 0.4 } },
  metric: { kind: 'exact_match', field: 'answer' },
  optimizer: { kind: 'mipro_v2', auto: 'light', seed: 0, maxBootstrappedDemos: 4, maxLabeledDemos: 4, minibatchSize: 35 },
  models: { task: API },
  seed: 0,
};
const SIZES = { train: 30, val: 60, test: 60 };
/** Enough validation rows that no budget here reaches every configuration on every row. */
const LARGE = { train: 30, val: 600, test: 60 };

describe('budget choices', () => {
  it('a minutes choice replaces auto with budget.minutes; an auto choice restores auto', () => {
    const tenMinutes = withBudgetChoice(CONFIG.optimizer, '10min');
    expect(tenMinutes).toEqual({ kind: 'mipro_v2', seed: 0, maxBootstrappedDemos: 4, maxLabeledDemos: 4, minibatchSize: 35, budget: { minutes: 10 } });
    // The core accepts it (budget and auto together would be OPTIMIZER_INVALID).
    expect(optimizerSettings(tenMinutes)).toMatchObject({ kind: 'mipro_v2', auto: null, budget: { minutes: 10 } });
    expect(withBudgetChoice(tenMinutes, 'heavy')).toEqual({ ...CONFIG.optimizer, auto: 'heavy' });
    expect(withBudgetChoice({ kind: 'bootstrap_few_shot' }, '5min')).toEqual({ kind: 'bootstrap_few_shot' });
  });

  it('the draft keeps its auto size while minutes are chosen, so going back finds it', () => {
    expect(draftOf('30min', 'medium')).toEqual({ auto: 'medium', minutes: 30 });
    expect(budgetChoiceOf({ auto: 'medium', minutes: 30 })).toBe('30min');
    expect(budgetChoiceOf({ auto: 'medium', minutes: null })).toBe('medium');
    expect(draftOf('heavy', 'medium')).toEqual({ auto: 'heavy', minutes: null });
    // Every menu entry maps to a draft and back to itself.
    for (const c of BUDGET_CHOICES) expect(budgetChoiceOf(draftOf(c.value, 'light'))).toBe(c.value);
  });

  it('plans every choice on the same sizes and latency, each row the plan of that config', () => {
    const latency = { task: 800, proposer: 800, judge: 800 };
    const rows = planComparison(CONFIG, LARGE, latency);
    expect(rows.map((r) => r.label)).toEqual(['Light', 'Medium', 'Heavy', '5 min', '10 min', '30 min']);
    for (const row of rows) {
      const plan = planRun({ ...CONFIG, optimizer: withBudgetChoice(CONFIG.optimizer, row.choice) }, LARGE, latency);
      expect(row.plan).toEqual(plan);
      expect(row.calls).toBe(taskAndTeacherCalls(plan));
      expect(row.plan!.estimatedSeconds).toBeGreaterThan(0);
    }
    const budgets = rows.slice(3).map((r) => r.plan!.budget!.calls);
    // Twice the minutes, about twice the calls; the estimate sits near the minutes (plus proposing and the final scoring).
    expect(budgets[1]! / budgets[0]!).toBeCloseTo(2, 1);
    expect(rows[3]!.plan!.estimatedSeconds!).toBeGreaterThanOrEqual(5 * 60 * 0.9);
    // A light run's teacher calls come on top of its task calls; a budget already holds them.
    expect(rows[0]!.calls).toBe(rows[0]!.plan!.taskCalls + rows[0]!.plan!.teacherCalls!);
    expect(rows[3]!.calls).toBe(rows[3]!.plan!.taskCalls);
    expect(planComparison({ ...CONFIG, optimizer: { kind: 'none' } }, SIZES, latency)).toEqual([]);
  });

  it('minutes the search cannot use buy no calls past every configuration on every validation row, and the plan says so', () => {
    const rows = planComparison(CONFIG, SIZES, { task: 800, proposer: 800, judge: 800 });
    const [five, ten, thirty] = rows.slice(3).map((r) => r.plan!);
    // 60 validation rows: the 5-minute budget already covers the whole space.
    expect(ten!.budget!.calls).toBe(five!.budget!.calls);
    expect(thirty!.budget!.calls).toBe(five!.budget!.calls);
    expect(five!.budget!.calls).toBe(five!.teacherCalls! + five!.budget!.searchRunsMax!);
    expect(thirty!.estimatedSeconds).toBeLessThan(5 * 60);
    expect(thirty!.notes.join(' ')).toMatch(/more than this search can use/);
  });

  it('a slower task model buys fewer calls in the same minutes', () => {
    const fast = planComparison(CONFIG, LARGE, { task: 400 }).find((r) => r.choice === '10min')!;
    const slow = planComparison(CONFIG, LARGE, { task: 1600 }).find((r) => r.choice === '10min')!;
    expect(slow.plan!.budget!.calls).toBeLessThan(fast.plan!.budget!.calls / 3);
  });
});

describe('latency for the plan', () => {
  it('uses what was measured for the role\'s model, else the assumed figure, and says which', () => {
    const local = { provider: 'webllm', model: 'SmolLM2-360M-Instruct-q4f32_1-MLC' } as const;
    const config: RunConfig = { ...CONFIG, models: { task: local, proposer: API } };
    expect(roleLatency(config, 'task', {})).toEqual({ ms: ASSUMED_LATENCY_MS.local, measured: false, local: true });
    expect(roleLatency(config, 'proposer', {})).toEqual({ ms: ASSUMED_LATENCY_MS.api, measured: false, local: false });
    const measured = { [latencyKey(local)]: 2100, [latencyKey(API)]: 350 };
    expect(roleLatency(config, 'task', measured)).toEqual({ ms: 2100, measured: true, local: true });
    // The judge falls back as the runner does: to the proposer, then the task model.
    expect(planLatency(config, measured)).toEqual({ task: 2100, proposer: 350, judge: 350 });
  });

  it('a measurement belongs to a server and model, not to a key', () => {
    expect(latencyKey({ ...API, apiKey: 'sk-1' })).toBe(latencyKey({ ...API, baseURL: `${API.baseURL} ` }));
    expect(latencyKey(API)).not.toBe(latencyKey({ ...API, model: 'other' }));
  });
});
