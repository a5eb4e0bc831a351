import { describe, expect, it } from 'vitest';
import type { Example } from '../../../src/core/data/types';
import { createJudge, evaluate } from '../../../src/core/evaluate';
import { ScriptedLM } from '../../../src/core/lm';
import { createMetric } from '../../../src/core/metric';
import { resolveProgram } from '../../../src/core/program';
import { answer, askedOutputs, block, lastUser, rejection, systemOf, thrown } from '../program/scripted';
import { QUESTIONS } from '../program/world';

const examples: Example[] = QUESTIONS.map((q, i) => ({ id: `q${i}`, inputs: { question: q.question }, labels: { answer: q.answer } }));

const program = resolveProgram({
  version: 1,
  inputs: [{ name: 'question' }],
  steps: [{ id: 'generate', kind: 'predict', signature: 'question -> answer' }],
  outputs: { answer: 'generate.answer' },
});

/** Knows every capital, but writes some in lower or upper case and gets Australia wrong. */
const task = new ScriptedLM((req) => {
  const question = block(lastUser(req), 'question') ?? '';
  const i = QUESTIONS.findIndex((q) => q.question === question);
  const gold = QUESTIONS[i]!.answer;
  const said = question.includes('Australia') ? 'Sydney' : i % 2 === 0 ? gold.toLowerCase() : i === 3 ? gold.toUpperCase() : gold;
  return answer({ answer: said });
});

/** A judge that says correct=True only when the prediction equals the gold answer, ignoring case. */
function caseInsensitiveJudge(): ScriptedLM {
  return new ScriptedLM(
    (req) => {
      const user = lastUser(req);
      const same = block(user, 'predicted_answer')!.toLowerCase() === block(user, 'gold_answer')!.toLowerCase();
      return answer({ reasoning: 'Compared the two answers.', correct: same ? 'True' : 'False' });
    },
    { id: 'judge' },
  );
}

describe('LLM-as-judge metric', () => {
  it("scores with the judge's verdict: right answers in any case pass, a wrong one fails", async () => {
    const judgeLM = caseInsensitiveJudge();
    const metric = createMetric({ kind: 'llm_judge', field: 'answer' }, { judge: createJudge({ lm: judgeLM, field: 'answer' }) });
    expect(metric.name).toBe('llm_judge(answer)');
    const result = await evaluate({ program, state: {}, examples, metric, ctx: { lm: task }, concurrency: 2 });
    expect(result.results.map((r) => [r.prediction.answer, r.score])).toEqual([
      ['paris', 1],
      ['Berlin', 1],
      ['Sydney', 0],
      ['OTTAWA', 1],
      ['madrid', 1],
      ['Brasilia', 1],
    ]);
    expect(result.mean).toBeCloseTo(5 / 6, 12);
    expect(result.errors).toBe(0);
    expect(judgeLM.calls).toBe(examples.length);
  });

  it('shows the judge the task input, the gold answer and the prediction, with its grading instruction', async () => {
    const judgeLM = caseInsensitiveJudge();
    const judge = createJudge({ lm: judgeLM, field: 'answer' });
    expect(await judge(examples[0]!, { answer: 'PARIS' })).toBe(1);
    expect(await judge(examples[0]!, { answer: 'Lyon' })).toBe(0);
    const req = judgeLM.requests[0]!;
    const user = lastUser(req);
    expect(block(user, 'task_input')).toBe('{"question": "What is the capital of France?"}');
    expect(block(user, 'gold_answer')).toBe('Paris');
    expect(block(user, 'predicted_answer')).toBe('PARIS');
    expect(askedOutputs(req)).toEqual(['reasoning', 'correct']);
    expect(systemOf(req)).toContain('Decide whether the predicted answer is correct');
    expect(req.temperature).toBe(0);
  });

  it('a judge whose answer cannot be read fails the example (counted as an error, score 0)', async () => {
    // The judge rambles on the first example only; the second is graded.
    const judgeLM = new ScriptedLM((req) => (block(lastUser(req), 'gold_answer') === 'Paris' ? 'Looks fine to me.' : answer({ reasoning: 'Same city.', correct: 'True' })));
    const metric = createMetric({ kind: 'llm_judge', field: 'answer' }, { judge: createJudge({ lm: judgeLM, field: 'answer' }) });
    const result = await evaluate({ program, state: {}, examples: examples.slice(0, 2), metric, ctx: { lm: task } });
    expect(result.errors).toBe(1);
    expect(result.mean).toBe(0.5);
    expect(result.results[0]!.error?.code).toBe('ADAPTER_PARSE');
  });

  it('a custom judge signature reads inputs by name and a numeric verdict, clamped to [0, 1]', async () => {
    const scores: Record<string, string> = { Paris: '0.75', Lyon: '-2', PARIS: '3' };
    const judgeLM = new ScriptedLM((req) => answer({ reasoning: 'Graded.', score: scores[block(lastUser(req), 'predicted_answer')!]! }));
    const judge = createJudge({ lm: judgeLM, field: 'answer', signature: 'question, answer, predicted_answer -> score: number' });
    expect(await judge(examples[0]!, { answer: 'Paris' })).toBe(0.75);
    expect(await judge(examples[0]!, { answer: 'Lyon' })).toBe(0);
    expect(await judge(examples[0]!, { answer: 'PARIS' })).toBe(1);
    const user = lastUser(judgeLM.requests[0]!);
    expect(block(user, 'question')).toBe('What is the capital of France?');
    expect(block(user, 'answer')).toBe('Paris');
  });

  it('rejects a verdict field that the judge signature does not produce (METRIC_INVALID)', () => {
    const lm = caseInsensitiveJudge();
    expect(thrown(() => createJudge({ lm, field: 'answer', verdictField: 'grade' })).code).toBe('METRIC_INVALID');
  });

  it('an llm_judge metric without a judge is METRIC_INVALID', () => {
    expect(thrown(() => createMetric({ kind: 'llm_judge', field: 'answer' })).code).toBe('METRIC_INVALID');
  });

  it('passes cancellation to the judge call (ABORTED)', async () => {
    const controller = new AbortController();
    const judgeLM = new ScriptedLM(() => answer({ reasoning: 'r', correct: 'True' }), { latencyMs: 50 });
    const judge = createJudge({ lm: judgeLM, field: 'answer' });
    const pending = judge(examples[0]!, { answer: 'Paris' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    expect((await rejection(pending)).code).toBe('ABORTED');
  });
});
