/**
 * Issue 14: a judge without a gold answer. `llm_judge` with `gold: false` grades the task's
 * inputs and the prediction by a rubric (its instruction); no gold answer reaches the judge,
 * in the judge alone and in a whole run.
 */
import { describe, expect, it } from 'vitest';
import type { Example } from '../../../src/core/data/types';
import { createJudge, DEFAULT_RUBRIC } from '../../../src/core/evaluate';
import { ScriptedLM } from '../../../src/core/lm';
import type { LMRequest } from '../../../src/core/lm/types';
import { createMetric } from '../../../src/core/metric';
import { executeRun, type ModelConfig, type RunConfig } from '../../../src/core/runner';
import { answer, askedOutputs, block, lastUser, systemOf } from '../program/scripted';

const RUBRIC = 'Pass an answer that names a city and nothing else.';
const example: Example = { id: 'q0', inputs: { question: 'Where is the Louvre?' }, labels: { answer: 'GOLD-Paris-0' } };
const allText = (req: LMRequest) => req.messages.map((m) => m.content).join('\n');

/** Passes answers of one word. */
function rubricJudge(): ScriptedLM {
  return new ScriptedLM((req) => answer({ reasoning: 'Checked the rubric.', passes: /^\w+$/.test(block(lastUser(req), 'predicted_answer') ?? '') ? 'True' : 'False' }), { id: 'judge' });
}

describe('rubric judge without a gold answer', () => {
  it('shows the judge the inputs and the prediction under the rubric, and no gold answer', async () => {
    const lm = rubricJudge();
    const judge = createJudge({ lm, field: 'answer', rubric: RUBRIC, gold: false });
    expect(await judge(example, { answer: 'Paris' })).toBe(1);
    expect(await judge(example, { answer: 'Somewhere in France, maybe' })).toBe(0);
    const req = lm.requests[0]!;
    expect(block(lastUser(req), 'task_input')).toBe('{"question": "Where is the Louvre?"}');
    expect(block(lastUser(req), 'predicted_answer')).toBe('Paris');
    expect(askedOutputs(req)).toEqual(['reasoning', 'passes']);
    expect(systemOf(req)).toContain(RUBRIC);
    for (const r of lm.requests) {
      expect(allText(r)).not.toContain('gold_answer');
      expect(allText(r)).not.toContain('GOLD-Paris-0');
    }
  });

  it('grades by the default rubric when none is given, and a rubric with gold replaces only the instruction', async () => {
    const lm = rubricJudge();
    await createJudge({ lm, field: 'answer', gold: false })(example, { answer: 'Paris' });
    expect(systemOf(lm.requests[0]!)).toContain(DEFAULT_RUBRIC);
    const withGold = new ScriptedLM(() => answer({ reasoning: 'r', correct: 'True' }));
    await createJudge({ lm: withGold, field: 'answer', rubric: RUBRIC })(example, { answer: 'Paris' });
    expect(systemOf(withGold.requests[0]!)).toContain(RUBRIC);
    expect(block(lastUser(withGold.requests[0]!), 'gold_answer')).toBe('GOLD-Paris-0');
  });

  it('names itself as a rubric judge', () => {
    const judge = createJudge({ lm: rubricJudge(), field: 'answer', gold: false });
    expect(createMetric({ kind: 'llm_judge', field: 'answer', gold: false }, { judge }).name).toBe('llm_judge(answer, rubric, no gold)');
  });

  it('in a run, the judge model sees the rubric and never a gold answer, and scores every example', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => `{"question": "Where is landmark ${i}?", "answer": "GOLD-${i}"}`).join('\n');
    const task = new ScriptedLM((req) => answer({ answer: block(lastUser(req), 'question')!.includes('3') ? 'Not sure at all' : 'Paris' }), { id: 'task' });
    const judge = rubricJudge();
    const config: RunConfig = {
      program: { template: 'predict', signature: 'question -> answer' },
      data: { text: rows, format: 'jsonl', split: { train: 2, val: 6 } },
      metric: { kind: 'llm_judge', field: 'answer', rubric: RUBRIC, gold: false },
      optimizer: { kind: 'none' },
      models: { task: { provider: 'scripted', model: 'task' }, judge: { provider: 'scripted', model: 'judge' } },
    };
    const result = await executeRun(config, { createLM: (cfg: ModelConfig) => (cfg.model === 'judge' ? judge : task) });
    expect(result.details.val.n).toBe(6);
    expect(judge.calls).toBe(6);
    for (const r of judge.requests) {
      expect(systemOf(r)).toContain(RUBRIC);
      expect(allText(r)).not.toMatch(/GOLD-\d|gold_answer/);
    }
    const landmark3 = result.examples!.val!.find((e) => String(e.inputs.question).includes('3'));
    expect(result.details.val.mean).toBeCloseTo(landmark3 ? 5 / 6 : 1, 10);
  });
});
