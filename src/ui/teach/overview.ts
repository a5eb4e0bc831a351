/**
 * Teaching mode's overview sentence: which optimizer ran, one sentence per kind. MIPROv2's
 * three phases keep their own paragraph (the steps after the overview walk through them).
 */

/** One sentence on what the optimizer of kind `kind` did; `undefined` for MIPROv2 (and an unknown run). */
export function optimizerOverview(kind: string | undefined): string | undefined {
  switch (kind) {
    case 'opro':
      return 'OPRO ran: round after round, a proposer read the instructions tried so far with their scores (lowest first, best last) and a few training examples and wrote new ones, each scored on a minibatch and the best of each step on the full validation subsample — demos were left as they were, and there was no TPE.';
    case 'bootstrap_few_shot':
      return 'BootstrapFewShot ran: it ran the program on training rows and kept the traces that passed the metric as demos — no instructions were proposed and nothing was searched.';
    case 'bootstrap_random_search':
      return 'Random search ran: it bootstrapped several demo sets, scored the program with each on the validation set and kept the best — no instructions were proposed and there was no TPE.';
    case 'labeled_few_shot':
      return 'LabeledFewShot ran: it sampled labeled training rows as demos, with no model calls and no search.';
    case 'none':
      return 'No optimizer ran: the program was scored as it was on the validation and test splits.';
    default:
      return undefined;
  }
}
