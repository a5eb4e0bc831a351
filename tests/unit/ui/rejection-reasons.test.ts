/**
 * Bootstrap tells a wrong answer from an unreadable one: a teacher that rambles on some rows
 * gets those rows rejected as `unreadable`, the rows it answered badly as `wrong`, and
 * teaching mode says which is which, for events stored before the reason existed too.
 */
import { describe, expect, it } from 'vitest';
import type { LanguageModel } from '../../../src/core/lm/types';
import { bootstrapFewShot, type OptimizerEvent } from '../../../src/core/optimize';
import type { RunEvent } from '../../../src/core/runner';
import { bootstrapRows, rejectionCounts, rejectionLabel } from '../../../src/ui/teach/teach-model';
import { makeWorld } from '../optimize/harness';

/** The teacher answers rows whose word is in `rambleOn` with prose instead of the format. */
function rambling(lm: LanguageModel, rambleOn: ReadonlySet<string>): LanguageModel {
  return {
    id: lm.id,
    maxConcurrency: lm.maxConcurrency,
    ...(lm.output && { output: lm.output }),
    async call(req, options) {
      const word = /\[\[ ## word ## \]\]\n([a-z]+)/.exec(req.messages.at(-1)!.content)?.[1];
      if (word && rambleOn.has(word)) return { completions: ['I think this word is rather nice.'], usage: { promptTokens: 5, completionTokens: 7 }, model: lm.id };
      return lm.call(req, options);
    },
  };
}

const asRun = (events: OptimizerEvent[]): RunEvent[] => events.map((event) => ({ type: 'optimizer', event }));

describe('bootstrap rejections', () => {
  it('say whether the answer was wrong or unreadable, and teaching mode shows it', async () => {
    const w = makeWorld({ train: 30 });
    const rambleOn = new Set(w.ctx.trainset.filter((_, i) => i % 4 === 1).map((e) => String(e.inputs.word)));
    w.ctx.lms.teacher = rambling(w.ctx.lms.teacher, rambleOn);
    // Bootstrap counts unreadable teacher runs against its error budget (as DSPy counts a
    // failed parse): leave room for all of them.
    w.ctx.maxErrors = rambleOn.size;
    await bootstrapFewShot(w.ctx, { maxBootstrappedDemos: 30, maxLabeledDemos: 0 });

    const rejected = w.events.flatMap((e) => (e.type === 'bootstrap_rejected' ? [e] : []));
    const wordOf = (id: string) => String(w.ctx.trainset.find((e) => e.id === id)!.inputs.word);
    const unreadable = rejected.filter((e) => e.reason === 'unreadable');
    expect(unreadable.map((e) => wordOf(e.exampleId)).sort()).toEqual([...rambleOn].sort());
    expect(unreadable.every((e) => e.error?.code === 'ADAPTER_PARSE' && e.score === 0)).toBe(true);
    const wrong = rejected.filter((e) => e.reason === 'wrong');
    expect(wrong.length).toBeGreaterThan(0);
    expect(wrong.every((e) => e.error === undefined && !rambleOn.has(wordOf(e.exampleId)))).toBe(true);
    expect(wrong.length + unreadable.length).toBe(rejected.length);

    const rows = bootstrapRows(asRun(w.events));
    expect(rejectionCounts(rows)).toEqual({ wrong: wrong.length, unreadable: unreadable.length, failed: 0 });
    const labels = new Set(rows.filter((r) => !r.kept).map(rejectionLabel));
    expect(labels).toEqual(new Set(['rejected: wrong answer', 'rejected: unreadable answer']));
  });

  it('read events stored before rejections had a reason from their error', () => {
    const old: OptimizerEvent[] = [
      { type: 'bootstrap_rejected', set: 0, exampleId: 'a', round: 0, score: 0 },
      { type: 'bootstrap_rejected', set: 0, exampleId: 'b', round: 0, score: 0, error: { code: 'ADAPTER_PARSE', message: 'Could not read' } },
      { type: 'bootstrap_rejected', set: 0, exampleId: 'c', round: 0, score: 0, error: { code: 'LM_TIMEOUT', message: 'Timed out' } },
    ];
    const rows = bootstrapRows(asRun(old));
    expect(rows.map((r) => r.reason)).toEqual(['wrong', 'unreadable', 'failed']);
    expect(rows.map(rejectionLabel)).toEqual(['rejected: wrong answer', 'rejected: unreadable answer', 'rejected: run failed (LM_TIMEOUT)']);
  });
});
