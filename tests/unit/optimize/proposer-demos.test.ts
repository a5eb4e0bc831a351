import { describe, expect, it } from 'vitest';
import { gatherDemos } from '../../../src/core/optimize/propose/grounded-proposer';
import type { Demo } from '../../../src/core/program';

const boot = (word: string): Demo => ({ fields: { word, label: 'alpha' }, augmented: true });
const labeled = (word: string): Demo => ({ fields: { word, label: 'beta' } });

/** Zero-shot, labeled-only, then three bootstrapped sets (as MIPROv2 builds them). */
const SETS: Record<string, Demo[]>[] = [
  { step: [] },
  { step: [labeled('l1'), labeled('l2')] },
  { step: [boot('a'), labeled('l1')] },
  { step: [boot('a'), boot('b')] },
  { step: [boot('c'), boot('d'), boot('e'), boot('f')] },
];

describe("the grounded proposer's demos", () => {
  it('gathers up to three bootstrapped demos from the candidate\'s own set, then the sets after it', () => {
    // Set 2 has one; set 3 repeats it and adds one; set 4 gives the third.
    expect(gatherDemos(SETS, 'step', 2).map((d) => d.fields['word'])).toEqual(['a', 'b', 'c']);
  });

  it('wraps around to the sets before the candidate\'s own', () => {
    expect(gatherDemos(SETS, 'step', 3).map((d) => d.fields['word'])).toEqual(['a', 'b', 'c']);
    expect(gatherDemos(SETS, 'step', 4).map((d) => d.fields['word'])).toEqual(['c', 'd', 'e']);
    // Candidate 6 of 5 sets starts at set 1 (labeled only: skipped), then 2, 3, 4.
    expect(gatherDemos(SETS, 'step', 6).map((d) => d.fields['word'])).toEqual(['a', 'b', 'c']);
  });

  it('never shows labeled demos, and none when no set has bootstrapped ones', () => {
    expect(gatherDemos(SETS.slice(0, 2), 'step', 1)).toEqual([]);
    expect(gatherDemos([], 'step', 1)).toEqual([]);
  });
});
