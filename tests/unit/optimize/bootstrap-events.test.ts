/**
 * Bootstrap's events carry the training row they are about (issue 13): a rejected row's
 * inputs, gold labels and — when it was read — what the program answered; a kept row's
 * inputs and gold once per row. Long values are clipped, so stored events stay small.
 */
import { describe, expect, it } from 'vitest';
import type { LanguageModel } from '../../../src/core/lm/types';
import { bootstrapFewShot, type OptimizerEvent } from '../../../src/core/optimize';
import { buildFromTemplate, initialState, resolveProgram } from '../../../src/core/program';
import { makeWorld, type World } from './harness';

type Rejected = Extract<OptimizerEvent, { type: 'bootstrap_rejected' }>;
type Kept = Extract<OptimizerEvent, { type: 'demo_bootstrapped' }>;

/** The teacher answers `wrongOn` with the other label and `rambleOn` with prose; the rest as the world's model does. */
function scripted(lm: LanguageModel, wrongOn: string, rambleOn: string): LanguageModel {
  return {
    id: lm.id,
    maxConcurrency: lm.maxConcurrency,
    async call(req, options) {
      const word = /\[\[ ## word ## \]\]\n([^\n]+)/.exec(req.messages.at(-1)!.content)?.[1];
      const reply = (completion: string) => ({ completions: [completion], usage: { promptTokens: 5, completionTokens: 7 }, model: lm.id });
      if (word === rambleOn) return reply('I think this word is rather nice.');
      if (word === wrongOn) return reply(`[[ ## reasoning ## ]]\nHmm.\n\n[[ ## label ## ]]\n${word[0]! <= 'm' ? 'beta' : 'alpha'}\n\n[[ ## completed ## ]]`);
      return lm.call(req, options);
    },
  };
}

function rejectedOf(w: World, id: string): Rejected | undefined {
  return w.events.find((e): e is Rejected => e.type === 'bootstrap_rejected' && e.exampleId === id);
}

describe('bootstrap events carry their row', () => {
  it('a wrong row says its inputs, gold and wrong answer; an unreadable one has no answer; a kept row has its gold once', async () => {
    const w = makeWorld({ train: 12 });
    const [wrong, unreadable] = [w.ctx.trainset[2]!, w.ctx.trainset[5]!];
    w.ctx.lms.teacher = scripted(w.ctx.lms.teacher, String(wrong.inputs.word), String(unreadable.inputs.word));
    await bootstrapFewShot(w.ctx, { maxBootstrappedDemos: 12, maxLabeledDemos: 0 });

    const bad = rejectedOf(w, wrong.id)!;
    expect(bad.reason).toBe('wrong');
    expect(bad.example).toEqual({ inputs: wrong.inputs, labels: wrong.labels });
    expect(bad.answer).toEqual({ label: wrong.labels.label === 'alpha' ? 'beta' : 'alpha' });

    const unread = rejectedOf(w, unreadable.id)!;
    expect(unread.reason).toBe('unreadable');
    expect(unread.example).toEqual({ inputs: unreadable.inputs, labels: unreadable.labels });
    expect(unread).not.toHaveProperty('answer');

    const kept = w.events.filter((e): e is Kept => e.type === 'demo_bootstrapped');
    expect(kept.length).toBeGreaterThan(0);
    for (const e of kept) {
      const ex = w.ctx.trainset.find((x) => x.id === e.exampleId)!;
      expect(e.example).toEqual({ inputs: ex.inputs, labels: ex.labels });
      expect(e.demo.fields.label).toBe(ex.labels.label);
    }
  });

  it('a kept row of a two-predictor program carries its example on its first event only', async () => {
    const w = makeWorld({ train: 6 });
    const spec = buildFromTemplate({ template: 'chain_of_thought', signature: 'word -> label', labels: { label: ['alpha', 'beta'] } });
    // A second predictor answers the word again; the program returns its label.
    const two = resolveProgram({ ...spec, steps: [spec.steps[0]!, { ...spec.steps[0]!, id: 'check' }], outputs: { label: 'check.label' } });
    w.ctx.program = two;
    w.ctx.state = initialState(two);
    await bootstrapFewShot(w.ctx, { maxBootstrappedDemos: 6, maxLabeledDemos: 0 });
    const kept = w.events.filter((e): e is Kept => e.type === 'demo_bootstrapped');
    const byRow = new Map<string, Kept[]>();
    for (const e of kept) byRow.set(`${e.round}:${e.exampleId}`, [...(byRow.get(`${e.round}:${e.exampleId}`) ?? []), e]);
    expect(byRow.size).toBeGreaterThan(0);
    for (const events of byRow.values()) {
      expect(events.map((e) => e.predictor)).toEqual(two.predictorIds);
      expect(events.map((e) => e.example !== undefined)).toEqual([true, ...events.slice(1).map(() => false)]);
    }
  });

  it('a metric that fails after the answer was read is a failed rejection that keeps the answer', async () => {
    const w = makeWorld({ train: 8 });
    const target = w.ctx.trainset[1]!;
    const metric = w.ctx.metric;
    w.ctx.metric = { ...metric, score: async (ex, pred, o) => (ex.id === target.id ? Promise.reject(new Error('judge down')) : metric.score(ex, pred, o)) };
    await bootstrapFewShot(w.ctx, { maxBootstrappedDemos: 8, maxLabeledDemos: 0 });
    const failed = rejectedOf(w, target.id)!;
    expect(failed.reason).toBe('failed');
    expect(failed.answer).toEqual({ label: expect.stringMatching(/^(alpha|beta)$/) });
  });

  it('clips long values to 300 characters and an ellipsis, so thousands of events stay small', async () => {
    const w = makeWorld({ train: 4 });
    const long = 'a'.repeat(1000);
    w.ctx.trainset = w.ctx.trainset.map((ex, i) => (i === 0 ? { ...ex, inputs: { word: long }, labels: { label: 'alpha', notes: ['x'.repeat(400)] } } : ex));
    await bootstrapFewShot(w.ctx, { maxBootstrappedDemos: 4, maxLabeledDemos: 0 });
    const first = w.events.find((e): e is Kept | Rejected => (e.type === 'demo_bootstrapped' || e.type === 'bootstrap_rejected') && e.exampleId === w.ctx.trainset[0]!.id)!;
    expect(first.example!.inputs.word).toBe(`${'a'.repeat(300)}…`);
    expect(first.example!.labels.label).toBe('alpha');
    const notes = first.example!.labels.notes as string;
    expect(notes).toHaveLength(301);
    expect(notes.startsWith('["xxx')).toBe(true);
  });
});
