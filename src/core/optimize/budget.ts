/**
 * A call budget for an optimization: the task and teacher LM calls it makes, each `call()`
 * counted whether the model answers or the cache does. Counting cache hits too is what makes
 * a budgeted run reproducible: a resumed run, or one with a warm cache, makes the same calls
 * in the same order and so stops at the same place as a cold one.
 *
 * Optimizers check `canAfford` before each unit of work (an evaluation chunk, a teacher run),
 * so they stop under the budget; the wrapped models refuse a call past it as a last guard.
 * Shared by every optimizer that takes the `budget` option.
 */
import { PlaygroundError } from '../errors';
import type { LanguageModel } from '../lm/types';
import { interceptCalls } from '../lm/intercept';

export class CallBudget {
  private spent: number;

  /** `used`: calls already made (a resumed run passes its checkpoint's count). */
  constructor(readonly total: number, used = 0) {
    this.spent = used;
  }

  /** Calls made so far. */
  get used(): number {
    return this.spent;
  }

  get remaining(): number {
    return this.total - this.spent;
  }

  canAfford(calls: number): boolean {
    return calls <= this.remaining;
  }

  /** `lm` with every call counted against this budget. */
  wrap(lm: LanguageModel): LanguageModel {
    return interceptCalls(lm, (request, options) => {
      if (this.spent >= this.total) {
        throw new PlaygroundError('INTERNAL', `The optimizer tried a call past its budget of ${this.total} calls.`, {
          hint: 'This is a bug in PromptLab: an optimizer must check its budget before it spends it; please report it.',
        });
      }
      this.spent++;
      return lm.call(request, options);
    });
  }
}
